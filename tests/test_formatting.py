"""Canadian formats in each language, in the portal's time zone, including inside e-mails in another language."""
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date, format_datetime
from flask_babel import force_locale
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.formatting import date_time, long_date, number, share, short_date


@pytest.mark.parametrize("locale, expected", [
    ("en_CA", ("July 1, 2024", "Jul 1, 2024", "Nov 1, 2026, 10:04 a.m. EST", "40,000", ("25 %", "(1/4)"))),
    ("fr_CA", ("1er juillet 2024", "1er juill. 2024", "1er nov. 2026, 10 h 04 HNE", "40\u00a0000", ("25 %", "(1/4)"))),
])
def test_dates_times_and_numbers_read_as_canadians_write_them(app, locale, expected):
    with app.test_request_context(), force_locale(locale):
        shown = (long_date(date(2024, 7, 1)), short_date(date(2024, 7, 1)), date_time(datetime(2026, 11, 1, 15, 4)),
                 number(40000), share(1, 4))
    assert shown == expected


def test_summer_times_and_other_days_of_the_month(app):
    with app.test_request_context(), force_locale("fr_CA"):
        assert date_time(datetime(2026, 7, 2, 3, 30)) == "1er juill. 2026, 23 h 30 HAE"
        assert long_date(date(2024, 7, 2)) == "2 juillet 2024"
        assert share(0, 0) is None and number(None) == "—"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)), st.sampled_from(["en_CA", "fr_CA"]))
def test_date_time_writes_what_babel_would(app, moment, locale):
    zone = ZoneInfo("America/Toronto")
    local = moment.replace(tzinfo=UTC).astimezone(zone)
    pattern = ("d'er'" if local.day == 1 else "d") + " MMM y, HH 'h' mm zzz" if locale == "fr_CA" \
        else "MMM d, y, h:mm a zzz"
    with app.test_request_context(), force_locale(locale):
        assert date_time(moment) == format_datetime(local, pattern, tzinfo=zone, locale=locale)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), st.sampled_from(["en_CA", "fr_CA"]))
def test_short_date_writes_what_babel_would(app, day, locale):
    pattern = "d'er' MMM y" if locale == "fr_CA" and day.day == 1 else "medium"
    with app.test_request_context(), force_locale(locale):
        assert short_date(day) == format_date(day, pattern, locale=locale)


def test_a_negative_zero_reads_as_zero_whichever_comes_first(app):
    with app.test_request_context(), force_locale("en_CA"):
        assert (number(-0.0), number(0.0), number(-0.0), number(2.5)) == ("0", "0", "0", "2.5")
