"""Scenario questions: a moment drawn when the attempt starts, the right deadline from the clock, and the usual
mistakes as the wrong options."""
import random
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from portal import clock
from portal.learning.scenarios import MISTAKES, SCENARIOS, draw

TODAY = date(2026, 11, 23)


@settings(max_examples=60, deadline=None)
@given(name=st.sampled_from(sorted(SCENARIOS)), seed=st.integers(0, 10**6))
def test_every_draw_has_the_clocks_answer_and_distinct_usual_mistakes(name, seed):
    scenario = SCENARIOS[name]
    drawn = draw(scenario, random.Random(seed), TODAY)
    choices = dict(drawn.choices)
    assert choices["right"] == clock.acknowledgement_due(drawn.received_at, scenario.around_the_clock)
    assert len({due for due in choices.values()}) == len(choices) >= 3
    for mistake, due in choices.items():
        assert mistake == "right" or (mistake in scenario.mistakes and due == MISTAKES[mistake](drawn.received_at))
    assert drawn.received_at.date() > TODAY


def test_the_long_weekend_draw_falls_on_a_friday_evening_before_a_monday_holiday():
    drawn = draw(SCENARIOS["long-weekend-after-hours"], random.Random(7), TODAY)
    received = drawn.received_at
    assert received.weekday() == 4 and received.hour * 60 + received.minute > 16 * 60 + 30
    assert drawn.holiday.weekday() == 0 and clock.holiday_name(drawn.holiday)
    assert dict(drawn.choices)["forgot-holiday"] < dict(drawn.choices)["right"]


def test_the_civic_holiday_friday_is_due_on_thursday_morning():
    received = clock.in_zone(__import__("datetime").datetime(2026, 7, 31, 16, 40))
    assert MISTAKES["forgot-holiday"](received).date() == date(2026, 8, 5)
    assert MISTAKES["counted-weekend"](received).date() == date(2026, 8, 4)
    assert MISTAKES["elapsed-hours"](received).date() == date(2026, 8, 2)
    assert clock.acknowledgement_due(received).isoformat() == "2026-08-06T08:30:00-04:00"


def test_around_the_clock_draws_cross_a_change_of_the_clocks():
    drawn = draw(SCENARIOS["around-the-clock"], random.Random(3), TODAY)
    right, wall = dict(drawn.choices)["right"], dict(drawn.choices)["wall-clock-hours"]
    assert right.utcoffset() != clock.in_zone(drawn.received_at).utcoffset()
    assert abs((wall - right).total_seconds()) == 3600
