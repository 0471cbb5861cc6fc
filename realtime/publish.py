"""The only code that touches the channel layer: events leave after commit.

`emit` writes the event to the outbox in the caller's transaction and, once that
transaction commits, sends it to its audience: the groups the domain's access policy
named when it built the event (staff of the area and of every area above it, so a
supervisor of a street sees what happens in each of its grids; the department; the
people concerned). Nothing here widens or guesses an audience.

In a served process the request thread does not wait for the send: the server's event
loop (bound at lifespan start-up, or by `BindServerLoop` on the first call where the
server has no lifespan; see config/asgi.py) owns one queue and one task that sends in
commit order, and drains it at shutdown (`stop_sending`). The outbox row is the record;
the socket is only a notification, so a request never slows down or fails because a
screen is slow. Outside a server (management commands, the scheduler before the first
request, tests without a loop) the send happens inline.
"""

import asyncio
import json
import logging
from typing import TYPE_CHECKING

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from realtime import health
from realtime.groups import session_group

if TYPE_CHECKING:
    from realtime.models import Event

log = logging.getLogger(__name__)


def emit(*, area_code: str, kind: str, payload: dict, audience: list[str]) -> int:
    """Record an event for `area_code` and publish it to `audience` after commit; returns
    its id."""
    event = new_event(area_code=area_code, kind=kind, payload=payload, audience=audience)
    event.save()
    send_after_commit(event)
    return event.pk


def new_event(*, area_code: str, kind: str, payload: dict, audience: list[str]) -> "Event":
    """The outbox row of an event, not saved yet (for writers that save rows together)."""
    from realtime.models import Event

    payload = json.loads(json.dumps(payload))  # an unserialisable payload fails here
    return Event(area_code=area_code, kind=kind, payload=payload, audience=list(audience))


def send_after_commit(event: "Event") -> None:
    """Send a saved outbox row to its audience once the transaction commits."""
    message = {"id": event.pk, "type": event.kind, "area": event.area_code, "data": event.payload}
    groups = list(event.audience)
    transaction.on_commit(lambda: _send_all(groups, message))


def publish_on_commit(group: str, event: dict) -> None:
    """Send `event` to `group` once the surrounding transaction commits.

    The JSON round trip makes an unserialisable payload fail here, in the caller's test,
    not later in a socket.
    """
    payload = json.loads(json.dumps(event))
    transaction.on_commit(lambda: _send_all([group], payload))


class LoopSender:
    """Hands messages from any thread to one task on `loop`, which sends them in order."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self._queue: asyncio.Queue | None = None
        self._task: asyncio.Task | None = None

    def submit(self, groups: list[str], message: dict) -> bool:
        """Queue a send without waiting; False when the loop no longer runs."""
        if self.loop.is_closed() or not self.loop.is_running():
            return False
        try:
            self.loop.call_soon_threadsafe(self._put, groups, message)
        except RuntimeError:  # closed between the check and the call
            return False
        return True

    def _put(self, groups: list[str], message: dict) -> None:
        if self._queue is None:
            self._queue = asyncio.Queue()
            self._task = self.loop.create_task(self._drain(self._queue))
        self._queue.put_nowait((groups, message))

    async def _drain(self, queue: asyncio.Queue) -> None:
        while True:
            batch = [await queue.get()]
            while not queue.empty():  # what piled up while the last batch was sent
                batch.append(queue.get_nowait())
            try:
                await _send_batch(
                    [pair for groups, message in batch for pair in _pairs(groups, message)]
                )
            finally:
                for _sent in batch:
                    queue.task_done()

    async def drained(self) -> None:
        """Wait until everything queued so far has been sent (for tests and shutdown)."""
        if self._queue is not None:
            await self._queue.join()

    async def close(self, timeout: float) -> bool:
        """Send what is queued, waiting at most `timeout` s, then stop; False when some
        sends were left (their events stay in the outbox, for a screen to replay)."""
        try:
            await asyncio.wait_for(self.drained(), timeout)
            sent = True
        except TimeoutError:
            left = self._queue.qsize() if self._queue is not None else 0
            log.warning("%d realtime sends left at shutdown; they stay in the outbox", left)
            sent = False
        if self._task is not None:
            self._task.cancel()
        return sent


_sender: LoopSender | None = None


def bind_server_loop(loop: asyncio.AbstractEventLoop) -> LoopSender:
    """Send through `loop` from now on (the ASGI server's loop of this process)."""
    global _sender
    if _sender is None or _sender.loop is not loop:
        _sender = LoopSender(loop)
    return _sender


def unbind_server_loop() -> None:
    global _sender
    _sender = None


async def stop_sending(timeout: float) -> bool:
    """At server shutdown: sends from now on go inline, and the sender drains its queue
    (bounded by `timeout` s). False when some were left unsent."""
    global _sender
    sender, _sender = _sender, None
    return True if sender is None else await sender.close(timeout)


class BindServerLoop:
    """ASGI wrapper: the first call in a process binds its event loop for sending."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        bind_server_loop(asyncio.get_running_loop())  # a no-op once bound
        await self.app(scope, receive, send)


def end_session(session_key: str) -> None:
    """Close the sockets opened under a login session now (at logout), not after commit:
    the session is gone whatever the transaction does."""
    _deliver([session_group(session_key)], {"type": "session.ended"})


def _send_all(groups: list[str], event: dict) -> None:
    _deliver(groups, {"type": "event.message", "event": event})


def _deliver(groups: list[str], message: dict) -> None:
    if _sender is not None and _sender.submit(groups, message):
        return
    async_to_sync(_group_send_all)(groups, message)


async def _group_send_all(groups: list[str], message: dict) -> None:
    await _send_batch(_pairs(groups, message))


def _pairs(groups: list[str], message: dict) -> list[tuple[str, dict]]:
    """One message per group, naming its group: the receiving process notes which
    (event, group) the layer brought, so its relay sends only what the layer did not."""
    return [(group, {**message, "group": group}) for group in groups]


async def _send_batch(sends: list[tuple[str, dict]]) -> None:
    """Send all at once where the layer can (realtime.layers); if that fails, one by
    one, so one bad send (a full channel, a refused name) costs only itself. What fails
    is counted and logged once per batch; the outbox relay (realtime.hub) delivers it."""
    layer = get_channel_layer()
    if hasattr(layer, "group_send_many"):
        try:
            await layer.group_send_many(sends)
            return
        except Exception as error:
            log.warning("batched realtime send failed (%s); sending one by one", error)
    failed: list[str] = []
    last_error: Exception | None = None
    for group, message in sends:
        try:
            await layer.group_send(group, message)
        except Exception as error:  # the outbox row stays; the relay sends it
            failed.append(group)
            last_error = error
    if failed:
        health.count("send_failed", len(failed))
        log.error(
            "%d of %d realtime sends failed (%s), e.g. to %s; the outbox relay will send them",
            len(failed), len(sends), last_error, failed[0],
        )  # fmt: skip


__all__ = ["BindServerLoop", "emit", "end_session", "publish_on_commit"]
