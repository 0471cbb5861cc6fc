"""Bearer tokens for phones: random, shown once, stored as SHA-256."""

import copy
import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.utils import timezone

from accounts.models import ApiToken, User
from common.memo import Memo

# Writing last_used_at on every request would serialise SpatiaLite readers behind a
# write lock; minute-level precision is all an administrator needs.
LAST_USED_PRECISION = dt.timedelta(minutes=5)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_issue(*, user: User, label: str = "") -> str:
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=_digest(key), label=label[:100])
    return key


# Live tokens by digest, with their users: a phone sends its token with every request.
live_tokens = Memo("api tokens", seconds=settings.AUTH_MEMO_SECONDS)


def token_user(key: str) -> User | None:
    """The active user holding the unrevoked token `key`, or None."""
    digest = _digest(key)
    token = live_tokens.get(digest, lambda: _live_token(digest))
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    # A copy per request: the view may cache things on its user; the memo's must stay clean.
    return copy.copy(token.user)


def _live_token(digest: str) -> ApiToken | None:
    return (
        ApiToken.objects.select_related("user")
        .filter(key_hash=digest, revoked_at__isnull=True, user__is_active=True)
        .first()
    )


def token_revoke(*, key: str) -> bool:
    """Revoke the token `key`; False when it was unknown or already revoked."""
    digest = _digest(key)
    revoked = ApiToken.objects.filter(key_hash=digest, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    live_tokens.forget(digest)
    return revoked > 0
