"""Figures the portal already knows, offered to the adoption reports as computed indicators.

A feature registers a source under an indicator's `computed` key (see content/indicators/README.md); adoption
reads them through `computed_values` without importing the feature. A key with no source is not available,
which reports show as such, never as zero."""
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

Value = int | float | None


@dataclass(frozen=True)
class Span:
    """The divisions and the dates a computed figure is asked for (a reporting period's quarter)."""

    division_ids: tuple[int, ...]
    starts_on: date
    ends_on: date


Source = Callable[[Span], dict[int, Value]]
_SOURCES: dict[str, Source] = {}


def provides(key: str) -> Callable[[Source], Source]:
    def register(source: Source) -> Source:
        _SOURCES[key] = source
        return source
    return register


def available(key: str) -> bool:
    return key in _SOURCES


def computed_values(keys: Iterable[str], span: Span) -> dict[str, dict[int, Value]]:
    """Each registered key's figure for each division (None where a division has none); unknown keys left out."""
    return {key: _SOURCES[key](span) for key in dict.fromkeys(keys) if key in _SOURCES}


def percentage(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None
