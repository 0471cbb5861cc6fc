"""Bearer tokens for phones: random, shown once, stored as SHA-256."""

import copy
import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.audit import security_log
from accounts.models import ApiToken, SecurityEventKind, User
from common.memo import Memo

# Writing last_used_at on every request would serialise SpatiaLite readers behind a
# write lock; minute-level precision is all an administrator needs.
LAST_USED_PRECISION = dt.timedelta(minutes=5)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def token_issue(*, user: User, label: str = "") -> str:
    """A new token for `user`, shown this once; it expires after settings.API_TOKEN_DAYS."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, key_hash=_digest(key), label=label[:100])
    security_log(kind=SecurityEventKind.TOKEN_ISSUED, user=user, token=token.pk, label=token.label)
    return key


# Live tokens by digest, with their users: a phone sends its token with every request.
live_tokens = Memo("api tokens", seconds=settings.AUTH_MEMO_SECONDS)


def token_user(key: str) -> User | None:
    """The active user holding the unrevoked, unexpired token `key`, or None."""
    digest = _digest(key)
    token = live_tokens.get(digest, lambda: _live_token(digest))
    now = timezone.now()
    if token is None or token.expires_at <= now:  # the memo may outlive the token
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    # A copy per request: the view may cache things on its user; the memo's must stay clean.
    return copy.copy(token.user)


def _live_token(digest: str) -> ApiToken | None:
    return (
        ApiToken.objects.select_related("user")
        .filter(key_hash=digest, user__is_active=True)
        .filter(revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )


def token_list(*, user: User) -> QuerySet[ApiToken]:
    """The user's tokens that still work, newest first."""
    return ApiToken.objects.filter(
        user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("-created_at", "-pk")


def token_revoke(*, key: str) -> ApiToken | None:
    """Revoke the token `key`; None when it was unknown or already revoked."""
    return _revoke(ApiToken.objects.filter(key_hash=_digest(key)))


def token_revoke_own(*, user: User, token_id: int) -> ApiToken | None:
    """Revoke one of `user`'s own tokens; None when they hold no such live token."""
    return _revoke(ApiToken.objects.filter(user=user, pk=token_id))


@transaction.atomic
def _revoke(tokens: QuerySet[ApiToken]) -> ApiToken | None:
    token = tokens.filter(revoked_at__isnull=True).select_related("user").first()
    if token is None:
        return None
    # Conditional: of two racing revokes only one counts (and is logged).
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    live_tokens.forget(token.key_hash)
    if not revoked:
        return None
    security_log(
        kind=SecurityEventKind.TOKEN_REVOKED, user=token.user, token=token.pk, label=token.label
    )
    return token
