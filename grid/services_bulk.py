"""Writes of many base-data rows at once: a household register taken in whole, with the
checks of the one-row services (grid.services) and a handful of INSERTs instead of a
save per row (9,000 residents: seconds, where resident_save one by one takes a minute).

The one-row services upsert (a re-import updates); these create, and refuse a room or an
ID number that is already on file, so a register is never loaded twice by accident.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from common.errors import Conflict, DomainError, InvalidInput
from grid.models import Building, Household, Relation, Resident, SpecialGroupMembership
from grid.services import membership_values, resident_values

BATCH = 1000


@dataclass(frozen=True)
class SpecialGroupIn:
    kind: str
    since: dt.date | None = None
    visit_every_days: int | None = None
    note: str = ""


@dataclass(frozen=True)
class MemberIn:
    name: str
    id_number: str
    relation: str
    phone: str = ""
    special_groups: Sequence[SpecialGroupIn] = ()


@dataclass(frozen=True)
class HouseholdIn:
    building: Building
    room: str
    members: Sequence[MemberIn] = field(default_factory=tuple)


@dataclass(frozen=True)
class HouseholdsCreated:
    households: int
    residents: int
    special_group_memberships: int


@transaction.atomic
def household_bulk_create(*, households: Sequence[HouseholdIn]) -> HouseholdsCreated:
    """Create households with their members and special groups, all or nothing.

    Every member is checked as resident_save checks one (ID number, phone, relation) and
    every membership as special_group_add does; a household has exactly one head. A
    refusal names the household it is about.
    """
    rows = [(household, _checked(household)) for household in households]
    _refuse_known(rows)
    created = Household.objects.bulk_create(
        [Household(building=h.building, room=h.room.strip()) for h, _members in rows],
        batch_size=BATCH,
    )
    people = [
        (household, values, groups)
        for household, (_in, members) in zip(created, rows, strict=True)
        for values, groups in members
    ]
    residents = Resident.objects.bulk_create(
        [Resident(household=household, **values) for household, values, _groups in people],
        batch_size=BATCH,
    )
    memberships = [
        SpecialGroupMembership(resident=resident, since=since, **values)
        for resident, (_household, _values, groups) in zip(residents, people, strict=True)
        for values, since in groups
    ]
    SpecialGroupMembership.objects.bulk_create(memberships, batch_size=BATCH)
    return HouseholdsCreated(len(created), len(residents), len(memberships))


def _checked(household: HouseholdIn) -> list[tuple[dict, list[tuple[dict, dt.date | None]]]]:
    """Each member's column values with their memberships', or the refusal."""
    try:
        if not household.room.strip():
            raise InvalidInput(_("门牌不能为空。"), field="room")
        heads = [m for m in household.members if m.relation == Relation.SELF]
        if len(heads) != 1:
            raise InvalidInput(_("每户须有且只有一位户主。"), field="relation")
        return [_member(member) for member in household.members]
    except DomainError as exc:
        raise type(exc)(_about(household, exc.message), field=exc.field) from exc


def _member(member: MemberIn) -> tuple[dict, list[tuple[dict, dt.date | None]]]:
    values = resident_values(
        name=member.name, id_number=member.id_number, relation=member.relation, phone=member.phone
    )
    groups = [
        (
            membership_values(
                kind=group.kind, visit_every_days=group.visit_every_days, note=group.note
            ),
            group.since,
        )
        for group in member.special_groups
    ]
    if len({values["kind_hash"] for values, _since in groups}) != len(groups):
        raise InvalidInput(_("同一类特殊人群只能登记一次。"), field="special_groups")
    return values, groups


def _refuse_known(rows: list) -> None:
    """Rooms and ID numbers must be new: to the register and within the batch."""
    rooms = [(h.building.pk, h.room.strip()) for h, _members in rows]
    hashes = [values["id_number_hash"] for _h, members in rows for values, _groups in members]
    if len(set(rooms)) != len(rooms):
        raise Conflict(_("同一门牌出现了两次。"), field="room")
    if len(set(hashes)) != len(hashes):
        raise Conflict(_("同一身份证号出现了两次。"), field="id_number")
    buildings = {building for building, _room in rooms}
    registered = set(
        Household.objects.filter(building_id__in=buildings).values_list("building_id", "room")
    )
    if registered & set(rooms):
        raise Conflict(_("该门牌已登记过住户。"), field="room")
    for start in range(0, len(hashes), BATCH):
        chunk = hashes[start : start + BATCH]
        if Resident.objects.filter(id_number_hash__in=chunk).exists():
            raise Conflict(_("身份证号已在册，请改用逐条更新。"), field="id_number")


def _about(household: HouseholdIn, message: str) -> str:
    return _("%(address)s %(room)s：%(message)s") % {
        "address": household.building.address,
        "room": household.room,
        "message": message,
    }
