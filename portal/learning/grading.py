"""Grading, one pure function per question kind: the keys chosen against the right keys."""
from collections.abc import Callable

from .models import QuestionKind


def one_right(right: frozenset[str], chosen: frozenset[str]) -> bool:
    """Exactly one choice, and it is the right one."""
    return len(chosen) == 1 and chosen == right


def all_and_only(right: frozenset[str], chosen: frozenset[str]) -> bool:
    """Every right choice and no wrong one."""
    return bool(chosen) and chosen == right


GRADERS: dict[QuestionKind, Callable[[frozenset[str], frozenset[str]], bool]] = {
    QuestionKind.SINGLE: one_right,
    QuestionKind.TRUE_FALSE: one_right,
    QuestionKind.SCENARIO: one_right,
    QuestionKind.MULTIPLE: all_and_only,
}


def grade(kind: QuestionKind, right: frozenset[str], chosen: frozenset[str]) -> bool:
    return GRADERS[kind](right, chosen)


def score(right_answers: int, questions: int) -> int:
    """Per cent of questions answered right, rounded down so a score never overstates a result."""
    return 100 * right_answers // questions if questions else 0


def right_keys(module, drawn) -> frozenset[str]:
    """The keys of the right choices of a drawn question: the options marked correct, or a scenario's `right`."""
    question = module.questions[drawn.question_id]
    if question.kind is QuestionKind.SCENARIO:
        return frozenset(choice["key"] for choice in drawn.choices if choice["key"] == "right")
    return frozenset(key for key, option in question.options.items() if option.correct)
