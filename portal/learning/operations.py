import random
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..audit import name_actions, record
from ..content import ContentError, render_markdown, version_problem
from ..database import DIALECT_INSERTS, utcnow
from ..events import attestation_earned
from ..extensions import db
from . import division_tallies, tallies  # noqa: F401  (division tallies count with every commit)
from .certificates import address_known, render_certificate
from .codes import new_code
from .drawing import draw_questions
from .grading import grade, right_keys, score
from .models import (Attempt, AttemptQuestion, Certificate, CertificateFile, Lesson, Module, ModuleVersion, Option,
                     Question, QuestionTag)
from .queries import PublishedModule, attempts_used, current_modules, has_passed, open_attempt
from .source import ModuleSource

name_actions({"module.sync": _l("Module version published"), "attempt.start": _l("Quiz started"),
              "attempt.submit": _l("Quiz submitted"), "certificate.issue": _l("Certificate issued")})


@dataclass(frozen=True)
class ModuleSyncOutcome:
    slug: str
    label: str
    published: bool


def _version_row(module: Module, source: ModuleSource) -> ModuleVersion:
    version = ModuleVersion(
        module=module, major=source.major, minor=source.minor, effective_date=source.effective_date,
        change=source.change, checksum=source.checksum, title=source.title, summary=source.summary,
        audience=",".join(source.audience), due_within_days=source.due_within_days, pass_mark=source.pass_mark,
        attempts_allowed=source.attempts_allowed, questions_per_attempt=source.questions_per_attempt,
        attests=source.attests)
    version.lessons = [Lesson(position=position, slug=lesson.slug, title=lesson.title,
                              body_html={language: render_markdown(text) for language, text in lesson.markdown.items()})
                       for position, lesson in enumerate(source.lessons, start=1)]
    version.questions = [Question(position=position, key=question.key, kind=question.kind, prompt=question.prompt,
                                  scenario=question.scenario, scenario_feedback=question.scenario_feedback,
                                  tags=[QuestionTag(tag=tag) for tag in question.tags],
                                  options=[Option(position=number, key=option.key, text=option.text,
                                                  feedback=option.feedback, correct=option.correct)
                                           for number, option in enumerate(question.options, start=1)])
                         for position, question in enumerate(source.questions, start=1)]
    return version


def sync_modules(sources: list[ModuleSource]) -> list[ModuleSyncOutcome]:
    """Publishes each module whose files changed as a new immutable version; all or nothing."""
    latest = current_modules()
    problems = []
    for source in sources:
        current = latest.get(source.slug)
        if current is not None and current.checksum != source.checksum:
            problem = version_problem(f"content/modules/{source.slug}", (source.major, source.minor), source.change,
                                      (current.major, current.minor))
            if problem:
                problems.append(problem)
    if problems:
        raise ContentError(problems)
    modules = {module.slug: module for module in db.session.scalars(select(Module))}
    outcomes = []
    for source in sources:
        current = latest.get(source.slug)
        if current is not None and current.checksum == source.checksum:
            outcomes.append(ModuleSyncOutcome(source.slug, source.label, False))
            continue
        db.session.add(_version_row(modules.get(source.slug) or Module(slug=source.slug), source))
        db.session.flush()
        record("module.sync", f"module:{source.slug}@{source.label}", {"change": source.change})
        outcomes.append(ModuleSyncOutcome(source.slug, source.label, True))
    return outcomes


class QuizUnavailable(Exception):
    """The person may not start another attempt; the message says why."""


def start_attempt(user, module: PublishedModule, chance: random.Random | None = None,
                  today: date | None = None) -> Attempt:
    """The person's open attempt at this version, or a new one with its questions drawn and options shuffled.

    Refused with QuizUnavailable once every allowed attempt is used; two starts at once make one attempt."""
    existing = open_attempt(user.id, module.id)
    if existing is not None:
        return existing
    if has_passed(user.id, module.same_major_ids):
        raise QuizUnavailable(_l("You have already passed this module."))
    used = attempts_used(user.id, module.id)
    if used >= module.attempts_allowed:
        raise QuizUnavailable(lazy_ngettext("You have used your only attempt at this module.",
                                            "You have used all %(num)d attempts at this module.",
                                            module.attempts_allowed))
    attempt = Attempt(user_id=user.id, module_id=module.module_id, version_id=module.id, number=used + 1,
                      questions=[AttemptQuestion(position=drawn.position, question_id=drawn.question_id,
                                                received_at=drawn.received_at, choices=drawn.choices)
                                for drawn in draw_questions(module, chance or random.SystemRandom(),
                                                            today or date.today())])
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
    except IntegrityError:
        return open_attempt(user.id, module.id) or start_attempt(user, module, chance, today)
    record("attempt.start", f"module:{module.slug}@{module.label}", {"attempt": attempt.id, "number": attempt.number},
           actor_id=user.id)
    return attempt


def submit_attempt(user, attempt: Attempt, module: PublishedModule, answers: dict[int, list[str]],
                   language: str) -> bool:
    """Grades the attempt and, when passed, issues the certificate and earns any attestation the module gives.

    `answers` holds the chosen keys by question position. Submitting an attempt that is already submitted (a
    second click, a second tab) changes nothing and returns False."""
    claimed = db.session.execute(update(Attempt).where(Attempt.id == attempt.id, Attempt.submitted_at.is_(None))
                                 .values(submitted_at=utcnow()).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        db.session.refresh(attempt)
        return False
    db.session.refresh(attempt)
    results = []
    for drawn in attempt.questions:
        chosen = answers.get(drawn.position, [])
        drawn.chosen = sorted(chosen)
        drawn.correct = grade(module.questions[drawn.question_id].kind, right_keys(module, drawn), frozenset(chosen))
        results.append((drawn.question_id, drawn.correct))
    attempt.score = score(sum(correct for _id, correct in results), len(results))
    attempt.passed = attempt.score >= module.pass_mark
    db.session.flush()
    record("attempt.submit", f"module:{module.slug}@{module.label}",
           {"attempt": attempt.id, "number": attempt.number, "score": attempt.score, "passed": attempt.passed},
           actor_id=user.id)
    if attempt.number == 1:
        tallies.count_first_attempt(user.division_id, results)
    if attempt.passed:
        issue_certificate(user, attempt, module, language)
        if module.attests:
            attestation_earned.send(module.attests, user=user, language=language)
    return True


def issue_certificate(user, attempt: Attempt, module: PublishedModule, language: str) -> Certificate:
    """The one certificate for a passed version, its PDF rendered now in the learner's language and kept; the other
    language's is rendered on its first download, as is the first one's when its address cannot be built yet."""
    certificate = Certificate(code=new_code(), user_id=user.id, module_id=module.module_id, version_id=module.id,
                              major=module.major, attempt_id=attempt.id, language=language, score=attempt.score,
                              issued_at=attempt.submitted_at)
    db.session.add(certificate)
    db.session.flush()
    if address_known():
        keep_certificate_pdf(certificate, user, module, language)
    record("certificate.issue", f"module:{module.slug}@{module.label}", {"certificate": certificate.code},
           actor_id=user.id)
    return certificate


def keep_certificate_pdf(certificate: Certificate, user, module: PublishedModule, language: str) -> bytes:
    """Renders the certificate's PDF in a language and keeps it beside any other language's; certificates loaded
    in bulk get theirs on first download. Of two first downloads at once, the one kept is the first stored."""
    pdf = render_certificate(certificate, user, module, language)
    keep = DIALECT_INSERTS[db.session.get_bind().dialect.name](CertificateFile)
    db.session.execute(keep.values(certificate_id=certificate.id, language=language, pdf=pdf)
                       .on_conflict_do_nothing(index_elements=["certificate_id", "language"]))
    return pdf
