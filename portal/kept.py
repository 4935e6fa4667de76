"""What each process keeps once made: translated titles and rendered parts of reports.

Nothing kept can go out of date while the portal runs: translations are fixed when it starts, and report parts
are kept under everything they show. A test that swaps the translations calls `forget()`."""
from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock
from typing import TypeVar

Cache = TypeVar("Cache", bound=dict)
Value = TypeVar("Value")

_caches: list[dict] = []


def kept(cache: Cache) -> Cache:
    """Registers a cache so that `forget()` empties it."""
    _caches.append(cache)
    return cache


def forget() -> None:
    for cache in _caches:
        cache.clear()


class KeptByKey:
    """Values made once for a key and kept, least recently used first out; the key must name everything the value
    depends on, so that changed data makes a new key rather than a stale value."""

    def __init__(self, limit: int):
        self.limit, self.values, self.lock = limit, kept(OrderedDict()), Lock()

    def get(self, key: Hashable, make: Callable[[], Value]) -> Value:
        with self.lock:
            if key in self.values:
                self.values.move_to_end(key)
                return self.values[key]
        value = make()
        with self.lock:
            self.values[key] = value
            while len(self.values) > self.limit:
                self.values.popitem(last=False)
        return value
