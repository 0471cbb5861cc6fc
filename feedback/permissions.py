"""Who may act on a case: roles carry area codes, and a case lies under its grid's code."""

from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.scope import held_roles
from common.errors import NotPermitted
from feedback.models import Case

SUPERVISING_ROLES = (Role.SUPERVISOR, Role.ADMIN)


def acting_role(user: User, case: Case, roles: tuple[str, ...]) -> str:
    """The first of `roles` the user holds over the case's area, or NotPermitted."""
    if user.is_superuser:
        return roles[0]
    for role, code, department_id in held_roles(user):
        if role not in roles or not case.area_code.startswith(code):
            continue
        if role == Role.HANDLER and department_id != case.department_id:
            continue
        return role
    raise NotPermitted(_("您没有对该事件执行此操作的权限（角色或管辖区域不符）。"))


def role_over_area(user: User, area_code: str, roles: tuple[str, ...]) -> str:
    """The first of `roles` the user holds over `area_code` (for reports before a case)."""
    if user.is_superuser:
        return roles[0]
    for role, code, _department in held_roles(user):
        if role in roles and area_code.startswith(code):
            return role
    raise NotPermitted(_("您不能在该网格上报事件。"))


def require_reporter(user: User, case: Case) -> str:
    if case.reporter_id != user.pk:
        raise NotPermitted(_("只有反映人本人可以执行此操作。"))
    return Role.RESIDENT
