"""Django's own sign-in signals into the security log."""

import time

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from accounts.audit import security_log
from accounts.backends import account_named
from accounts.middleware import LAST_SEEN
from accounts.models import SecurityEventKind, User

# Django announces sign-ins only through these signals, from its own login() and
# authenticate() (the login form and the admin log in; the token endpoint authenticates,
# and its success is logged as the token it issues), so the security log listens here.
# Everything else calls security_log directly.


@receiver(user_logged_in)
def log_sign_in(sender, request, user: User, **kwargs) -> None:
    if request is not None:
        security_log(kind=SecurityEventKind.LOGIN, user=user, request=request, path=request.path)
        # The idle clock starts at sign-in, so the first page after it writes no session.
        request.session[LAST_SEEN] = int(time.time())


@receiver(user_login_failed)
def log_sign_in_failure(sender, credentials: dict, request=None, **kwargs) -> None:
    # A refusal because of a lockout is logged once, as the lockout (accounts.lockout).
    if request is None or getattr(request, "axes_locked_out", False):
        return
    username = str(credentials.get("username") or "")
    security_log(
        kind=SecurityEventKind.LOGIN_FAILED,
        user=account_named(username),
        request=request,
        username=username,
        path=request.path,
    )
