"""Learning history loaded in bulk, for the demo city and the benchmark city: attempts drawn and answered as
people would answer them, certificates (their PDFs are rendered on first download) and the question tallies.

Rows go in with `insert()` in batches, past the ORM; the tallies are counted again at the end."""
import random
import zlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import insert

from ..extensions import db
from . import division_tallies, tallies
from .codes import new_code
from .drawing import draw_questions
from .grading import grade, right_keys, score
from .models import Attempt, AttemptQuestion, Certificate, QuestionKind
from .queries import PublishedModule

BATCH = 5_000


@dataclass(frozen=True)
class Learner:
    id: int
    division_id: int | None
    start_date: date | None
    language: str
    skill: float


def _difficulty(question_id: int, kind: QuestionKind) -> float:
    """A steady per-question difficulty, so that item analysis shows some questions are harder than others."""
    base = (zlib.crc32(str(question_id).encode()) % 1000) / 1000 * 0.35
    return base + (0.1 if kind is QuestionKind.SCENARIO else 0)


def _answer(rng: random.Random, module: PublishedModule, drawn, chance_right: float) -> list[str]:
    right = right_keys(module, drawn)
    if rng.random() < chance_right:
        return sorted(right)
    wrong = [choice["key"] for choice in drawn.choices if choice["key"] not in right]
    return [rng.choice(wrong)] if wrong else []


def _moment(rng: random.Random, day: date) -> datetime:
    return datetime.combine(day, time(rng.randint(8, 17), rng.randrange(60)))


class _Rows:
    def __init__(self):
        self.attempts, self.questions, self.certificates = [], [], []

    def flush(self, force: bool = False) -> None:
        if not force and len(self.attempts) < BATCH:
            return
        if self.attempts:
            ids = db.session.scalars(insert(Attempt).returning(Attempt.id, sort_by_parameter_order=True),
                                     [row for row, _answers, _passed in self.attempts]).all()
            for attempt_id, (_row, answers, certificate) in zip(ids, self.attempts):
                self.questions += [{**answer, "attempt_id": attempt_id} for answer in answers]
                if certificate:
                    self.certificates.append({**certificate, "attempt_id": attempt_id})
        for table, rows in ((AttemptQuestion, self.questions), (Certificate, self.certificates)):
            for start in range(0, len(rows), BATCH):
                db.session.execute(insert(table), rows[start:start + BATCH])
        self.attempts, self.questions, self.certificates = [], [], []


def load_history(learners: list[Learner], modules: dict[str, PublishedModule], rng: random.Random,
                 today: date) -> int:
    """Each learner's attempts at each module meant for staff, by how able they are and how long they have had.

    Returns the number of attempts loaded."""
    rows, count = _Rows(), 0
    for learner in learners:
        if learner.start_date is None or learner.start_date > today:
            continue
        for module in modules.values():
            if "staff" not in module.audience:
                continue
            due = learner.start_date + timedelta(days=module.due_within_days)
            engaged = learner.skill if due < today else learner.skill * 0.5
            if rng.random() > engaged:
                continue
            window = max(1, (min(due, today) - learner.start_date).days)
            day = learner.start_date + timedelta(days=rng.randrange(window))
            for number in range(1, module.attempts_allowed + 1):
                drawn = draw_questions(module, rng, today)
                answers = []
                for question in drawn:
                    kind = module.questions[question.question_id].kind
                    chosen = _answer(rng, module, question, learner.skill - _difficulty(question.question_id, kind)
                                     + 0.08 * (number - 1))
                    correct = grade(kind, right_keys(module, question), frozenset(chosen))
                    answers.append({"position": question.position, "question_id": question.question_id,
                                    "received_at": question.received_at, "choices": question.choices,
                                    "chosen": chosen, "correct": correct})
                result = score(sum(answer["correct"] for answer in answers), len(answers))
                submitted = _moment(rng, day)
                passed = result >= module.pass_mark
                attempt = {"user_id": learner.id, "module_id": module.module_id, "version_id": module.id,
                           "number": number, "started_at": submitted - timedelta(minutes=rng.randint(6, 25)),
                           "submitted_at": submitted, "score": result, "passed": passed}
                certificate = {"code": new_code(), "user_id": learner.id, "module_id": module.module_id,
                               "version_id": module.id, "major": module.major, "language": learner.language,
                               "score": result, "issued_at": submitted} if passed else None
                rows.attempts.append((attempt, answers, certificate))
                count += 1
                rows.flush()
                if passed or rng.random() < 0.35:
                    break
                day = min(today, day + timedelta(days=rng.randint(1, 10)))
    rows.flush(force=True)
    tallies.refresh_all()
    division_tallies.refresh_all()
    return count
