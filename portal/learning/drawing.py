"""Drawing an attempt's questions: which questions, the order of their options, and each scenario's moment."""
import random
from dataclasses import dataclass
from datetime import date, datetime

from . import scenarios
from .models import QuestionKind


@dataclass(frozen=True)
class DrawnQuestion:
    position: int
    question_id: int
    received_at: datetime | None
    choices: list[dict]


def draw_questions(module, chance: random.Random, today: date) -> list[DrawnQuestion]:
    """`questions_per_attempt` questions from the bank in random order, options shuffled (true or false keeps
    its order); a scenario's moment and deadlines are drawn by the clock."""
    drawn = []
    picked = chance.sample(sorted(module.questions), module.questions_per_attempt)
    for position, question_id in enumerate(picked, start=1):
        question = module.questions[question_id]
        received = None
        if question.kind is QuestionKind.SCENARIO:
            scenario = scenarios.draw(scenarios.SCENARIOS[question.scenario], chance, today)
            holiday = {"holiday": scenario.holiday.isoformat()} if scenario.holiday else {}
            choices = [{"key": mistake, "due": due.isoformat(), **holiday} for mistake, due in scenario.choices]
            received = scenario.received_at
        else:
            keys = list(question.options)
            if question.kind is not QuestionKind.TRUE_FALSE:
                chance.shuffle(keys)
            choices = [{"key": key} for key in keys]
        drawn.append(DrawnQuestion(position, question_id, received, choices))
    return drawn
