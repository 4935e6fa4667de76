"""How a report's answers meet the indicators' targets, area by area. Pure functions over a period's definition."""
from .models import ReportingPeriod


def value_of(indicator: dict, answers: dict, computed: dict):
    """The indicator's value in this report: computed, or typed; None when there is none (not available)."""
    if indicator["computed"]:
        return computed.get(indicator["key"])
    return answers.get(indicator["key"], {}).get("value")


def meets_target(indicator: dict, value) -> bool | None:
    """Whether the value meets the target; None when the indicator has no target or no value."""
    target = indicator["target"]
    if target is None or value is None or indicator["kind"] == "text":
        return None
    if indicator["kind"] == "yes-no":
        return value is target
    return value >= target


def area_scores(period: ReportingPeriod, answers: dict, computed: dict) -> dict[str, float | None]:
    """Per action area, the share (0–100) of its indicators with a target and a value that meet the target."""
    scores = {}
    for area in period.indicators["areas"]:
        verdicts = [meets_target(indicator, value_of(indicator, answers, computed))
                    for indicator in area["indicators"]]
        judged = [verdict for verdict in verdicts if verdict is not None]
        scores[area["key"]] = round(100 * sum(judged) / len(judged), 1) if judged else None
    return scores


def overall(scores: dict[str, float | None]) -> float | None:
    known = [score for score in scores.values() if score is not None]
    return round(sum(known) / len(known), 1) if known else None
