"""ASGI entry point: HTTP goes to Django through WSGI, WebSockets to the realtime routes.

HTTP runs Django's WSGI handler on a fixed pool of threads (a2wsgi) inside the same ASGI
server, instead of Django's ASGI handler. Measured on 2 cores (bench/case_intake.py, bare
insert view, 1 uvicorn worker): 154 → 450 requests/s. Django's ASGI handler starts a
thread per request and hops between the loop and that thread several times for every
request; none of our HTTP views is async, so that cost bought nothing. WebSockets stay
on Channels in the same process and event loop.

Importing this module starts nothing: the ASGI lifespan (infra/lifespan.py) binds the
event sender to the server's loop and starts the scheduler, and at shutdown drains the
sender and stops the scheduler.
"""

import asyncio
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_wsgi_app = get_wsgi_application()

from a2wsgi import WSGIMiddleware  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402

from accounts.socket_auth import SocketAuth  # noqa: E402
from accounts.tokens import last_use  # noqa: E402
from common.checks import refuse_to_serve_demo_secrets  # noqa: E402
from config import scheduler  # noqa: E402
from infra.asgi_body import BodyRules, BufferBodies  # noqa: E402
from infra.lifespan import Lifespan  # noqa: E402
from realtime.publish import BindServerLoop, bind_server_loop, stop_sending  # noqa: E402
from realtime.routing import websocket_urlpatterns  # noqa: E402
from realtime.wire import KeepServerSend  # noqa: E402

refuse_to_serve_demo_secrets()


async def start_process() -> None:
    """The server's loop sends the events; the embedded scheduler ticks."""
    bind_server_loop(asyncio.get_running_loop())
    scheduler.start()


async def stop_process() -> None:
    """Send what is queued (bounded), stop the scheduler, write the tokens' last uses
    still batched (accounts.tokens.LastUse)."""
    await stop_sending(settings.REALTIME_SHUTDOWN_DRAIN_SECONDS)
    await asyncio.to_thread(scheduler.stop)
    await asyncio.to_thread(last_use.write)


application = Lifespan(
    BindServerLoop(
        ProtocolTypeRouter(
            {
                "http": BufferBodies(
                    WSGIMiddleware(django_wsgi_app, workers=settings.HTTP_THREADS),
                    rules=BodyRules.from_settings(settings),
                ),
                "websocket": KeepServerSend(SocketAuth(URLRouter(websocket_urlpatterns))),
            }
        )
    ),
    startup=[start_process],
    shutdown=[stop_process],
)
