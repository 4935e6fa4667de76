"""Holidays by their names in the reader's language."""
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import clock

OBSERVED = " (observed)"
TITLES = {
    "New Year's Day": _l("New Year's Day"),
    "Family Day": _l("Family Day"),
    "Good Friday": _l("Good Friday"),
    "Victoria Day": _l("Victoria Day"),
    "Canada Day": _l("Canada Day"),
    "Civic Holiday": _l("Civic Holiday"),
    "Labor Day": _l("Labour Day"),
    "Thanksgiving Day": _l("Thanksgiving"),
    "Christmas Day": _l("Christmas Day"),
    "Boxing Day": _l("Boxing Day"),
}


def holiday_title(day: date) -> str:
    """The holiday on this day as readers know it (“Boxing Day (observed)”); empty on an ordinary day."""
    name = clock.holiday_name(day) or ""
    observed = name.endswith(OBSERVED)
    base = name.removesuffix(OBSERVED)
    title = str(TITLES.get(base, base))
    return _("%(holiday)s (observed)", holiday=title) if observed else title
