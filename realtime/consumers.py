"""Transport only: a signed-in user's socket joins the groups the access policies allow,
catches up on what it missed, and closes when the login behind it ends.

Which groups a user may join is not decided here: each domain's policy answers it, named
in settings.REALTIME_GROUP_SOURCES (e.g. feedback.access.socket_groups). The socket
closes at once on logout (a `session.ended` message to its session's group) and, within
REALTIME_SESSION_CHECK_SECONDS, when the session expires, the token is revoked, the
account is deactivated or its roles change (realtime.recheck, once per process).

A reconnecting page names the last event it holds (`?since=<id>&epoch=<epoch>`): it gets
the events of its groups that it missed, from the outbox, then `replay.done`; or `reset`
when the outbox can no longer tell (another epoch, older than REALTIME_REPLAY_SECONDS,
or ids that went backwards), and reloads its data. Live events that arrive meanwhile wait
until the replay is sent. Events reach a socket from the process's hub (realtime.hub:
the channel layer and the relay), or by replay; each is sent once, by id.

The socket has no channel of its own: the hub listens for all the sockets of the process.
"""

from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from infra.uvicorn_private import frame_writer
from realtime import health
from realtime.hub import hub
from realtime.outbox import stream_position
from realtime.recheck import CLOSE_SIGNED_OUT, Check, allowed_groups, joined_groups
from realtime.wire import SERVER_SEND

__all__ = ["CLOSE_SIGNED_OUT", "EventStreamConsumer", "allowed_groups"]


class EventStreamConsumer(AsyncJsonWebsocketConsumer):
    # No channel layer for the socket itself (Channels' get_channel_layer answers None
    # for an alias that is not configured): its hub listens for it.
    channel_layer_alias = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_SIGNED_OUT)
            return
        session_key = _session_key(self.scope)
        self.event_groups, (epoch, last) = await database_sync_to_async(_opening)(user)
        joined = joined_groups(self.event_groups, session_key)
        self.hub_groups = frozenset(joined)
        self.check = Check(user.pk, session_key, joined, self.scope.get("credential_alive"))
        self.seen: set[int] = set()
        self.pending: list[tuple[int | None, str]] | None = []
        self.write = _writer(self.scope)
        self.hub = hub()
        await self.hub.join(self)
        await self.accept()
        await self.send_json(
            {"type": "hello", "groups": self.event_groups, "epoch": epoch, "last": last}
        )
        await self._catch_up(epoch)
        await self._go_live()

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "hub"):
            await self.hub.leave(self)

    async def send_text(self, text: str) -> None:
        await self.send(text_data=text)

    async def close_with(self, code: int) -> None:
        await self.close(code=code)

    async def _catch_up(self, epoch: str) -> None:
        asked = parse_qs(self.scope.get("query_string", b"").decode())
        since = _int(asked.get("since", [""])[0])
        if since is None:
            return
        if asked.get("epoch", [""])[0] != epoch:
            await self._reset()
            return
        try:
            replay = await self.hub.replays.replay(since, self.event_groups)
        except Exception:  # the outbox is unreadable now: reload rather than guess
            await self._reset()
            return
        if replay.reset:
            await self._reset()
            return
        sent = 0
        for row in replay.rows:
            if row.id not in self.seen:
                self.seen.add(row.id)
                await self.send_json(row.message())
                sent += 1
        health.count("replayed", sent)
        await self.send_json({"type": "replay.done", "count": sent})

    async def _go_live(self) -> None:
        """Send what the hub held back during the catch-up, minus what the replay sent;
        from then on the hub writes to this socket directly."""
        while self.pending:
            held, self.pending = self.pending, []
            for event_id, text in held:
                if event_id in self.seen:
                    health.count("duplicates_dropped")
                else:
                    await self.send_text(text)
        self.pending = None

    async def _reset(self) -> None:
        health.count("resets")
        await self.send_json({"type": "reset"})


def _opening(user) -> tuple[list[str], tuple[str, int]]:
    return allowed_groups(user), stream_position()


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def _writer(scope: dict):
    """Shared frames where the server allows them (REALTIME_SHARED_FRAMES)."""
    send = scope.get(SERVER_SEND)
    if not settings.REALTIME_SHARED_FRAMES or send is None:
        return None
    return frame_writer(send, settings.REALTIME_SLOW_SOCKET_BYTES)


def _session_key(scope: dict) -> str | None:
    session = scope.get("session")
    return getattr(session, "session_key", None) if session is not None else None
