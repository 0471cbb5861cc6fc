"""The ASGI lifespan protocol: what a server process starts and stops, and nothing at
import.

uvicorn sends `lifespan.startup` before it accepts a connection and `lifespan.shutdown`
after the last one closed (on SIGTERM: once the requests in flight are answered), each
on the server's own event loop. Servers without lifespan never call it; then nothing
starts (see config/asgi.py).
"""

import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)
Hook = Callable[[], Awaitable[None]]


class Lifespan:
    """ASGI wrapper: runs `startup` hooks in order on `lifespan.startup`, `shutdown` hooks
    on `lifespan.shutdown`; every other scope goes to `app`."""

    def __init__(self, app, *, startup: list[Hook], shutdown: list[Hook]) -> None:
        self.app = app
        self.startup = startup
        self.shutdown = shutdown

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return
        while True:
            message = await receive()
            phase = message["type"].removeprefix("lifespan.")
            hooks = self.startup if phase == "startup" else self.shutdown
            try:
                for hook in hooks:
                    await hook()
            except Exception as exc:
                log.exception("lifespan %s failed", phase)
                await send({"type": f"lifespan.{phase}.failed", "message": str(exc)})
                return
            await send({"type": f"lifespan.{phase}.complete"})
            if phase == "shutdown":
                return
