"""Bearer tokens for phones: random, shown once, stored as SHA-256."""

import datetime as dt
import hashlib
import secrets
from typing import NamedTuple

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.audit import security_log
from accounts.models import ApiToken, SecurityEventKind, User
from accounts.scope import held_memo
from infra.memo import Memo

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


class LiveToken(NamedTuple):
    """What a request needs of a token, kept in the memo cache (plain values pickle)."""

    pk: int
    user_id: int
    expires_at: dt.datetime
    last_used_at: dt.datetime | None


# A phone sends its token with every request: live tokens by digest, and the active
# users holding them by id, each forgotten on its own.
live_tokens: Memo[LiveToken] = Memo("token", seconds=settings.AUTH_MEMO_SECONDS)
active_users: Memo[tuple] = Memo("user", seconds=settings.AUTH_MEMO_SECONDS)
# Never the password hash or the phone in a shared cache: they load on use, if ever.
_SECRET_FIELDS = {"password", "phone"}
_USER_FIELDS = [f.attname for f in User._meta.concrete_fields if f.name not in _SECRET_FIELDS]


def forget_token_on_commit(*digests: str) -> None:
    """Every write of an ApiToken calls this with the tokens' digests (key_hash)."""
    live_tokens.forget_on_commit(*digests)


def forget_user_on_commit(*user_ids: int) -> None:
    """Every write of a User (deactivation above all) calls this: their tokens stop
    answering with the old row, and their roles are read again."""
    active_users.forget_on_commit(*user_ids)
    held_memo.forget_on_commit(*user_ids)


def token_user(key: str) -> User | None:
    """The active user holding the unrevoked, unexpired token `key`, or None."""
    digest = _digest(key)
    token = live_tokens.get(digest, lambda: _live_token(digest))
    now = timezone.now()
    if token is None or token.expires_at <= now:  # the memo may outlive the token
        return None
    values = active_users.get(token.user_id, lambda: _active_user(token.user_id))
    if values is None:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        forget_token_on_commit(digest)  # reloaded with the new time: one write per period
    # A new instance per request: the view may cache things on its user.
    return User.from_db(DEFAULT_DB_ALIAS, _USER_FIELDS, values)


def _live_token(digest: str) -> LiveToken | None:
    row = (
        ApiToken.objects.filter(key_hash=digest, revoked_at__isnull=True)
        .filter(expires_at__gt=timezone.now())
        .values_list("pk", "user_id", "expires_at", "last_used_at")
        .first()
    )
    return LiveToken(*row) if row is not None else None


def _active_user(user_id: int) -> tuple | None:
    return User.objects.filter(pk=user_id, is_active=True).values_list(*_USER_FIELDS).first()


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
    forget_token_on_commit(token.key_hash)
    if not revoked:
        return None
    security_log(
        kind=SecurityEventKind.TOKEN_REVOKED, user=token.user, token=token.pk, label=token.label
    )
    return token
