"""household_bulk_create: a register taken in whole, checked as the one-row services check
each row, and all or nothing."""

import datetime as dt

import pytest

from common.errors import Conflict, InvalidInput
from common.personal_data import keyed_hash
from grid import services
from grid.models import Household, Resident, SpecialGroup, SpecialGroupMembership
from grid.services_bulk import HouseholdIn, MemberIn, SpecialGroupIn, household_bulk_create
from tests.factories import grid_centre, id_number

GRID = "310101001001001"


@pytest.fixture
def building(areas):
    return services.building_save(address="幸福路1号", location=grid_centre(GRID))


def family(building, room: str = "101室", seq: int = 1, **head) -> HouseholdIn:
    return HouseholdIn(
        building,
        room,
        [
            MemberIn(
                name=head.get("name", "王建国"),
                id_number=head.get("id_number", id_number("310104", "19500302", seq * 2 + 1)),
                relation=head.get("relation", "self"),
                phone=head.get("phone", "138 0000 0001"),
                special_groups=head.get("special_groups", ()),
            ),
            MemberIn("李秀英", id_number("310105", "19520411", seq * 2), "spouse"),
        ],
    )


def test_households_are_written_with_members_as_resident_save_writes_them(building):
    # given a household of two, the head an elderly veteran since a known day
    since = dt.date(2020, 5, 1)
    veteran = [SpecialGroupIn(SpecialGroup.VETERAN, since=since)]
    # when the register is written in bulk
    created = household_bulk_create(households=[family(building, special_groups=veteran)])
    # then the rows carry what the one-row services would have derived and hashed
    assert (created.households, created.residents, created.special_group_memberships) == (1, 2, 1)
    head = Resident.objects.get(relation="self")
    assert (head.birth_date, head.gender) == (dt.date(1950, 3, 2), "M")
    assert head.phone == "13800000001" and head.phone_hash == keyed_hash("13800000001")
    assert head.id_number_hash == keyed_hash(head.id_number)
    membership = SpecialGroupMembership.objects.get(resident=head)
    assert membership.kind_hash == keyed_hash(SpecialGroup.VETERAN)
    assert (membership.since, membership.visit_every_days) == (since, 90)


def test_a_bad_id_number_refuses_the_whole_register_naming_the_household(building):
    bad = family(building, room="102室", seq=2, id_number="310104195003020000")
    with pytest.raises(InvalidInput, match="幸福路1号 102室") as refused:
        household_bulk_create(households=[family(building), bad])
    assert refused.value.field == "id_number"
    assert not Household.objects.exists() and not Resident.objects.exists()


@pytest.mark.parametrize("relations", [("spouse",), ("self", "self")])
def test_a_household_needs_exactly_one_head(building, relations):
    members = [
        MemberIn(f"王{n}", id_number("310104", "19700101", n * 2 + 1), relation)
        for n, relation in enumerate(relations)
    ]
    with pytest.raises(InvalidInput, match="户主"):
        household_bulk_create(households=[HouseholdIn(building, "101室", members)])


def test_an_unknown_relation_or_special_group_is_refused_as_one_by_one(building):
    with pytest.raises(InvalidInput, match="特殊人群类别无效"):
        household_bulk_create(households=[family(building, special_groups=[SpecialGroupIn("vip")])])
    odd = family(building)
    odd = HouseholdIn(
        building, "101室", [odd.members[0], MemberIn("李秀英", odd.members[1].id_number, "aunt")]
    )
    with pytest.raises(InvalidInput, match="与户主关系无效"):
        household_bulk_create(households=[odd])


def test_an_id_number_on_file_or_twice_in_the_register_is_refused(building):
    household_bulk_create(households=[family(building)])
    with pytest.raises(Conflict, match="已在册"):
        household_bulk_create(households=[family(building, room="201室")])
    twins = [family(building, room="301室", seq=5), family(building, room="302室", seq=5)]
    with pytest.raises(Conflict, match="出现了两次"):
        household_bulk_create(households=twins)


def test_a_registered_room_is_refused(building):
    household_bulk_create(households=[family(building)])
    with pytest.raises(Conflict, match="已登记"):
        household_bulk_create(households=[family(building, seq=7)])
    assert Household.objects.count() == 1
