"""URL converters: numbers within what the database can hold, and enums by their values."""
import re

from werkzeug.routing import BaseConverter, IntegerConverter, ValidationError

from .numbers import LARGEST_ID, number_or_none


class BoundedIntegerConverter(IntegerConverter):
    """`<int:...>` for ASCII digits only and at most what a 32-bit integer column holds, read by the portal's one
    number reader; anything else is a 404."""

    regex = r"[0-9]{1,10}"

    def __init__(self, map, fixed_digits=0, min=None, max=LARGEST_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)

    def to_python(self, value: str) -> int:
        found = number_or_none(value, self.min or 0, self.max)
        if found is None:
            raise ValidationError()
        return found


class PlainTextConverter(BaseConverter):
    """`<name>` segments: no control characters (a NUL byte cannot even be stored) and at most 200 characters."""

    regex = "[^/\\x00-\\x1f\\x7f]{1,200}"


def enum_converter(kind: type) -> type[BaseConverter]:
    """A converter that accepts exactly the values of an enum and hands the view the member."""

    class EnumConverter(BaseConverter):
        regex = "|".join(re.escape(member.value) for member in kind)

        def to_python(self, value: str):
            try:
                return kind(value)
            except ValueError:
                raise ValidationError() from None

        def to_url(self, value) -> str:
            return kind(value).value

    EnumConverter.__name__ = f"{kind.__name__}Converter"
    return EnumConverter
