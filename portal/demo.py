"""Demonstration data for `make run`: the divisions, one account per role, and a city of about a thousand staff
whose attestation rates and learning differ by division. Loading again changes nothing."""
import random
import unicodedata
import secrets
from datetime import date, datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from .adoption.history import load_adoption
from .adoption.models import ReportingPeriod
from .auth.models import Division, User, UserRole
from .auth.operations import create_user, import_divisions
from .auth.queries import division_by_code, user_by_email
from .content import read_divisions_csv
from .extensions import db
from .learning.grading import right_keys
from .learning.history import Learner, load_history
from .learning.models import Attempt
from .learning.operations import start_attempt, submit_attempt
from .learning.queries import current_modules
from .promise.models import Attestation
from .promise.queries import current_versions
from .recognition.history import load_recognition
from .recognition.models import Cycle
from .security import Role

DEMO_ACCOUNTS = [
    ("new.staff@example.org", "Nadia Staff", {Role.STAFF}, "CXD", "fr"),  # joined ten days ago
    ("staff@example.org", "Sam Staff", {Role.STAFF}, "PFR", "en"),
    ("lead@example.org", "Lee Lead", {Role.STAFF, Role.LEAD}, "CXD", "en"),
    ("steward@example.org", "Stella Steward", {Role.STAFF, Role.STEWARD}, "CMO", "en"),
    ("committee@example.org", "Cam Committee", {Role.STAFF, Role.COMMITTEE}, "PE", "en"),
    ("admin@example.org", "Ada Admin", {Role.STAFF, Role.ADMIN}, "TS", "en"),
]
NEW_STAFF = "new.staff@example.org"
CITY_DOMAIN = "staff.example.org"
CITY_SIZE = 1000
GIVEN = ("Amira Benoît Chloé Daniel Élise Farid Gabrielle Hassan Isabelle Jean Kavya Louis Maya Nathalie Omar "
         "Priya Quentin Rosa Samuel Thi Ugo Valérie William Xavier Yasmine Zoé Aaron Béatrice Carlos Dominique "
         "Émile Fatima Grace Hugo Inès Jasmine Kwame Léa Marc Noor").split()
FAMILY = ("Tremblay Gagnon Roy Côté Bouchard Gauthier Morin Lavoie Fortin Gagné Ouellet Pelletier Bélanger Lévesque "
          "Bergeron Leblanc Paquette Girard Simard Boucher Smith Brown Wilson Martin Patel Singh Nguyen Chen Ali "
          "Khan Li Wong Campbell Anderson Taylor Thomas Moore White Clarke Okafor").split()


# The demo accounts share a published password and include an administrator: nowhere else.
DEMO_ENVIRONMENTS = ("development", "test")


class DemoRefused(RuntimeError):
    """Demo data asked for where real people use the portal."""


def load_demo(content_dir: Path, password: str) -> list[tuple[str, str, str]]:
    """Divisions, the demo accounts and, the first time only, the demo city; only in development and test."""
    environment = current_app.config.get("ENVIRONMENT")
    if environment not in DEMO_ENVIRONMENTS:
        raise DemoRefused(f"the demo accounts (an administrator among them, with a published password) are loaded "
                          f"only with PORTAL_ENV=development or test, not {environment}; nothing was loaded")
    import_divisions(read_divisions_csv(Path(content_dir) / "divisions.csv"))
    listed = []
    for email, name, roles, division_code, language in DEMO_ACCOUNTS:
        division = division_by_code(division_code)
        started = date.today() - timedelta(days=10) if email == NEW_STAFF else date(2026, 9, 1)
        user = user_by_email(email) or create_user(email, name, password, roles, division, started, language)
        listed.append((user.email, ", ".join(sorted(role.value for role in user.roles)),
                       user.division.name_en if user.division else ""))
    if not _city_loaded():
        _load_city(random.Random(2026))
    if not db.session.scalar(select(func.count(Attempt.id))):
        _load_learning(random.Random(2027))
    if not db.session.scalar(select(func.count(Cycle.id))):
        _load_recognition(random.Random(2028))
    if not db.session.scalar(select(func.count(ReportingPeriod.id))):
        load_adoption(random.Random(2029), date.today(), user_by_email("steward@example.org"),
                      user_by_email("lead@example.org"))
    return listed


def _address(text: str) -> str:
    """An e-mail address without accents, as the City's mail system writes them."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def _city_loaded() -> bool:
    return bool(db.session.scalar(select(func.count(User.id)).where(User.email.like(f"%@{CITY_DOMAIN}"))))


def _load_city(chance: random.Random) -> None:
    """About a thousand staff who joined over the last six years; each division has its own attestation rate."""
    divisions = list(db.session.scalars(select(Division).order_by(Division.code)))
    rates = {division.id: chance.uniform(0.25, 0.95) for division in divisions}
    versions = list(current_versions().values())
    unusable = generate_password_hash(secrets.token_urlsafe(24))
    today = date.today()
    people = []
    for number in range(CITY_SIZE):
        given, family = chance.choice(GIVEN), chance.choice(FAMILY)
        division = chance.choice(divisions)
        started = today - timedelta(days=chance.randint(20, 6 * 365))
        person = User(email=_address(f"{given}.{family}.{number}@{CITY_DOMAIN}"), full_name=f"{given} {family}",
                      password_hash=unusable, division_id=division.id, start_date=started,
                      language="fr" if chance.random() < 0.2 else "en", active=chance.random() > 0.03)
        person.role_rows = [UserRole(role=Role.STAFF)]
        people.append(person)
    db.session.add_all(people)
    db.session.flush()
    attestations = []
    for person in people:
        for version in versions:
            if chance.random() < rates[person.division_id]:
                moment = datetime.combine(max(person.start_date, version.effective_date), datetime.min.time())
                attestations.append(Attestation(user_id=person.id, version_id=version.id, language=person.language,
                                                attested_at=moment + timedelta(days=chance.randint(0, 30),
                                                                               hours=chance.randint(8, 17))))
    db.session.add_all(attestations)
    db.session.flush()


def _load_learning(chance: random.Random) -> None:
    """The city's learning history, each division with its own ability; Sam Staff passed the Promise module,
    failed the Standards quiz once and has not begun the Code of Conduct."""
    modules = current_modules()
    if not modules:
        return
    ability = {division_id: chance.uniform(0.5, 0.9) for division_id in db.session.scalars(select(Division.id))}
    city = db.session.execute(select(User.id, User.division_id, User.start_date, User.language)
                              .where(User.email.like(f"%@{CITY_DOMAIN}"), User.active)).all()
    learners = [Learner(person.id, person.division_id, person.start_date, person.language,
                        min(0.98, ability.get(person.division_id, 0.7) + chance.uniform(-0.15, 0.15)))
                for person in city]
    load_history(learners, modules, chance, date.today())
    sam = user_by_email("staff@example.org")
    for slug, right in (("service-promise", True), ("service-standards", False)):
        if slug in modules:
            _take_quiz(sam, modules[slug], chance, all_right=right)


def _take_quiz(user, module, chance: random.Random, all_right: bool) -> None:
    """One attempt through the real operations: every answer right, or about half of them."""
    attempt = start_attempt(user, module, chance)
    answers = {}
    for drawn in attempt.questions:
        right = sorted(right_keys(module, drawn))
        wrong = [choice["key"] for choice in drawn.choices if choice["key"] not in right]
        answers[drawn.position] = right if all_right or drawn.position % 2 or not wrong else [wrong[0]]
    submit_attempt(user, attempt, module, answers, user.language)


def _load_recognition(chance: random.Random) -> None:
    """Award cycles past, in review and open, chaired by Cam Committee; Sam Staff has nominations of his own."""
    city = list(db.session.scalars(select(User).where(User.email.like(f"%@{CITY_DOMAIN}")).order_by(User.id)))
    lead = user_by_email("lead@example.org")
    load_recognition(chance, date.today(), city, user_by_email("committee@example.org"),
                     user_by_email("staff@example.org"), lead.division_id)
