"""Shared fixtures: the app on SQLite (or TEST_DATABASE_URL), a clean database per test, factories, sign-in,
statement counting, a real SMTP inbox and the command-line runner."""
import os
import socket
import time
from datetime import date
from email import message_from_bytes
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller
from bs4 import BeautifulSoup
from flask_migrate import upgrade
from sqlalchemy import MetaData, event, text
from werkzeug.security import generate_password_hash

from portal import create_app
from portal.config import BASE_DIR, TestConfig, _database_url
from portal.extensions import db
from portal.kept import forget

PASSWORD = "correct horse battery"
PASSWORD_HASH = generate_password_hash(PASSWORD)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return _database_url(url)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'portal-test.db'}"


def drop_everything() -> None:
    metadata = MetaData()
    metadata.reflect(bind=db.engine)
    metadata.drop_all(bind=db.engine)


def settings_for_tests(database_url: str, **overrides) -> dict:
    settings = TestConfig.defaults()
    settings.update(SQLALCHEMY_DATABASE_URI=database_url, MIGRATIONS_DIR=str(BASE_DIR / "migrations"),
                    RATELIMIT_STORAGE_URI="memory://")
    settings.update(overrides)
    return settings


@pytest.fixture(scope="session")
def app(database_url):
    app = create_app(settings_for_tests(database_url))
    with app.app_context():
        drop_everything()
        upgrade(directory=str(BASE_DIR / "migrations"))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def clean_database(request):
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.rollback()
        tables = list(reversed(db.metadata.sorted_tables))
        if db.engine.dialect.name == "postgresql":
            names = ", ".join(table.name for table in tables)
            db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                db.session.execute(table.delete())
        db.session.commit()
    from portal.extensions import limiter
    limiter.reset()
    forget()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def factory(app):
    return Factory(app)


@pytest.fixture
def cli(app):
    """Runs a `flask` command in-process: cli("content", "sync")."""
    runner = app.test_cli_runner()
    return lambda *args, input=None: runner.invoke(args=[str(arg) for arg in args], input=input)


class StatementCounter:
    """Counts the SQL statements sent while the block runs."""

    def __init__(self, engine):
        self.engine = engine
        self.count = 0

    def _count(self, *_args) -> None:
        self.count += 1

    def __enter__(self) -> "StatementCounter":
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *_exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._count)


@pytest.fixture
def count_statements(app):
    """`with count_statements() as counted: ...` then `counted.count`."""
    with app.app_context():
        engine = db.engine
    return lambda: StatementCounter(engine)


class Inbox:
    """What a real SMTP server on 127.0.0.1 received; `refuse(n)` makes it turn the next n messages away."""

    def __init__(self, port: int):
        self.port = port
        self.messages = []
        self.raw: list[bytes] = []  # each accepted message as it came over the wire
        self.refused = []
        self.to_refuse = 0
        self.refusal = ""

    def refuse(self, count: int, reply: str = "451 4.3.0 Try again later") -> None:
        self.to_refuse, self.refusal = count, reply

    async def handle_DATA(self, server, session, envelope):
        if self.to_refuse > 0:
            self.to_refuse -= 1
            self.refused.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
            return self.refusal
        self.raw.append(envelope.content)
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 Message accepted for delivery"

    def wait(self, count: int = 1, seconds: float = 5.0):
        deadline = time.monotonic() + seconds
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(app, monkeypatch):
    """A real SMTP server (aiosmtpd) the portal sends to for the length of the test."""
    port = free_port()
    inbox = Inbox(port)
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    monkeypatch.setattr(app.extensions["mail"], "server", "127.0.0.1")
    monkeypatch.setattr(app.extensions["mail"], "port", port)
    yield inbox
    controller.stop()


@pytest.fixture
def content(app):
    """The documents and learning modules in content/, published as they are in the repository."""
    from portal.learning.operations import sync_modules
    from portal.learning.source import load_modules
    from portal.promise.operations import sync_content
    from portal.recognition.operations import sync_programmes
    from portal.recognition.source import load_programmes
    from portal.adoption.operations import sync_indicators
    from portal.adoption.source import load_indicators

    with app.app_context():
        sync_content(app.config["CONTENT_DIR"])
        sync_modules(load_modules(app.config["CONTENT_DIR"]))
        sync_programmes(load_programmes(app.config["CONTENT_DIR"]))
        sync_indicators(load_indicators(app.config["CONTENT_DIR"]))
        db.session.commit()


class Factory:
    """Creates rows through the real operations and returns plain values that outlive the session."""

    def __init__(self, app):
        self.app = app
        self.count = 0

    def division(self, code: str = "CXD", name_en: str | None = None, name_fr: str | None = None) -> int:
        from portal.auth.models import Division
        from portal.auth.queries import division_by_code

        with self.app.app_context():
            division = division_by_code(code)
            if division is None:
                division = Division(code=code, name_en=name_en or f"Division {code}",
                                    name_fr=name_fr or f"Division {code} (fr)")
                db.session.add(division)
                db.session.commit()
            return division.id

    def user(self, roles=("staff",), division: str | None = "CXD", email: str | None = None,
             name: str | None = None, language: str = "en", active: bool = True, start_date=None):
        from portal.auth.models import User, UserRole
        from portal.security import Role

        self.count += 1
        division_id = self.division(division) if division else None
        with self.app.app_context():
            user = User(email=email or f"person{self.count}@example.org", full_name=name or f"Person {self.count}",
                        password_hash=PASSWORD_HASH, division_id=division_id, language=language, active=active,
                        start_date=start_date)
            user.role_rows = [UserRole(role=Role(role)) for role in roles]
            db.session.add(user)
            db.session.commit()
            return SimpleNamespace(id=user.id, email=user.email, password=PASSWORD, name=user.full_name)


def page(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def csrf_token(client, path: str = "/login") -> str:
    field = page(client.get(path)).find("input", attrs={"name": "csrf_token"})
    assert field is not None, f"no CSRF token on {path}"
    return field["value"]


def post_form(client, path: str, data: dict, token_from: str = "/login", **kwargs):
    return client.post(path, data={"csrf_token": csrf_token(client, token_from), **data}, **kwargs)


def sign_in(client, user, password: str | None = None, **kwargs):
    response = post_form(client, "/login", {"email": user.email, "password": password or user.password}, **kwargs)
    assert response.status_code == 302, page(response).get_text(" ", strip=True)[:500]
    return response


def messages(response) -> list[str]:
    """Flash messages, error summaries and field errors shown on a page."""
    soup = page(response)
    found = soup.select(".flash, .error-summary li, p.error")
    return [element.get_text(" ", strip=True) for element in found]


def take_quiz(app, user_id: int, slug: str, answers: str = "right", seed: int = 1) -> SimpleNamespace:
    """Starts an attempt at a published module through the real operations and, unless answers is "none",
    submits it with every answer right ("right") or wrong ("wrong")."""
    import random

    from portal.auth.models import User
    from portal.learning.grading import right_keys
    from portal.learning.models import Certificate
    from portal.learning.operations import start_attempt, submit_attempt
    from portal.learning.queries import current_modules

    with app.test_request_context():
        user = db.session.get(User, user_id)
        module = current_modules()[slug]
        attempt = start_attempt(user, module, random.Random(seed))
        if answers != "none":
            chosen = {}
            for drawn in attempt.questions:
                right = sorted(right_keys(module, drawn))
                wrong = [choice["key"] for choice in drawn.choices if choice["key"] not in right]
                chosen[drawn.position] = right if answers == "right" else wrong[:1]
            submit_attempt(user, attempt, module, chosen, user.language)
        db.session.commit()
        certificate = db.session.scalar(db.select(Certificate).where(Certificate.attempt_id == attempt.id))
        return SimpleNamespace(id=attempt.id, certificate_id=certificate.id if certificate else None,
                               code=certificate.code if certificate else None)


def learning_ids(app, user_id: int) -> dict:
    """The person's own quiz in progress, a result with its certificate, for pages addressed by id."""
    passed = take_quiz(app, user_id, "service-promise", "right")
    open_quiz = take_quiz(app, user_id, "service-standards", "none")
    return {"attempt": open_quiz.id, "result": passed.id, "certificate": passed.certificate_id, "code": passed.code}


def recognition_ids(app, person_id: int, colleague_id: int) -> dict:
    """Cycles and nominations for pages addressed by id: the person's own draft in an open cycle, and a
    colleague's nomination under review in a closed cycle, reviewed by the person when they sit on committees."""
    from datetime import date, timedelta

    from portal.auth.models import User, UserRole
    from portal.recognition.models import Programme
    from portal.recognition.operations import CycleSettings, open_cycle, start_nomination, submit_nomination
    from portal.recognition.operations import save_draft
    from portal.security import Role

    today = date.today()
    with app.test_request_context():
        person, colleague = db.session.get(User, person_id), db.session.get(User, colleague_id)
        reviewer = person
        if Role.COMMITTEE not in person.roles:
            reviewer = User(email=f"reviewer{person_id}@example.org", full_name="Rae Reviewer",
                            password_hash=PASSWORD_HASH, language="en")
            reviewer.role_rows = [UserRole(role=Role.STAFF), UserRole(role=Role.COMMITTEE)]
            db.session.add(reviewer)
            db.session.flush()
        nominee = User(email=f"nominee{person_id}@example.org", full_name="Noa Nominee", password_hash=PASSWORD_HASH,
                       language="en", role_rows=[UserRole(role=Role.STAFF)])
        db.session.add(nominee)
        db.session.flush()
        award = db.session.scalar(db.select(Programme).where(Programme.slug == "city-managers-award"))
        committee = CycleSettings("Open", today - timedelta(days=5), today + timedelta(days=5),
                                  frozenset({reviewer.id}), reviewer.id, name_fr="Ouvert")
        opened = open_cycle(award, committee, person)
        closed = open_cycle(award, CycleSettings("Closed", today - timedelta(days=30), today - timedelta(days=1),
                                                 frozenset({reviewer.id}), reviewer.id, name_fr="Clos"), person)
        own = start_nomination(opened, person, colleague, today)
        closed.opens_on, closed.closes_on = today, today + timedelta(days=1)
        others = start_nomination(closed, colleague, nominee, today)
        save_draft(others, "simple-and-convenient", None, "Made the permit form simple.", others.revision, today)
        submit_nomination(others, others.revision, today)
        closed.opens_on, closed.closes_on = today - timedelta(days=30), today - timedelta(days=1)
        db.session.commit()
        return {"open_cycle": opened.id, "closed_cycle": closed.id, "nomination": own.id,
                "others_nomination": others.id}


def adoption_ids(app, lead_id: int, other_lead_id: int, steward_id: int) -> dict:
    """The current quarter opened by the steward, the lead's draft report and the other lead's submitted one."""
    from portal.adoption.operations import open_period, save_report
    from portal.auth.models import User

    today = date.today()
    with app.test_request_context():
        lead, other, steward = (db.session.get(User, user_id) for user_id in (lead_id, other_lead_id, steward_id))
        period = open_period(today.year, (today.month - 1) // 3 + 1, today, steward)
        draft = save_report(period, lead.division, {}, None, lead, False, today)
        other_report = save_report(period, other.division, {"divisional-website-updated": {"value": True}}, None,
                                   other, False, today)
        db.session.commit()
        return {"period": period.id, "report": draft.id, "other_report": other_report.id,
                "division": lead.division.code, "other_division": other.division.code}


def adoption_sample(app, factory, lead=None, steward=None) -> dict:
    """adoption_ids for pages addressed by id: a lead in CXD (made unless given), one in PFR and a steward."""
    lead = lead or factory.user(roles=("staff", "lead"), division="CXD", name="Lee Lead")
    other = factory.user(roles=("staff", "lead"), division="PFR", name="Pat Parks")
    steward = steward or factory.user(roles=("staff", "steward"), division="CMO", name="Stella Steward")
    ids = adoption_ids(app, lead.id, other.id, steward.id)
    return {"adoption_period": ids["period"], "adoption_report": ids["report"]}
