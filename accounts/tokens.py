"""Bearer tokens for phones: random, shown once, stored as SHA-256."""

import hashlib
import secrets

from django.utils import timezone

from accounts.models import ApiToken, User


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_issue(*, user: User, label: str = "") -> str:
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=_digest(key), label=label[:100])
    return key


def token_user(key: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_digest(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
