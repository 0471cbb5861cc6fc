"""Where a page stands in the event stream, so its live link starts from there.

The position is read when the request begins, before the view reads any data: an event
that commits while the page is being built then has a higher id, and the page's socket
replays it. Only signed-in page views pay for it (two indexed reads); the API, Open311,
the admin and static files do not.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from realtime.outbox import stream_position

NOT_PAGES = ("/api/", "/open311/", "/admin/", "/static/", "/media/", "/i18n/")
# live.js sends it when it fetches a page to refresh a region, not because someone asked
BACKGROUND_HEADER = "X-Live-Refresh"


def is_background(request: HttpRequest) -> bool:
    """A request a live page made by itself (no one clicked)."""
    return BACKGROUND_HEADER in request.headers


class StreamPosition:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.method == "GET"
            and request.user.is_authenticated
            and not request.path.startswith(NOT_PAGES)
        ):
            request.live_epoch, request.live_since = stream_position()
        return self.get_response(request)


def live_position(request: HttpRequest) -> dict:
    """Context processor: `live` is set on pages that open a live link."""
    if not hasattr(request, "live_since"):
        return {}
    return {"live": {"since": request.live_since, "epoch": request.live_epoch}}
