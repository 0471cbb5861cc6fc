"""The sockets of one server process, and the relay that gives them what the channel
layer did not.

The channel layer is fast but forgets: a Redis restart, a dropped publish or a sender
that died with the process loses a message for good. The outbox does not. So each
process reads the outbox every REALTIME_RELAY_SECONDS, once for all its sockets, and
hands each socket the events of its groups that it has not sent yet (sockets drop
repeats by id). With a healthy layer the relay finds nothing to send; when Redis comes
back after an outage, the relay has already filled the gap.

The relay must not double the work of a healthy layer. Every layer message names its
group, and the hub notes each (event, group) the layer brought into this process: the
layer hands a group's message to every local member at once, so the relay skips those
groups without looking at their sockets, and sends only for (event, group) pairs the
layer never brought. Events younger than REALTIME_RELAY_GRACE_SECONDS are left to the layer for
another round (a busy layer may be seconds late without having lost anything).
"""

import asyncio
import contextlib
import datetime as dt
import logging
from collections import defaultdict
from typing import Protocol

from channels.db import database_sync_to_async
from django.conf import settings
from django.utils import timezone

from realtime import health
from realtime.outbox import ReplayBatcher, Row, late, read_new, relay_start

log = logging.getLogger(__name__)

LAYER_NOTES_KEPT = 200_000  # (event, group) pairs remembered; minutes of a busy city


class Socket(Protocol):
    async def deliver(self, message: dict, *, by: str) -> bool: ...


class Hub:
    """One per event loop (one per server process in production)."""

    def __init__(self) -> None:
        self.members: dict[str, set[Socket]] = defaultdict(set)
        self.sockets: dict[Socket, list[str]] = {}
        self.replays = ReplayBatcher()
        self._relay: asyncio.Task | None = None
        self._wake = asyncio.Event()
        self._layer_brought: dict[tuple[int, str], None] = {}  # insertion-ordered

    def layer_brought(self, event_id: int, group: str) -> None:
        """The channel layer delivered `event_id` to `group`'s sockets in this process."""
        self._layer_brought[(event_id, group)] = None
        if len(self._layer_brought) > LAYER_NOTES_KEPT:
            del self._layer_brought[next(iter(self._layer_brought))]

    def join(self, socket: Socket, groups: list[str]) -> None:
        self.sockets[socket] = groups
        for group in groups:
            self.members[group].add(socket)
        if self._relay is None:
            self._relay = asyncio.get_running_loop().create_task(self._run_relay())

    async def leave(self, socket: Socket) -> None:
        for group in self.sockets.pop(socket, []):
            self.members[group].discard(socket)
            if not self.members[group]:
                del self.members[group]
        if not self.sockets and self._relay is not None:
            relay, self._relay = self._relay, None
            relay.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await relay

    def wake(self) -> None:
        """Read the outbox now (the layer reported trouble)."""
        self._wake.set()

    async def _run_relay(self) -> None:
        known_since = timezone.now()
        cursor, known = await database_sync_to_async(relay_start)(known_since)
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), settings.REALTIME_RELAY_SECONDS)
            self._wake.clear()
            started = timezone.now()
            try:
                rows = await database_sync_to_async(read_new)(cursor, known_since, set(known))
            except Exception:  # the database is away: try again next round
                log.exception("outbox relay read failed")
                continue
            ripe = started - dt.timedelta(seconds=settings.REALTIME_RELAY_GRACE_SECONDS)
            for row in rows:
                if row.created_at > ripe:
                    continue  # in flight through the layer; read again next round
                await self._deliver(row)
                known[row.id] = row.created_at
                cursor = max(cursor, row.id)
            known = {pk: at for pk, at in known.items() if at >= started - late()}
            known_since = started - dt.timedelta(seconds=settings.REALTIME_RELAY_GRACE_SECONDS)

    async def _deliver(self, row: Row) -> None:
        sockets = {
            socket
            for group in row.audience
            if (row.id, group) not in self._layer_brought
            for socket in self.members.get(group, ())
        }
        message = row.message()
        for socket in sockets:
            if await socket.deliver(message, by="relay"):
                health.count("relay_delivered")


_hubs: dict[asyncio.AbstractEventLoop, Hub] = {}


def hub() -> Hub:
    """This event loop's hub."""
    loop = asyncio.get_running_loop()
    found = _hubs.get(loop)
    if found is None:
        for old in [other for other in _hubs if other.is_closed()]:
            del _hubs[old]
        found = _hubs[loop] = Hub()
        health.watch_layer(_wake_all)
    return found


def _wake_all() -> None:
    for loop, each in list(_hubs.items()):
        if not loop.is_closed():
            loop.call_soon_threadsafe(each.wake)
