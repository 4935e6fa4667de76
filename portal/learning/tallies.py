"""Question tallies: first attempts per division and question, answered and answered right.

Counted as each first attempt is submitted (an upsert, so two submissions at once both count) and, for data
loaded in bulk, all over again from the answers."""
from sqlalchemy import delete, func, insert, select

from ..auth.models import User
from ..extensions import db
from ..database import DIALECT_INSERTS
from ..marks import raise_mark
from .models import Attempt, AttemptQuestion, QuestionTally

QUESTION_TALLIES = "question_tallies"


def count_first_attempt(division_id: int | None, results: list[tuple[int, bool]]) -> None:
    """Adds one submitted first attempt's answers (question id, right or not) to its division's tallies."""
    if division_id is None or not results:
        return
    upsert = DIALECT_INSERTS[db.session.get_bind().dialect.name](QuestionTally)
    rows = [{"division_id": division_id, "question_id": question_id, "answered": 1, "answered_right": int(right)}
            for question_id, right in results]
    statement = upsert.values(rows).on_conflict_do_update(
        index_elements=["division_id", "question_id"],
        set_={"answered": QuestionTally.answered + upsert.excluded.answered,
              "answered_right": QuestionTally.answered_right + upsert.excluded.answered_right})
    db.session.execute(statement)
    raise_mark(QUESTION_TALLIES)


def refresh_all() -> None:
    """Counts every tally again from the answers of first attempts."""
    db.session.execute(delete(QuestionTally))
    counted = (select(User.division_id, AttemptQuestion.question_id, func.count(),
                      func.sum(func.coalesce(AttemptQuestion.correct, False).cast(db.Integer)))
               .select_from(AttemptQuestion).join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
               .join(User, User.id == Attempt.user_id)
               .where(Attempt.number == 1, Attempt.submitted_at.is_not(None), User.division_id.is_not(None))
               .group_by(User.division_id, AttemptQuestion.question_id))
    db.session.execute(insert(QuestionTally).from_select(["division_id", "question_id", "answered", "answered_right"], counted))
    raise_mark(QUESTION_TALLIES)
