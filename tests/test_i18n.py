"""Every interface string is translated into French, and the language choice sticks."""
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from portal.config import BASE_DIR
from tests.conftest import page, post_form, sign_in

METHODS = [("portal/**.py", "python"), ("portal/templates/**.html", "jinja2"), ("portal/templates/**.txt", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def source_messages() -> set:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(str(BASE_DIR), METHODS, keywords=KEYWORDS):
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
