"""Whether the open sockets may stay open: one pass for all the sockets of a process.

A socket closes within REALTIME_SESSION_CHECK_SECONDS when its session expires or ends,
its token is revoked, its account is deactivated or its roles change (then the client
reconnects and joins the groups it now may). Sockets share logins and users (a screen
per tab, a street's staff in the same groups), so each user, session and group list is
read once per pass, not once per socket.
"""

import dataclasses
from collections.abc import Callable
from importlib import import_module

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.utils.module_loading import import_string

from realtime.groups import session_group

CLOSE_SIGNED_OUT = 4401  # the session ended: sign in again
CLOSE_SCOPE_CHANGED = 4409  # the roles changed: reconnect to join the groups allowed now


@dataclasses.dataclass(frozen=True)
class Check:
    """What a socket was opened with. `credential_alive` is what the token middleware left
    in the scope (a socket opened with a bearer token has no session)."""

    user_id: int
    session_key: str | None
    joined: tuple[str, ...]  # sorted: its event groups and its session's group
    credential_alive: Callable[[], bool] | None = None


def allowed_groups(user) -> list[str]:
    """The union of what every domain's policy lets this user receive."""
    groups: list[str] = []
    for source in settings.REALTIME_GROUP_SOURCES:
        groups += [g for g in import_string(source)(user) if g not in groups]
    return groups


def joined_groups(groups: list[str], session_key: str | None) -> tuple[str, ...]:
    return tuple(sorted([*groups, session_group(session_key)] if session_key else groups))


def verdicts(checks: list[Check]) -> list[int | None]:
    """For each socket: None while it may stay, otherwise the close code to send."""
    ids = {check.user_id for check in checks}
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=ids, is_active=True)}
    sessions: dict[tuple[str, int], bool] = {}
    groups: dict[int, list[str]] = {}
    codes: list[int | None] = []
    for check in checks:
        user = users.get(check.user_id)
        if user is None:
            codes.append(CLOSE_SIGNED_OUT)
            continue
        key = check.session_key
        if key and (key, user.pk) not in sessions:
            sessions[key, user.pk] = _session_alive(key, user)
        if (key and not sessions[key, user.pk]) or (
            check.credential_alive is not None and not check.credential_alive()
        ):
            codes.append(CLOSE_SIGNED_OUT)
            continue
        if user.pk not in groups:
            groups[user.pk] = allowed_groups(user)
        expected = joined_groups(groups[user.pk], key)
        codes.append(None if expected == check.joined else CLOSE_SCOPE_CHANGED)
    return codes


def _session_alive(session_key: str, user) -> bool:
    """The session still exists, has not expired, and still belongs to this user with
    the same password (Django's own session hash)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    data = store.load()  # an expired or deleted session loads as {}
    if str(data.get(SESSION_KEY, "")) != str(user.pk):
        return False
    stored_hash = data.get(HASH_SESSION_KEY)
    return stored_hash is None or stored_hash == user.get_session_auth_hash()
