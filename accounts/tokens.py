"""Bearer tokens for phones: random, shown once, stored as SHA-256."""

import datetime as dt
import hashlib
import secrets
import threading
from typing import NamedTuple

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.audit import security_log
from accounts.models import ApiToken, SecurityEventKind, User
from accounts.scope import Held, attach_roles, held_memo
from infra.django_private import ReusedSelect
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
    """What a request needs of a token, kept in the memo cache (plain values pickle):
    the token, its active holder's row and their roles."""

    pk: int
    user_id: int
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    user: tuple  # the values of _USER_FIELDS
    roles: tuple[Held, ...]


# A phone sends its token with every request: who holds it and with which roles is one
# entry by digest, read in one query and one cache round trip. Writes to the token, to
# its user or to the user's roles forget it (forget_*_on_commit).
live_tokens: Memo[LiveToken] = Memo("token", seconds=settings.AUTH_MEMO_SECONDS)
# Never the password hash or the phone in a shared cache: they load on use, if ever.
_SECRET_FIELDS = {"password", "phone"}
_USER_FIELDS = [f.attname for f in User._meta.concrete_fields if f.name not in _SECRET_FIELDS]
_TOKEN_FIELDS = ["pk", "user_id", "expires_at", "last_used_at"]
_ROLE_FIELDS = ["user__roles__role", "user__roles__area__code", "user__roles__department_id"]


def forget_token_on_commit(*digests: str) -> None:
    """Every write of an ApiToken calls this with the tokens' digests (key_hash)."""
    live_tokens.forget_on_commit(*digests)


def forget_user_on_commit(*user_ids: int) -> None:
    """Every write of a User (deactivation above all) calls this: their tokens stop
    answering with the old row, and their roles are read again."""
    held_memo.forget_on_commit(*user_ids)
    forget_tokens_of_on_commit(*user_ids)


def forget_tokens_of_on_commit(*user_ids: int) -> None:
    """Forget the memoised tokens of these users once the transaction commits (their
    entries carry the user's row and roles)."""
    transaction.on_commit(lambda: live_tokens.forget(_live_digests(user_ids)))


def _live_digests(user_ids) -> list[str]:
    tokens = ApiToken.objects.filter(user_id__in=user_ids, revoked_at__isnull=True)
    return list(tokens.values_list("key_hash", flat=True))


def token_user(key: str) -> User | None:
    """The active user holding the unrevoked, unexpired token `key`, or None. Their roles
    come with them (accounts.scope.held_roles reads them from the instance)."""
    digest = _digest(key)
    token = live_tokens.get(digest, lambda: _live_token(digest))
    now = timezone.now()
    if token is None or token.expires_at <= now:  # the memo may outlive the token
        return None
    last_use.mark(token.pk, token.last_used_at, now)
    # A new instance per request: the view may cache things on its user.
    user = User.from_db(DEFAULT_DB_ALIAS, _USER_FIELDS, token.user)
    attach_roles(user, token.roles)
    return user


# The token, its active holder and the holder's roles: one query, a row per role (none:
# one row of NULLs). Expiry is checked on every use (token_user), not here.
_token_rows = ReusedSelect(
    lambda digest: ApiToken.objects.filter(
        key_hash=digest, revoked_at__isnull=True, user__is_active=True
    ).values_list(*_TOKEN_FIELDS, *(f"user__{f}" for f in _USER_FIELDS), *_ROLE_FIELDS),
    str,
)


def _live_token(digest: str) -> LiveToken | None:
    rows = _token_rows.rows(digest)
    if not rows:
        return None
    first, split = rows[0], len(_TOKEN_FIELDS) + len(_USER_FIELDS)
    roles = tuple(Held(*row[split:]) for row in rows if row[split] is not None)
    return LiveToken(*first[: len(_TOKEN_FIELDS)], first[len(_TOKEN_FIELDS) : split], roles)


class LastUse:
    """When each token was last used, written at most once per LAST_USED_PRECISION and
    token by this process, and batched: the first uses of API_TOKEN_LAST_USE_BATCH_SECONDS
    go out in one UPDATE (a thousand phones starting up make one write, not a thousand).
    With 0 each is written at once, the plain path. Marks not yet written when the
    process dies are lost (shutdown writes them: config/asgi.py): the column tells the
    owner roughly when a device was last seen, and nothing checks it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._marked: dict[int, dt.datetime] = {}  # by this process, written or not
        self._unwritten: dict[int, dt.datetime] = {}
        self._oldest: dt.datetime | None = None

    def mark(self, token_id: int, stored: dt.datetime | None, now: dt.datetime) -> None:
        """Note a use of the token; write the batch when its first mark is old enough."""
        with self._lock:
            last = max(filter(None, (stored, self._marked.get(token_id))), default=None)
            if last is None or now - last > LAST_USED_PRECISION:
                self._marked[token_id] = self._unwritten[token_id] = now
                self._oldest = self._oldest or now
            due = self._oldest is not None and (
                (now - self._oldest).total_seconds() >= settings.API_TOKEN_LAST_USE_BATCH_SECONDS
            )
        if due:
            self.write()

    def write(self) -> int:
        """Write the pending marks now (also at shutdown); returns how many."""
        with self._lock:
            pending, self._unwritten, self._oldest = self._unwritten, {}, None
            horizon = timezone.now() - LAST_USED_PRECISION
            self._marked = {pk: at for pk, at in self._marked.items() if at > horizon}
        if not pending:
            return 0
        # One UPDATE with the batch's first mark: early by at most the batch's seconds,
        # well inside the precision, and never later than a real use.
        ApiToken.objects.filter(pk__in=list(pending)).update(last_used_at=min(pending.values()))
        return len(pending)

    def forget(self) -> None:
        """Drop every mark, written or not (tests: SQLite reuses rolled-back ids)."""
        with self._lock:
            self._marked, self._unwritten, self._oldest = {}, {}, None


last_use = LastUse()


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
