"""Bearer tokens for phones: random, shown once, stored as SHA-256."""

import datetime as dt
import hashlib
import secrets

from django.utils import timezone

from accounts.models import ApiToken, User

# Writing last_used_at on every request would serialise SpatiaLite readers behind a
# write lock; minute-level precision is all an administrator needs.
LAST_USED_PRECISION = dt.timedelta(minutes=5)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_issue(*, user: User, label: str = "") -> str:
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=_digest(key), label=label[:100])
    return key


def token_user(key: str) -> User | None:
    """The active user holding the unrevoked token `key`, or None."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_digest(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def token_revoke(*, key: str) -> bool:
    """Revoke the token `key`; False when it was unknown or already revoked."""
    revoked = ApiToken.objects.filter(key_hash=_digest(key), revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return revoked > 0
