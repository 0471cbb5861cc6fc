"""Accounts an operator provisions rather than people registering themselves (the demo,
a move from another system): accounts by username, their roles over areas, a permission,
a second-factor key. The resident record an account speaks for is linked by
registration.services.user_resident_link.

Every role granted or removed goes to the security log, as the admin's changes do, and
the memoised roles and users are forgotten once the change commits. Residents who sign
up on their own go through registration.services.
"""

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.contrib.auth.hashers import identify_hasher
from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.audit import security_log
from accounts.models import Department, Role, RoleAssignment, SecurityEventKind, User
from accounts.scope import forget_roles_on_commit
from accounts.tokens import forget_user_on_commit
from common.errors import Conflict, InvalidInput
from common.personal_data import keyed_hash
from common.phone import normalise_phone

if TYPE_CHECKING:  # for type hints only: grid imports accounts, never the reverse
    from grid.models import Area


@transaction.atomic
def user_provision(
    *,
    username: str,
    display_name: str,
    password_hash: str,
    phone: str = "",
    superuser: bool = False,
) -> User:
    """Create or update the active account `username`.

    The password comes hashed (`make_password`): hashing is slow on purpose, and a run
    that provisions a hundred accounts with one password hashes it once. A superuser is
    also staff (the admin site); a phone lets the account sign in with it.
    """
    try:
        identify_hasher(password_hash)
    except ValueError as exc:
        raise InvalidInput(_("密码须为已加密的形式。"), field="password") from exc
    phone = normalise_phone(phone) if phone else ""
    phone_hash = keyed_hash(phone) if phone else ""
    if phone and User.objects.filter(phone_hash=phone_hash).exclude(username=username).exists():
        raise Conflict(_("该手机号已被其他账号使用。"), field="phone")
    user, _created = User.objects.update_or_create(
        username=username,
        defaults={
            "password": password_hash,
            "display_name": display_name,
            "phone": phone,
            "phone_hash": phone_hash,
            "is_active": True,
            "is_staff": superuser,
            "is_superuser": superuser,
        },
    )
    forget_user_on_commit(user.pk)
    return user


@transaction.atomic
def role_assignments_set(
    *,
    user: User,
    role: str,
    areas: Sequence["Area"],
    department: Department | None = None,
    by: str,
) -> None:
    """Make `user`'s roles exactly `role` over `areas` (a handler's in `department`,
    which must serve each area); every other role of theirs goes. `by` names who did it
    in the security log."""
    _check_role(role, areas, department)
    wanted = {(role, area.pk, department.pk if department else None): area for area in areas}
    held = RoleAssignment.objects.filter(user=user).select_related("area")
    for assignment in held:
        if wanted.pop((assignment.role, assignment.area_id, assignment.department_id), None):
            continue
        assignment.delete()
        _log(SecurityEventKind.ROLE_REMOVED, user, assignment.role, assignment.area, by)
    for (_role, _area_id, _department_id), area in wanted.items():
        RoleAssignment.objects.create(user=user, role=role, area=area, department=department)
        _log(SecurityEventKind.ROLE_GRANTED, user, role, area, by)
    forget_roles_on_commit(user.pk)


def _check_role(role: str, areas: Sequence["Area"], department: Department | None) -> None:
    if role not in Role.values:
        raise InvalidInput(_("角色无效：%(role)s") % {"role": role}, field="role")
    if (role == Role.HANDLER) != (department is not None):
        raise InvalidInput(_("职能部门角色须且只须指定部门。"), field="department")
    for area in areas:
        if department is not None and not area.code.startswith(department.area.code):
            raise InvalidInput(_("所选部门不负责该区域。"), field="department")


def _log(kind: str, user: User, role: str, area: "Area", by: str) -> None:
    security_log(kind=kind, user=user, role=role, area=area.code, by=by)


@transaction.atomic
def user_permission_grant(*, user: User, permission: str) -> None:
    """Give `user` one permission, named "app_label.codename"."""
    app_label, _dot, codename = permission.partition(".")
    found = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    if not found.exists():
        raise InvalidInput(_("权限不存在：%(name)s") % {"name": permission}, field="permission")
    user.user_permissions.add(*found)


@transaction.atomic
def totp_device_provision(*, user: User, key: bytes, name: str) -> TOTPDevice:
    """Give `user` a confirmed TOTP device with a known key (a token handed out with the
    account), named `name`; an earlier device of that name takes the new key."""
    if len(key) < 10:
        raise InvalidInput(_("动态口令密钥至少 10 字节。"), field="key")
    device, created = TOTPDevice.objects.update_or_create(
        user=user, name=name, defaults={"key": key.hex(), "confirmed": True}
    )
    if created:
        security_log(kind=SecurityEventKind.OTP_ENROLLED, user=user, provisioned=True)
    return device
