"""Every interface string is translated into French, no visible text escapes the catalogue, and the
language choice sticks."""
import os
import re
from io import BytesIO
from pathlib import Path

import pytest
from babel.dates import get_day_names, get_month_names
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

from portal.config import BASE_DIR
from portal.kept import forget
from portal.content import INFORMATION_PAGES, load_information_page
from tests.conftest import adoption_sample, learning_ids, page, post_form, recognition_ids, sign_in
from tests.pages import ROLES, html_pages_for

METHODS = [("portal/**.py", "python"), ("portal/templates/**.html", "jinja2"), ("portal/templates/**.txt", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def scanned_directory(path: str) -> bool:
    """Every folder but hidden ones and caches: templates/_macros holds interface text too."""
    name = os.path.basename(path)
    return not name.startswith(".") and name != "__pycache__"


def source_messages() -> set:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(str(BASE_DIR), METHODS, keywords=KEYWORDS,
                                                                      directory_filter=scanned_directory):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_interface_string_has_a_french_translation():
    catalog = read_po((Path(BASE_DIR) / "translations/fr/LC_MESSAGES/messages.po").open("rb"))
    translated = {}
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        translated[key] = all(strings) and not message.fuzzy
    wanted = source_messages()
    assert len(wanted) > 100
    missing = sorted(text for text in wanted if not translated.get(text))
    assert missing == []


def test_switcher_is_on_every_page_and_remembered_for_the_user(app, client, factory, content):
    user = factory.user()
    response = post_form(client, "/language", {"language": "fr", "next": "/login?x=1"})
    assert response.headers["Location"] == "/login?x=1"
    soup = page(client.get("/login"))
    assert soup.html["lang"] == "fr" and soup.h1.get_text() == "Ouvrir une session"
    sign_in(client, user)
    assert page(client.get("/")).html["lang"] == "fr"
    later = app.test_client()
    sign_in(later, user)
    soup = page(later.get("/promise"))
    assert soup.html["lang"] == "fr"
    switch = soup.select_one("form.language-switch button")
    assert switch["lang"] == "en" and switch.get_text() == "English"
    post_form(later, "/language", {"language": "en", "next": "/promise"}, token_from="/promise")
    assert page(later.get("/promise")).html["lang"] == "en"


def test_unknown_language_is_refused_with_a_message(client):
    response = post_form(client, "/language", {"language": "de", "next": "https://evil.example/"},
                         follow_redirects=True)
    assert page(response).html["lang"] == "en"
    assert "That language is not available." in page(response).get_text()


def test_language_switch_without_token_changes_nothing(client):
    assert client.post("/language", data={"language": "fr"}).status_code == 400
    assert page(client.get("/login")).html["lang"] == "en"


OPEN, CLOSE = "\u27e6", "\u27e7"
INNERMOST = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
WORD = re.compile(r"[^\W\d_]+")


class Marked:
    """Translations that wrap every message they return in markers, so text that bypassed them shows."""

    def __init__(self, real):
        self.real = real

    def __getattr__(self, name):
        method = getattr(self.real, name)
        if not name.endswith("gettext"):
            return method
        return lambda *args: f"{OPEN}{method(*args)}{CLOSE}"


def words_of(*texts: str) -> set[str]:
    return {word.lower() for text in texts for word in WORD.findall(text or "")}


def untranslated_words(html: str, known_data: set[str]) -> list[str]:
    """Words on the page that came neither through the catalogue nor from the data shown."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style"]):
        tag.decompose()
    language = soup.html["lang"]
    for tag in soup.find_all(attrs={"lang": True}):
        if tag is not soup.html and tag["lang"] != language:
            tag.decompose()
    texts = [soup.get_text(" ")] + [tag[name] for name in ("aria-label", "alt", "title", "placeholder")
                                    for tag in soup.find_all(attrs={name: True})]
    leftover = []
    for text in texts:
        while (stripped := INNERMOST.sub(" ", text)) != text:
            text = stripped
        leftover += [word for word in WORD.findall(text) if word.lower() not in known_data]
    return sorted(set(leftover))


def data_on_pages(app) -> set[str]:
    """Words that are data, not interface: names, addresses, divisions, the documents, dates."""
    from portal.adoption.models import ReportingPeriod
    from portal.auth.models import Division, User
    from portal.extensions import db
    from portal.learning.models import Certificate, Lesson, ModuleVersion, Option, Question
    from portal.audit import AuditEntry
    from portal.promise.models import DocumentText
    from portal.recognition.models import Cycle, Nomination, Programme

    with app.app_context():
        rows = [(user.full_name, user.email) for user in db.session.scalars(db.select(User))]
        rows += [(division.name_fr, division.code) for division in db.session.scalars(db.select(Division))]
        rows += [(text.title, text.change_summary, text.body_markdown) for text in db.session.scalars(
            db.select(DocumentText).where(DocumentText.language == "fr"))]
        rows += [(version.title["fr"], version.summary["fr"]) for version in db.session.scalars(db.select(ModuleVersion))]
        rows += [(lesson.title["fr"], BeautifulSoup(lesson.body_html["fr"], "html.parser").get_text(" "))
                 for lesson in db.session.scalars(db.select(Lesson))]
        rows += [(question.prompt["fr"], *(text["fr"] for text in (question.scenario_feedback or {}).values()))
                 for question in db.session.scalars(db.select(Question))]
        rows += [(option.text["fr"], option.feedback["fr"]) for option in db.session.scalars(db.select(Option))]
        rows += [(certificate.code,) for certificate in db.session.scalars(db.select(Certificate))]
        rows += [(cycle.name_en, cycle.name_fr) for cycle in db.session.scalars(db.select(Cycle))]
        rows += [(nomination.citation, nomination.team_name or "") for nomination in db.session.scalars(
            db.select(Nomination))]
        rows += [(entry.subject,) for entry in db.session.scalars(db.select(AuditEntry))]
        for programme in db.session.scalars(db.select(Programme)):
            definition = programme.definition
            rows.append((definition["title"]["fr"], definition["summary"]["fr"],
                         BeautifulSoup(definition["eligibility_html"]["fr"], "html.parser").get_text(" ")))
            rows += [(item["title"]["fr"], item["description"]["fr"]) for item in definition["categories"]]
            rows += [(item["title"]["fr"], item["guidance"]["fr"]) for item in definition["rubric"]["criteria"]]
        for period in db.session.scalars(db.select(ReportingPeriod)):
            for area in period.indicators["areas"]:
                rows.append((area["title"]["fr"], area["summary"]["fr"]))
                rows += [(item["title"]["fr"], item["help"]["fr"]) for item in area["indicators"]]
    for slug in INFORMATION_PAGES:
        shown = load_information_page(app.config["CONTENT_DIR"], slug, "fr")
        rows.append((shown.title, shown.summary, BeautifulSoup(shown.body_html, "html.parser").get_text(" ")))
    calendar = [*get_month_names("wide", locale="fr_CA").values(), *get_month_names("abbreviated", locale="fr_CA")
                .values(), *get_day_names("wide", locale="fr_CA").values()]
    return words_of(*(value for row in rows for value in row), *calendar, "h min er HNE HAE UTC")


@pytest.fixture
def marked_catalogue(monkeypatch):
    import flask_babel
    import flask_wtf.i18n

    real_babel = flask_babel.Domain.get_translations
    real_wtforms = flask_wtf.i18n._get_translations

    def marked_in_french(translations):
        """Only French comes out marked: English drawn through the catalogue (a part rendered in the wrong locale)
        is caught like English typed into a template."""
        locale = flask_babel.get_locale()
        return Marked(translations) if locale is not None and locale.language == "fr" else translations

    monkeypatch.setattr(flask_babel.Domain, "get_translations", lambda self: marked_in_french(real_babel(self)))
    monkeypatch.setattr(flask_wtf.i18n, "_get_translations", lambda: marked_in_french(real_wtforms()))
    forget()
    yield
    forget()


def french_pages(app, factory, monkeypatch):
    """Every page in French, as a visitor and with every role, with errors, flashes and pagination showing."""
    everyone = factory.user(roles=ROLES[1:], division="CXD", language="fr")
    factory.user(division="CXD", name="Pas Encore")
    monkeypatch.setitem(app.config, "PAGE_SIZE", 1)
    ids = {"user": everyone.id, **learning_ids(app, everyone.id)}
    ids.update(recognition_ids(app, everyone.id, factory.user(division="PFR").id))
    ids.update(adoption_sample(app, factory, lead=everyone, steward=everyone))
    visitor = app.test_client()
    post_form(visitor, "/language", {"language": "fr", "next": "/login"})
    shown = {f"visitor {item.path}": visitor.get(item.url(ids)) for item in html_pages_for("anonymous", "fr")}
    shown["visitor 404"] = visitor.get("/no-such-page")
    shown["visitor expired form"] = visitor.post("/login", data={"csrf_token": "forged"})
    shown["visitor login errors"] = post_form(visitor, "/login", {"email": "", "password": ""})
    shown["visitor forgot errors"] = post_form(visitor, "/password/forgot", {"email": "not an address"})
    member = app.test_client()
    sign_in(member, everyone)
    for role in ROLES[1:]:
        for item in html_pages_for(role, "fr"):
            shown[item.path] = member.get(item.url(ids))
    quiz = f"/learning/attempts/{ids['attempt']}"
    shown["quiz errors"] = post_form(member, quiz, {"q1": "99"}, token_from=quiz)
    shown["reply-by errors"] = member.get("/reply-by?received_on=2026-02-30&received_at=")
    shown["verify errors"] = member.get("/certificates/verify?code=xyz")
    shown["verify not found"] = member.get("/certificates/verify/ABCD-EFGH-JKMN-PQRS")
    shown["attestation error"] = post_form(member, "/standards/attest", {}, token_from="/standards")
    post_form(member, "/standards/attest", {"confirm": "y"}, token_from="/standards")
    shown["attestation done"] = member.get("/standards")
    shown["password errors"] = post_form(member, "/account/password", {"current": "x", "password": "short",
                                                                        "confirm": "other"},
                                         token_from="/account/password")
    roles_page = f"/admin/users/{everyone.id}"
    shown["roles errors"] = post_form(member, roles_page, {"roles": ["wizard"]}, token_from=roles_page)
    shown["roles empty"] = post_form(member, roles_page, {"roles": []}, token_from=roles_page)
    shown["audit filter"] = member.get("/admin/?action=no.such.thing")
    draft = f"/recognition/nominations/{ids['nomination']}"
    shown["nomination errors"] = post_form(member, draft, {"citation": "mot " * 400, "revision": 1,
                                                           "action": "submit"}, token_from=draft)
    others = f"/recognition/nominations/{ids['others_nomination']}"
    shown["score errors"] = post_form(member, f"{others}/scores", {"revision": 2}, token_from=others)
    shown["decision errors"] = post_form(member, f"{others}/decision", {"revision": 2}, token_from=others)
    shown["cycle errors"] = post_form(member, "/recognition/cycles/new", {"name": ""},
                                      token_from="/recognition/cycles/new")
    shown["search"] = member.get(f"/recognition/cycles/{ids['open_cycle']}/nominate?q=zz")
    staff = app.test_client()
    sign_in(staff, factory.user(language="fr"))
    shown["403"] = staff.get("/admin/")
    return shown


def test_no_visible_text_on_a_french_page_bypasses_the_catalogue(app, factory, content, marked_catalogue,
                                                                  monkeypatch):
    shown = french_pages(app, factory, monkeypatch)
    known = data_on_pages(app)
    found = {name: untranslated_words(response.get_data(as_text=True), known)
             for name, response in shown.items() if response.mimetype == "text/html" and not response.location}
    assert {name: words for name, words in found.items() if words} == {}
    assert len(found) > 20


# Staff named so that an order by code point (Benoît before Béatrice, capitals and accented letters after z) or by
# folded ASCII (Łucja among the U's, Øyvind among the Y's) differs from the order people expect.
IN_NAME_ORDER = ["Béatrice Roy", "Benoît Roy", "Élise Roy", "émile Roy", "Eric Roy", "Luc Roy", "Łucja Roy",
                 "Mario Roy", "Olivia Roy", "Øyvind Roy", "Ursula Roy", "Zoé Roy"]


def test_names_sort_as_people_expect_in_both_languages():
    from portal.collation import sort_key

    assert sorted(reversed(IN_NAME_ORDER), key=sort_key) == IN_NAME_ORDER
    assert sorted(["Côté", "cote", "Cote", "côte"], key=sort_key) == ["cote", "Cote", "côte", "Côté"]


def order_shown(text: str) -> list[str]:
    return sorted((name for name in IN_NAME_ORDER if name in text), key=text.index)


def test_every_list_of_people_is_in_the_order_people_expect(app, client, factory, content):
    """Who has not attested and who is overdue (pages and CSV), the staff search, the accounts, the committee
    candidates and a cycle's committee, and the network of leads: on SQLite and on PostgreSQL."""
    from datetime import date, timedelta

    from portal.auth.models import User
    from portal.extensions import db
    from portal.recognition.models import Programme
    from portal.recognition.operations import CycleSettings, open_cycle

    people = [factory.user(roles=("staff", "lead", "committee"), division="CXD", name=name,
                           start_date=date(2020, 1, 6)).id
              for name in IN_NAME_ORDER[::2] + IN_NAME_ORDER[1::2][::-1]]
    viewer = factory.user(roles=("staff", "steward", "admin"), division="PFR", name="Vera Viewer")
    today = date.today()
    with app.test_request_context():
        award = db.session.scalar(db.select(Programme).where(Programme.slug == "city-managers-award"))
        cycle = open_cycle(award, CycleSettings("Names", today - timedelta(days=1), today + timedelta(days=9),
                                                frozenset(people), people[0], name_fr="Noms"),
                           db.session.get(User, viewer.id))
        db.session.commit()
        cycle_id = cycle.id
    sign_in(client, viewer)
    for address in ("/attestation/CXD", "/attestation/CXD/export.csv", "/learning/report/CXD",
                    "/learning/report/CXD/export.csv", f"/recognition/cycles/{cycle_id}/nominate?q=roy",
                    "/admin/users", "/recognition/cycles/new", "/recognition/cycles/", "/adoption/network"):
        response = client.get(address)
        assert response.status_code == 200, address
        expected = IN_NAME_ORDER[:10] if "nominate" in address else IN_NAME_ORDER
        assert order_shown(response.get_data(as_text=True)) == expected, address


COUNTED = re.compile(r"%\(\w+\)[sd] (?:\w+ )?(?:words|minutes|hours|days|weeks|months|years|inquiries|characters|"
                     r"attempts|questions|answers|people|persons|nominations|reviewers|divisions|modules|reports|"
                     r"problems|lines|awards|entries|files|items|points|members|staff)\b")


def test_every_count_shown_with_a_noun_goes_through_ngettext():
    """"1 inquiries" reads wrongly in both languages: a message with a count before a plural noun is a plural one."""
    singular_only = set()
    for _file, _line, message, _comments, _context in extract_from_dir(str(BASE_DIR), METHODS, keywords=KEYWORDS,
                                                                      directory_filter=scanned_directory):
        if isinstance(message, str) and COUNTED.search(message):
            singular_only.add(message)
    assert sorted(singular_only) == []


@pytest.mark.parametrize("language, one, flashed", [
    ("en", "log.csv: 1 inquiry", "1 inquiry imported"), ("fr", "log.csv\u202f: 1 demande", "1 demande importée")])
def test_a_count_of_one_reads_in_the_singular(app, client, factory, content, language, one, flashed):
    from datetime import date

    lead = factory.user(roles=("staff", "lead"), division="CXD", language=language)
    period = adoption_sample(app, factory, lead=lead)["adoption_period"]
    sign_in(client, lead)
    today = date.today()
    log = f"received_at,acknowledged_at,channel,around_the_clock\n{today} 00:01,,phone,no\n".encode()
    inquiries = "/adoption/divisions/CXD/inquiries"
    token = page(client.get(inquiries)).find("input", attrs={"name": "csrf_token"})["value"]
    response = client.post(f"{inquiries}/{period}/log", data={"csrf_token": token, "log": (BytesIO(log), "log.csv")},
                           content_type="multipart/form-data", follow_redirects=True)
    assert flashed in page(response).get_text(" ", strip=True)
    for address in (inquiries, "/adoption/divisions/CXD"):
        assert one in page(client.get(address)).get_text(" ", strip=True), address


FRENCH_PUNCTUATION = re.compile(r"(?:[^\u202f\d/][:;!?](?=\s|$)|«[^\u202f]|[^\u202f]»)")


def test_french_messages_follow_french_typography():
    """A narrow no-break space (U+202F) before : ; ! ? and inside « guillemets », in every French message."""
    catalog = read_po((Path(BASE_DIR) / "translations/fr/LC_MESSAGES/messages.po").open("rb"))
    wrong = [text for message in catalog if message.id
             for text in (message.string if isinstance(message.string, tuple) else (message.string,))
             if FRENCH_PUNCTUATION.search(text)]
    assert wrong == []


def french_texts(node):
    """Every French string of a content definition (a dict with "fr" keys, at any depth)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "fr" and isinstance(value, str):
                yield BeautifulSoup(value, "html.parser").get_text(" ")
            else:
                yield from french_texts(value)
    elif isinstance(node, list):
        for value in node:
            yield from french_texts(value)


def test_french_interface_content_follows_french_typography(app):
    """The help page, the privacy notice, the accessibility statement, the award programmes and the adoption
    indicators, which the interface shows as its own text."""
    from portal.adoption.source import load_indicators
    from portal.recognition.source import load_programmes

    content_dir = app.config["CONTENT_DIR"]
    texts = []
    for slug in INFORMATION_PAGES:
        shown = load_information_page(content_dir, slug, "fr")
        texts += [shown.title, shown.summary, BeautifulSoup(shown.body_html, "html.parser").get_text(" ")]
    texts += french_texts(load_indicators(content_dir).definition)
    for programme in load_programmes(content_dir):
        texts += french_texts(programme.definition)
    assert len(texts) > 50
    wrong = [match.string[max(0, match.start() - 30):match.end() + 10]
             for text in texts for match in FRENCH_PUNCTUATION.finditer(text)]
    assert wrong == []
