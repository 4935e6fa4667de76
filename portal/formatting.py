"""Dates, times and numbers as Canadian readers expect them (en_CA, fr_CA), for templates and exports.

Timestamps are stored in UTC and shown in the portal's time zone (America/Toronto)."""
from datetime import date, datetime
from functools import cache

from babel.numbers import get_group_symbol

from flask_babel import format_date, format_datetime, format_decimal, get_locale

EMPTY = "—"


def reader_language() -> str:
    """The two-letter language of the page being built: en or fr."""
    locale = get_locale()
    return locale.language if locale is not None else "en"


def _french() -> bool:
    return reader_language() == "fr"


def _first_of_month(value: date | datetime) -> bool:
    """French writes the first day of a month as « 1er »."""
    return _french() and value.day == 1


def long_date(value: date | datetime | None) -> str:
    """1 July 2024 in English; « 1er juillet 2024 » in French."""
    if value is None:
        return EMPTY
    return format_date(value, "d'er' MMMM y" if _first_of_month(value) else "long")


def short_date(value: date | datetime | None) -> str:
    if value is None:
        return EMPTY
    return format_date(value, "d'er' MMM y" if _first_of_month(value) else "medium")


def date_time(value: datetime | None) -> str:
    """Date with the year, time and time zone: Nov 23, 2026, 10:04 a.m. EST / 23 nov. 2026, 10 h 04 HNE."""
    if value is None:
        return EMPTY
    if _french():
        day = "d'er'" if value.day == 1 else "d"
        return format_datetime(value, f"{day} MMM y, HH 'h' mm zzz")
    return format_datetime(value, "MMM d, y, h:mm a zzz")


@cache
def _group_symbol(locale: str) -> str:
    return get_group_symbol(locale)


def number(value: int | float | None) -> str:
    """40,000 in English, 40 000 in French; whole numbers are grouped directly, as reports show hundreds."""
    if value is None:
        return EMPTY
    if isinstance(value, int):
        return f"{value:,}".replace(",", _group_symbol(str(get_locale() or "en_CA")))
    return format_decimal(value)


FILTERS = {"long_date": long_date, "short_date": short_date, "date_time": date_time, "number": number}
