"""One base for every workflow state and kind: a string enum whose members have translated titles."""
import enum

from sqlalchemy import Enum as SqlEnum
from sqlalchemy.orm import mapped_column

from .formatting import reader_language
from .kept import kept

_TITLES: dict[tuple[type, str], dict] = kept({})


class TitledEnum(enum.StrEnum):
    """Members carry a lazily translated title given in `titles()`; the stored value is the member's value."""

    @classmethod
    def titles(cls) -> dict:
        raise NotImplementedError(f"{cls.__name__} must define titles()")

    @property
    def title(self) -> str:
        """Translated once per process and language: pages show dozens, and translations do not change."""
        kind, language = type(self), reader_language()
        titles = _TITLES.get((kind, language))
        if titles is None:
            titles = _TITLES[kind, language] = {member: str(title) for member, title in kind.titles().items()}
        return titles[self]


def enum_column(kind: type[enum.Enum], length: int = 20, **kwargs):
    """A column that stores an enum by its value as a short string (no database enum type)."""
    return mapped_column(SqlEnum(kind, native_enum=False, length=length,
                                 values_callable=lambda members: [member.value for member in members]), **kwargs)
