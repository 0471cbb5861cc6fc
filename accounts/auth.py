"""API authentication: a phone's bearer token, or the web's session with CSRF.

The bearer token is tried first. Session auth checks CSRF only when a session actually
authenticates the request: ninja's stock SessionAuth checks it before looking at the
user, so a phone's bearer POST (no CSRF cookie) was refused before its token was read.
A bearer header needs no CSRF check: a cross-site form cannot set it.
"""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from accounts.models import User
from accounts.tokens import token_user
from common.errors import DomainError, NotPermitted


class InvalidToken(DomainError):
    status = 401


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User:
        user = token_user(token)
        if user is None:
            # A phone that sent a token wants to know it is dead, not to fall back to
            # a session it does not have.
            raise InvalidToken(_("令牌无效或已被吊销，请重新登录。"))
        request.user = user
        return user


class SessionWithCsrf(SessionAuth):
    def __call__(self, request: HttpRequest) -> User | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        exempt = getattr(request, "_ninja_csrf_exempt", False)
        if not exempt and check_csrf(request) is not None:
            raise NotPermitted(_("CSRF 校验失败，请刷新页面后重试。"))
        return user


bearer_auth = BearerToken()
api_auth = [bearer_auth, SessionWithCsrf()]
