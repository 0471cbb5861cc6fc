"""The one NinjaAPI: mounts each app's router and maps domain errors to problem+json."""

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from accounts.api import router as accounts_router
from accounts.auth import api_auth
from common.errors import DomainError
from grid.api import router as grid_router

api = NinjaAPI(
    title="Gongzhi API",
    version="1",
    urls_namespace="api",
    auth=api_auth,
    docs_url="/docs",
)
api.add_router("/auth", accounts_router)
api.add_router("/grid", grid_router)


def _problem(request: HttpRequest, status: int, title: str, detail: str, **extra) -> HttpResponse:
    body = {"type": "about:blank", "title": str(title), "status": status, "detail": detail}
    body.update(extra)
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = "application/problem+json"
    return response


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    extra = {"field": exc.field} if exc.field else {}
    return _problem(request, exc.status, exc.title, exc.message, **extra)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _problem(request, 422, _("输入有误"), _("请检查标出的字段。"), errors=exc.errors)


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _problem(request, 401, _("未登录"), _("请先登录或提供有效的令牌。"))
