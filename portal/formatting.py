"""Dates, times and numbers as Canadian readers expect them (en_CA, fr_CA), for templates and exports.

Timestamps are stored in UTC and shown in the portal's time zone (America/Toronto). What each locale needs is
worked out once per process, as reports format hundreds of figures."""
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date as babel_date
from babel.dates import format_datetime as babel_datetime
from babel.numbers import format_decimal, get_group_symbol
from flask import current_app
from flask_babel import get_locale

EMPTY = "—"
DEFAULT_LOCALE = Locale.parse("en_CA")


@dataclass(frozen=True)
class ReaderFormats:
    locale: Locale
    zone: tzinfo
    group: str

    @property
    def french(self) -> bool:
        return self.locale.language == "fr"


@cache
def _formats_for(locale: Locale, zone_name: str) -> ReaderFormats:
    return ReaderFormats(locale, ZoneInfo(zone_name), get_group_symbol(locale))


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
    return babel_date(day, first_of_month if formats.french and day.day == 1 else width, locale=formats.locale)


def long_date(value: date | datetime | None) -> str:
    """1 July 2024 in English; « 1er juillet 2024 » in French."""
    return _date(value, "long", "d'er' MMMM y")


def short_date(value: date | datetime | None) -> str:
    """Jul 1, 2024 in English; « 1er juil. 2024 » in French."""
    return _date(value, "medium", "d'er' MMM y")


def date_time(value: datetime | None) -> str:
    """Date with the year, time and time zone: Nov 23, 2026, 10:04 a.m. EST / 23 nov. 2026, 10 h 04 HNE."""
    if value is None:
        return EMPTY
    formats = _formats()
    moment = _local(value).astimezone(formats.zone)
    if formats.french:
        pattern = ("d'er'" if moment.day == 1 else "d") + " MMM y, HH 'h' mm zzz"
    else:
        pattern = "MMM d, y, h:mm a zzz"
    return babel_datetime(moment, pattern, tzinfo=formats.zone, locale=formats.locale)


def number(value: int | float | None) -> str:
    """40,000 in English, 40 000 in French."""
    if value is None:
        return EMPTY
    formats = _formats()
    if isinstance(value, int):
        return f"{value:,}".replace(",", formats.group)
    return format_decimal(value, locale=formats.locale)


def share(count: int, total: int) -> tuple[str, str] | None:
    """A rate as shown in reports: ("25 %", "(1/4)"), or None when there is nobody to count."""
    if not total:
        return None
    return f"{round(100 * count / total)} %", f"({number(count)}/{number(total)})"


FILTERS = {"long_date": long_date, "short_date": short_date, "date_time": date_time, "number": number}
