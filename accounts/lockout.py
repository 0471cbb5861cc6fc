"""The answer to a locked-out sign-in (django-axes, keyed on account and IP).

Once an account has failed AXES_FAILURE_LIMIT times from one IP, the backend
(accounts.backends) refuses even the right password there until AXES_COOLOFF_TIME has
passed or staff reset it; axes' middleware then gives `lockout_response` instead of the
login page or the token endpoint's 401.
"""

import math

from axes.helpers import get_client_username, get_cool_off
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.audit import security_log
from accounts.backends import account_named
from accounts.models import SecurityEventKind

STATUS = 429


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """A Chinese page for /login/, problem+json with Retry-After for the API; both 429."""
    username = get_client_username(request, credentials) or ""
    security_log(
        kind=SecurityEventKind.LOCKOUT,
        user=account_named(username),
        request=request,
        username=username,
        path=request.path,
    )
    seconds = retry_after_seconds(request)
    message = _(
        "登录失败次数过多，该账号已被暂时锁定，请 %(minutes)d 分钟后再试，或联系管理员解锁。"
    ) % {"minutes": max(1, math.ceil(seconds / 60))}
    if request.path.startswith("/api/"):
        response = _problem(message)
    else:
        response = render(request, "accounts/locked_out.html", {"message": message}, status=STATUS)
    response["Retry-After"] = str(seconds)
    return response


def retry_after_seconds(request: HttpRequest) -> int:
    cool_off = get_cool_off(request)
    return math.ceil(cool_off.total_seconds()) if cool_off else 0


def _problem(message: str) -> HttpResponse:
    body = {"type": "about:blank", "title": _("操作过于频繁"), "status": STATUS, "detail": message}
    response = JsonResponse(body, status=STATUS, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/problem+json"
    return response
