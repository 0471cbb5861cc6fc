"""Every read of the grid and the base data, scoped to the user who asks.

Who reads which base data where is grid.access's table (a handler reads buildings but no
household or resident; a resident their own household; a superuser everything).
Areas themselves are not personal data: a user sees the area nodes of every role they
hold, everything below them, and their ancestors (names only) so a tree can be drawn.
"""

from django.db.models import Case, Prefetch, Q, QuerySet, Value, When

from accounts.models import Role, User
from accounts.scope import code_prefix_q, scope_codes, scope_q
from common.personal_data import keyed_hash
from grid.access import BUILDING_READERS, RESIDENT_READERS, base_data_q
from grid.models import CODE_LENGTH, Area, AreaLevel, Building, Household, Resident
from infra.geo import first_row_at_point


def grid_for_point(*, lon: float, lat: float) -> Area | None:
    """The grid covering a point; a point on a shared edge goes to the lowest code."""
    return first_row_at_point(
        Area,
        "boundary",
        lon=lon,
        lat=lat,
        columns=("id", "code", "name", "level", "parent_id"),
        where="t.level = %s",
        where_params=(int(AreaLevel.GRID),),
        order_by="code",
    )


def area_list(
    *, user: User, under: str | None = None, max_level: int = AreaLevel.GRID
) -> QuerySet[Area]:
    """Areas the user may see: their scope nodes, everything below, and the ancestors
    (so a tree can be drawn from the top), never a sibling's subtree. Each area carries
    `in_scope`: False for an ancestor shown only to hang the tree on."""
    areas = Area.objects.filter(level__lte=max_level).defer("boundary")
    if user.is_superuser:
        areas = areas.annotate(in_scope=Value(True))
    else:
        codes = scope_codes(user)
        ancestors = {
            code[:length] for code in codes for length in CODE_LENGTH.values() if length < len(code)
        }
        in_scope = code_prefix_q("code", codes)
        areas = areas.filter(in_scope | Q(code__in=sorted(ancestors))).annotate(
            in_scope=Case(When(in_scope, then=Value(True)), default=Value(False))
        )
    if under:
        areas = areas.filter(code__startswith=under)
    return areas.order_by("code")


def area_get_for_user(*, user: User, code: str) -> Area | None:
    """An area in the user's scope, with its children (boundaries deferred)."""
    children = Area.objects.defer("boundary").order_by("code")
    return (
        Area.objects.filter(scope_q(user, "code"), code=code)
        .prefetch_related(Prefetch("children", queryset=children))
        .first()
    )


def grids_of_worker(*, user: User) -> QuerySet[Area]:
    """The grids under the user's grid-worker assignments (a superuser has none of
    their own)."""
    codes = scope_codes(user, roles=[Role.GRID_WORKER])
    return Area.objects.filter(code_prefix_q("code", codes), level=AreaLevel.GRID).order_by("code")


def building_list(*, user: User, under: str | None = None) -> QuerySet[Building]:
    own = Q(pk__in=Household.objects.filter(members__user=user).values("building_id"))
    buildings = (
        Building.objects.filter(base_data_q(user, "grid__code", readers=BUILDING_READERS, own=own))
        .select_related("grid")
        .defer("grid__boundary")
    )
    if under:
        buildings = buildings.filter(grid__code__startswith=under)
    return buildings


def household_list(*, user: User, under: str | None = None) -> QuerySet[Household]:
    own = Q(pk__in=Resident.objects.filter(user=user).values("household_id"))
    households = (
        Household.objects.filter(
            base_data_q(user, "building__grid__code", readers=RESIDENT_READERS, own=own)
        )
        .select_related("building__grid")
        .defer("building__grid__boundary")
    )
    if under:
        households = households.filter(building__grid__code__startswith=under)
    return households


def resident_list(
    *,
    user: User,
    under: str | None = None,
    id_number: str | None = None,
    name: str | None = None,
    special_group: str | None = None,
) -> QuerySet[Resident]:
    """Residents the user may read. `id_number` and `special_group` match exactly
    through their keyed hashes (the clear values are encrypted); `name` is a substring."""
    own = Q(household__in=Resident.objects.filter(user=user).values("household_id"))
    scope = base_data_q(user, "household__building__grid__code", readers=RESIDENT_READERS, own=own)
    residents = Resident.objects.filter(scope).select_related("household__building")
    if under:
        residents = residents.filter(household__building__grid__code__startswith=under)
    if id_number:
        residents = residents.filter(id_number_hash=keyed_hash(id_number))
    if name:
        residents = residents.filter(name__contains=name.strip())
    if special_group:
        # one membership per kind and resident (a constraint): the join adds no duplicates
        residents = residents.filter(special_groups__kind_hash=keyed_hash(special_group))
    return residents


def resident_get_for_user(*, user: User, resident_id: int) -> Resident | None:
    """A resident the user may read, with their grid and special groups."""
    return (
        resident_list(user=user)
        .select_related("household__building__grid")
        .defer("household__building__grid__boundary")
        .prefetch_related("special_groups")
        .filter(pk=resident_id)
        .first()
    )


def area_tree(*, user: User, under: str | None = None, max_level: int = AreaLevel.GRID) -> list:
    """`area_list` nested: [{code, name, level, level_label, in_scope, children}, …],
    roots first. One query, whatever the depth."""
    nodes: dict[str, dict] = {}
    roots: list[dict] = []
    for area in area_list(user=user, under=under, max_level=max_level):
        node = {
            "code": area.code,
            "name": area.name,
            "level": area.level,
            "level_label": str(AreaLevel(area.level).label),
            "in_scope": area.in_scope,
            "children": [],
        }
        nodes[area.code] = node
        # ordered by code, so a parent always comes before its children
        parent = (
            nodes.get(area.code[: CODE_LENGTH[AreaLevel(area.level - 1)]])
            if area.level > 1
            else None
        )
        (parent["children"] if parent else roots).append(node)
    return roots
