"""Numbers sent to the portal, in addresses, query strings and forms, read in one place.

Only ASCII digits are numbers here: `²`, `٣` or `１` are refused, as are signs other than a leading minus,
exponents and underscores. No more than LONGEST_DIGITS significant digits ever reach `int()`, so thousands of
digits are "too large" and never Python's own limit, and every refusal says why in the reader's language."""
import re
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _

from .formatting import number

LARGEST_ID = 2**31 - 1
LONGEST_DIGITS = 15
_NUMBER = re.compile(r"(-?)([0-9]+)(?:[.,]([0-9]+))?")
_GROUPED = re.compile(r"-?[0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})+(?:[.,][0-9]+)?")
_GROUP_SEPARATORS = re.compile(r"[ \u00a0\u202f]")
_SPACES = " \t\u00a0\u202f"


class NumberRefused(ValueError):
    """Text that is not a number the portal takes: `reason` is "not_a_number", "too_small" or "too_large"."""

    def __init__(self, reason: str, lowest: int, highest: int, places: int):
        super().__init__(reason)
        self.reason, self.lowest, self.highest, self.places = reason, lowest, highest, places

    @property
    def message(self) -> str:
        """What to tell the person, in their language."""
        if self.reason == "too_small":
            return _("Enter a number of %(lowest)s or more.", lowest=number(self.lowest))
        if self.reason == "too_large":
            return _("Enter a number of %(highest)s or less.", highest=number(self.highest))
        if self.places:
            return _("Enter a number in digits, for example 85 or 85.5.")
        return _("Enter a whole number in digits, for example 12.")


def parse_number(text: str, lowest: int = 0, highest: int = LARGEST_ID, places: int = 0,
                 grouped: bool = False) -> int | float:
    """The number written in `text`, from `lowest` to `highest`: an int, or with `places` a float rounded to that
    many decimals (a point or a comma before them). `grouped` takes what people type: spaces around the number and
    thousands set apart by a space (1 200, 1 200,5). Anything else raises NumberRefused."""
    def refused(reason: str) -> NumberRefused:
        return NumberRefused(reason, lowest, highest, places)

    if not isinstance(text, str):
        raise refused("not_a_number")
    if grouped:
        text = text.strip(_SPACES)
        if _GROUPED.fullmatch(text):
            text = _GROUP_SEPARATORS.sub("", text)
    found = _NUMBER.fullmatch(text)
    if found is None or (found[3] is not None and not places):
        raise refused("not_a_number")
    negative, significant, fraction = found[1] == "-", found[2].lstrip("0"), found[3]
    if len(significant) > LONGEST_DIGITS:
        raise refused("too_small" if negative else "too_large")
    value = Decimal(f"{significant or '0'}.{fraction[:places + 1]}") if fraction else Decimal(significant or "0")
    if negative:
        value = -value
    if value < lowest:
        raise refused("too_small")
    if value > highest:
        raise refused("too_large")
    if not places:
        return int(value)
    return float(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def number_or_none(text: str | None, lowest: int = 0, highest: int = LARGEST_ID) -> int | None:
    """A whole number from an address or a query value (`?page=2`), or None when there is none that fits."""
    try:
        return parse_number(text, lowest, highest)
    except NumberRefused:
        return None
