"""The service-standard clock, case by case: weekends, every Ontario holiday and its observed day, the Civic
Holiday, year ends, both daylight-saving changes and the 48-hour rule."""
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.clock import (TORONTO, OpeningHours, acknowledgement_due, add_business_hours, business_time_between,
                          holiday_name, holidays_in, in_zone, is_business_day, next_opening)


def toronto(*parts) -> datetime:
    return datetime(*parts, tzinfo=TORONTO)


@pytest.mark.parametrize("received, due, why", [
    (datetime(2026, 7, 6, 10, 0), toronto(2026, 7, 8, 10, 0), "an ordinary Monday"),
    (datetime(2026, 7, 10, 10, 0), toronto(2026, 7, 14, 10, 0), "a Friday: the weekend does not count"),
    (datetime(2026, 7, 11, 10, 0), toronto(2026, 7, 15, 8, 30), "a Saturday: counts from Monday's opening"),
    (datetime(2026, 7, 6, 7, 0), toronto(2026, 7, 8, 8, 30), "before opening: counts from 08:30"),
    (datetime(2026, 7, 6, 16, 30), toronto(2026, 7, 9, 8, 30), "at closing: counts from the next opening"),
    (datetime(2026, 7, 31, 16, 40), toronto(2026, 8, 6, 8, 30), "Friday evening before the Civic Holiday"),
    (datetime(2026, 6, 30, 11, 0), toronto(2026, 7, 3, 11, 0), "Canada Day on a Wednesday"),
    (datetime(2026, 2, 13, 9, 0), toronto(2026, 2, 18, 9, 0), "Family Day"),
    (datetime(2026, 4, 2, 9, 0), toronto(2026, 4, 7, 9, 0), "Good Friday (Easter Monday is a business day)"),
    (datetime(2026, 5, 15, 12, 0), toronto(2026, 5, 20, 12, 0), "Victoria Day"),
    (datetime(2026, 9, 4, 12, 0), toronto(2026, 9, 9, 12, 0), "Labour Day"),
    (datetime(2026, 10, 9, 12, 0), toronto(2026, 10, 14, 12, 0), "Thanksgiving"),
    (datetime(2026, 11, 10, 12, 0), toronto(2026, 11, 12, 12, 0), "Remembrance Day is a business day"),
    (datetime(2026, 12, 24, 15, 0), toronto(2026, 12, 30, 15, 0), "Christmas, Boxing Day observed on Monday"),
    (datetime(2027, 12, 24, 10, 0), toronto(2027, 12, 30, 10, 0), "both observed: Monday 27 and Tuesday 28"),
    (datetime(2026, 12, 31, 14, 0), toronto(2027, 1, 5, 14, 0), "year end: New Year's Day on a Friday"),
    (datetime(2026, 3, 6, 10, 0), toronto(2026, 3, 10, 10, 0), "across the spring change: same local time"),
    (datetime(2026, 10, 30, 10, 0), toronto(2026, 11, 3, 10, 0), "across the autumn change: same local time"),
    (datetime(2026, 7, 6, 14, 0, tzinfo=UTC), toronto(2026, 7, 8, 10, 0), "an aware moment in UTC"),
])
def test_acknowledgement_due_in_two_business_days(received, due, why):
    answer = acknowledgement_due(received)
    assert answer == due, why
    assert answer.tzinfo == TORONTO


@pytest.mark.parametrize("received, due", [
    (datetime(2026, 7, 31, 16, 40), toronto(2026, 8, 2, 16, 40)),
    (datetime(2026, 3, 7, 12, 0), toronto(2026, 3, 9, 13, 0)),
    (datetime(2026, 10, 31, 12, 0), toronto(2026, 11, 2, 11, 0)),
    (datetime(2026, 12, 24, 23, 0), toronto(2026, 12, 26, 23, 0)),
])
def test_around_the_clock_services_have_48_real_hours(received, due):
    answer = acknowledgement_due(received, around_the_clock=True)
    assert answer == due
    assert answer.astimezone(UTC) - received.replace(tzinfo=TORONTO).astimezone(UTC) == timedelta(hours=48)


def test_every_ontario_statutory_holiday_and_the_civic_holiday_is_known():
    names = sorted(set(holidays_in(2026).values()))
    assert names == ["Boxing Day", "Boxing Day (observed)", "Canada Day", "Christmas Day", "Civic Holiday",
                     "Family Day", "Good Friday", "Labor Day", "New Year's Day", "Thanksgiving Day", "Victoria Day"]
    assert holiday_name(date(2027, 12, 27)) == "Christmas Day (observed)"
    for year in (2025, 2026, 2027, 2028):
        for day in holidays_in(year):
            assert not is_business_day(day)
            previous = day - timedelta(days=1)
            while not is_business_day(previous):
                previous -= timedelta(days=1)
            before = datetime.combine(previous, time(10, 0))
            due = acknowledgement_due(before).date()
            assert due > day
            counted = [before.date() + timedelta(days=n) for n in range(1, (due - before.date()).days + 1)]
            assert sum(is_business_day(moment) for moment in counted) == 2


@pytest.mark.parametrize("start, amount, end", [
    (datetime(2026, 7, 6, 10, 0), 4, toronto(2026, 7, 6, 14, 0)),
    (datetime(2026, 7, 6, 15, 0), 4, toronto(2026, 7, 7, 11, 0)),
    (datetime(2026, 7, 6, 12, 30), 4, toronto(2026, 7, 6, 16, 30)),
    (datetime(2026, 12, 24, 15, 0), 4, toronto(2026, 12, 29, 11, 0)),
    (datetime(2026, 7, 4, 9, 0), 4, toronto(2026, 7, 6, 12, 30)),
])
def test_adding_business_hours(start, amount, end):
    assert add_business_hours(start, timedelta(hours=amount)) == end


def test_business_time_between_two_moments():
    assert business_time_between(datetime(2026, 12, 24, 15, 0), datetime(2026, 12, 29, 10, 0)) == timedelta(hours=3)
    assert business_time_between(datetime(2026, 7, 10, 16, 0), datetime(2026, 7, 13, 9, 0)) == timedelta(hours=1)
    assert business_time_between(datetime(2026, 7, 13, 9, 0), datetime(2026, 7, 10, 16, 0)) == timedelta()


def test_opening_hours_are_configurable():
    evening = OpeningHours(opens=time(12, 0), closes=time(20, 0))
    assert next_opening(datetime(2026, 7, 6, 9, 0), evening) == toronto(2026, 7, 6, 12, 0)
    assert acknowledgement_due(datetime(2026, 7, 6, 19, 0), hours=evening) == toronto(2026, 7, 8, 19, 0)
    with pytest.raises(ValueError):
        OpeningHours(opens=time(17, 0), closes=time(9, 0))


moments = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31)).map(
    lambda moment: moment.replace(second=0, microsecond=0))


@settings(max_examples=300, deadline=None)
@given(moments, st.integers(min_value=0, max_value=8 * 60 * 20))
def test_business_time_undoes_adding_business_hours(start, minutes):
    end = add_business_hours(start, timedelta(minutes=minutes))
    assert business_time_between(start, end) == timedelta(minutes=minutes)
    assert end >= in_zone(start)
