"""ASGI entry point: HTTP goes to Django through WSGI, WebSockets to the realtime routes.

HTTP runs Django's WSGI handler on a fixed pool of threads (a2wsgi) inside the same ASGI
server, instead of Django's ASGI handler. Measured on 2 cores (bench/case_intake.py, bare
insert view, 1 uvicorn worker): 154 → 450 requests/s. Django's ASGI handler starts a
thread per request and hops between the loop and that thread several times for every
request; none of our HTTP views is async, so that cost bought nothing. WebSockets stay
on Channels in the same process and event loop.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_wsgi_app = get_wsgi_application()

from a2wsgi import WSGIMiddleware  # noqa: E402
from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402

from common.checks import refuse_to_serve_demo_secrets  # noqa: E402
from infra.asgi_body import BodyRules, BufferBodies  # noqa: E402
from realtime.publish import BindServerLoop  # noqa: E402
from realtime.routing import websocket_urlpatterns  # noqa: E402

refuse_to_serve_demo_secrets()
application = BindServerLoop(
    ProtocolTypeRouter(
        {
            "http": BufferBodies(
                WSGIMiddleware(django_wsgi_app, workers=settings.HTTP_THREADS),
                rules=BodyRules.from_settings(settings),
            ),
            "websocket": AllowedHostsOriginValidator(
                AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
            ),
        }
    )
)

from config import scheduler  # noqa: E402

scheduler.start()
