"""The onboarding figure adoption reports show: of the module completions a division's staff owe, the share done,
from the learning tallies."""
from ..indicators import Span, Value, percentage, provides
from .queries import current_modules
from .reports import division_learning


@provides("onboarding-completion")
def onboarding_completion(span: Span) -> dict[int, Value]:
    modules = current_modules()
    if not modules:
        return {}
    return {row.division.id: percentage(sum(figures.completed for figures in row.figures.values()),
                                        sum(figures.staff for figures in row.figures.values()))
            for row in division_learning(modules, span.division_ids)}
