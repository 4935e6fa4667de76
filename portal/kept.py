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
        """The value kept for the key, or the one `make` gives, kept from now on (made outside the lock)."""
        value = self.peek(key)
        if value is None:
            value = make()
            self.put(key, value)
        return value

    def peek(self, key: Hashable):
        """The value kept for the key, or None."""
        with self.lock:
            value = self.values.get(key)
            if value is not None:
                self.values.move_to_end(key)
            return value

    def put(self, key: Hashable, value) -> None:
        with self.lock:
            self.values[key] = value
            while len(self.values) > self.limit:
                self.values.popitem(last=False)
