"""A division's inquiry log: checking the uploaded CSV, reading it, and its Service Standard figures.

The Service Standard: an inquiry is acknowledged within 2 business days, or 48 hours for a service that runs
around the clock (see portal.clock). The log is a CSV file saved as UTF-8 (a byte-order mark is fine), one
inquiry a line, for example:

    received_at,acknowledged_at,channel,around_the_clock
    2026-07-02 09:15,2026-07-03 10:00,email,no
    2026-07-02T22:40:00-04:00,,phone,yes

- The first line names the columns, in any order and any case: received_at, acknowledged_at, channel and
  around_the_clock, or in French reçu_le, accusé_le, canal and service_24h (accents optional). Other columns
  are ignored.
- Cells are separated by commas, or by semicolons as French Excel saves them; the first line tells which.
- Dates are ISO 8601 with a time: 2026-07-02 09:15 or 2026-07-02T09:15, seconds optional, an offset (-04:00
  or Z) optional; without an offset they are Toronto time. An empty acknowledged_at means not acknowledged yet.
- channel: phone, email, in-person, online, mail or social-media in any case, also "in person",
  "social media", web (online), téléphone, courriel, en personne, en ligne, courrier and médias sociaux.
- around_the_clock: yes/no, true/false, 1/0, y/n, oui/non or o.
- Blank lines are skipped; at most MAX_ROWS inquiries a file, received from EARLIEST_YEAR on.

A log with any problem is refused whole (LogRefused), listing each bad line and why."""
import csv
import io
import math
import re
import statistics
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from operator import itemgetter
from typing import NamedTuple

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _

from portal import clock

MAX_BYTES = 32 * 1024 * 1024
MAX_ROWS = 200_000
MAX_PROBLEMS_SHOWN = 20
CHANNELS = ("phone", "email", "in-person", "online", "mail", "social-media")
SHOWN_VALUE_LENGTH = 40
EARLIEST_YEAR = 2000
AROUND_THE_CLOCK_DELAY = timedelta(hours=clock.ACKNOWLEDGE_WITHIN_HOURS_AROUND_THE_CLOCK)
MINUTE = timedelta(minutes=1)

RECEIVED, ACKNOWLEDGED, CHANNEL, AROUND_THE_CLOCK = "received_at", "acknowledged_at", "channel", "around_the_clock"
FIELDS = (RECEIVED, ACKNOWLEDGED, CHANNEL, AROUND_THE_CLOCK)
COLUMN_NAMES = {"received at": RECEIVED, "recu le": RECEIVED, "acknowledged at": ACKNOWLEDGED,
                "accuse le": ACKNOWLEDGED, "channel": CHANNEL, "canal": CHANNEL,
                "around the clock": AROUND_THE_CLOCK, "service 24h": AROUND_THE_CLOCK}
CHANNEL_NAMES = {"phone": "phone", "telephone": "phone", "email": "email", "e mail": "email", "courriel": "email",
                 "in person": "in-person", "en personne": "in-person", "online": "online", "web": "online",
                 "en ligne": "online", "mail": "mail", "courrier": "mail", "social media": "social-media",
                 "medias sociaux": "social-media"}
YES = frozenset({"yes", "y", "true", "1", "oui", "o"})
NO = frozenset({"no", "n", "false", "0", "non"})
CSV_MEDIA_TYPES = frozenset({"text/csv", "text/plain", "application/csv", "application/vnd.ms-excel",
                             "application/octet-stream", "text/x-csv", "application/x-csv",
                             "text/comma-separated-values"})

MOMENT_SHAPE = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d{1,6})?)?(Z|[+-]\d\d:?\d\d)?")
FIRST_LINE = re.compile(r"[^\r\n]*\S[^\r\n]*")
SEPARATORS = re.compile(r"[\s_-]+")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a log: its line (the header is line 1; None for the whole file) and what to do."""

    line: int | None
    message: str


class LogRefused(Exception):
    """The log cannot be used: the first MAX_PROBLEMS_SHOWN problems, and how many there are in all."""

    def __init__(self, problems: list[Problem], total: int | None = None):
        self.problems = list(problems)[:MAX_PROBLEMS_SHOWN]
        self.total = len(problems) if total is None else total
        super().__init__("; ".join(problem.message for problem in self.problems))


@dataclass(frozen=True)
class Inquiry:
    """One line of the log, measured against the Service Standard at the moment it was read.

    An unacknowledged inquiry is `pending` while it is not yet due; either way it is not `within_standard`.
    `minutes_to_acknowledge` counts business minutes for ordinary services, real minutes around the clock."""

    received_at: datetime
    acknowledged_at: datetime | None
    channel: str
    around_the_clock: bool
    within_standard: bool
    pending: bool
    minutes_to_acknowledge: int | None


@dataclass(frozen=True)
class MonthlyFigure:
    """A month's inquiries on one channel (month is the first day of the month they were received)."""

    month: date
    channel: str
    received: int
    acknowledged: int
    within_standard: int
    pending: int
    median_minutes: int | None

    @property
    def rate(self) -> float | None:
        """The share acknowledged within the standard, pending inquiries left out (None when all are pending)."""
        counted = self.received - self.pending
        return self.within_standard / counted if counted else None


def check_upload(filename: str, content_type: str | None, data: bytes) -> None:
    """Refuses an upload that cannot be an inquiry log: empty, too big, not named .csv, sent as another kind of
    file, binary, or not saved as UTF-8."""
    if not data:
        raise LogRefused([Problem(None, _empty_file())])
    if len(data) > MAX_BYTES:
        raise LogRefused([Problem(None, _too_big())])
    problems = _Problems()
    if not (filename or "").strip().lower().endswith(".csv"):
        problems.whole_file(_not_named_csv)
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type and media_type not in CSV_MEDIA_TYPES:
        problems.whole_file(_not_sent_as_csv, media_type)
    _check_text(data, problems)
    problems.refuse_if_any()


def read_inquiry_log(data: bytes, now: datetime) -> list[Inquiry]:
    """Every inquiry in the log, measured at `now`; LogRefused listing each bad line if any line is wrong."""
    text = _text(data)
    problems = _Problems()
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(text), strict=True)
    inquiries = _read_rows(rows, clock.in_zone(now).astimezone(UTC), problems)
    problems.refuse_if_any()
    return inquiries


def monthly_figures(inquiries: Iterable[Inquiry]) -> list[MonthlyFigure]:
    """The figures for each month and channel that had inquiries, by month then in the order of CHANNELS."""
    groups = defaultdict(list)
    for inquiry in inquiries:
        groups[(_toronto_date(inquiry.received_at).replace(day=1), inquiry.channel)].append(inquiry)
    order = sorted(groups, key=lambda key: (key[0], CHANNELS.index(key[1])))
    return [_figure(month, channel, groups[(month, channel)]) for month, channel in order]


def figures_from_counts(month: date, channel: str, received: int, within_standard: int) -> MonthlyFigure:
    """A month's figure typed in as counts. Only the inquiries acknowledged within the standard are known to be
    acknowledged, none are pending and there is no median."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    if received < 0 or within_standard < 0:
        raise ValueError("counts cannot be negative")
    if within_standard > received:
        raise ValueError("more inquiries within the standard than received")
    return MonthlyFigure(month.replace(day=1), channel, received, within_standard, within_standard, 0, None)


class _Problems:
    """Counts every problem but words only the first MAX_PROBLEMS_SHOWN (a wholly wrong file stays cheap)."""

    def __init__(self):
        self.shown: list[Problem] = []
        self.total = 0

    def at_line(self, line: int, describe: Callable[..., str], *details) -> None:
        self.total += 1
        if len(self.shown) < MAX_PROBLEMS_SHOWN:
            self.shown.append(Problem(line, describe(line, *details)))

    def whole_file(self, describe: Callable[..., str], *details) -> None:
        self.total += 1
        self.shown.insert(0, Problem(None, describe(*details)))
        del self.shown[MAX_PROBLEMS_SHOWN:]

    def refuse_if_any(self) -> None:
        if self.total:
            raise LogRefused(self.shown, self.total)


class _Moment(NamedTuple):
    """A moment as the clock reads it in Toronto, and in UTC for comparing and counting real time."""

    local: datetime
    utc: datetime


@dataclass(frozen=True)
class _Header:
    """Where the log keeps each field: `cells(row)` gives them in the order of FIELDS."""

    cells: Callable[[list[str]], tuple[str, ...]]
    names: dict[str, str]
    width: int


def _check_text(data: bytes, problems: _Problems) -> None:
    if b"\0" in data:
        problems.whole_file(_binary)
        return
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        problems.at_line(data.count(b"\n", 0, error.start) + 1, _not_utf8)


def _text(data: bytes) -> str:
    """The log as text, or LogRefused when it is empty, too big, binary or not UTF-8."""
    if len(data) > MAX_BYTES:
        raise LogRefused([Problem(None, _too_big())])
    problems = _Problems()
    _check_text(data, problems)
    problems.refuse_if_any()
    text = data.decode("utf-8-sig")
    if FIRST_LINE.search(text) is None:
        raise LogRefused([Problem(None, _empty_file())])
    return text


def _separator(text: str) -> str:
    first = FIRST_LINE.search(text).group()
    return ";" if first.count(";") > first.count(",") else ","


def _read_rows(rows: Iterator[list[str]], now: datetime, problems: _Problems) -> list[Inquiry]:
    inquiries, count, done = [], 0, 0
    try:
        header = _header(_first_row(rows), problems)
        if header is None:
            return []
        for cells in rows:
            line = done = rows.line_num
            if not "".join(cells).strip():
                continue
            count += 1
            if count > MAX_ROWS:
                problems.whole_file(_too_many_rows)
                return []
            inquiry = _read_row(cells, header, line, now, problems)
            if inquiry is not None and not problems.total:
                inquiries.append(inquiry)
    except csv.Error:
        problems.at_line(done + 1, _unreadable_csv)
        return []
    if count == 0:
        problems.whole_file(_no_rows)
    return inquiries


def _first_row(rows: Iterator[list[str]]) -> list[str]:
    return next((cells for cells in rows if "".join(cells).strip()), [])


def _header(cells: list[str], problems: _Problems) -> _Header | None:
    """Where each field is, under the name the file gives it; None (with the problems noted) when it can't tell."""
    positions, names = {}, {}
    for index, cell in enumerate(cells):
        field = COLUMN_NAMES.get(_key(cell))
        if field in positions:
            problems.whole_file(_repeated_column, cell.strip())
        elif field is not None:
            positions[field], names[field] = index, cell.strip()
    missing = [field for field in FIELDS if field not in positions]
    if len(missing) == len(FIELDS):
        problems.whole_file(_not_a_log)
    elif missing:
        problems.whole_file(_missing_columns, missing)
    if problems.total:
        return None
    return _Header(itemgetter(*(positions[field] for field in FIELDS)), names, len(cells))


def _read_row(cells: list[str], header: _Header, line: int, now: datetime, problems: _Problems) -> Inquiry | None:
    """The inquiry on this line, or None with its problems noted."""
    if len(cells) != header.width:
        problems.at_line(line, _wrong_cell_count, len(cells), header.width)
        return None
    before = problems.total
    received_text, acknowledged_text, channel_text, around_text = header.cells(cells)
    received_text, acknowledged_text = received_text.strip(), acknowledged_text.strip()
    received = _received(received_text, header.names[RECEIVED], line, now, problems)
    acknowledged = _acknowledged(acknowledged_text, received_text, received, header, line, now, problems)
    channel = _channel(channel_text)
    if channel is None:
        problems.at_line(line, _unknown_channel, header.names[CHANNEL], channel_text.strip())
    around_the_clock = _yes_or_no(around_text)
    if around_the_clock is None:
        problems.at_line(line, _unknown_yes_or_no, header.names[AROUND_THE_CLOCK], around_text.strip())
    if problems.total > before:
        return None
    return _measured(received, acknowledged, channel, around_the_clock, now)


def _received(text: str, column: str, line: int, now: datetime, problems: _Problems) -> _Moment | None:
    if not text:
        problems.at_line(line, _blank_received, column)
        return None
    received = _moment(text)
    if received is None:
        problems.at_line(line, _unreadable_moment, column, text)
    elif received.utc > now:
        problems.at_line(line, _received_in_future, column, text)
    elif received.local.year < EARLIEST_YEAR:
        problems.at_line(line, _received_too_early, column, text)
    return received


def _acknowledged(text: str, received_text: str, received: _Moment | None, header: _Header, line: int,
                  now: datetime, problems: _Problems) -> _Moment | None:
    if not text:
        return None
    column = header.names[ACKNOWLEDGED]
    acknowledged = _moment(text)
    if acknowledged is None:
        problems.at_line(line, _unreadable_moment, column, text)
    elif acknowledged.utc > now:
        problems.at_line(line, _acknowledged_in_future, column, text)
    elif received is not None and acknowledged.utc < received.utc:
        problems.at_line(line, _acknowledged_before_received, column, text, header.names[RECEIVED], received_text)
    return acknowledged


def _moment(text: str) -> _Moment | None:
    """The moment in Toronto (naive is Toronto time, as clock.in_zone reads it) and in UTC; None unless it is an
    accepted ISO 8601 shape."""
    if MOMENT_SHAPE.fullmatch(text) is None:
        return None
    try:
        parsed = datetime.fromisoformat(text)
        if parsed.tzinfo is None:
            local = datetime.combine(parsed.date(), parsed.time(), clock.TORONTO)
        else:
            local = parsed.astimezone(clock.TORONTO)
        return _Moment(local, local.astimezone(UTC))
    except (ValueError, OverflowError):
        return None


def _key(text: str) -> str:
    """Lower case, accents and surrounding space dropped, runs of spaces, hyphens and underscores as one space."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(character for character in decomposed if not unicodedata.combining(character))
    return SEPARATORS.sub(" ", plain).strip()


@lru_cache(maxsize=256)
def _channel(text: str) -> str | None:
    return CHANNEL_NAMES.get(_key(text))


@lru_cache(maxsize=64)
def _yes_or_no(text: str) -> bool | None:
    word = text.strip().lower()
    return True if word in YES else False if word in NO else None


def _measured(received: _Moment, acknowledged: _Moment | None, channel: str, around_the_clock: bool,
              now: datetime) -> Inquiry:
    if around_the_clock:
        due = received.utc + AROUND_THE_CLOCK_DELAY
    else:
        due = _business_due(received.local)
    if acknowledged is None:
        return Inquiry(received.local, None, channel, around_the_clock, False, due > now, None)
    if around_the_clock:
        elapsed = acknowledged.utc - received.utc
    else:
        elapsed = _business_time(received.local, acknowledged.local)
    return Inquiry(received.local, acknowledged.local, channel, around_the_clock, acknowledged.utc <= due, False,
                   elapsed // MINUTE)


@dataclass(frozen=True)
class _Day:
    """A day as the Service Standard's clock sees it, worked out once: its opening hours (None when closed), the
    open office time from the start of its year to the start of the day, and in UTC when an inquiry received at
    opening, or after closing, is due."""

    opens: datetime | None
    closes: datetime | None
    open_before: timedelta
    due_from_opening: datetime | None
    due_after_closing: datetime


def _business_due(received: datetime) -> datetime:
    """clock.acknowledgement_due(received) in UTC, from the day's figures: the same business moment two business days
    on (opening hours never straddle a clock change)."""
    day = _calendar(received.date())
    if day.opens is None or received >= day.closes:
        return day.due_after_closing
    if received <= day.opens:
        return day.due_from_opening
    return day.due_from_opening + (received - day.opens)


def _business_time(start: datetime, end: datetime) -> timedelta:
    """clock.business_time_between(start, end) for start <= end, without walking the days."""
    elapsed = _open_before(end) - _open_before(start)
    return elapsed if start.year == end.year else elapsed + _open_in_years(start.year, end.year)


def _open_before(moment: datetime) -> timedelta:
    """Open office time from the start of the moment's year to the moment."""
    day = _calendar(moment.date())
    if day.opens is None or moment <= day.opens:
        return day.open_before
    return day.open_before + (min(moment, day.closes) - day.opens)


def _calendar(day: date) -> _Day:
    return _days_of(day.year)[day]


@lru_cache(maxsize=64)
def _days_of(year: int) -> dict[date, _Day]:
    open_before, days = timedelta(), {}
    for day in _dates_in(year):
        days[day] = _described(day, open_before)
        if days[day].opens is not None:
            open_before += clock.CITY_HOURS.length
    return days


def _described(day: date, open_before: timedelta) -> _Day:
    after_closing = clock.acknowledgement_due(datetime.combine(day, time.max, clock.TORONTO)).astimezone(UTC)
    if not clock.is_business_day(day):
        return _Day(None, None, open_before, None, after_closing)
    opens = clock.CITY_HOURS.opening(day)
    from_opening = clock.acknowledgement_due(opens).astimezone(UTC)
    return _Day(opens, clock.CITY_HOURS.closing(day), open_before, from_opening, after_closing)


@lru_cache(maxsize=1024)
def _open_in_years(first: int, last: int) -> timedelta:
    """Open office time in the whole years from `first` up to, not including, `last`."""
    return sum((_open_in(year) for year in range(first, last)), timedelta())


@lru_cache(maxsize=64)
def _open_in(year: int) -> timedelta:
    return clock.CITY_HOURS.length * sum(clock.is_business_day(day) for day in _dates_in(year))


def _dates_in(year: int) -> Iterator[date]:
    first = date(year, 1, 1)
    return (first + timedelta(days=offset) for offset in range((date(year + 1, 1, 1) - first).days))


def _toronto_date(moment: datetime) -> date:
    return moment.date() if moment.tzinfo is clock.TORONTO else clock.in_zone(moment).date()


def _figure(month: date, channel: str, inquiries: list[Inquiry]) -> MonthlyFigure:
    minutes = [inquiry.minutes_to_acknowledge for inquiry in inquiries if inquiry.minutes_to_acknowledge is not None]
    return MonthlyFigure(month=month, channel=channel, received=len(inquiries), acknowledged=len(minutes),
                         within_standard=sum(inquiry.within_standard for inquiry in inquiries),
                         pending=sum(inquiry.pending for inquiry in inquiries), median_minutes=_median(minutes))


def _median(values: list[int]) -> int | None:
    """The median, halves rounded up; None when there are no values."""
    return math.floor(statistics.median(values) + 0.5) if values else None


def _shown(value: str) -> str:
    """A cell as quoted in a message: on one line, at most SHOWN_VALUE_LENGTH characters."""
    flat = " ".join(value.split())
    return flat if len(flat) <= SHOWN_VALUE_LENGTH else flat[:SHOWN_VALUE_LENGTH - 1] + "…"


def _empty_file() -> str:
    return _("The file is empty. Choose the inquiry log saved as a CSV file.")


def _too_big() -> str:
    return _("The file is larger than %(megabytes)s MB. Split the log into smaller files, for example one a month.",
             megabytes=MAX_BYTES // (1024 * 1024))


def _not_named_csv() -> str:
    return _('The file name must end in .csv. Save the log from your spreadsheet as "CSV UTF-8" and upload that.')


def _not_sent_as_csv(media_type: str) -> str:
    return _('The file was sent as %(kind)s, not as CSV. Save the log from your spreadsheet as "CSV UTF-8" and '
             'upload that.', kind=_shown(media_type))


def _binary() -> str:
    return _('The file is not text (it holds binary data). Save the log from your spreadsheet as "CSV UTF-8" and '
             'upload that.')


def _not_utf8(line: int) -> str:
    return _('Line %(line)s: the file is not saved as UTF-8. Save the log from your spreadsheet as "CSV UTF-8" and '
             'upload it again.', line=line)


def _unreadable_csv(line: int) -> str:
    return _("Line %(line)s cannot be read as CSV: a quotation mark is not closed, or a quoted cell has text "
             "after its closing quotation mark. Check the quotation marks on that line.", line=line)


def _column_list() -> str:
    return ", ".join(FIELDS)


def _not_a_log() -> str:
    return _("This file does not look like an inquiry log. Its first line must name the columns %(columns)s, "
             "separated by commas or semicolons.", columns=_column_list())


def _missing_columns(missing: list[str]) -> str:
    return ngettext("The first line has no %(columns)s column. It must name the columns %(expected)s.",
                    "The first line has no %(columns)s columns. It must name the columns %(expected)s.",
                    len(missing), columns=", ".join(missing), expected=_column_list())


def _repeated_column(name: str) -> str:
    return _("The column %(column)s is named more than once on the first line. Keep only one.",
             column=_shown(name))


def _no_rows() -> str:
    return _("The file has a first line naming the columns but no inquiries. Add one line for each inquiry.")


def _too_many_rows() -> str:
    return ngettext("The file has more than %(count)s inquiry. Split the log into smaller files, for example one a "
                    "month.", "The file has more than %(count)s inquiries. Split the log into smaller files, for "
                    "example one a month.", MAX_ROWS, count=format_decimal(MAX_ROWS))


def _wrong_cell_count(line: int, found: int, expected: int) -> str:
    return ngettext("Line %(line)s has %(num)s cell but the first line names %(expected)s columns. Check for a "
                    "missing or extra separator.",
                    "Line %(line)s has %(num)s cells but the first line names %(expected)s columns. Check for a "
                    "missing or extra separator.", found, line=line, expected=expected)


def _blank_received(line: int, column: str) -> str:
    return _("Line %(line)s: %(column)s is empty. Give the date and time the inquiry was received, such as "
             "2026-07-02 09:15.", line=line, column=column)


def _received_too_early(line: int, column: str, value: str) -> str:
    return _('Line %(line)s: %(column)s "%(value)s" is before %(year)s. Check the date: the log is for recent '
             'inquiries.', line=line, column=column, value=_shown(value), year=EARLIEST_YEAR)


def _unreadable_moment(line: int, column: str, value: str) -> str:
    return _('Line %(line)s: %(column)s "%(value)s" is not a date and time. Write it as 2026-07-02 09:15.',
             line=line, column=column, value=_shown(value))


def _received_in_future(line: int, column: str, value: str) -> str:
    return _('Line %(line)s: %(column)s "%(value)s" is in the future. Only inquiries already received belong in '
             'the log.', line=line, column=column, value=_shown(value))


def _acknowledged_in_future(line: int, column: str, value: str) -> str:
    return _('Line %(line)s: %(column)s "%(value)s" is in the future. Leave it empty if the inquiry is not '
             'acknowledged yet.', line=line, column=column, value=_shown(value))


def _acknowledged_before_received(line: int, column: str, value: str, received_column: str,
                                  received_value: str) -> str:
    return _('Line %(line)s: %(column)s "%(value)s" is before %(received_column)s "%(received_value)s". An '
             'inquiry is acknowledged after it is received.', line=line, column=column, value=_shown(value),
             received_column=received_column, received_value=_shown(received_value))


def _unknown_channel(line: int, column: str, value: str) -> str:
    return _('Line %(line)s: %(column)s "%(value)s" is not a channel we know. Use one of: %(channels)s.',
             line=line, column=column, value=_shown(value), channels=", ".join(CHANNELS))


def _unknown_yes_or_no(line: int, column: str, value: str) -> str:
    return _('Line %(line)s: %(column)s "%(value)s" is not yes or no. Use yes or no (or oui or non).',
             line=line, column=column, value=_shown(value))
