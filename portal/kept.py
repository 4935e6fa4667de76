"""What each process keeps once made: translated titles and rendered parts of reports.

Nothing kept can go out of date while the portal runs: translations are fixed when it starts, and report parts
are kept under everything they show. A test that swaps the translations calls `forget()`."""
from typing import TypeVar

Cache = TypeVar("Cache", bound=dict)

_caches: list[dict] = []


def kept(cache: Cache) -> Cache:
    """Registers a cache so that `forget()` empties it."""
    _caches.append(cache)
    return cache


def forget() -> None:
    for cache in _caches:
        cache.clear()
