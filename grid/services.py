"""Every write to the grid and the base data: one function per use case, atomic."""

from django.contrib.gis.geos import GEOSGeometry, Point, Polygon
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit import security_log
from accounts.models import SecurityEventKind, User
from common.errors import InvalidInput, NotFound, NotPermitted
from common.personal_data import keyed_hash
from common.phone import normalise_phone
from grid import validation
from grid.models import (
    DEFAULT_VISIT_DAYS,
    Area,
    AreaLevel,
    Building,
    Household,
    PersonalDataReveal,
    Relation,
    Resident,
    SpecialGroup,
    SpecialGroupMembership,
)
from grid.selectors import grid_for_point, resident_get_for_user


@transaction.atomic
def area_save(*, code: str, name: str, boundary: GEOSGeometry) -> tuple[Area, bool]:
    """Create or update the area with `code` (idempotent re-import by code).

    The parent follows from the code; a child must lie within its parent, and grids of
    one community must not overlap. Returns the area and whether it was created.
    """
    level = validation.level_for_code(code)
    boundary = validation.as_multipolygon(boundary)
    parent = _parent_for(code)
    if parent is not None:
        validation.check_within(boundary, parent.boundary)
    if level == AreaLevel.GRID:
        _check_no_overlap(code, parent, boundary)
    area, created = Area.objects.update_or_create(
        code=code,
        defaults={"name": name, "level": level, "parent": parent, "boundary": boundary},
    )
    return area, created


def _parent_for(code: str) -> Area | None:
    parent_code = validation.parent_code_of(code)
    if parent_code is None:
        return None
    parent = Area.objects.filter(code=parent_code).first()
    if parent is None:
        raise InvalidInput(
            _("上级区域 %(code)s 不存在，请先导入上级。") % {"code": parent_code}, field="code"
        )
    return parent


def _check_no_overlap(code: str, community: Area, boundary: GEOSGeometry) -> None:
    tolerance = 1e-10  # square degrees (~1 m²): shared edges touch, they do not overlap
    siblings = Area.objects.filter(parent=community, boundary__intersects=boundary).exclude(
        code=code
    )
    for sibling in siblings:
        if sibling.boundary.intersection(boundary).area > tolerance:
            raise InvalidInput(
                _("网格与同社区的网格 %(other)s 重叠。") % {"other": sibling.code},
                field="boundary",
            )


@transaction.atomic
def building_save(
    *,
    address: str,
    location: Point,
    name: str = "",
    floors: int | None = None,
    grid: Area | None = None,
    footprint: Polygon | None = None,
) -> Building:
    """Create or update a building by address; its grid is found from its location.

    A footprint, when given, must lie within the grid; when not given, a stored one stays.
    """
    grid = grid or grid_for_point(lon=location.x, lat=location.y)
    if grid is None:
        raise InvalidInput(_("该位置不在任何网格内：%(address)s") % {"address": address})
    defaults = {"location": location, "name": name, "floors": floors, "grid": grid}
    if footprint is not None:
        validation.check_within(footprint, grid.boundary)
        defaults["footprint"] = footprint
    building, _created = Building.objects.update_or_create(
        address=address.strip(), defaults=defaults
    )
    return building


def household_save(*, building: Building, room: str) -> Household:
    household, _created = Household.objects.get_or_create(building=building, room=room.strip())
    return household


@transaction.atomic
def resident_save(
    *,
    household: Household,
    name: str,
    id_number: str,
    relation: str,
    phone: str = "",
) -> Resident:
    """Create or update a resident, keyed by ID number (idempotent re-import)."""
    values = resident_values(name=name, id_number=id_number, relation=relation, phone=phone)
    resident, _created = Resident.objects.update_or_create(
        id_number_hash=values.pop("id_number_hash"), defaults={"household": household, **values}
    )
    return resident


def resident_values(*, name: str, id_number: str, relation: str, phone: str = "") -> dict:
    """A resident's checked column values (birth date and gender from the ID number, keyed
    hashes beside the encrypted fields): the one check of resident_save and the bulk
    writes of grid.services_bulk."""
    number = validation.validate_id_number(id_number)
    birth_date, gender = validation.facts_from_id_number(number)
    phone = normalise_phone(phone) if phone else ""
    if relation not in Relation.values:
        raise InvalidInput(_("与户主关系无效：%(value)s") % {"value": relation}, field="relation")
    return {
        "name": name.strip(),
        "id_number": number,
        "id_number_hash": keyed_hash(number),
        "gender": gender,
        "birth_date": birth_date,
        "relation": relation,
        "phone": phone,
        "phone_hash": keyed_hash(phone) if phone else "",
    }


def special_group_add(
    *, resident: Resident, kind: str, visit_every_days: int | None = None, note: str = ""
) -> SpecialGroupMembership:
    values = membership_values(kind=kind, visit_every_days=visit_every_days, note=note)
    membership, _created = SpecialGroupMembership.objects.update_or_create(
        resident=resident, kind_hash=values.pop("kind_hash"), defaults=values
    )
    return membership


def membership_values(*, kind: str, visit_every_days: int | None = None, note: str = "") -> dict:
    """A special-group membership's checked column values (the kind found by its hash)."""
    if kind not in SpecialGroup.values:
        raise InvalidInput(_("特殊人群类别无效：%(kind)s") % {"kind": kind}, field="kind")
    return {
        "kind": kind,
        "kind_hash": keyed_hash(kind),
        "note": note,
        "visit_every_days": visit_every_days or DEFAULT_VISIT_DAYS[SpecialGroup(kind)],
    }


REVEALABLE_FIELDS = ("id_number", "phone")


@transaction.atomic
def resident_reveal(*, actor: User, resident_id: int, field: str, reason: str) -> str:
    """Show one personal field in clear: needs the permission, leaves an audit record."""
    if field not in REVEALABLE_FIELDS:
        raise InvalidInput(_("不能查看该字段。"), field="field")
    if not reason.strip():
        raise InvalidInput(_("请填写查看原因。"), field="reason")
    if not actor.has_perm("grid.reveal_personal_data"):
        raise NotPermitted(_("您没有查看完整个人信息的权限。"))
    resident = resident_get_for_user(user=actor, resident_id=resident_id)
    if resident is None:
        raise NotFound(_("居民不存在或不在您的管辖范围内。"))
    record = PersonalDataReveal.objects.create(
        actor=actor, resident=resident, field=field, reason=reason.strip()[:200]
    )
    security_log(kind=SecurityEventKind.REVEAL, user=actor, field=field, reveal=record.pk)
    return getattr(resident, field)
