"""Granting and removing roles: each write is logged and forgets the user's memoised
roles once it commits (accounts.scope.held_memo), so the change holds in every process
from the next request on."""

from typing import TYPE_CHECKING

from django.db import transaction
from django.http import HttpRequest

from accounts.audit import security_log
from accounts.models import Department, Role, RoleAssignment, SecurityEventKind, User
from accounts.scope import forget_roles_on_commit

if TYPE_CHECKING:  # for type hints only: grid imports accounts, never the reverse
    from grid.models import Area


@transaction.atomic
def role_grant(
    *, user: User, role: Role, area: "Area", by: User, department: Department | None = None
) -> RoleAssignment:
    """Give `user` `role` over `area`; granting a role they hold changes nothing."""
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, role=role, area=area, defaults={"department": department}
    )
    if created:
        security_log(
            kind=SecurityEventKind.ROLE_GRANTED,
            user=user,
            role=role,
            area=area.code,
            by=by.get_username(),
        )
        forget_roles_on_commit(user.pk)
    return assignment


@transaction.atomic
def role_remove(
    *, assignment: RoleAssignment, by: User, request: HttpRequest | None = None
) -> None:
    """Take the role `assignment` away from its user."""
    security_log(
        kind=SecurityEventKind.ROLE_REMOVED,
        user=assignment.user,
        request=request,
        role=assignment.role,
        area=assignment.area.code,
        by=by.get_username(),
    )
    assignment.delete()
    forget_roles_on_commit(assignment.user_id)
