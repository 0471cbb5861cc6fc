"""GeoReport v2 endpoints; each answers in the format its URL ends with (.json / .xml)."""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from feedback.open311 import catalog, filing
from feedback.open311 import requests as service_requests
from feedback.open311.render import Open311Error, error_response, respond

SPEC = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-01-01T00:00:00+08:00"  # when this endpoint's behaviour last changed


def answers_errors(view: Callable) -> Callable:
    """Turn an Open311Error into the spec's error list, in the requested format."""

    @wraps(view)
    def wrapper(request: HttpRequest, fmt: str, **kwargs) -> HttpResponse:
        try:
            return view(request, fmt, **kwargs)
        except Open311Error as error:
            return error_response(fmt, error)

    return wrapper


@require_GET
@answers_errors
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    data = {
        "changeset": CHANGESET,
        "contact": getattr(settings, "OPEN311_CONTACT", ""),
        "key_service": _("向平台管理员申请 API 令牌，作为 api_key 使用。"),
        "endpoints": [
            {
                "specification": SPEC,
                "url": request.build_absolute_uri("/open311/v2"),
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return respond(fmt, data, root="discovery")


@require_GET
@answers_errors
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    rows = [catalog.service_row(c) for c in catalog.leaf_categories()]
    return respond(fmt, rows, root="services", item="service")


@require_GET
@answers_errors
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    definition = catalog.definition_of(catalog.service_of(code))
    return respond(fmt, definition, root="service_definition")


@csrf_exempt  # authenticated by api_key alone; a session cookie is never consulted
@require_http_methods(["GET", "POST"])
@answers_errors
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        case, _created = filing.file_request(request)
        row = {
            "service_request_id": case.pk,
            "service_notice": _("已受理，编号 %(number)s。") % {"number": case.number},
            "account_id": None,
        }
        return respond(fmt, [row], root="service_requests", item="request")
    cases = service_requests.filtered(request.GET)
    rows = [service_requests.request_row(c, request) for c in cases]
    return respond(fmt, rows, root="service_requests", item="request")


@require_GET
@answers_errors
def request_detail(request: HttpRequest, fmt: str, request_id: str) -> HttpResponse:
    readable = service_requests.readable_by(service_requests.reader_of(request.GET))
    case = service_requests.public_requests(readable).filter(pk=int(request_id)).first()
    if case is None:
        raise Open311Error(404, _("服务请求 %(id)s 不存在。") % {"id": request_id})
    rows = [service_requests.request_row(case, request)]
    return respond(fmt, rows, root="service_requests", item="request")


@require_GET
@answers_errors
def token_detail(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    case = service_requests.case_by_token(token)
    if case is None:
        raise Open311Error(404, _("令牌 %(token)s 不存在。") % {"token": token})
    rows = [{"service_request_id": case.pk, "token": str(case.client_id)}]
    return respond(fmt, rows, root="service_requests", item="request")


@require_GET
def photo_file(request: HttpRequest, photo_id: str) -> FileResponse:
    """A request's media_url: the re-encoded, EXIF-free photo, while the case is public."""
    photo = service_requests.public_photo(int(photo_id))
    if photo is None:
        raise Http404
    response = FileResponse(photo.image.open("rb"), content_type="image/jpeg")
    # Short: a case hidden later must stop being served from caches soon.
    response["Cache-Control"] = "public, max-age=300"
    return response
