"""Dates, times and numbers as Canadian readers expect them (en_CA, fr_CA), for templates and exports.

Timestamps are stored in UTC and shown in the portal's time zone (America/Toronto). What each locale needs is
worked out once per process, as reports format hundreds of figures."""
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date as babel_date
from babel.dates import format_datetime as babel_datetime
from babel.dates import get_month_names, get_period_names, get_timezone_name
from babel.numbers import format_decimal, get_group_symbol
from flask import current_app
from flask_babel import get_locale

from .collation import sort_key

EMPTY = "—"
DEFAULT_LOCALE = Locale.parse("en_CA")


@dataclass(frozen=True)
class ReaderFormats:
    """What one locale needs to write numbers and times, read from Babel's locale data once."""

    locale: Locale
    zone: tzinfo
    group: str
    months: tuple[str, ...]
    periods: dict[str, str]
    zone_names: dict[bool, str]

    @property
    def french(self) -> bool:
        return self.locale.language == "fr"

    def zone_name(self, moment: datetime) -> str:
        return self.zone_names[bool(moment.dst())]


@cache
def _formats_for(locale: Locale, zone_name: str) -> ReaderFormats:
    zone = ZoneInfo(zone_name)
    months = get_month_names("abbreviated", locale=locale)
    periods = get_period_names("abbreviated", locale=locale)
    winter, summer = datetime(2026, 1, 15, 12, tzinfo=zone), datetime(2026, 7, 15, 12, tzinfo=zone)
    return ReaderFormats(locale, zone, get_group_symbol(locale), tuple(months[number] for number in range(1, 13)),
                         {"am": periods.get("am", "AM"), "pm": periods.get("pm", "PM")},
                         {bool(winter.dst()): get_timezone_name(winter, "short", locale=locale),
                          bool(summer.dst()): get_timezone_name(summer, "short", locale=locale)})


def _formats() -> ReaderFormats:
    """The formats of the current locale (which force_locale may change, as e-mails in a reader's language do)."""
    return _formats_for(get_locale() or DEFAULT_LOCALE, current_app.config["BABEL_DEFAULT_TIMEZONE"])


def reader_language() -> str:
    """The two-letter language of the page being built: en or fr."""
    locale = get_locale()
    return locale.language if locale is not None else "en"


def _local(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _day(value: date | datetime, formats: ReaderFormats) -> date:
    return _local(value).astimezone(formats.zone).date() if isinstance(value, datetime) else value


def _date(value: date | datetime | None, width: str, first_of_month: str) -> str:
    """The day in the reader's locale; French writes the first of a month « 1er »."""
    if value is None:
        return EMPTY
    formats = _formats()
    day = _day(value, formats)
    return _written_day(day, first_of_month if formats.french and day.day == 1 else width, formats.locale)


@lru_cache(maxsize=4096)
def _written_day(day: date, pattern: str, locale: Locale) -> str:
    """Babel's pattern formatting is slow for lists of dates, and the same days recur."""
    return babel_date(day, pattern, locale=locale)


def long_date(value: date | datetime | None) -> str:
    """1 July 2024 in English; « 1er juillet 2024 » in French."""
    return _date(value, "long", "d'er' MMMM y")


def short_date(value: date | datetime | None) -> str:
    """Jul 1, 2024 in English; « 1er juill. 2024 » in French (lists show dozens: written directly, as date_time)."""
    if value is None:
        return EMPTY
    formats = _formats()
    day = _day(value, formats)
    month = formats.months[day.month - 1]
    if formats.french:
        return f"{'1er' if day.day == 1 else day.day} {month} {day.year}"
    return f"{month} {day.day}, {day.year}"


def date_time(value: datetime | None) -> str:
    """Date with the year, time and time zone: Nov 23, 2026, 10:04 a.m. EST / 23 nov. 2026, 10 h 04 HNE.

    Written from the locale's month, period and zone names rather than through Babel's pattern formatter,
    as the audit log shows fifty of them a page (tests compare the two)."""
    if value is None:
        return EMPTY
    formats = _formats()
    moment = _local(value).astimezone(formats.zone)
    month, zone = formats.months[moment.month - 1], formats.zone_name(moment)
    if formats.french:
        day = "1er" if moment.day == 1 else str(moment.day)
        return f"{day} {month} {moment.year}, {moment.hour:02d} h {moment.minute:02d} {zone}"
    hour = moment.hour % 12 or 12
    period = formats.periods["am" if moment.hour < 12 else "pm"]
    return f"{month} {moment.day}, {moment.year}, {hour}:{moment.minute:02d} {period} {zone}"


def moment(value: datetime | None) -> str:
    """A moment people plan by, with the weekday: Friday, July 31, 2026 at 4:40 p.m. / vendredi 31 juillet 2026
    à 16 h 40."""
    if value is None:
        return EMPTY
    formats = _formats()
    local = _local(value).astimezone(formats.zone)
    if formats.french:
        day = "1er" if local.day == 1 else str(local.day)
        return babel_datetime(local, f"EEEE '{day}' MMMM y 'à' H 'h' mm", locale=formats.locale)
    return babel_datetime(local, "EEEE, MMMM d, y 'at' h:mm a", locale=formats.locale)


def weekday_date(value: date | None) -> str:
    """Saturday, August 1, 2026 / samedi 1er août 2026."""
    if value is None:
        return EMPTY
    formats = _formats()
    if formats.french:
        day = "1er" if value.day == 1 else str(value.day)
        return babel_date(value, f"EEEE '{day}' MMMM y", locale=formats.locale)
    return babel_date(value, "EEEE, MMMM d, y", locale=formats.locale)


def number(value: int | float | None, formats: ReaderFormats | None = None) -> str:
    """40,000 in English, 40 000 in French."""
    if value is None:
        return EMPTY
    formats = formats or _formats()
    if isinstance(value, int):
        return f"{value:,}".replace(",", formats.group)
    return _written_decimal(value or 0.0, formats.locale)


@lru_cache(maxsize=4096)
def _written_decimal(value: float, locale: Locale) -> str:
    """Scores and rates are rounded, so the same few values recur down a table; a negative zero comes as 0.0."""
    return format_decimal(value, locale=locale)


def month_name(value: date | None) -> str:
    """July 2026, juillet 2026."""
    return babel_date(value, "LLLL y", locale=_formats().locale) if value else EMPTY


def business_time(minutes: int | None) -> str:
    """A duration in hours and minutes, written the same way in both languages: 3 h 05 min."""
    if minutes is None:
        return EMPTY
    hours, rest = divmod(minutes, 60)
    return f"{hours}\u00a0h\u00a0{rest:02d}\u00a0min" if hours else f"{rest}\u00a0min"


def percent(value: float | None) -> str:
    """A percentage 0–100 with at most one decimal, as reports show rates: "85.5 %" or "85,5 %"."""
    if value is None:
        return EMPTY
    return format_decimal(round(value, 1), format="#,##0.#", locale=_formats().locale) + "\u00a0%"


def shares(counts, total: int) -> list[tuple[str, str] | None]:
    """Rates as reports show them: ("25 %", "(1/4)") for each count, or None when there is nobody to count."""
    if not total:
        return [None for _count in counts]
    formats = _formats()
    whole = number(total, formats)
    return [(f"{round(100 * count / total)} %", f"({number(count, formats)}/{whole})") for count in counts]


def share(count: int, total: int) -> tuple[str, str] | None:
    return shares([count], total)[0]


def in_name_order(items, attribute: str) -> list:
    """Items by the name at `attribute` ("user.full_name"), in the order people expect (portal/collation.py)."""
    def name_of(item):
        for part in attribute.split("."):
            item = getattr(item, part)
        return sort_key(item)

    return sorted(items, key=name_of)


FILTERS = {"moment": moment, "weekday_date": weekday_date, "long_date": long_date, "short_date": short_date,
           "date_time": date_time, "number": number, "percent": percent, "month_name": month_name,
           "business_time": business_time, "in_name_order": in_name_order}
