from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import Immutable, utcnow
from ..enums import TitledEnum, enum_column
from ..extensions import db


class QuestionKind(TitledEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true_false"
    SCENARIO = "scenario"

    @classmethod
    def titles(cls) -> dict:
        return {cls.SINGLE: _l("One answer"), cls.MULTIPLE: _l("One or more answers"),
                cls.TRUE_FALSE: _l("True or false"), cls.SCENARIO: _l("Reply-by scenario")}


class Module(db.Model):
    __tablename__ = "modules"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)


class ModuleVersion(Immutable, db.Model):
    """One published version of a module: its settings, texts, lessons and question bank never change."""

    __tablename__ = "module_versions"
    __table_args__ = (UniqueConstraint("module_id", "major", "minor"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), index=True)
    major: Mapped[int]
    minor: Mapped[int]
    effective_date: Mapped[date]
    change: Mapped[str] = mapped_column(String(10))
    checksum: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    title: Mapped[dict] = mapped_column(JSON)
    summary: Mapped[dict] = mapped_column(JSON)
    audience: Mapped[str] = mapped_column(String(100))
    due_within_days: Mapped[int]
    pass_mark: Mapped[int]
    attempts_allowed: Mapped[int]
    questions_per_attempt: Mapped[int]
    attests: Mapped[str | None] = mapped_column(String(40))

    module: Mapped[Module] = relationship(lazy="joined")
    lessons: Mapped[list["Lesson"]] = relationship(lazy="selectin", order_by="Lesson.position")
    questions: Mapped[list["Question"]] = relationship(lazy="selectin", order_by="Question.position")


class Lesson(Immutable, db.Model):
    __tablename__ = "lessons"
    __table_args__ = (UniqueConstraint("version_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("module_versions.id"))
    position: Mapped[int]
    slug: Mapped[str] = mapped_column(String(60))
    title: Mapped[dict] = mapped_column(JSON)
    body_html: Mapped[dict] = mapped_column(JSON)


class Question(Immutable, db.Model):
    """A question of a module version's bank. Its right answers live in its options' rows."""

    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("version_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("module_versions.id"))
    position: Mapped[int]
    key: Mapped[str] = mapped_column(String(60))
    kind: Mapped[QuestionKind] = enum_column(QuestionKind)
    prompt: Mapped[dict] = mapped_column(JSON)
    scenario: Mapped[str | None] = mapped_column(String(40))
    scenario_feedback: Mapped[dict | None] = mapped_column(JSON)

    options: Mapped[list["Option"]] = relationship(lazy="selectin", order_by="Option.position")
    tags: Mapped[list["QuestionTag"]] = relationship(lazy="selectin")


class QuestionTag(Immutable, db.Model):
    """What a question tests: a commitment of the Promise (`promise-3`) or a Standard (`standard-1`)."""

    __tablename__ = "question_tags"

    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(20), primary_key=True)


class Option(Immutable, db.Model):
    __tablename__ = "options"
    __table_args__ = (UniqueConstraint("question_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    position: Mapped[int]
    key: Mapped[str] = mapped_column(String(10))
    text: Mapped[dict] = mapped_column(JSON)
    feedback: Mapped[dict] = mapped_column(JSON)
    correct: Mapped[bool]


class Attempt(db.Model):
    """One try at a module version's quiz: the questions drawn for it, then the answers and the grade."""

    __tablename__ = "attempts"
    __table_args__ = (UniqueConstraint("user_id", "version_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("module_versions.id"))
    number: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    score: Mapped[int | None]
    passed: Mapped[bool | None]

    questions: Mapped[list["AttemptQuestion"]] = relationship(lazy="selectin", order_by="AttemptQuestion.position",
                                                              cascade="all, delete-orphan")

    def can_view(self, user) -> bool:
        return user.is_authenticated and user.id == self.user_id

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None


class AttemptQuestion(db.Model):
    """A question as drawn for one attempt: the order its choices were shown in, and later the answer.

    `choices` lists the option keys in the order shown; for a scenario, each choice also carries the moment
    it names and the mistake that leads to it, all computed by the clock when the attempt started, and
    `received_at` is when the scenario's inquiry arrived, in Toronto time."""

    __tablename__ = "attempt_questions"

    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    received_at: Mapped[datetime | None]
    choices: Mapped[list] = mapped_column(JSON)
    chosen: Mapped[list | None] = mapped_column(JSON)
    correct: Mapped[bool | None]


class Certificate(Immutable, db.Model):
    """Issued once for a passed module version; the PDF is kept so it is never rendered twice."""

    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("user_id", "version_id"), Index("ix_certificates_version_user", "version_id",
                                                                        "user_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("module_versions.id"))
    major: Mapped[int]
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"), unique=True)
    language: Mapped[str] = mapped_column(String(2))
    score: Mapped[int]
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)

    user = relationship("User", lazy="joined")

    def can_download(self, user) -> bool:
        return user.is_authenticated and user.id == self.user_id


class CertificateFile(db.Model):
    """The certificate's PDF in one language, stored the first time it is rendered (the issue language at issue,
    the other language, and bulk-loaded certificates, on the first download)."""

    __tablename__ = "certificate_files"

    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id", ondelete="CASCADE"), primary_key=True)
    language: Mapped[str] = mapped_column(String(2), primary_key=True)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)


class QuestionTally(db.Model):
    """First attempts per division and question: how many answered it and how many got it right. Kept with
    every submitted first attempt, so item analysis reads a few thousand rows, not every answer."""

    __tablename__ = "question_tallies"

    division_id: Mapped[int] = mapped_column(ForeignKey("divisions.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), primary_key=True)
    answered: Mapped[int] = mapped_column(default=0)
    answered_right: Mapped[int] = mapped_column(default=0)


class LearningTally(db.Model):
    """A division's learning figure for one module at one major version, kept with every change that affects it.

    Names: `<figure>:<module id>:<major>`, the figure being one of division_tallies.FIGURES."""

    __tablename__ = "learning_tallies"

    division_id: Mapped[int] = mapped_column(ForeignKey("divisions.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)


class LearningDue(db.Model):
    """How many of a division's staff still owe a module, by the day it falls due; whoever is overdue today is
    a sum over the days before it, so no figure goes out of date overnight.

    Names: `<module id>:<major>` for one module; `any:<key>` counts each person once, on the first day any
    module of the current set (the key) falls due."""

    __tablename__ = "learning_dues"

    division_id: Mapped[int] = mapped_column(ForeignKey("divisions.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    due_on: Mapped[date] = mapped_column(primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
