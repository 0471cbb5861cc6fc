"""The sockets of one server process, fed from one subscription per group.

A process holds many sockets in few groups (a street's staff, a user's own screens). The
hub, not each socket, listens on the channel layer: it has one channel of its own, added
once to every group that has a socket here, so an event sent to a group crosses Redis
once per process and is decoded once; the hub encodes it to JSON once and writes that
same text to every local socket of the group (the design of Centrifugo's node hub and of
`websockets.broadcast`). With uvicorn the hub builds the frame once too and writes the
same bytes to each socket (infra/uvicorn_private.py, REALTIME_SHARED_FRAMES); otherwise
each socket gets the text through ASGI `send`. Only the public channel-layer API is
used, so the in-memory layer of the embedded mode works the same way.

Each event is sent once per socket: the hub notes which groups of an event it has served
(a socket in two of them gets it from the first), and a socket remembers only the ids it
got by replay. The relay (realtime.relay) and the session re-checks (realtime.recheck)
run once per process, for all its sockets.
"""

import asyncio
import contextlib
import logging
from typing import Protocol

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings

from realtime import health
from realtime.fanout import Batch
from realtime.outbox import ReplayBatcher
from realtime.recheck import CLOSE_SIGNED_OUT, Check, verdicts

log = logging.getLogger(__name__)

EVENTS_NOTED = 100_000  # events whose served groups are remembered; minutes of a busy city
CLOSE_TOO_SLOW = 4408  # its client fell too far behind: reconnect and replay


class Socket(Protocol):
    hub_groups: frozenset[str]  # its event groups and its session's group
    seen: set[int]  # ids it got by replay
    pending: list[tuple[int | None, str]] | None  # live events held while it catches up
    write: object  # infra.uvicorn_private's frame writer, or None: send through ASGI
    check: Check

    async def send_text(self, text: str) -> None: ...

    async def close_with(self, code: int) -> None: ...


class Hub:
    """One per event loop (one per server process in production)."""

    def __init__(self) -> None:
        self.members: dict[str, set[Socket]] = {}
        self.sockets: set[Socket] = set()
        self.wake = asyncio.Event()  # read the outbox now (realtime.relay)
        self._served: dict[int, set[str]] = {}  # event id → groups it went to here
        self._lock = asyncio.Lock()  # subscription changes, in order
        self._layer = None
        self._channel: str | None = None
        self._tasks: list[asyncio.Task] = []
        self._closing: set[asyncio.Task] = set()
        self._inbox: list[tuple[dict, str]] = []  # layer messages not sent yet
        self._flusher: asyncio.Task | None = None
        self.replays = ReplayBatcher()

    # --- membership -----------------------------------------------------------------

    async def join(self, socket: Socket) -> None:
        """Add a socket to its groups; the hub subscribes to a group with its first one."""
        self.sockets.add(socket)
        new = [group for group in socket.hub_groups if group not in self.members]
        for group in socket.hub_groups:
            self.members.setdefault(group, set()).add(socket)
        if not new and self._tasks:
            return
        async with self._lock:
            if not self._tasks:
                await self._start()
            for group in new:
                if group in self.members and self._channel is not None:
                    await self._layer.group_add(group, self._channel)

    async def leave(self, socket: Socket) -> None:
        if socket not in self.sockets:
            return
        self.sockets.discard(socket)
        gone = []
        for group in socket.hub_groups:
            members = self.members.get(group)
            if members is not None:
                members.discard(socket)
                if not members:
                    del self.members[group]
                    gone.append(group)
        async with self._lock:
            for group in gone:
                if group not in self.members and self._channel is not None:
                    await self._layer.group_discard(group, self._channel)
            if not self.sockets:
                await self._stop()

    async def _start(self) -> None:
        from realtime.relay import run_relay

        self._layer = get_channel_layer()
        loop = asyncio.get_running_loop()
        if self._layer is not None:
            self._channel = await self._layer.new_channel()
            self._tasks.append(loop.create_task(self._receive(self._layer, self._channel)))
        self._tasks.append(loop.create_task(run_relay(self)))
        self._tasks.append(loop.create_task(self._run_checks()))

    async def _stop(self) -> None:
        tasks, self._tasks, self._channel = self._tasks, [], None
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    # --- from the channel layer -----------------------------------------------------

    async def _receive(self, layer, channel: str) -> None:
        """Takes every message the layer has queued (a receive from a non-empty queue
        does not yield), then lets `_flush` send them as one batch."""
        loop = asyncio.get_running_loop()
        while True:
            message = await layer.receive(channel)
            group = message.get("group")
            if message["type"] == "session.ended":
                for socket in list(self.members.get(group, ())):
                    self._close(socket, CLOSE_SIGNED_OUT)
            elif message["type"] == "event.message" and group is not None:
                self._inbox.append((message["event"], group))
                if self._flusher is None:
                    self._flusher = loop.create_task(self._flush())
            else:
                log.warning("realtime hub: a layer message it cannot route: %s", message["type"])

    async def _flush(self) -> None:
        try:
            while self._inbox:
                inbox, self._inbox = self._inbox, []
                try:
                    await self.fan_out(inbox)
                except Exception:  # one bad message must not stop the process's sockets
                    log.exception("realtime hub: sending a batch failed")
        finally:
            self._flusher = None

    # --- to the sockets -------------------------------------------------------------

    def served(self, event_id: int, group: str) -> bool:
        """This process already sent `event_id` to `group`'s sockets."""
        return group in self._served.get(event_id, ())

    async def fan_out(self, items: list[tuple[dict, str]], *, by: str = "layer") -> int:
        """Send each (event, group) to the sockets of the group here that do not have the
        event yet; returns how many messages were written."""
        batch = Batch()
        dropped = 0
        for event, group in items:
            event_id = event.get("id")
            before: set[str] = set()
            if event_id is not None:
                if self.served(event_id, group):
                    continue
                before = set(self._served.get(event_id, ()))
                self._note(event_id, group)
            receivers = []
            for socket in self.members.get(group, ()):
                # a socket in a group the event already went to has it; so has one
                # that got it by replay
                if (before and not socket.hub_groups.isdisjoint(before)) or (
                    socket.seen and event_id in socket.seen
                ):
                    dropped += 1
                else:
                    receivers.append(socket)
            batch.add(event, receivers)
        sent, slow = await batch.send()
        for socket in slow:
            self._close(socket, CLOSE_TOO_SLOW)
        if dropped:
            health.count("duplicates_dropped", dropped)
        if by == "relay" and sent + batch.held:
            health.count("relay_delivered", sent + batch.held)
        return sent

    def _note(self, event_id: int, group: str) -> None:
        self._served.setdefault(event_id, set()).add(group)
        if len(self._served) > EVENTS_NOTED:
            del self._served[next(iter(self._served))]

    def _close(self, socket: Socket, code: int) -> None:
        """Close a socket without waiting for it (its writes may be stuck)."""
        task = asyncio.get_running_loop().create_task(socket.close_with(code))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    # --- the re-checks --------------------------------------------------------------

    async def _run_checks(self) -> None:
        """Every REALTIME_SESSION_CHECK_SECONDS, one pass for all the sockets here: each
        session, user and group list is read once, however many sockets share it."""
        while True:
            await asyncio.sleep(settings.REALTIME_SESSION_CHECK_SECONDS)
            sockets = list(self.sockets)
            try:
                codes = await database_sync_to_async(verdicts)([s.check for s in sockets])
            except Exception:  # the database is away: the sockets stay until next round
                log.exception("realtime socket re-check failed")
                continue
            for socket, code in zip(sockets, codes, strict=True):
                if code is not None and socket in self.sockets:
                    self._close(socket, code)
            await self._refresh_groups()

    async def _refresh_groups(self) -> None:
        """Layers with a group expiry (the in-memory one: a day) would drop the hub's
        membership of a long-lived group; adding it again renews it."""
        async with self._lock:
            for group in list(self.members):
                if self._channel is not None:
                    await self._layer.group_add(group, self._channel)


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
            loop.call_soon_threadsafe(each.wake.set)
