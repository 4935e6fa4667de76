"""A cycle has a name in each language, both required, and every page and e-mail shows the reader's."""
import re
from datetime import date, timedelta
from types import SimpleNamespace

from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from portal import create_app
from portal.config import BASE_DIR
from portal.extensions import db
from tests.conftest import PASSWORD, drop_everything, page, post_form, settings_for_tests, sign_in
from tests.recognition.test_nominations import RUBRIC, decide, score


def signed_in(app, person):
    client = app.test_client()
    sign_in(client, SimpleNamespace(email=person.email, password=PASSWORD))
    return client


def cycle_form(client, path: str, **fields):
    form = page(client.get(path)).select_one("main form")
    data = {"programme": form.select_one("#programme option")["value"] if form.select_one("#programme") else None,
            "division": "0", "name_en": "Spring 2027", "name_fr": "Printemps 2027",
            "opens_on": date.today().isoformat(), "closes_on": (date.today() + timedelta(days=30)).isoformat(),
            "members": form.select_one("input[name=members]")["value"],
            "chair": form.select_one("input[name=members]")["value"], **fields}
    return post_form(client, path, {key: value for key, value in data.items() if value is not None}, token_from=path)


def test_the_steward_names_a_cycle_in_both_languages(app, factory, content):
    from portal.recognition.models import Cycle

    steward = factory.user(roles=("staff", "steward"), division="CMO")
    factory.user(roles=("staff", "committee"), division="TS", name="Rae Reviewer")
    client = signed_in(app, steward)
    form = page(client.get("/recognition/cycles/new"))
    assert form.select_one("label[for=name_en]").get_text(strip=True) == "Name of the cycle in English"
    assert form.select_one("label[for=name_fr]").get_text(strip=True) == "Name of the cycle in French"
    for missing, message in (("name_fr", "Name the cycle in French."), ("name_en", "Name the cycle in English.")):
        refused = cycle_form(client, "/recognition/cycles/new", **{missing: "  "})
        assert refused.status_code == 422
        assert message in page(refused).select_one(".error-summary").get_text()
    with app.app_context():
        assert db.session.scalars(select(Cycle)).all() == []
    assert cycle_form(client, "/recognition/cycles/new").status_code == 302
    with app.app_context():
        cycle = db.session.scalar(select(Cycle))
        assert (cycle.name_en, cycle.name_fr) == ("Spring 2027", "Printemps 2027")
        cycle_id = cycle.id
    edit = f"/recognition/cycles/{cycle_id}/edit"
    shown = page(client.get(edit))
    assert shown.select_one("#name_fr")["value"] == "Printemps 2027"
    assert cycle_form(client, edit, name_fr="Printemps 2027 (révisé)").status_code == 302
    with app.app_context():
        assert db.session.get(Cycle, cycle_id).name_fr == "Printemps 2027 (révisé)"


def french(app, person_id: int) -> None:
    from portal.auth.models import User

    with app.app_context():
        db.session.get(User, person_id).language = "fr"
        db.session.commit()


NAMES = {"en": {"Open", "Closed"}, "fr": {"Ouvert", "Clos"}}


def cycle_names_on(client, path: str) -> set[str]:
    shown = page(client.get(path)).select_one("main").get_text(" ")
    return set(re.findall(r"— (Open|Closed|Ouvert|Clos)\b", " ".join(shown.split())))


def test_every_page_shows_the_cycle_name_in_the_readers_language(app, factory, content):
    from portal.recognition.models import Nomination
    from tests.recognition.test_access import build_world

    world = build_world(app, factory)
    with app.app_context():
        cycles = {"open": db.session.get(Nomination, world.ids["draft"]).cycle_id,
                  "closed": db.session.get(Nomination, world.ids["review"]).cycle_id}
    steward = factory.user(roles=("staff", "steward", "lead"), division="CXD")
    pages = [(world.people.nora, ["/recognition/", f"/recognition/nominations/{world.ids['draft']}",
                                  "/recognition/cycles/{open}/nominate"]),
             (world.people.rae, ["/recognition/", "/recognition/review/{closed}",
                                 f"/recognition/nominations/{world.ids['review']}"]),
             (world.people.nico, ["/recognition/awards"]),
             (steward, ["/recognition/cycles/", "/recognition/cycles/{closed}/edit", "/recognition/report/CXD"])]
    for language in ("en", "fr"):
        for person, paths in pages:
            if language == "fr":
                french(app, person.id)
            client = signed_in(app, person)
            for path in paths:
                found = cycle_names_on(client, path.format(**cycles))
                assert found and found <= NAMES[language], (person.name, language, path, found)


def test_the_showcase_shows_the_cycle_name_in_the_readers_language(app, factory, content):
    from tests.recognition.test_access import build_world

    world = build_world(app, factory)
    nico = signed_in(app, world.people.nico)
    post_form(nico, f"/recognition/awards/{world.ids['awarded']}/consent", {"agree": "yes"},
              token_from="/recognition/awards")
    meta = page(nico.get("/recognition/showcase")).select(".story-meta")[1].get_text(" ", strip=True)
    assert "Closed" in meta and "Clos " not in meta
    french(app, world.people.nico.id)
    nico = signed_in(app, world.people.nico)
    meta = page(nico.get("/recognition/showcase")).select(".story-meta")[1].get_text(" ", strip=True)
    assert "Clos" in meta and "Closed" not in meta


def test_the_decision_e_mails_name_the_cycle_in_each_recipients_language(app, factory, content):
    from portal.mailer import OutgoingMail
    from tests.recognition.test_access import build_world

    world = build_world(app, factory)
    french(app, world.people.nico.id)
    with app.app_context():
        for message in db.session.scalars(select(OutgoingMail)):
            db.session.delete(message)
        db.session.commit()
    rae = signed_in(app, world.people.rae)
    score(rae, world.ids["review"], dict(zip(RUBRIC, (4, 4, 4, 4))))
    decide(rae, world.ids["review"], "awarded", "Lasting change.")
    with app.app_context():
        bodies = {message.recipients[0]: message.body for message in db.session.scalars(select(OutgoingMail))}
    assert set(bodies) == {world.people.nora.email, world.people.nico.email}
    assert re.findall(r"— (Closed|Clos)\b", bodies[world.people.nora.email]) == ["Closed"]
    assert re.findall(r"— (Closed|Clos)\b", bodies[world.people.nico.email]) == ["Clos"]


def test_the_migration_gives_existing_cycles_their_name_in_both_languages_and_goes_back(tmp_path):
    scratch = create_app(settings_for_tests(f"sqlite:///{tmp_path}/names.db"))
    migrations = str(BASE_DIR / "migrations")
    with scratch.app_context():
        upgrade(directory=migrations, revision="0011_name_prefixes")
        connection = db.session.connection()
        connection.execute(text("INSERT INTO users (id, email, full_name, password_hash, language, active, "
                                "session_token, created_at) VALUES (1, 'a@example.org', 'A', 'x', 'en', 1, 't', "
                                "'2026-01-01')"))
        connection.execute(text("INSERT INTO programmes (id, slug, scope, definition, checksum, updated_at) VALUES "
                                "(1, 'award', 'city', '{}', 'c', '2026-01-01')"))
        connection.execute(text("INSERT INTO cycles (id, programme_id, name, opens_on, closes_on, chair_id, "
                                "definition, created_at) VALUES (1, 1, 'Spring 2026', '2026-03-01', '2026-04-01', 1, "
                                "'{}', '2026-01-01')"))
        db.session.commit()
        upgrade(directory=migrations, revision="0012_cycle_names")
        assert db.session.execute(text("SELECT name_en, name_fr FROM cycles")).one() == ("Spring 2026",
                                                                                         "Spring 2026")
        db.session.execute(text("UPDATE cycles SET name_fr = 'Printemps 2026'"))
        db.session.commit()
        downgrade(directory=migrations, revision="0011_name_prefixes")
        assert db.session.execute(text("SELECT name FROM cycles")).scalar() == "Spring 2026"
        db.session.commit()
        drop_everything()
        db.engine.dispose()
