"""Provisioned accounts: created by username with a hashed password, roles made exactly
what is asked (and logged like the admin's changes), a record speaks for one account."""

import pytest
from django.contrib.auth.hashers import make_password

from accounts.models import Department, Role, RoleAssignment, SecurityEvent
from accounts.scope import held_roles
from accounts.services_provision import (
    role_assignments_set,
    totp_device_provision,
    user_permission_grant,
    user_provision,
)
from common.errors import Conflict, InvalidInput
from registration.services import user_resident_link
from tests.factories import make_resident

GRID, OTHER_GRID = "310101001001001", "310101001001002"


def provisioned(username: str = "gw-1", **fields):
    return user_provision(
        username=username,
        display_name=fields.pop("display_name", "网格员甲"),
        password_hash=make_password("gongzhi-demo"),
        **fields,
    )


def test_an_account_is_created_then_updated_by_username(db):
    first = provisioned()
    again = provisioned(display_name="网格员乙", superuser=True)
    assert again.pk == first.pk and again.display_name == "网格员乙"
    assert again.is_superuser and again.is_staff and again.check_password("gongzhi-demo")


def test_a_password_in_clear_is_refused(db):
    with pytest.raises(InvalidInput, match="加密"):
        user_provision(username="x", display_name="x", password_hash="gongzhi-demo")


def test_a_phone_signs_in_one_account_only(db):
    provisioned("a", phone="13800000001")
    with pytest.raises(Conflict):
        provisioned("b", phone="138 0000 0001")


def test_roles_become_exactly_those_asked_and_every_change_is_logged(areas):
    # given a grid worker of one grid
    user = provisioned()
    role_assignments_set(user=user, role=Role.GRID_WORKER, areas=[areas[GRID]], by="test")
    assert [h.area_code for h in held_roles(user)] == [GRID]
    # when their roles are set to another grid, and set again the same
    for _run in range(2):
        role_assignments_set(user=user, role=Role.GRID_WORKER, areas=[areas[OTHER_GRID]], by="test")
    # then they hold that grid only, and the log has one grant per grid and one removal
    assert list(RoleAssignment.objects.filter(user=user).values_list("area__code", flat=True)) == [
        OTHER_GRID
    ]
    kinds = list(SecurityEvent.objects.filter(user=user).values_list("kind", flat=True))
    assert sorted(kinds) == ["role_granted", "role_granted", "role_removed"]
    assert SecurityEvent.objects.filter(kind="role_removed").get().details["by"] == "test"


def test_a_handler_needs_a_department_serving_the_area(areas):
    user = provisioned("hd-1")
    with pytest.raises(InvalidInput):
        role_assignments_set(user=user, role=Role.HANDLER, areas=[areas["310101"]], by="test")
    street = Department.objects.create(code="jd", name="街道办", area=areas["310101001"])
    with pytest.raises(InvalidInput, match="不负责"):
        role_assignments_set(
            user=user, role=Role.HANDLER, areas=[areas["310101"]], department=street, by="test"
        )


def test_a_permission_and_a_known_second_factor_key(db):
    user = provisioned("sv-1")
    user_permission_grant(user=user, permission="grid.reveal_personal_data")
    device = totp_device_provision(user=user, key=b"0123456789abcdef", name="demo")
    again = totp_device_provision(user=user, key=b"0123456789abcdef", name="demo")
    assert again.pk == device.pk and device.confirmed
    assert type(user).objects.get(pk=user.pk).has_perm("grid.reveal_personal_data")
    with pytest.raises(InvalidInput):
        user_permission_grant(user=user, permission="grid.rule_the_world")


def test_a_resident_record_speaks_for_one_account(areas):
    resident = make_resident(GRID)
    user_resident_link(user=provisioned("jm-1"), resident=resident)
    with pytest.raises(Conflict):
        user_resident_link(user=provisioned("jm-2"), resident=resident)
