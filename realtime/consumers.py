"""Transport only: a signed-in user's socket joins the groups the access policies allow,
catches up on what it missed, and closes when the login behind it ends.

Which groups a user may join is not decided here: each domain's policy answers it, named
in settings.REALTIME_GROUP_SOURCES (e.g. feedback.access.socket_groups). The socket
closes at once on logout (a `session.ended` message to its session's group) and, within
REALTIME_SESSION_CHECK_SECONDS, when the session expires, the token is revoked, the
account is deactivated or its roles change (then the client reconnects and joins the
groups it now may).

A reconnecting page names the last event it holds (`?since=<id>&epoch=<epoch>`): it gets
the events of its groups that it missed, from the outbox, then `replay.done`; or `reset`
when the outbox can no longer tell (another epoch, older than REALTIME_REPLAY_SECONDS,
or ids that went backwards), and reloads its data. Events reach a socket by the channel
layer, by replay or by the relay (realtime.hub); each is sent once, by id.
"""

import asyncio
import contextlib
from collections import deque
from importlib import import_module
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.utils.module_loading import import_string

from realtime import health
from realtime.groups import session_group
from realtime.hub import hub
from realtime.outbox import stream_position

CLOSE_SIGNED_OUT = 4401  # the session ended: sign in again
CLOSE_SCOPE_CHANGED = 4409  # the roles changed: reconnect to join the groups allowed now
SEEN_KEPT = 4096  # ids remembered per socket to drop repeats (replay, relay and layer)


class EventStreamConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_SIGNED_OUT)
            return
        self.session_key = _session_key(self.scope)
        self.seen: set[int] = set()
        self.seen_order: deque[int] = deque()
        self.event_groups, (epoch, last) = await database_sync_to_async(_opening)(user)
        self.groups_joined = list(self.event_groups)
        if self.session_key:
            self.groups_joined.append(session_group(self.session_key))
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        hub().join(self, self.event_groups)
        await self.accept()
        await self.send_json(
            {"type": "hello", "groups": self.event_groups, "epoch": epoch, "last": last}
        )
        await self._catch_up(epoch)
        self.watcher = asyncio.create_task(self._watch(user))

    async def disconnect(self, code: int) -> None:
        watcher = getattr(self, "watcher", None)
        if watcher is not None:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
        if hasattr(self, "event_groups"):
            await hub().leave(self)
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def dispatch(self, message: dict) -> None:
        """Channels closes stale database connections before every handler, through a
        hop to its one sync thread: for fan-out that is one hop per event per socket, all
        in one queue (the fan-out bench's bottleneck). An event touches no database, so
        it goes straight to its handler; every other message takes Channels' way."""
        if message["type"] == "event.message":
            await self.event_message(message)
            return
        await super().dispatch(message)

    async def event_message(self, message: dict) -> None:
        event = message["event"]
        if "id" in event and "group" in message:
            hub().layer_brought(event["id"], message["group"])
        await self.deliver(event, by="layer")

    async def deliver(self, message: dict, *, by: str) -> bool:
        """Send an event unless this socket already sent it; True when sent."""
        event_id = message.get("id")
        if event_id is not None:
            if event_id in self.seen:
                health.count("duplicates_dropped")
                return False
            self.seen.add(event_id)
            self.seen_order.append(event_id)
            if len(self.seen_order) > SEEN_KEPT:
                self.seen.discard(self.seen_order.popleft())
        await self.send_json(message)
        return True

    async def session_ended(self, message: dict) -> None:
        await self.close(code=CLOSE_SIGNED_OUT)

    async def _catch_up(self, epoch: str) -> None:
        asked = parse_qs(self.scope.get("query_string", b"").decode())
        since = _int(asked.get("since", [""])[0])
        if since is None:
            return
        if asked.get("epoch", [""])[0] != epoch:
            await self._reset()
            return
        try:
            replay = await hub().replays.replay(since, self.event_groups)
        except Exception:  # the outbox is unreadable now: reload rather than guess
            await self._reset()
            return
        if replay.reset:
            await self._reset()
            return
        sent = 0
        for row in replay.rows:
            sent += await self.deliver(row.message(), by="replay")
        health.count("replayed", sent)
        await self.send_json({"type": "replay.done", "count": sent})

    async def _reset(self) -> None:
        health.count("resets")
        await self.send_json({"type": "reset"})

    async def _watch(self, user) -> None:
        """Re-check the session or token, the account and the groups now and then."""
        while True:
            await asyncio.sleep(settings.REALTIME_SESSION_CHECK_SECONDS)
            verdict = await database_sync_to_async(still_allowed)(
                user.pk, self.session_key, self.groups_joined, self.scope.get("credential_alive")
            )
            if verdict is not None:
                await self.close(code=verdict)
                return


def _opening(user) -> tuple[list[str], tuple[str, int]]:
    return allowed_groups(user), stream_position()


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def allowed_groups(user) -> list[str]:
    """The union of what every domain's policy lets this user receive."""
    groups: list[str] = []
    for source in settings.REALTIME_GROUP_SOURCES:
        groups += [g for g in import_string(source)(user) if g not in groups]
    return groups


def still_allowed(
    user_id: int, session_key: str | None, joined: list[str], credential_alive=None
) -> int | None:
    """None while the socket may stay; otherwise the close code to send.
    `credential_alive` is what the token middleware left in the scope (a socket opened
    with a bearer token has no session)."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or (session_key and not _session_alive(session_key, user)):
        return CLOSE_SIGNED_OUT
    if credential_alive is not None and not credential_alive():
        return CLOSE_SIGNED_OUT
    expected = allowed_groups(user)
    if session_key:
        expected.append(session_group(session_key))
    return None if sorted(expected) == sorted(joined) else CLOSE_SCOPE_CHANGED


def _session_key(scope: dict) -> str | None:
    session = scope.get("session")
    return getattr(session, "session_key", None) if session is not None else None


def _session_alive(session_key: str, user) -> bool:
    """The session still exists, has not expired, and still belongs to this user with
    the same password (Django's own session hash)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    data = store.load()  # an expired or deleted session loads as {}
    if str(data.get(SESSION_KEY, "")) != str(user.pk):
        return False
    stored_hash = data.get(HASH_SESSION_KEY)
    return stored_hash is None or stored_hash == user.get_session_auth_hash()
