"""Reads for the learner's pages: the current modules (kept per process, as versions never change), progress
and attempts."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, bindparam, func, select

from ..auth.models import User, UserRole
from ..collation import by_name
from ..extensions import db
from ..security import Role
from .models import Attempt, Certificate, CertificateFile, ModuleVersion, QuestionKind


@dataclass(frozen=True)
class PublishedOption:
    key: str
    text: dict
    feedback: dict
    correct: bool


@dataclass(frozen=True)
class PublishedQuestion:
    id: int
    key: str
    kind: QuestionKind
    prompt: dict
    tags: tuple[str, ...]
    options: dict[str, PublishedOption]
    scenario: str | None
    scenario_feedback: dict | None


@dataclass(frozen=True)
class PublishedLesson:
    number: int
    slug: str
    title: dict
    body_html: dict


@dataclass(frozen=True)
class PublishedModule:
    """A module version as pages read it, answer key included: views hand templates views of it, never this."""

    id: int
    module_id: int
    slug: str
    major: int
    minor: int
    checksum: str
    title: dict
    summary: dict
    audience: frozenset[str]
    due_within_days: int
    pass_mark: int
    attempts_allowed: int
    questions_per_attempt: int
    attests: str | None
    lessons: tuple[PublishedLesson, ...]
    questions: dict[int, PublishedQuestion]
    same_major_ids: tuple[int, ...]

    @property
    def label(self) -> str:
        return f"{self.major}.{self.minor}"

    def lesson(self, number: int) -> PublishedLesson | None:
        return self.lessons[number - 1] if 1 <= number <= len(self.lessons) else None

    def is_for(self, user) -> bool:
        return not self.audience.isdisjoint(role.value for role in user.roles)

    def due_for(self, user) -> date | None:
        """Due this many days after the start date; without a start date, never overdue."""
        return user.start_date + timedelta(days=self.due_within_days) if user.start_date else None


_published: dict[tuple[int, str], PublishedModule] = {}


def _read(version_ids: list[int]) -> None:
    rows = db.session.scalars(select(ModuleVersion).where(ModuleVersion.id.in_(version_ids))).all()
    siblings = db.session.execute(select(ModuleVersion.id, ModuleVersion.module_id, ModuleVersion.major)).all()
    for row in rows:
        lessons = tuple(PublishedLesson(number, lesson.slug, lesson.title, lesson.body_html)
                        for number, lesson in enumerate(row.lessons, start=1))
        questions = {question.id: PublishedQuestion(
            question.id, question.key, question.kind, question.prompt, tuple(sorted(tag.tag for tag in question.tags)),
            {option.key: PublishedOption(option.key, option.text, option.feedback, option.correct)
             for option in question.options}, question.scenario, question.scenario_feedback)
            for question in row.questions}
        same_major = tuple(version_id for version_id, module_id, major in siblings
                           if module_id == row.module_id and major == row.major)
        _published[row.id, row.checksum] = PublishedModule(
            row.id, row.module_id, row.module.slug, row.major, row.minor, row.checksum, row.title, row.summary,
            frozenset(row.audience.split(",")), row.due_within_days, row.pass_mark, row.attempts_allowed,
            row.questions_per_attempt, row.attests, lessons, questions, same_major)


# Read on every page, so written on the tables rather than the models: plain statements cost half as much to run.
# Unlike the ORM's, they do not flush pending changes first: a write that reads them back flushes itself.
_VERSIONS, _ATTEMPTS, _CERTIFICATES = ModuleVersion.__table__.c, Attempt.__table__.c, Certificate.__table__.c
_RANK = _VERSIONS.major * 1000 + _VERSIONS.minor
_NEWEST = select(_VERSIONS.module_id, func.max(_RANK).label("rank")).group_by(_VERSIONS.module_id).subquery()
CURRENT_MODULE_KEYS = select(_VERSIONS.id, _VERSIONS.checksum).join(
    _NEWEST, and_(_VERSIONS.module_id == _NEWEST.c.module_id, _RANK == _NEWEST.c.rank))


def current_modules() -> dict[str, PublishedModule]:
    """The newest version of every module by slug, the soonest due first, in one light query."""
    keys = db.session.connection().execute(CURRENT_MODULE_KEYS).all()
    unknown = [key[0] for key in keys if tuple(key) not in _published]
    if unknown:
        _read(unknown)
    found = sorted((_published[tuple(key)] for key in keys), key=lambda module: (module.due_within_days, module.slug))
    return {module.slug: module for module in found}


_CHECKSUM = select(_VERSIONS.checksum).where(_VERSIONS.id == bindparam("version_id"))


def published(version_id: int) -> PublishedModule | None:
    """Any version, current or not, that an attempt or certificate names."""
    checksum = db.session.execute(_CHECKSUM, {"version_id": version_id}).scalar()
    if checksum is None:
        return None
    if (version_id, checksum) not in _published:
        _read([version_id])
    return _published[version_id, checksum]


@dataclass(frozen=True)
class AttemptSummary:
    id: int
    number: int
    submitted: bool
    score: int | None
    passed: bool | None


@dataclass(frozen=True)
class ModuleProgress:
    module: PublishedModule
    due: date | None
    attempts: tuple[AttemptSummary, ...]
    certificate_id: int | None

    @property
    def passed(self) -> bool:
        return self.certificate_id is not None

    @property
    def open_attempt(self) -> AttemptSummary | None:
        return next((attempt for attempt in self.attempts if not attempt.submitted), None)

    @property
    def attempts_left(self) -> int:
        return max(0, self.module.attempts_allowed - len(self.attempts))

    def overdue(self, today: date) -> bool:
        return not self.passed and self.due is not None and self.due < today

    @property
    def out_of_attempts(self) -> bool:
        return not self.passed and self.attempts_left == 0 and self.open_attempt is None


MY_ATTEMPTS = (select(_ATTEMPTS.version_id, _ATTEMPTS.id, _ATTEMPTS.number, _ATTEMPTS.submitted_at, _ATTEMPTS.score,
                      _ATTEMPTS.passed)
               .where(_ATTEMPTS.user_id == bindparam("user_id"),
                      _ATTEMPTS.version_id.in_(bindparam("ids", expanding=True)))
               .order_by(_ATTEMPTS.number))
MY_CERTIFICATES = select(_CERTIFICATES.version_id, _CERTIFICATES.id).where(
    _CERTIFICATES.user_id == bindparam("user_id"), _CERTIFICATES.version_id.in_(bindparam("ids", expanding=True)))


def progress_for(user, modules: dict[str, PublishedModule]) -> list[ModuleProgress]:
    """The modules meant for this user with due date, attempts on the current version and certificate (two
    queries). A certificate for any version of the current major counts."""
    mine = [module for module in modules.values() if module.is_for(user)]
    if not mine:
        return []
    attempts = db.session.execute(MY_ATTEMPTS, {"user_id": user.id, "ids": [module.id for module in mine]}).all()
    certificates = dict(db.session.execute(MY_CERTIFICATES, {
        "user_id": user.id, "ids": [version_id for module in mine for version_id in module.same_major_ids]}).all())
    return [ModuleProgress(
        module, module.due_for(user),
        tuple(AttemptSummary(row.id, row.number, row.submitted_at is not None, row.score, row.passed)
              for row in attempts if row.version_id == module.id),
        next((certificates[version_id] for version_id in module.same_major_ids if version_id in certificates), None))
        for module in mine]


def attempt(attempt_id: int) -> Attempt | None:
    return Attempt.by_id(attempt_id)


@dataclass(frozen=True)
class AttemptHeading:
    """An attempt without its questions, read as one plain row: an open attempt's questions, drawn when it
    started, do not change until it is submitted, so its page can keep them under the attempt."""

    id: int
    user_id: int
    version_id: int
    number: int
    started_at: datetime
    submitted_at: datetime | None

    def can_view(self, user) -> bool:
        return user.is_authenticated and user.id == self.user_id

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None


_HEADING = select(_ATTEMPTS.id, _ATTEMPTS.user_id, _ATTEMPTS.version_id, _ATTEMPTS.number, _ATTEMPTS.started_at,
                  _ATTEMPTS.submitted_at).where(_ATTEMPTS.id == bindparam("attempt_id"))


def attempt_heading(attempt_id: int) -> AttemptHeading | None:
    row = db.session.execute(_HEADING, {"attempt_id": attempt_id}).one_or_none()
    return AttemptHeading(*row) if row else None


def open_attempt(user_id: int, version_id: int) -> Attempt | None:
    return db.session.scalar(select(Attempt).where(Attempt.user_id == user_id, Attempt.version_id == version_id,
                                                   Attempt.submitted_at.is_(None)))


def attempts_used(user_id: int, version_id: int) -> int:
    return db.session.scalar(select(func.count(Attempt.id)).where(Attempt.user_id == user_id,
                                                                  Attempt.version_id == version_id))


def certificates_of(user) -> list[tuple[Certificate, PublishedModule]]:
    """The person's certificates, newest first, each with the module version it was issued for."""
    found = db.session.scalars(select(Certificate).where(Certificate.user_id == user.id)
                               .order_by(Certificate.issued_at.desc())).all()
    return [(certificate, published(certificate.version_id)) for certificate in found]


def certificate(certificate_id: int) -> Certificate | None:
    return Certificate.by_id(certificate_id)


def certificate_by_code(code: str) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.code == code))


def certificate_pdf(certificate: Certificate, language: str) -> bytes | None:
    """The certificate's PDF in this language, if it has been rendered."""
    return db.session.scalar(select(CertificateFile.pdf).where(CertificateFile.certificate_id == certificate.id,
                                                               CertificateFile.language == language))


def has_passed(user_id: int, version_ids) -> bool:
    return db.session.scalar(select(Certificate.id).where(Certificate.user_id == user_id,
                                                          Certificate.version_id.in_(list(version_ids))).limit(1)) is not None


@dataclass(frozen=True)
class Contact:
    name: str
    email: str


@dataclass(frozen=True)
class WhomToAsk:
    """Who can tell a person what happens after their last attempt: their division's leads, or when it has none,
    the programme's stewards (`role`), or nobody the portal knows of."""

    role: Role | None
    people: tuple[Contact, ...]


CONTACTS_SHOWN = 5


def _holders_of(role: Role, person_id: int, division_id: int | None = None) -> tuple[Contact, ...]:
    found = (select(User.full_name, User.email).join(UserRole, UserRole.user_id == User.id)
             .where(UserRole.role == role, User.active.is_(True), User.id != person_id))
    if division_id is not None:
        found = found.where(User.division_id == division_id)
    return tuple(Contact(*row) for row in db.session.execute(
        found.order_by(by_name(User.full_name), User.id).limit(CONTACTS_SHOWN)))


def whom_to_ask(user) -> WhomToAsk:
    """The person's divisional leads by name, else the programme's stewards (at most CONTACTS_SHOWN of them)."""
    if user.division_id is not None:
        leads = _holders_of(Role.LEAD, user.id, user.division_id)
        if leads:
            return WhomToAsk(Role.LEAD, leads)
    stewards = _holders_of(Role.STEWARD, user.id)
    return WhomToAsk(Role.STEWARD if stewards else None, stewards)
