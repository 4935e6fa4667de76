"""What the quiz and result pages show. The quiz view carries no answer key: its choices are numbered in the
order drawn, and only the server maps a number back to an option."""
from dataclasses import dataclass
from datetime import date, datetime

from .. import clock
from ..formatting import moment
from ..numbers import parse_number
from .grading import right_keys
from .holidays import holiday_title
from .models import Attempt, AttemptQuestion, QuestionKind
from .queries import PublishedModule, PublishedQuestion


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class QuizQuestion:
    position: int
    kind: QuestionKind
    prompt: str
    choices: tuple[Choice, ...]

    @property
    def name(self) -> str:
        return f"q{self.position}"

    @property
    def multiple(self) -> bool:
        return self.kind is QuestionKind.MULTIPLE


def _prompt(question: PublishedQuestion, drawn: AttemptQuestion, language: str) -> str:
    text = question.prompt[language]
    if question.kind is not QuestionKind.SCENARIO:
        return text
    holiday = next((choice.get("holiday") for choice in drawn.choices if choice.get("holiday")), None)
    return text.format(received=moment(drawn.received_at.replace(tzinfo=clock.TORONTO)),
                       holiday=holiday_title(date.fromisoformat(holiday)) if holiday else "")


def _label(question: PublishedQuestion, choice: dict, language: str) -> str:
    if question.kind is QuestionKind.SCENARIO:
        return moment(datetime.fromisoformat(choice["due"]))
    return question.options[choice["key"]].text[language]


def quiz_view(attempt: Attempt, module: PublishedModule, language: str) -> list[QuizQuestion]:
    questions = []
    for drawn in attempt.questions:
        question = module.questions[drawn.question_id]
        questions.append(QuizQuestion(drawn.position, question.kind, _prompt(question, drawn, language),
                                      tuple(Choice(str(number), _label(question, choice, language))
                                            for number, choice in enumerate(drawn.choices, start=1))))
    return questions


def chosen_keys(attempt: Attempt, values: dict[int, list[str]]) -> dict[int, list[str]]:
    """The keys behind the numbers a person chose, by question position (numbers were checked by the form)."""
    by_position = {drawn.position: drawn for drawn in attempt.questions}
    return {position: [by_position[position].choices[parse_number(value, 1) - 1]["key"] for value in chosen]
            for position, chosen in values.items() if position in by_position}


@dataclass(frozen=True)
class ResultChoice:
    label: str
    chosen: bool
    right: bool
    feedback: str | None


@dataclass(frozen=True)
class ResultQuestion:
    position: int
    kind: QuestionKind
    prompt: str
    correct: bool
    choices: tuple[ResultChoice, ...]


def _feedback(question: PublishedQuestion, key: str, language: str) -> str:
    if question.kind is QuestionKind.SCENARIO:
        return question.scenario_feedback[key][language]
    return question.options[key].feedback[language]


def result_view(attempt: Attempt, module: PublishedModule, language: str) -> list[ResultQuestion]:
    """Every question with what was chosen, what was right, and the feedback for the choices that matter."""
    results = []
    for drawn in attempt.questions:
        question = module.questions[drawn.question_id]
        right, chosen = right_keys(module, drawn), set(drawn.chosen or ())
        choices = tuple(ResultChoice(_label(question, choice, language), choice["key"] in chosen,
                                     choice["key"] in right,
                                     _feedback(question, choice["key"], language)
                                     if choice["key"] in chosen or choice["key"] in right else None)
                        for choice in drawn.choices)
        results.append(ResultQuestion(drawn.position, question.kind, _prompt(question, drawn, language),
                                      bool(drawn.correct), choices))
    return results

