"""Keeps the ASGI server's own `send` in the scope of a WebSocket connection, so the hub
can hand it ready frames (infra/uvicorn_private.py): the middlewares in between (sessions,
auth) wrap `send`, and what they add concerns HTTP responses only."""

SERVER_SEND = "realtime.server_send"


class KeepServerSend:
    """ASGI wrapper, outermost on the WebSocket routes."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        await self.app({**scope, SERVER_SEND: send}, receive, send)
