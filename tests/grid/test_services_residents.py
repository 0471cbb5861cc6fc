"""Residents' personal data: validation, encryption at rest, masking, audited reveal."""

import datetime as dt

import pytest
from django.db import connection

from accounts.models import Role
from common.errors import InvalidInput, NotFound, NotPermitted
from common.personal_data import keyed_hash, mask_id_number, mask_phone
from grid import services
from grid.models import PersonalDataReveal, Resident, SpecialGroup, SpecialGroupMembership
from tests.factories import grant_reveal, grid_centre, id_number, make_resident, user_with_role

GRID_1, GRID_2 = "310101001001001", "310101002001001"
# 11010519491231002X: the GB 11643 standard's own example (female, born 1949-12-31)
STANDARD_EXAMPLE = "11010519491231002X"


@pytest.fixture
def household(areas):
    building = services.building_save(address="示范路1号", location=grid_centre(GRID_1))
    return services.household_save(building=building, room="101")


def test_resident_save_derives_birth_date_and_gender_from_the_id_number(household):
    resident = services.resident_save(
        household=household, name=" 张丽 ", id_number=STANDARD_EXAMPLE.lower(), relation="self"
    )
    assert resident.birth_date == dt.date(1949, 12, 31)
    assert resident.gender == "F"
    assert resident.name == "张丽"
    assert Resident.objects.get().id_number == STANDARD_EXAMPLE


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("110105194912310021", "校验位"),
        (id_number("110105", "19491331", 2), "出生日期"),
        ("1101051949123100", "18 位"),
        ("", "18 位"),
    ],
)
def test_invalid_id_numbers_are_refused_with_the_reason(household, number, message):
    with pytest.raises(InvalidInput, match=message) as refused:
        services.resident_save(household=household, name="x", id_number=number, relation="self")
    assert refused.value.field == "id_number"
    assert not Resident.objects.exists()


def test_phone_is_normalised_and_a_bad_one_refused(household):
    resident = services.resident_save(
        household=household,
        name="x",
        id_number=STANDARD_EXAMPLE,
        relation="self",
        phone="+86 138-1234-5678",
    )
    assert resident.phone == "13812345678"
    with pytest.raises(InvalidInput, match="11 位"):
        services.resident_save(
            household=household, name="x", id_number=STANDARD_EXAMPLE, relation="self", phone="123"
        )


def test_saving_the_same_id_number_again_updates_the_resident(household):
    first = services.resident_save(
        household=household, name="旧名", id_number=STANDARD_EXAMPLE, relation="self"
    )
    again = services.resident_save(
        household=household, name="新名", id_number=STANDARD_EXAMPLE, relation="self"
    )
    assert first.pk == again.pk
    assert Resident.objects.get().name == "新名"


def test_an_unknown_relation_is_refused(household):
    with pytest.raises(InvalidInput, match="关系"):
        services.resident_save(
            household=household, name="x", id_number=STANDARD_EXAMPLE, relation="boss"
        )


def _raw_row(table: str, columns: str, pk: int) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()


def test_id_number_and_phone_are_not_stored_in_clear(household):
    resident = services.resident_save(
        household=household,
        name="x",
        id_number=STANDARD_EXAMPLE,
        relation="self",
        phone="13812345678",
    )
    raw_id, raw_phone = _raw_row("grid_resident", "id_number, phone", resident.pk)
    assert STANDARD_EXAMPLE not in raw_id
    assert "13812345678" not in raw_phone
    assert "1949" not in raw_id


def test_the_keyed_hash_finds_the_row_without_the_clear_value(household):
    resident = services.resident_save(
        household=household,
        name="x",
        id_number=STANDARD_EXAMPLE,
        relation="self",
        phone="13812345678",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM grid_resident WHERE id_number_hash = %s AND phone_hash = %s",
            [keyed_hash(STANDARD_EXAMPLE), keyed_hash("13812345678")],
        )
        assert cursor.fetchall() == [(resident.pk,)]


def test_special_group_kind_is_not_stored_in_clear(areas):
    resident = make_resident(GRID_1)
    membership = services.special_group_add(resident=resident, kind=SpecialGroup.DISABLED)
    (raw_kind,) = _raw_row("grid_specialgroupmembership", "kind", membership.pk)
    assert "disabled" not in raw_kind
    assert SpecialGroupMembership.objects.get(kind_hash=keyed_hash("disabled")).kind == "disabled"


def test_old_values_still_decrypt_after_a_new_key_is_prepended(areas, settings):
    resident = make_resident(GRID_1, phone="13812345678")
    settings.FIELD_ENCRYPTION_KEYS = [
        "bmV3LWtleS1mb3Itcm90YXRpb24tdGVzdC0wMDAwMDA=",
        *settings.FIELD_ENCRYPTION_KEYS,
    ]
    assert Resident.objects.get(pk=resident.pk).phone == "13812345678"


def test_masks_keep_the_region_and_the_last_four_digits():
    assert mask_id_number("110105199001011234") == "110105********1234"
    assert mask_phone("13812345678") == "138****5678"


def test_unknown_special_group_kind_is_refused(areas):
    with pytest.raises(InvalidInput, match="特殊人群"):
        services.special_group_add(resident=make_resident(GRID_1), kind="vip")


def test_special_group_default_visit_frequency_follows_the_kind(areas):
    membership = services.special_group_add(
        resident=make_resident(GRID_1), kind=SpecialGroup.ELDERLY_ALONE
    )
    assert membership.visit_every_days == 7


@pytest.fixture
def clerk(areas):
    return grant_reveal(user_with_role(Role.CLERK, areas["310101001"]))


def test_reveal_returns_the_clear_value_and_records_who_why_and_what(clerk):
    resident = make_resident(GRID_1, phone="13812345678")
    value = services.resident_reveal(
        actor=clerk, resident_id=resident.pk, field="phone", reason=" 通知走访 "
    )
    assert value == "13812345678"
    record = PersonalDataReveal.objects.get()
    assert (record.actor, record.resident, record.field, record.reason) == (
        clerk,
        resident,
        "phone",
        "通知走访",
    )


def test_reveal_without_permission_is_refused_and_not_recorded(areas):
    resident = make_resident(GRID_1)
    supervisor = user_with_role(Role.SUPERVISOR, areas["310101001"])
    with pytest.raises(NotPermitted):
        services.resident_reveal(
            actor=supervisor, resident_id=resident.pk, field="id_number", reason="看看"
        )
    assert not PersonalDataReveal.objects.exists()


def test_reveal_outside_the_scope_is_not_found_and_not_recorded(clerk):
    theirs = make_resident(GRID_2)
    with pytest.raises(NotFound):
        services.resident_reveal(actor=clerk, resident_id=theirs.pk, field="id_number", reason="x")
    assert not PersonalDataReveal.objects.exists()


@pytest.mark.parametrize(("field", "reason"), [("name", "核对"), ("id_number", "  ")])
def test_reveal_needs_a_revealable_field_and_a_reason(clerk, field, reason):
    resident = make_resident(GRID_1)
    with pytest.raises(InvalidInput):
        services.resident_reveal(actor=clerk, resident_id=resident.pk, field=field, reason=reason)
    assert not PersonalDataReveal.objects.exists()


def test_id_numbers_of_the_factory_pass_the_checksum(household):
    number = id_number("310101", "20000229", 5)
    resident = services.resident_save(
        household=household, name="x", id_number=number, relation="self"
    )
    assert resident.birth_date == dt.date(2000, 2, 29)
