"""The service-standard clock: business days, business hours and reply-by moments. Pure functions.

Business days are Monday to Friday except Ontario's statutory holidays, on the weekday they are observed, and
the Civic Holiday (the `holidays` library knows them all). Opening hours are 08:30 to 16:30 in Toronto unless
other hours are given. A naive datetime is read as Toronto time; every answer is an aware Toronto datetime."""
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays

TORONTO = ZoneInfo("America/Toronto")
ACKNOWLEDGE_WITHIN_BUSINESS_DAYS = 2
ACKNOWLEDGE_WITHIN_HOURS_AROUND_THE_CLOCK = 48
CIVIC_HOLIDAY = "Civic Holiday"
LONGEST_SEARCH_DAYS = 30


@dataclass(frozen=True)
class OpeningHours:
    opens: time = time(8, 30)
    closes: time = time(16, 30)
    zone: ZoneInfo = field(default=TORONTO)

    def __post_init__(self):
        if self.closes <= self.opens:
            raise ValueError("opening hours must close after they open")

    @property
    def length(self) -> timedelta:
        return datetime.combine(date.min, self.closes) - datetime.combine(date.min, self.opens)

    def opening(self, day: date) -> datetime:
        return datetime.combine(day, self.opens, self.zone)

    def closing(self, day: date) -> datetime:
        return datetime.combine(day, self.closes, self.zone)


CITY_HOURS = OpeningHours()


@cache
def holidays_in(year: int) -> dict[date, str]:
    """Ontario's statutory holidays (observed days included) and the Civic Holiday, by date."""
    statutory = holidays.country_holidays("CA", subdiv="ON", years=year, language="en_US")
    optional = holidays.country_holidays("CA", subdiv="ON", years=year, language="en_US",
                                         categories=(holidays.OPTIONAL,))
    found = dict(statutory.items())
    found.update((day, name) for day, name in optional.items() if name == CIVIC_HOLIDAY)
    return found


def holiday_name(day: date) -> str | None:
    return holidays_in(day.year).get(day)


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and holiday_name(day) is None


def in_zone(moment: datetime, hours: OpeningHours = CITY_HOURS) -> datetime:
    """The moment in the clock's zone; a naive moment is already read as local time there."""
    return moment.replace(tzinfo=hours.zone) if moment.tzinfo is None else moment.astimezone(hours.zone)


def next_business_day(day: date) -> date:
    for _ in range(LONGEST_SEARCH_DAYS):
        day += timedelta(days=1)
        if is_business_day(day):
            return day
    raise ValueError(f"no business day within {LONGEST_SEARCH_DAYS} days after {day}")


def next_opening(moment: datetime, hours: OpeningHours = CITY_HOURS) -> datetime:
    """The moment itself when the office is open then, otherwise when it next opens."""
    local = in_zone(moment, hours)
    day = local.date()
    if is_business_day(day):
        if local < hours.opening(day):
            return hours.opening(day)
        if local < hours.closing(day):
            return local
    return hours.opening(next_business_day(day))


def add_business_days(moment: datetime, days: int, hours: OpeningHours = CITY_HOURS) -> datetime:
    """The same business moment `days` business days later, counting from when the office next opens."""
    start = next_opening(moment, hours)
    day = start.date()
    for _ in range(days):
        day = next_business_day(day)
    return datetime.combine(day, start.timetz().replace(tzinfo=None), hours.zone)


def add_business_hours(moment: datetime, amount: timedelta, hours: OpeningHours = CITY_HOURS) -> datetime:
    """The moment `amount` of open office time after this one (a reply due within 4 business hours)."""
    current = next_opening(moment, hours)
    left = amount
    while True:
        until_closing = hours.closing(current.date()) - current
        if left <= until_closing:
            return current + left
        left -= until_closing
        current = hours.opening(next_business_day(current.date()))


def business_time_between(start: datetime, end: datetime, hours: OpeningHours = CITY_HOURS) -> timedelta:
    """Open office time from start to end (zero when end is not after start)."""
    start, end = in_zone(start, hours), in_zone(end, hours)
    total = timedelta()
    day = start.date()
    while day <= end.date():
        if is_business_day(day):
            opened = max(start, hours.opening(day))
            closed = min(end, hours.closing(day))
            if closed > opened:
                total += closed - opened
        day += timedelta(days=1)
    return total


def acknowledgement_due(received_at: datetime, around_the_clock: bool = False,
                        hours: OpeningHours = CITY_HOURS) -> datetime:
    """By when an inquiry must be acknowledged: two business days later at the same business moment, or for a
    service that runs around the clock, 48 real hours later (daylight-saving changes included)."""
    if around_the_clock:
        received = in_zone(received_at, hours).astimezone(UTC)
        return (received + timedelta(hours=ACKNOWLEDGE_WITHIN_HOURS_AROUND_THE_CLOCK)).astimezone(hours.zone)
    return add_business_days(received_at, ACKNOWLEDGE_WITHIN_BUSINESS_DAYS, hours)


@dataclass(frozen=True)
class DayOff:
    """A day the count passed over: a weekend day, or a holiday (named as the `holidays` library names it)."""

    day: date
    holiday: str | None


@dataclass(frozen=True)
class Reasoning:
    """How a reply-by moment was reached, step by step, for people to check."""

    received: datetime
    around_the_clock: bool
    arrival: str
    starts: datetime
    skipped: tuple[DayOff, ...]
    counted: tuple[date, ...]
    due: datetime

    @property
    def clocks_changed(self) -> bool:
        return self.received.utcoffset() != self.due.utcoffset()


def _arrival(local: datetime, hours: OpeningHours) -> str:
    day = local.date()
    if not is_business_day(day):
        return "closed-day"
    if local < hours.opening(day):
        return "before-opening"
    return "open" if local < hours.closing(day) else "after-closing"


def explain_acknowledgement(received_at: datetime, around_the_clock: bool = False,
                            hours: OpeningHours = CITY_HOURS) -> Reasoning:
    """acknowledgement_due() with its working: when the count started, the business days it counted and the
    weekend days and holidays it passed over."""
    local = in_zone(received_at, hours)
    due = acknowledgement_due(local, around_the_clock, hours)
    if around_the_clock:
        return Reasoning(local, True, "open", local, (), (), due)
    starts = next_opening(local, hours)
    skipped, counted = [], []
    day = local.date()
    while day <= due.date():
        if not is_business_day(day):
            skipped.append(DayOff(day, holiday_name(day)))
        elif day > starts.date():
            counted.append(day)
        day += timedelta(days=1)
    return Reasoning(local, False, _arrival(local, hours), starts, tuple(skipped), tuple(counted), due)
