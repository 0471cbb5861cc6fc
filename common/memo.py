"""Short-lived, process-local memos for hot reads that rarely change.

A phone's report used to spend most of its time asking the database the same things
again: whose token this is, which roles that user holds, what category 1302 is. Each
answer is kept here for a few seconds. A write in this process forgets the entry at once
(signals and the services call `forget`); other server processes see the change when
their copy expires, so the TTL is the longest a revoked token or removed role can still
work elsewhere.
"""

import threading
from collections.abc import Callable, Hashable
from typing import TypeVar

from cachetools import TTLCache

T = TypeVar("T")
_ALL: list["Memo"] = []


class Memo:
    """A thread-safe TTL cache; `None` is never kept, so a miss is asked again."""

    def __init__(self, name: str, *, seconds: float, size: int = 10_000) -> None:
        self.name = name
        self._cache: TTLCache = TTLCache(maxsize=size, ttl=seconds)
        self._lock = threading.Lock()
        self._generation = 0  # bumped by forget: a load that raced a write is not kept
        _ALL.append(self)

    def get(self, key: Hashable, load: Callable[[], T | None]) -> T | None:
        with self._lock:
            value = self._cache.get(key)
            generation = self._generation
        if value is not None:
            return value
        value = load()  # outside the lock: a slow query must not stall other threads
        if value is not None:
            with self._lock:
                if generation == self._generation:
                    self._cache[key] = value
        return value

    def forget(self, key: Hashable | None = None) -> None:
        """Drop `key`, or everything when no key is given."""
        with self._lock:
            self._generation += 1
            if key is None:
                self._cache.clear()
            else:
                self._cache.pop(key, None)

    def forget_where(self, test: Callable[[object], bool]) -> None:
        """Drop every entry whose value passes `test` (a scan: for rare writes only)."""
        with self._lock:
            self._generation += 1
            for key in [k for k, v in self._cache.items() if test(v)]:
                self._cache.pop(key, None)


def forget_all() -> None:
    """Empty every memo (tests: a rolled-back test must not leave answers behind)."""
    for memo in _ALL:
        memo.forget()
