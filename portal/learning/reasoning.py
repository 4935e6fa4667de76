"""The reply-by page's answer: the clock's reasoning for a date and time typed in Toronto time."""
from datetime import date, datetime, time

from .. import clock


def explain(received_on: date, received_at: time, around_the_clock: bool) -> clock.Reasoning:
    return clock.explain_acknowledgement(datetime.combine(received_on, received_at), around_the_clock)
