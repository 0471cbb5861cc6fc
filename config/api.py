"""The one NinjaAPI: mounts each app's router and maps every error to problem+json.

Every refusal leaves as `application/problem+json` (RFC 9457) with a Chinese `detail`
the user can act on; validation errors list each field with its own message. The
submitted value is never echoed back: it may be an ID number or a password.
"""

from django.db.utils import OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from accounts.api import router as accounts_router
from accounts.auth import api_auth
from common.errors import DomainError
from common.problem import error_text
from config.ops_api import router as ops_router
from config.validation_messages import field_errors
from consultation.api import router as consultation_router
from feedback.api import router as feedback_router
from grid.api import router as grid_router
from infra.busy import RETRY_AFTER_SECONDS, is_database_busy
from maps.api import map_router
from maps.api import router as maps_router
from notices.api import router as notices_router
from notifications.api import router as notifications_router
from opinions.api import router as opinions_router
from voting.api import router as voting_router

api = NinjaAPI(
    title="Gongzhi API",
    version="1",
    description=(
        "共治平台接口。网页使用会话登录（POST 需带 CSRF 令牌），手机使用 "
        "`POST /api/v1/auth/token` 换取的 Bearer 令牌。所有错误以 "
        "application/problem+json 返回，`detail` 为中文说明。"
    ),
    urls_namespace="api",
    auth=api_auth,
    docs_url="/docs",
)
api.add_router("/auth", accounts_router)
api.add_router("/grid", grid_router)
api.add_router("/maps", maps_router)
api.add_router("/map", map_router)
api.add_router("/cases", feedback_router)
api.add_router("/ops", ops_router)
api.add_router("/notifications", notifications_router)
api.add_router("/notices", notices_router)
api.add_router("/consultation", consultation_router)
api.add_router("/ballots", voting_router)
api.add_router("/opinions", opinions_router)


def _problem(request: HttpRequest, status: int, title: str, detail: str, **extra) -> HttpResponse:
    body = {"type": "about:blank", "title": str(title), "status": status, "detail": str(detail)}
    body.update(extra)
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = "application/problem+json"
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="gongzhi"'
    return response


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    extra = {"field": exc.field} if exc.field else {}
    return _problem(request, exc.status, exc.title, exc.message, **extra)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = field_errors(exc.errors)
    detail = "；".join(error["message"] for error in errors[:3]) or _("请检查输入。")
    return _problem(request, 422, _("输入有误"), detail, errors=errors)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """ninja's own refusals (unparsable body, no credentials, throttling) in Chinese, in
    the language of the request (the table is translated when used, not at import)."""
    title, detail = error_text(exc.status_code)
    return _problem(request, exc.status_code, title, detail)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    title, detail = error_text(404)
    return _problem(request, 404, title, detail)


@api.exception_handler(OperationalError)
def database_busy(request: HttpRequest, exc: OperationalError) -> HttpResponse:
    """SQLite's one writer can stay busy past the lock timeout under a burst of reports:
    that is overload, not a fault, so the phone is told to retry (its write is idempotent
    by client_id). Any other database failure stays a server error."""
    if not is_database_busy(exc):
        raise exc
    title, detail = error_text(503)
    response = _problem(request, 503, title, detail)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
