"""The onboarding figure adoption reports show: of the module completions a division's staff owe, the share done,
from the learning tallies."""
from datetime import date

from ..indicators import Span, Value, percentage, provides
from .division_tallies import module_key
from .queries import current_modules
from .reports import division_learning, learning_tallies_mark


def _learning_mark() -> tuple:
    return learning_tallies_mark(), date.today(), tuple(module_key(module) for module in current_modules().values())


@provides("onboarding-completion", mark=_learning_mark)
def onboarding_completion(span: Span) -> dict[int, Value]:
    modules = current_modules()
    if not modules:
        return {}
    return {row.division.id: percentage(sum(figures.completed for figures in row.figures.values()),
                                        sum(figures.staff for figures in row.figures.values()))
            for row in division_learning(modules, span.division_ids)}
