"""Figures the portal already knows, offered to the adoption reports as computed indicators.

A feature registers a source under an indicator's `computed` key (see content/indicators/README.md); adoption
reads them through `computed_values` without importing the feature. A key with no source is not available,
which reports show as such, never as zero.

A source may name its mark: a cheap read that changes whenever its figures may change (a tally mark, the newest
log). Its figures are then kept in each process under the mark and the span, and read again only when it moves."""
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import partial

from .kept import KeptByKey

Value = int | float | None


@dataclass(frozen=True)
class Span:
    """The divisions and the dates a computed figure is asked for (a reporting period's quarter)."""

    division_ids: tuple[int, ...]
    starts_on: date
    ends_on: date


Source = Callable[[Span], dict[int, Value]]
Mark = Callable[[], Hashable]
_SOURCES: dict[str, Source] = {}
_MARKS: dict[str, Mark] = {}
_KEPT = KeptByKey(limit=1024)


def provides(key: str, mark: Mark | None = None) -> Callable[[Source], Source]:
    def register(source: Source) -> Source:
        _SOURCES[key] = source
        if mark is not None:
            _MARKS[key] = mark
        return source
    return register


def available(key: str) -> bool:
    return key in _SOURCES


def computed_values(keys: Iterable[str], span: Span) -> dict[str, dict[int, Value]]:
    """Each registered key's figure for each division (None where a division has none); unknown keys left out.
    The dictionaries may be kept: read them, never change them."""
    marks: dict[Mark, Hashable] = {}
    values = {}
    for key in dict.fromkeys(keys):
        if key not in _SOURCES:
            continue
        mark = _MARKS.get(key)
        if mark is None:
            values[key] = _SOURCES[key](span)
            continue
        if mark not in marks:
            marks[mark] = mark()
        values[key] = _KEPT.get((key, span, marks[mark]), partial(_SOURCES[key], span))
    return values


def percentage(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None
