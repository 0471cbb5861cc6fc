"""Memos for hot reads that rarely change, kept in Django's cache alias "memo".

A phone's report asks the same things on every request: whose token this is, which roles
that user holds, what category 1302 is. Each answer is kept for a few seconds in the
"memo" cache: Redis in production, so every server process reads one copy and an entry
forgotten by one process is gone for all of them at once; local memory in the embedded
mode, which is one process.

The services that change a memoised row forget its entry with `forget_on_commit`: after
the transaction commits, so a read in the writer's uncommitted window cannot put the old
row back for the whole TTL, and a rolled-back write forgets nothing. A read that loaded
the old row before the commit and stores it after the forget is not served either: every
forget gives the key a new generation, and an entry counts only under the generation it
was loaded under (one MGET reads both).

`None` is never kept, so a miss is asked again. Values are pickled: keep them plain
tuples, not model instances. Redis counts expiry in whole seconds.

When the cache is unreachable (Redis restarting), answers come straight from the
database, uncached, and the error is logged: a memo is a speed-up, and a report must not
fail because of one. A forget lost in that window leaves an entry for at most its few
seconds (a restarted Redis holds none).
"""

import logging
import uuid
from collections.abc import Callable, Hashable, Iterable
from typing import Generic, TypeVar

from django.core.cache import caches
from django.db import transaction

CACHE_ALIAS = "memo"
# Entries live seconds; a generation must outlive every entry loaded under it.
GENERATION_SECONDS = 24 * 3600

T = TypeVar("T")
log = logging.getLogger(__name__)


class Memo(Generic[T]):
    """Answers by key for `seconds`, shared by every process that shares the cache."""

    def __init__(self, name: str, *, seconds: float) -> None:
        self.name = name  # part of every cache key: a short slug
        self.seconds = seconds

    def get(self, key: Hashable, load: Callable[[], T | None]) -> T | None:
        entry_key, generation_key = self._keys(key)
        cache = caches[CACHE_ALIAS]
        try:
            found = cache.get_many([entry_key, generation_key])
        except Exception:  # the cache is away: the database answers
            log.warning("memo cache unreachable; reading %s from the database", self.name)
            return load()
        generation = found.get(generation_key)
        entry = found.get(entry_key)
        if entry is not None and entry[0] == generation:
            return entry[1]
        value = load()
        if value is not None:
            try:
                cache.set(entry_key, (generation, value), self.seconds)
            except Exception:
                log.warning("memo cache unreachable; %s not kept", self.name)
        return value

    def forget(self, keys: Iterable[Hashable]) -> None:
        """Forget `keys` now. Writers call `forget_on_commit` instead: forgetting before
        the commit lets a reader cache the old row again."""
        generation = uuid.uuid4().hex
        new = {self._keys(key)[1]: generation for key in keys}
        if not new:
            return
        try:
            caches[CACHE_ALIAS].set_many(new, GENERATION_SECONDS)
        except Exception:
            log.warning("memo cache unreachable; %s forget lost", self.name)

    def forget_on_commit(self, *keys: Hashable, using: str | None = None) -> None:
        """Forget `keys` once the current transaction commits (at once outside one)."""
        transaction.on_commit(lambda: self.forget(keys), using=using)

    def _keys(self, key: Hashable) -> tuple[str, str]:
        return f"{self.name}:{key}", f"{self.name}:{key}:generation"


def forget_all() -> None:
    """Empty the memo cache (tests: a rolled-back test must not leave answers behind)."""
    caches[CACHE_ALIAS].clear()
