"""A scratch city for `make bench`: divisions, published documents, staff, attestations, an audit log, learning
and recognition.

Everything goes through the migrations and the portal's own operations, except the bulk rows (staff, roles,
attestations, audit entries), which are inserted with SQLAlchemy `insert()`."""
import os
import random
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import MetaData, insert, select
from werkzeug.security import generate_password_hash

from portal import create_app
from portal.audit import AuditEntry
from portal.auth.models import Division, User, UserRole
from portal.auth.operations import create_user, import_divisions
from portal.config import BASE_DIR, settings_for
from portal.content import read_divisions_csv
from portal.extensions import db
from portal.auth.queries import user_by_email
from portal.learning import operations as learning_operations
from portal.learning.history import Learner, load_history
from portal.learning.queries import current_modules
from portal.learning.source import load_modules
from portal.promise import operations as promise_operations
from portal.promise.models import Attestation, Document, DocumentVersion
from portal.security import Role

from .pages import ACCOUNTS, LEARNER_QUIZ, PASSWORD
from .adoption import insert_adoption
from .recognition import insert_recognition

BATCH = 5_000
AUDIT_ENTRIES_PER_STAFF = 2.5
LOG_STARTS = datetime(2025, 1, 6, 8, 0)
LOG_DAYS = 365
GIVEN = ["Amara", "Benoît", "Chloé", "Dev", "Elena", "Farah", "Gabriel", "Hana", "Isaac", "Jia", "Kwame", "Léa",
         "Mateo", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Samir", "Thu", "Uma", "Victor", "Wen", "Yusuf"]
FAMILY = ["Abbott", "Bouchard", "Chen", "D'Souza", "Estrada", "Fraser", "Gagnon", "Haddad", "Ito", "Joseph",
          "Kaur", "Lavoie", "MacLeod", "Nguyen", "O'Brien", "Patel", "Roy", "Singh", "Tremblay", "Wong"]
AUDIT_ACTIONS = [("auth.sign_in", 55), ("auth.sign_out", 20), ("attestation.create", 14),
                 ("auth.sign_in_failed", 6), ("auth.password_change", 2), ("auth.password_reset_requested", 2),
                 ("auth.password_reset", 1)]


def portal_environment(database_url: str, server_name: str) -> dict[str, str]:
    """The production settings the portal is measured with, as environment variables."""
    env = {key: value for key, value in os.environ.items()
           if key not in {"TRUSTED_PROXIES", "REDIS_URL"} and not key.startswith("BENCH_")}
    env.update(PORTAL_ENV="production", SECRET_KEY=secrets.token_hex(32), DATABASE_URL=database_url,
               SESSION_COOKIE_SECURE="false", SERVER_NAME=server_name, MAIL_DISABLED="true")
    return env


@contextmanager
def _environment(env: dict[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def portal_app(database_url: str) -> Flask:
    """The portal in this process, with the same production settings gunicorn gets."""
    with _environment(portal_environment(database_url, "localhost")):
        return create_app(settings_for("production"))


def build(app: Flask, staff: int, seed: int = 2026) -> dict[str, int]:
    """Empties the database and fills it with a city of `staff` people; returns the row counts."""
    rng = random.Random(seed)
    with app.app_context():
        metadata = MetaData()
        metadata.reflect(bind=db.engine)
        metadata.drop_all(bind=db.engine)
        upgrade(directory=str(BASE_DIR / "migrations"))
        import_divisions(read_divisions_csv(BASE_DIR / "content" / "divisions.csv"))
        promise_operations.sync_content(BASE_DIR / "content")
        learning_operations.sync_modules(load_modules(BASE_DIR / "content"))
        divisions = list(db.session.scalars(select(Division).order_by(Division.id)))
        by_code = {division.code: division for division in divisions}
        for account in ACCOUNTS.values():
            create_user(account.email, account.full_name, PASSWORD, set(account.roles), by_code[account.division],
                        date(2025, 1, 6))
        db.session.commit()
        _start_learners_quiz(rng)

        versions = _published_versions()
        people = _insert_staff(rng, staff - len(ACCOUNTS), [division.id for division in divisions])
        attestations = _insert_attestations(rng, people, versions)
        entries = _insert_audit_log(rng, people, versions, round(staff * AUDIT_ENTRIES_PER_STAFF))
        attempts = _insert_learning(rng, people)
        nominations = insert_recognition(rng, people, date.today())
        inquiries = insert_adoption(rng, staff, date.today())
        db.session.commit()
        if hasattr(promise_operations, "refresh_attestation_summaries"):
            promise_operations.refresh_attestation_summaries()
            db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE")
        db.session.remove()
        db.engine.dispose()
    return {"staff": staff, "divisions": len(divisions), "attestations": attestations, "audit_entries": entries,
            "attempts": attempts, "nominations": nominations, "inquiries": inquiries}


def _start_learners_quiz(rng: random.Random) -> None:
    """The bench learner's Service Standards quiz, begun and not submitted: the first attempt (pages.LEARNER_QUIZ)."""
    learner = user_by_email(ACCOUNTS["learner"].email)
    attempt = learning_operations.start_attempt(learner, current_modules()["service-standards"], rng)
    db.session.commit()
    if f"/learning/attempts/{attempt.id}" != LEARNER_QUIZ:
        raise RuntimeError(f"the learner's quiz is attempt {attempt.id}, not the one bench/pages.py names")


def _insert_learning(rng: random.Random, people: list[dict]) -> int:
    """About three attempts per person over the three modules, through the portal's bulk loader."""
    learners = [Learner(person["id"], person["division_id"], person["start_date"], person["language"],
                        rng.uniform(0.55, 0.97)) for person in people]
    return load_history(learners, current_modules(), rng, LOG_STARTS.date() + timedelta(days=LOG_DAYS))


def _published_versions() -> dict[int, str]:
    """The version just published of each document, as the audit log names it, by id."""
    rows = db.session.execute(select(DocumentVersion.id, Document.slug, DocumentVersion.major, DocumentVersion.minor)
                              .join(Document).order_by(DocumentVersion.id))
    return {version_id: f"document:{slug}@{major}.{minor}" for version_id, slug, major, minor in rows}


def _batches(rows: list[dict]) -> Iterator[list[dict]]:
    for start in range(0, len(rows), BATCH):
        yield rows[start:start + BATCH]


def _insert_staff(rng: random.Random, count: int, division_ids: list[int]) -> list[dict]:
    """Staff spread unevenly over the divisions (the first in divisions.csv is the largest), one lead each."""
    password_hash = generate_password_hash(PASSWORD)
    weights = [len(division_ids) - index for index in range(len(division_ids))]
    people = []
    for n in range(count):
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        people.append({
            "email": f"{given}.{family}.{n}@example.org".lower().replace("'", ""),
            "full_name": f"{given} {family}", "password_hash": password_hash,
            "division_id": rng.choices(division_ids, weights)[0],
            "start_date": date(2025, 1, 6) - timedelta(days=rng.randrange(9000)),
            "language": "fr" if rng.random() < 0.2 else "en", "active": rng.random() < 0.98,
            "session_token": f"{rng.getrandbits(128):032x}"})
    for batch in _batches(people):
        ids = db.session.scalars(insert(User).returning(User.id, sort_by_parameter_order=True), batch).all()
        for person, user_id in zip(batch, ids):
            person["id"] = user_id
    leads = {person["division_id"]: person["id"] for person in reversed(people)}
    roles = [{"user_id": person["id"], "role": Role.STAFF} for person in people]
    roles += [{"user_id": user_id, "role": Role.LEAD} for user_id in leads.values()]
    for batch in _batches(roles):
        db.session.execute(insert(UserRole), batch)
    return people


def _insert_attestations(rng: random.Random, people: list[dict], versions: dict[int, str]) -> int:
    """About two thirds of staff attested to every current document, some to the first one only."""
    version_ids = list(versions)
    rows = []
    for person in people:
        chance = rng.random()
        attested = version_ids if chance < 2 / 3 else version_ids[:1] if chance < 0.8 else []
        for version_id in attested:
            rows.append({"user_id": person["id"], "version_id": version_id, "language": person["language"],
                         "attested_at": LOG_STARTS + timedelta(minutes=rng.randrange(LOG_DAYS * 24 * 60))})
    for batch in _batches(rows):
        db.session.execute(insert(Attestation), batch)
    return len(rows)


def _insert_audit_log(rng: random.Random, people: list[dict], versions: dict[int, str], count: int) -> int:
    """Sign-ins, sign-outs, attestations and password events over a year, oldest first."""
    actions, weights = zip(*AUDIT_ACTIONS)
    documents = list(versions.values())
    step = timedelta(days=LOG_DAYS) / count
    rows = []
    for n in range(count):
        person, action = rng.choice(people), rng.choices(actions, weights)[0]
        unknown = action == "auth.sign_in_failed" and rng.random() < 0.3
        rows.append({
            "occurred_at": LOG_STARTS + step * n, "action": action,
            "actor_id": None if unknown else person["id"],
            "subject": rng.choice(documents) if action == "attestation.create" else person["email"],
            "details": {"language": person["language"]} if action == "attestation.create" else {},
            "ip_address": f"10.{rng.randrange(1, 40)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"})
    for batch in _batches(rows):
        db.session.execute(insert(AuditEntry), batch)
    return len(rows)
