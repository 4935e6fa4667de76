"""Inquiry logs: good files in English and French, the Service Standard across weekends, holidays and the clock
change, pending inquiries, monthly figures, every kind of bad line and file, and arbitrary bytes."""
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import session
from flask_babel import get_locale
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.adoption import inquiry_log
from portal.adoption.inquiry_log import LogRefused, MonthlyFigure, check_upload, monthly_figures, read_inquiry_log
from portal.clock import TORONTO, acknowledgement_due, business_time_between, in_zone

HEADER = "received_at,acknowledged_at,channel,around_the_clock"
NOW = datetime(2026, 12, 15, 12, 0, tzinfo=TORONTO)
MINUTE = timedelta(minutes=1)
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(autouse=True)
def request_context(app):
    with app.test_request_context():
        yield


def toronto(*parts) -> datetime:
    return datetime(*parts, tzinfo=TORONTO)


def log(*rows: str, header: str = HEADER) -> bytes:
    return "\n".join((header, *rows, "")).encode()


def read(*rows: str, now: datetime = NOW, header: str = HEADER) -> list[inquiry_log.Inquiry]:
    return read_inquiry_log(log(*rows, header=header), now)


def refused(data: bytes, now: datetime = NOW) -> LogRefused:
    with pytest.raises(LogRefused) as caught:
        read_inquiry_log(data, now)
    return caught.value


def only(*rows: str, now: datetime = NOW) -> inquiry_log.Inquiry:
    [inquiry] = read(*rows, now=now)
    return inquiry


def test_a_good_log_in_english_with_its_columns_in_any_order():
    rows = log("Email,first,no,2026-07-06 09:00,2026-07-06 11:30",
               'phone,"called back, twice",YES,2026-07-06T10:15:30,',
               "in person,,0,2026-07-07T14:00:00Z,2026-07-07T12:00-04:00",
               "",
               "web,,true,2026-07-08 09:00-04:00,2026-07-08 09:45",
               " Social Media ,,1,2026-07-09 09:00,2026-07-09 10:00",
               "mail,,n,2026-07-10 09:00,2026-07-10 10:00",
               header=" Channel ,NOTES,Around_The_Clock,received_at,ACKNOWLEDGED_AT")
    inquiries = read_inquiry_log("\ufeff".encode() + rows.replace(b"\n", b"\r\n"), NOW)
    assert [inquiry.channel for inquiry in inquiries] == ["email", "phone", "in-person", "online", "social-media",
                                                          "mail"]
    assert [inquiry.around_the_clock for inquiry in inquiries] == [False, True, False, True, True, False]
    first, second, third = inquiries[:3]
    assert first.received_at == toronto(2026, 7, 6, 9, 0) and first.received_at.utcoffset() == timedelta(hours=-4)
    assert first.acknowledged_at == toronto(2026, 7, 6, 11, 30)
    assert (first.within_standard, first.pending, first.minutes_to_acknowledge) == (True, False, 150)
    assert second.received_at == toronto(2026, 7, 6, 10, 15, 30) and second.acknowledged_at is None
    assert (second.within_standard, second.pending, second.minutes_to_acknowledge) == (False, False, None)
    assert third.received_at == toronto(2026, 7, 7, 10, 0) and third.minutes_to_acknowledge == 120


@pytest.mark.parametrize("header", ["Reçu_le;Accusé_le;Canal;Service_24h;Remarques",
                                    "recu_le;accuse_le;canal;service_24h;remarques"])
def test_a_good_log_with_french_columns_separated_by_semicolons(header):
    inquiries = read("2026-07-06 09:00;2026-07-06 09:30;téléphone;non;appel, puis courriel",
                     "2026-07-06 09:00;;Courriel;oui;",
                     "2026-07-06 09:00;2026-07-07 09:00;en personne;o;",
                     "2026-07-06 09:00;2026-07-06 10:00;en ligne;NON;",
                     "2026-07-06 09:00;2026-07-06 10:00;courrier;non;",
                     "2026-07-06 09:00;2026-07-06 10:00;Médias sociaux;non;", header=header)
    assert [inquiry.channel for inquiry in inquiries] == list(inquiry_log.CHANNELS)
    assert [inquiry.around_the_clock for inquiry in inquiries] == [False, True, True, False, False, False]
    assert inquiries[0].minutes_to_acknowledge == 30 and inquiries[2].minutes_to_acknowledge == 24 * 60


@pytest.mark.parametrize("received, acknowledged, within, minutes", [
    ("2026-07-31 10:00", "2026-08-05 10:00", True, 960),
    ("2026-07-31 10:00", "2026-08-05 10:01", False, 961),
    ("2026-07-31 17:00", "2026-08-04 08:00", True, 0),
    ("2026-07-31 17:00", "2026-08-06 08:30", True, 960),
    ("2026-07-31 17:00", "2026-08-06 08:31", False, 961),
    ("2026-08-01 11:00", "2026-08-06 08:30", True, 960),
])
def test_two_business_days_skip_the_weekend_and_the_civic_holiday(received, acknowledged, within, minutes):
    inquiry = only(f"{received},{acknowledged},email,no")
    assert (inquiry.within_standard, inquiry.pending, inquiry.minutes_to_acknowledge) == (within, False, minutes)
    assert business_time_between(inquiry.received_at, inquiry.acknowledged_at) == minutes * MINUTE


@pytest.mark.parametrize("received, acknowledged, within, minutes", [
    ("2026-07-31 10:00", "2026-08-02 10:00", True, 2880),
    ("2026-07-31 10:00", "2026-08-02 10:01", False, 2881),
    ("2026-10-31 12:00", "2026-11-02 11:00", True, 2880),
    ("2026-10-31 12:00", "2026-11-02 12:00", False, 2940),
    ("2026-03-07 12:00", "2026-03-09 13:00", True, 2880),
])
def test_around_the_clock_services_have_48_real_hours(received, acknowledged, within, minutes):
    inquiry = only(f"{received},{acknowledged},phone,yes")
    assert (inquiry.within_standard, inquiry.minutes_to_acknowledge) == (within, minutes)


def test_unacknowledged_inquiries_are_pending_until_due_then_late():
    now = toronto(2026, 8, 4, 12, 0)
    inquiries = read("2026-08-03 09:00,,email,no", "2026-07-29 09:00,,email,no", "2026-08-03 13:00,,phone,yes",
                     "2026-08-02 11:00,,phone,yes", now=now)
    assert [inquiry.pending for inquiry in inquiries] == [True, False, True, False]
    assert not any(inquiry.within_standard for inquiry in inquiries)
    assert all(inquiry.minutes_to_acknowledge is None for inquiry in inquiries)
    assert [(figure.month.month, figure.channel, figure.received, figure.pending, figure.rate)
            for figure in monthly_figures(inquiries)] == [(7, "email", 1, 0, 0.0), (8, "phone", 2, 1, 0.0),
                                                          (8, "email", 1, 1, None)]


def test_monthly_figures_by_month_then_channel_with_medians():
    inquiries = read("2026-07-06 09:00,2026-07-06 09:10,phone,no",
                     "2026-07-06 09:00,2026-07-06 09:40,phone,no",
                     "2026-07-06 09:00,2026-07-09 09:00,phone,no",
                     "2026-07-06 09:00,2026-07-06 09:15,email,no",
                     "2026-07-06 09:00,2026-07-06 09:20,email,no",
                     "2026-08-04 09:00,,email,no",
                     "2026-08-04 09:00,2026-08-05 09:00,phone,yes",
                     "2026-08-01T02:00:00Z,2026-08-01T02:30:00Z,web,no")
    assert monthly_figures(inquiries) == [
        MonthlyFigure(date(2026, 7, 1), "phone", received=3, acknowledged=3, within_standard=2, pending=0,
                      median_minutes=40),
        MonthlyFigure(date(2026, 7, 1), "email", received=2, acknowledged=2, within_standard=2, pending=0,
                      median_minutes=18),
        MonthlyFigure(date(2026, 7, 1), "online", received=1, acknowledged=1, within_standard=1, pending=0,
                      median_minutes=0),
        MonthlyFigure(date(2026, 8, 1), "phone", received=1, acknowledged=1, within_standard=1, pending=0,
                      median_minutes=1440),
        MonthlyFigure(date(2026, 8, 1), "email", received=1, acknowledged=0, within_standard=0, pending=0,
                      median_minutes=None),
    ]
    assert monthly_figures(inquiries)[0].rate == pytest.approx(2 / 3)
    assert monthly_figures([]) == []


def test_figures_from_typed_counts():
    figure = inquiry_log.figures_from_counts(date(2026, 7, 15), "email", 10, 7)
    assert figure == MonthlyFigure(date(2026, 7, 1), "email", 10, 7, 7, 0, None)
    assert figure.rate == 0.7
    assert inquiry_log.figures_from_counts(date(2026, 7, 1), "mail", 0, 0).rate is None


@pytest.mark.parametrize("channel, received, within", [("email", 5, 6), ("email", -1, 0), ("email", 3, -1),
                                                       ("fax", 3, 1)])
def test_impossible_counts_are_refused(channel, received, within):
    with pytest.raises(ValueError):
        inquiry_log.figures_from_counts(date(2026, 7, 1), channel, received, within)


@pytest.mark.parametrize("row, fragments", [
    ("2026-07-06 09:00,2026-07-06 10:00,email", ["has 3 cells", "names 4 columns"]),
    ("2026-07-06 09:00,2026-07-06 10:00,email,no,extra", ["has 5 cells", "names 4 columns"]),
    ("06/07/2026 09:00,,email,no", ["received_at", '"06/07/2026 09:00"', "not a date and time", "2026-07-02 09:15"]),
    ("2026-07-06,,email,no", ["received_at", '"2026-07-06"', "not a date and time"]),
    ("2026-02-30 09:00,,email,no", ["received_at", '"2026-02-30 09:00"', "not a date and time"]),
    ("2026-07-06 09:00,yesterday,email,no", ["acknowledged_at", '"yesterday"', "not a date and time"]),
    ("2026-07-06 09:00,2026-07-05 09:00,email,no", [('acknowledged_at "2026-07-05 09:00" is before received_at '
                                                     '"2026-07-06 09:00"')]),
    ("2027-01-01 09:00,,email,no", ['received_at "2027-01-01 09:00" is in the future']),
    ("2026-07-06 09:00,2026-12-15 12:01,email,no", ['acknowledged_at "2026-12-15 12:01" is in the future',
                                                    "Leave it empty"]),
    ("2026-07-06 09:00,,fax,no", ['channel "fax"', "phone, email, in-person, online, mail, social-media"]),
    ("2026-07-06 09:00,,email,maybe", ['around_the_clock "maybe"', "yes or no"]),
    ("  ,,email,no", ["received_at is empty"]),
    ("1999-12-31 09:00,,email,no", ['received_at "1999-12-31 09:00" is before 2000']),
    ("2026-07-06 09:00,,email," + "x" * 100, ['around_the_clock "' + "x" * 39 + '…"']),
])
def test_each_bad_line_is_named_with_its_number_and_nothing_is_read(row, fragments):
    problem = refused(log("2026-07-06 09:00,2026-07-06 10:00,email,no", row))
    assert problem.total == 1 and problem.problems[0].line == 3
    message = problem.problems[0].message
    assert message.startswith("Line 3")
    for fragment in fragments:
        assert fragment in message
    assert "x" * 41 not in message


def test_every_problem_on_a_line_is_reported_under_the_names_the_file_uses():
    problem = refused(log("", "2026-07-06 09:00;;courriel;non", "", "hier;;fax;peut-être",
                          header="reçu_le;accusé_le;canal;service_24h"))
    assert [found.line for found in problem.problems] == [5, 5, 5]
    assert 'reçu_le "hier"' in problem.problems[0].message
    assert 'canal "fax"' in problem.problems[1].message
    assert 'service_24h "peut-être"' in problem.problems[2].message


@pytest.mark.parametrize("data, fragment", [
    (log(), "no inquiries"),
    (log("", "  ", ",,,"), "no inquiries"),
    (b"received_at,channel\n2026-07-06 09:00,email\n", "no acknowledged_at, around_the_clock columns"),
    (b"received_at,acknowledged_at,channel\n", "no around_the_clock column"),
    (b"name,email\nBob,bob@example.org\n", "does not look like an inquiry log"),
    (b"Dear team,\nthe log is attached.\n", "does not look like an inquiry log"),
    (log(header="received_at,re\u00e7u_le,acknowledged_at,channel,around_the_clock"), "more than once"),
    (b"", "empty"),
    (b"\n \r\n\t\n", "empty"),
    (b"\xef\xbb\xbf", "empty"),
    (log("2026-07-06 09:00,,email,no") + b"\0", "binary"),
])
def test_whole_file_problems(data, fragment):
    problem = refused(data)
    assert problem.problems[0].line is None
    assert fragment in problem.problems[0].message


def test_a_file_not_saved_as_utf8_is_refused_at_the_line_with_the_bad_byte():
    problem = refused(log("2026-07-06 09:00,,email,no", "2026-07-06 09:00,,téléphone,no").decode().encode("latin-1"))
    assert problem.problems[0].line == 3 and "UTF-8" in problem.problems[0].message


def test_an_unclosed_quotation_mark_is_reported_where_it_opens():
    problem = refused(log("2026-07-06 09:00,,email,no", '2026-07-06 09:00,,"email,no', "2026-07-06 09:00,,email,no"))
    assert problem.problems[0].line == 3 and "quotation mark" in problem.problems[0].message


def test_more_rows_than_allowed_are_refused(monkeypatch):
    monkeypatch.setattr(inquiry_log, "MAX_ROWS", 3)
    assert len(read(*["2026-07-06 09:00,,email,no"] * 3)) == 3
    problem = refused(log(*["2026-07-06 09:00,,email,no"] * 4))
    assert problem.total == 1 and problem.problems[0].line is None and "more than 3" in problem.problems[0].message


def test_only_the_first_problems_are_shown_but_all_are_counted():
    problem = refused(log(*["soon,,email,no"] * 30, "later,,fax,no"))
    assert problem.total == 32 and len(problem.problems) == inquiry_log.MAX_PROBLEMS_SHOWN
    assert [found.line for found in problem.problems] == list(range(2, 2 + inquiry_log.MAX_PROBLEMS_SHOWN))


def test_a_whole_file_problem_is_shown_first_even_when_many_lines_are_wrong(monkeypatch):
    monkeypatch.setattr(inquiry_log, "MAX_ROWS", 25)
    problem = refused(log(*["soon,,email,no"] * 26))
    assert problem.total == 26 and len(problem.problems) == inquiry_log.MAX_PROBLEMS_SHOWN
    assert problem.problems[0].line is None and problem.problems[1].line == 2


@pytest.mark.parametrize("filename, content_type", [
    ("log.csv", None), ("Log.CSV", ""), ("log.csv", "text/csv; charset=utf-8"), ("log.csv", "text/plain"),
    ("log.csv", "application/csv"), ("log.csv", "application/vnd.ms-excel"), ("log.csv", "application/octet-stream"),
])
def test_check_upload_accepts_csv_sent_as_browsers_send_it(filename, content_type):
    assert check_upload(filename, content_type, "\ufeff".encode() + log("2026-07-06 09:00,,email,no")) is None


@pytest.mark.parametrize("filename, content_type, data, fragment", [
    ("log.csv", "text/csv", b"", "empty"),
    ("log.csv", "text/csv", b"a" * (inquiry_log.MAX_BYTES + 1), "larger than 32 MB"),
    ("log.xlsx", "text/csv", log(), ".csv"),
    ("log.csv", "application/pdf", log(), "application/pdf"),
    ("log.csv", "text/csv", "received_at\nReçu\n".encode("latin-1"), "UTF-8"),
    ("log.csv", "text/csv", log() + b"\0\0", "binary"),
])
def test_check_upload_refusals(filename, content_type, data, fragment):
    with pytest.raises(LogRefused) as caught:
        check_upload(filename, content_type, data)
    assert caught.value.total == 1 and fragment in caught.value.problems[0].message


def test_check_upload_lists_every_refusal_at_once():
    with pytest.raises(LogRefused) as caught:
        check_upload("log.pdf", "application/pdf", b"%PDF-1.7\n\xe2\x28\xa1")
    assert caught.value.total == 3
    assert caught.value.problems[-1].line == 2


def test_messages_are_in_the_reader_language(app):
    with app.test_request_context():
        session["lang"] = "fr"
        assert str(get_locale()) == "fr_CA"
        problem = refused(log(*[""] * 11, "hier,,courriel,non"))
    assert problem.problems[0].line == 13
    assert isinstance(problem.problems[0].message, str) and "13" in problem.problems[0].message


@FUZZ
@given(received=st.datetimes(min_value=datetime(2025, 12, 20), max_value=datetime(2027, 1, 10)),
       delay=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400)), around_the_clock=st.booleans())
def test_the_figures_agree_with_the_service_standard_clock(received, delay, around_the_clock):
    received = received.replace(microsecond=0)
    acknowledged = received + delay
    now = in_zone(acknowledged) + timedelta(hours=1)
    flag = "yes" if around_the_clock else "no"
    answered, waiting = read(f"{received:%Y-%m-%dT%H:%M:%S},{acknowledged:%Y-%m-%d %H:%M:%S},email,{flag}",
                             f"{received:%Y-%m-%d %H:%M:%S},,email,{flag}", now=now)
    due = acknowledgement_due(received, around_the_clock).astimezone(UTC)
    assert answered.within_standard == (in_zone(acknowledged).astimezone(UTC) <= due)
    assert waiting.pending == (due > now)
    if around_the_clock:
        elapsed = in_zone(acknowledged).astimezone(UTC) - in_zone(received).astimezone(UTC)
    else:
        elapsed = business_time_between(received, acknowledged)
    assert answered.minutes_to_acknowledge == elapsed // MINUTE


LOG_PIECES = st.sampled_from(["received_at", "acknowledged_at", "channel", "around_the_clock", "reçu_le", ",", ";",
                              '"', "\n", "\r", " ", "2026-07-06 09:00", "2026-07-06T09:00Z", "9999-12-31T23:59-12:00",
                              "0001-01-01 00:00", "email", "fax", "yes", "oui", "x", "\u00e9", "\ufeff", "\0"])


@FUZZ
@given(st.one_of(st.binary(max_size=300),
                 st.lists(LOG_PIECES, max_size=60).map(lambda pieces: "".join(pieces).encode()),
                 st.binary(max_size=200).map(lambda tail: log() + tail)))
def test_arbitrary_bytes_are_read_or_refused_never_anything_else(data):
    for attempt in (lambda: check_upload("log.csv", "text/csv", data), lambda: read_inquiry_log(data, NOW)):
        try:
            attempt()
        except LogRefused as refusal:
            assert refusal.problems and refusal.total >= len(refusal.problems)
            assert all(isinstance(problem.message, str) for problem in refusal.problems)
