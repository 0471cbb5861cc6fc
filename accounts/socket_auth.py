"""Who opens a socket: the login session for pages, a bearer token for the phone app.

A browser always sends an Origin header, so session sockets are checked against
ALLOWED_HOSTS (a page on another site cannot ride the user's cookie). A phone app sends
`Authorization: Bearer <token>` (never in the URL, where access logs keep it); it may
send no Origin, and a token cannot be ridden by another site. A socket opened with a
token closes when the token is revoked or expires (realtime.consumers re-checks
`credential_alive`).
"""

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.security.websocket import AllowedHostsOriginValidator
from django.contrib.auth.models import AnonymousUser

from accounts.tokens import token_user


def bearer_token(scope: dict) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            scheme, _, key = value.decode("latin-1").partition(" ")
            return key.strip() if scheme.lower() == "bearer" and key.strip() else ""
    return None


class SocketAuth:
    """ASGI wrapper for the WebSocket routes."""

    def __init__(self, inner) -> None:
        self.by_session = AllowedHostsOriginValidator(AuthMiddlewareStack(inner))
        self.by_token = _TokenAuth(inner)
        self.by_token_with_origin = AllowedHostsOriginValidator(self.by_token)

    async def __call__(self, scope, receive, send):
        if bearer_token(scope) is None:
            return await self.by_session(scope, receive, send)
        has_origin = any(name == b"origin" for name, _ in scope.get("headers", []))
        app = self.by_token_with_origin if has_origin else self.by_token
        return await app(scope, receive, send)


class _TokenAuth:
    def __init__(self, inner) -> None:
        self.inner = inner

    async def __call__(self, scope, receive, send):
        key = bearer_token(scope) or ""
        user = await database_sync_to_async(token_user)(key) if key else None
        scope = dict(
            scope,
            user=user or AnonymousUser(),
            credential_alive=lambda: token_user(key) is not None,
        )
        return await self.inner(scope, receive, send)
