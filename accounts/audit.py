"""The security audit log: one function, `security_log`, that every sign-in, token, 2FA,
role, reveal and export path calls.

Who, when, from which IP and client, what. A service that has no request at hand (the
reveal service) still gets the client: `AuditContextMiddleware` keeps the current
request's address for the thread that serves it, the way django-auditlog keeps its actor.
"""

import contextvars
import datetime as dt
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils import timezone

from accounts.models import SecurityEvent, SecurityEventKind, User

USER_AGENT_MAX = 300


@dataclass(frozen=True)
class Client:
    ip_address: str | None
    user_agent: str


_current_client: contextvars.ContextVar[Client | None] = contextvars.ContextVar(
    "security_log_client", default=None
)


def client_of(request: HttpRequest) -> Client:
    """Where a request comes from: the address django-axes locks out, and the client."""
    from axes.helpers import get_client_ip_address

    return Client(
        ip_address=get_client_ip_address(request) or None,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX],
    )


def bind_client(request: HttpRequest) -> contextvars.Token:
    return _current_client.set(client_of(request))


def unbind_client(token: contextvars.Token) -> None:
    _current_client.reset(token)


def security_log(
    *,
    kind: SecurityEventKind,
    user: User | None = None,
    request: HttpRequest | None = None,
    username: str = "",
    **details,
) -> SecurityEvent:
    """Record one security event. `details` must be JSON-serialisable and hold no secret
    (never a password, a token or a personal field's value)."""
    client = client_of(request) if request is not None else _current_client.get()
    if user is not None and not user.is_authenticated:
        user = None
    return SecurityEvent.objects.create(
        kind=kind,
        user=user,
        username=(username or (user.get_username() if user else ""))[:150],
        ip_address=client.ip_address if client else None,
        user_agent=client.user_agent if client else "",
        details=details,
    )


def security_log_purge(*, days: int) -> int:
    """Delete events older than `days` days; the caller enforces the minimum retention."""
    cutoff = timezone.now() - dt.timedelta(days=days)
    deleted, _by_model = SecurityEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted
