"""Reply-by scenarios: a moment drawn when an attempt starts, the right deadline and the usual mistakes, all
computed by the service-standard clock."""
import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from datetime import date, datetime, time, timedelta

from .. import clock

HOURS = clock.CITY_HOURS
SEARCH_YEARS = 2


def _start(local: datetime, business: Callable[[date], bool]) -> datetime:
    day = local.date()
    if business(day) and local < HOURS.opening(day):
        return HOURS.opening(day)
    if business(day) and local < HOURS.closing(day):
        return local
    day += timedelta(days=1)
    while not business(day):
        day += timedelta(days=1)
    return HOURS.opening(day)


def _count(received: datetime, days: int, business: Callable[[date], bool], from_arrival: bool = False) -> datetime:
    """`days` days that `business` counts, from the next opening (or, wrongly, from the arrival itself)."""
    local = clock.in_zone(received)
    start = local if from_arrival else _start(local, business)
    day = start.date()
    for _ in range(days):
        day += timedelta(days=1)
        while not business(day):
            day += timedelta(days=1)
    return datetime.combine(day, start.timetz().replace(tzinfo=None), HOURS.zone)


def _weekday(day: date) -> bool:
    return day.weekday() < 5


def _not_holiday(day: date) -> bool:
    return clock.holiday_name(day) is None


def _elapsed(received: datetime, hours: int) -> datetime:
    return clock.acknowledgement_due(received, around_the_clock=True) + timedelta(hours=hours - 48)


def _wall_clock(received: datetime) -> datetime:
    local = clock.in_zone(received)
    return datetime.combine(local.date() + timedelta(days=2), local.time(), HOURS.zone)


MISTAKES: dict[str, Callable[[datetime], datetime]] = {
    "forgot-holiday": lambda received: _count(received, 2, _weekday),
    "counted-weekend": lambda received: _count(received, 2, _not_holiday),
    "elapsed-hours": lambda received: _elapsed(received, 48),
    "from-arrival": lambda received: _count(received, 2, clock.is_business_day, from_arrival=True),
    "one-business-day": lambda received: clock.add_business_days(received, 1),
    "three-business-days": lambda received: clock.add_business_days(received, 3),
    "business-days-for-24h": lambda received: clock.add_business_days(received, 2),
    "wall-clock-hours": _wall_clock,
    "one-day": lambda received: _elapsed(received, 24),
    "three-days": lambda received: _elapsed(received, 72),
}
WRONG_OPTIONS = 3


@cache
def _matching_days(today: date, wanted: Callable[[date], bool]) -> tuple[date, ...]:
    """The days of the coming years a scenario may fall on (kept, as every attempt of the day asks again)."""
    days = (today + timedelta(days=offset) for offset in range(1, 366 * SEARCH_YEARS))
    return tuple(day for day in days if wanted(day))


def _quiet_week(day: date) -> bool:
    return all(clock.holiday_name(day + timedelta(days=offset)) is None for offset in range(-3, 8))


def _at(day: date, chance: random.Random, earliest: time, latest: time) -> datetime:
    first = earliest.hour * 60 + earliest.minute
    minute = chance.randrange(first, latest.hour * 60 + latest.minute + 1, 5)
    return datetime.combine(day, time(minute // 60, minute % 60))


def _friday_before_monday_holiday(day: date) -> bool:
    return day.weekday() == 4 and clock.is_business_day(day) and clock.holiday_name(day + timedelta(days=3)) is not None


def _ordinary_weekend_day(day: date) -> bool:
    return day.weekday() >= 5 and _quiet_week(day)


def _ordinary_thursday_or_friday(day: date) -> bool:
    return day.weekday() in (3, 4) and _quiet_week(day)


def _thursday_before_good_friday(day: date) -> bool:
    return clock.holiday_name(day + timedelta(days=1)) == "Good Friday"


def _saturday_before_clocks_change(day: date) -> bool:
    evening = datetime.combine(day, time(20, 0), HOURS.zone)
    return day.weekday() == 5 and evening.utcoffset() != (evening + timedelta(days=1)).utcoffset()


def _long_weekend(chance, today):
    friday = chance.choice(_matching_days(today, _friday_before_monday_holiday))
    return _at(friday, chance, time(16, 35), time(21, 55)), friday + timedelta(days=3)


def _weekend(chance, today):
    return _at(chance.choice(_matching_days(today, _ordinary_weekend_day)), chance, time(7, 0), time(22, 0)), None


def _business_hours(chance, today):
    return _at(chance.choice(_matching_days(today, _ordinary_thursday_or_friday)), chance, time(9, 0),
               time(15, 55)), None


def _before_good_friday(chance, today):
    day = chance.choice(_matching_days(today, _thursday_before_good_friday))
    return _at(day, chance, time(9, 0), time(15, 55)), day + timedelta(days=1)


def _dst_weekend(chance, today):
    return _at(chance.choice(_matching_days(today, _saturday_before_clocks_change)), chance, time(18, 0),
               time(23, 55)), None


@dataclass(frozen=True)
class Scenario:
    name: str
    around_the_clock: bool
    mistakes: tuple[str, ...]
    draw_moment: Callable[[random.Random, date], tuple[datetime, date | None]]

    @property
    def placeholders(self) -> frozenset[str]:
        return frozenset({"received", "holiday"} if self.name == "long-weekend-after-hours" else {"received"})


COMMON = ("counted-weekend", "elapsed-hours", "from-arrival", "one-business-day", "three-business-days")
SCENARIOS = {scenario.name: scenario for scenario in (
    Scenario("long-weekend-after-hours", False, ("forgot-holiday", *COMMON), _long_weekend),
    Scenario("weekend-arrival", False, COMMON, _weekend),
    Scenario("business-hours", False, COMMON, _business_hours),
    Scenario("before-holiday-thursday", False, ("forgot-holiday", *COMMON), _before_good_friday),
    Scenario("around-the-clock", True, ("business-days-for-24h", "wall-clock-hours", "one-day", "three-days"),
             _dst_weekend),
)}


@dataclass(frozen=True)
class Drawn:
    """A scenario as drawn for one attempt: when the inquiry arrived (Toronto time), the holiday it names, and
    the deadlines offered, each with the mistake that leads to it (`right` for the answer)."""

    received_at: datetime
    holiday: date | None
    choices: tuple[tuple[str, datetime], ...]


def draw(scenario: Scenario, chance: random.Random, today: date) -> Drawn:
    """A moment for the scenario, the right deadline and up to three wrong ones, distinct and in random order."""
    received, holiday = scenario.draw_moment(chance, today)
    right = clock.acknowledgement_due(received, scenario.around_the_clock)
    choices, seen = [("right", right)], {right}
    for mistake in scenario.mistakes:
        due = MISTAKES[mistake](received)
        if due not in seen and len(choices) <= WRONG_OPTIONS:
            choices.append((mistake, due))
            seen.add(due)
    chance.shuffle(choices)
    return Drawn(received, holiday, tuple(choices))
