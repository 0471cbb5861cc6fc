"""Reading the outbox back: replay for a socket that reconnects, and the relay that fills
what the channel layer dropped.

Events commit out of id order (a transaction that took its id first may commit last), so
"after id N" alone can miss one. Every read also takes the events written up to
REALTIME_LATE_COMMIT_SECONDS before the last one the reader knew; the socket drops what
it already sent by id, and so does the page.

A mass reconnect (a restart drops every socket at once) must not become one query per
socket: replay requests that arrive within REPLAY_BATCH_SECONDS of each other share one
read (`ReplayBatcher`), and the relay reads once per process for all its sockets.
"""

import asyncio
import dataclasses
import datetime as dt
import logging
import threading
from collections.abc import Iterable

from channels.db import database_sync_to_async
from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone

from realtime import health
from realtime.models import Event, StreamEpoch

log = logging.getLogger(__name__)

REPLAY_BATCH_SECONDS = 0.1  # a reconnect waits this long at most; a mass one shares the read


@dataclasses.dataclass(frozen=True)
class Row:
    id: int
    kind: str
    area: str
    payload: dict
    audience: tuple[str, ...]
    created_at: dt.datetime

    def message(self) -> dict:
        """As a socket sends it (the same shape as a live send, realtime.publish)."""
        return {"id": self.id, "type": self.kind, "area": self.area, "data": self.payload}

    def reaches(self, groups: Iterable[str]) -> bool:
        return not set(self.audience).isdisjoint(groups)


FIELDS = ("id", "kind", "area_code", "payload", "audience", "created_at")


def _rows(query) -> list[Row]:
    return [
        Row(pk, kind, area, payload, tuple(audience), created)
        for pk, kind, area, payload, audience, created in query.values_list(*FIELDS)
    ]


def late() -> dt.timedelta:
    return dt.timedelta(seconds=settings.REALTIME_LATE_COMMIT_SECONDS)


# --- the stream's identity --------------------------------------------------------------


def stream_position() -> tuple[str, int]:
    """(epoch, the highest event id): a page rendered now has seen everything up to it."""
    return current_epoch(), highest_id()


def current_epoch() -> str:
    epoch = StreamEpoch.objects.order_by("-pk").values_list("token", flat=True).first()
    return epoch or ""


# --- replay -----------------------------------------------------------------------------


@dataclasses.dataclass
class Replay:
    """What a reconnecting socket gets: the missed events, or `reset` when the outbox can
    no longer say what it missed (the page reloads its data instead)."""

    rows: list[Row]
    reset: bool = False


def read_replay(sinces: list[int], limit: int) -> tuple[list[Row], bool, int]:
    """One read for many sockets: every event from the earliest `since` on (with the late-
    commit margin), inside the replay window. Returns (rows, truncated, highest id)."""
    window_start = timezone.now() - dt.timedelta(seconds=settings.REALTIME_REPLAY_SECONDS)
    first = Event.objects.filter(pk=min(sinces)).values_list("created_at", flat=True).first()
    start = max(first - late(), window_start) if first else window_start
    rows = _rows(Event.objects.filter(created_at__gte=start).order_by("id")[: limit + 1])
    return rows[:limit], len(rows) > limit, highest_id()


def replay_for(since: int, groups: list[str], rows: list[Row], truncated: bool, top: int) -> Replay:
    """One socket's share of a shared read."""
    if since > top:  # ids went backwards: the database was restored
        return Replay([], reset=True)
    by_id = {row.id: row for row in rows}
    anchor = by_id.get(since)
    if since and anchor is None:  # its last event is older than the window, or pruned
        return Replay([], reset=True)
    if truncated:
        return Replay([], reset=True)
    earliest = anchor.created_at - late() if anchor else None
    missed = [
        row
        for row in rows
        if row.reaches(groups)
        and row.id != since  # the page holds it: that is what `since` says
        and (row.id > since or (earliest is not None and row.created_at >= earliest))
    ]
    return Replay(missed)


class ReplayBatcher:
    """Collects the replay requests of one event loop for a moment, then reads once. The
    read takes every request that is waiting when it starts on the database thread, not
    when it was scheduled: a mass reconnect queues its connects on that same thread, so
    the requests that arrive behind them join the read instead of making their own."""

    def __init__(self) -> None:
        self._waiting: list[tuple[int, list[str], asyncio.Future]] = []
        self._lock = threading.Lock()  # the database thread takes what the loop adds
        self._flush: asyncio.TimerHandle | None = None

    async def replay(self, since: int, groups: list[str]) -> Replay:
        future = asyncio.get_running_loop().create_future()
        with self._lock:
            self._waiting.append((since, groups, future))
        if self._flush is None:
            self._flush = asyncio.get_running_loop().call_later(
                REPLAY_BATCH_SECONDS, lambda: asyncio.ensure_future(self._read())
            )
        return await future

    async def _read(self) -> None:
        self._flush = None
        taken: list[tuple[int, list[str], asyncio.Future]] = []
        try:
            read = await database_sync_to_async(self._take_and_read)(taken)
        except Exception as error:  # each socket falls back to a reload
            log.exception("replay read failed")
            for _, _, future in taken:
                if not future.done():
                    future.set_exception(error)
            return
        if read is None:  # an earlier read took them all
            return
        health.count("replay_reads")
        rows, truncated, top = read
        for since, groups, future in taken:
            if not future.done():
                future.set_result(replay_for(since, groups, rows, truncated, top))

    def _take_and_read(self, taken: list) -> tuple[list[Row], bool, int] | None:
        with self._lock:
            taken.extend(self._waiting)
            self._waiting.clear()
        if not taken:
            return None
        return read_replay([since for since, _, _ in taken], settings.REALTIME_REPLAY_LIMIT)


# --- the relay --------------------------------------------------------------------------


def read_new(cursor: int, known_since: dt.datetime, known: set[int]) -> list[Row]:
    """Events after `cursor`, and any below it that committed late: written since
    `known_since` minus the margin and not in `known`. The late ones are found by id
    first, so a busy outbox is not read twice over."""
    late_ids = Event.objects.filter(id__lte=cursor, created_at__gte=known_since - late())
    missing = set(late_ids.values_list("id", flat=True)) - known
    query = Q(id__gt=cursor) | Q(id__in=sorted(missing)) if missing else Q(id__gt=cursor)
    return _rows(Event.objects.filter(query).order_by("id"))


def relay_start(now: dt.datetime) -> tuple[int, dict[int, dt.datetime]]:
    """Where a relay starts: the highest id, and the events inside the late-commit margin
    that are already committed (sockets that join get those by replay, not by relay)."""
    recent = Event.objects.filter(created_at__gte=now - late()).values_list("id", "created_at")
    return highest_id(), dict(recent)


def highest_id() -> int:
    return Event.objects.aggregate(last=Max("id"))["last"] or 0
