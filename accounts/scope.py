"""Authorization as data: a user's roles carry area codes; every scoped read filters by
them. Superusers are the platform's operators and see everything."""

from collections.abc import Iterable
from typing import NamedTuple

from django.conf import settings
from django.db.models import Q

from accounts.models import Role, RoleAssignment, User
from infra.memo import Memo


class Held(NamedTuple):
    role: str
    area_code: str
    department_id: int | None


# Every scoped read and every transition asks which roles its user holds.
held_memo: Memo[tuple[Held, ...]] = Memo("roles", seconds=settings.AUTH_MEMO_SECONDS)


def forget_roles_on_commit(*user_ids: int) -> None:
    """Every write of a RoleAssignment calls this for the users whose roles it changed:
    their roles, and their memoised bearer tokens, which carry the roles."""
    from accounts.tokens import forget_tokens_of_on_commit  # tokens imports this module

    held_memo.forget_on_commit(*user_ids)
    forget_tokens_of_on_commit(*user_ids)


def held_roles(user: User) -> tuple[Held, ...]:
    """The user's role assignments (role, area code, department)."""
    if not user.is_authenticated:
        return ()
    attached = getattr(user, _ATTACHED, None)
    if attached is not None:
        return attached
    return held_memo.get(user.pk, lambda: _held(user.pk))


_ATTACHED = "_held_roles"


def attach_roles(user: User, roles: tuple[Held, ...]) -> None:
    """Give `user` the roles read with them (a bearer token's entry: accounts.tokens), so
    held_roles asks nothing more for this instance."""
    setattr(user, _ATTACHED, roles)


def _held(user_id: int) -> tuple[Held, ...]:
    rows = RoleAssignment.objects.filter(user_id=user_id).values_list(
        "role", "area__code", "department_id"
    )
    return tuple(Held(*row) for row in rows)


def scope_codes(user: User, roles: Iterable[str] | None = None) -> list[str]:
    """The area codes under which `user` may read, for the given roles (all when None)."""
    wanted = None if roles is None else set(roles)
    return sorted({h.area_code for h in held_roles(user) if wanted is None or h.role in wanted})


def has_role(user: User, *roles: str) -> bool:
    return any(h.role in roles for h in held_roles(user))


def code_prefix_q(field: str, codes: Iterable[str]) -> Q:
    """Q matching rows whose `field` (an area code) lies under any of `codes`."""
    query = Q(pk__in=[])
    for code in codes:
        query |= Q(**{f"{field}__startswith": code})
    return query


def scope_q(user: User, field: str, roles: Iterable[str] | None = None) -> Q:
    if user.is_authenticated and user.is_superuser:
        return Q()
    return code_prefix_q(field, scope_codes(user, roles))


STAFF_ROLES = (Role.GRID_WORKER, Role.CLERK, Role.HANDLER, Role.SUPERVISOR, Role.ADMIN)
