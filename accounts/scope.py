"""Authorization as data: a user's roles carry area codes; every scoped read filters by
them. Superusers are the platform's operators and see everything."""

from collections.abc import Iterable

from django.db.models import Q

from accounts.models import Role, RoleAssignment, User


def scope_codes(user: User, roles: Iterable[str] | None = None) -> list[str]:
    """The area codes under which `user` may read, for the given roles (all when None)."""
    if not user.is_authenticated:
        return []
    assignments = RoleAssignment.objects.filter(user=user)
    if roles is not None:
        assignments = assignments.filter(role__in=list(roles))
    return sorted(set(assignments.values_list("area__code", flat=True)))


def has_role(user: User, *roles: str) -> bool:
    return (
        user.is_authenticated and RoleAssignment.objects.filter(user=user, role__in=roles).exists()
    )


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
