"""Transport only: a signed-in user's socket joins the groups the access policies allow,
and closes when the login session behind it ends.

Which groups a user may join is not decided here: each domain's policy answers it, named
in settings.REALTIME_GROUP_SOURCES (e.g. feedback.access.socket_groups). The socket
closes at once on logout (a `session.ended` message to its session's group) and, within
REALTIME_SESSION_CHECK_SECONDS, when the session expires, the account is deactivated or
its roles change (then the client reconnects and joins the groups it now may).
"""

import asyncio
import contextlib
from importlib import import_module

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.utils.module_loading import import_string

from realtime.groups import session_group

CLOSE_SIGNED_OUT = 4401  # the session ended: sign in again
CLOSE_SCOPE_CHANGED = 4409  # the roles changed: reconnect to join the groups allowed now


class EventStreamConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_SIGNED_OUT)
            return
        self.session_key = _session_key(self.scope)
        self.groups_joined = await database_sync_to_async(allowed_groups)(user)
        if self.session_key:
            self.groups_joined.append(session_group(self.session_key))
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello", "groups": self.groups_joined})
        self.watcher = asyncio.create_task(self._watch(user))

    async def disconnect(self, code: int) -> None:
        watcher = getattr(self, "watcher", None)
        if watcher is not None:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def event_message(self, message: dict) -> None:
        await self.send_json(message["event"])

    async def session_ended(self, message: dict) -> None:
        await self.close(code=CLOSE_SIGNED_OUT)

    async def _watch(self, user) -> None:
        """Re-check the session, the account and the groups now and then."""
        while True:
            await asyncio.sleep(settings.REALTIME_SESSION_CHECK_SECONDS)
            verdict = await database_sync_to_async(still_allowed)(
                user.pk, self.session_key, self.groups_joined
            )
            if verdict is not None:
                await self.close(code=verdict)
                return


def allowed_groups(user) -> list[str]:
    """The union of what every domain's policy lets this user receive."""
    groups: list[str] = []
    for source in settings.REALTIME_GROUP_SOURCES:
        groups += [g for g in import_string(source)(user) if g not in groups]
    return groups


def still_allowed(user_id: int, session_key: str | None, joined: list[str]) -> int | None:
    """None while the socket may stay; otherwise the close code to send."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or (session_key and not _session_alive(session_key, user)):
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
