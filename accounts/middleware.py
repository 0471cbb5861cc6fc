"""Sign-in middleware: the audit log's client, the staff idle timeout, two-factor."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts import audit, two_factor
from accounts.models import SecurityEventKind
from accounts.scope import STAFF_ROLES, has_role
from realtime.pages import is_background

LAST_SEEN = "staff_last_seen"
# Writing the session on every request would be a database write per page view; a
# minute is precise enough for a 30-minute timeout.
LAST_SEEN_PRECISION = 60


class AuditContextMiddleware:
    """Lets `security_log` called deep in a service know the request's client."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = audit.bind_client(request)
        try:
            return self.get_response(request)
        finally:
            audit.unbind_client(token)


class StaffIdleTimeoutMiddleware:
    """Logs a staff session out after STAFF_IDLE_SECONDS without a request; the request
    then goes on anonymous (a page redirects to the login, the API answers 401)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and _is_staff(user):
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN)
            if last_seen is not None and now - last_seen > settings.STAFF_IDLE_SECONDS:
                audit.security_log(
                    kind=SecurityEventKind.LOGOUT, user=user, request=request, reason="idle"
                )
                logout(request)
            elif is_background(request):
                pass  # a live page refreshing itself is not the person at the desk
            elif last_seen is None or now - last_seen >= LAST_SEEN_PRECISION:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


def _is_staff(user) -> bool:
    return user.is_staff or user.is_superuser or has_role(user, *STAFF_ROLES)


# Pages a user who owes a second factor may still reach: how to give it, and the way out.
OPEN_VIEWS = {
    "accounts:login",
    "accounts:logout",
    "accounts:otp_setup",
    "accounts:otp_verify",
    "set_language",
}


class SecondFactorMiddleware:
    """Nothing answers a session that owes its second factor but the pages to give it."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = request.user
        if not two_factor.second_factor_required(user) or user.is_verified():
            return None
        if request.resolver_match.view_name in OPEN_VIEWS:
            return None
        if request.path.startswith("/api/"):
            return _second_factor_problem()
        target = "accounts:otp_verify" if two_factor.has_device(user) else "accounts:otp_setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


def _second_factor_problem() -> HttpResponse:
    body = {
        "type": "about:blank",
        "title": _("需要动态口令"),
        "status": 403,
        "detail": _("您的账号需要动态口令验证，请先在网页上完成验证。"),
    }
    response = JsonResponse(body, status=403, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/problem+json"
    return response
