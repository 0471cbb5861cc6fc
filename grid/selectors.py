"""Every read of the grid and the base data, scoped to the user who asks."""

from django.db.models import Q, QuerySet

from accounts.models import Role, User
from accounts.scope import scope_codes, scope_q
from common.personal_data import keyed_hash
from grid.models import Area, AreaLevel, Building, Household, Resident
from maps.geo import indexed_intersects, point_from_lonlat


def grid_for_point(*, lon: float, lat: float) -> Area | None:
    """The grid covering a point; a point on a shared edge goes to the lowest code."""
    point = point_from_lonlat(lon, lat)
    return (
        Area.objects.filter(indexed_intersects(Area, "boundary", point), level=AreaLevel.GRID)
        .order_by("code")
        .first()
    )


def area_list(
    *, user: User, under: str | None = None, max_level: int = AreaLevel.GRID
) -> QuerySet[Area]:
    """Areas the user may see: their scope nodes, everything below, and the ancestors
    (so a tree can be drawn from the top)."""
    areas = Area.objects.filter(level__lte=max_level).defer("boundary")
    if not user.is_superuser:
        codes = scope_codes(user)
        ancestors = {code[:n] for code in codes for n in (6, 9, 12) if n < len(code)}
        areas = areas.filter(scope_q(user, "code") | _code_in(ancestors))
    if under:
        areas = areas.filter(code__startswith=under)
    return areas.order_by("code")


def _code_in(codes: set[str]) -> Q:
    return Q(code__in=sorted(codes))


def area_get_for_user(*, user: User, code: str) -> Area | None:
    return Area.objects.filter(scope_q(user, "code"), code=code).first()


def grids_of_worker(*, user: User) -> QuerySet[Area]:
    codes = scope_codes(user, roles=[Role.GRID_WORKER])
    return Area.objects.filter(code__in=codes, level=AreaLevel.GRID).order_by("code")


def building_list(*, user: User, under: str | None = None) -> QuerySet[Building]:
    buildings = Building.objects.filter(_base_data_scope(user, "grid__code")).select_related("grid")
    if under:
        buildings = buildings.filter(grid__code__startswith=under)
    return buildings


def household_list(*, user: User, under: str | None = None) -> QuerySet[Household]:
    households = Household.objects.filter(
        _base_data_scope(user, "building__grid__code")
    ).select_related("building")
    if _is_only_resident(user):
        households = households.filter(members__user=user)
    if under:
        households = households.filter(building__grid__code__startswith=under)
    return households


def resident_list(
    *, user: User, under: str | None = None, id_number: str | None = None
) -> QuerySet[Resident]:
    residents = Resident.objects.filter(
        _base_data_scope(user, "household__building__grid__code")
    ).select_related("household__building")
    if _is_only_resident(user):
        residents = residents.filter(household__members__user=user)
    if under:
        residents = residents.filter(household__building__grid__code__startswith=under)
    if id_number:
        residents = residents.filter(id_number_hash=keyed_hash(id_number))
    return residents


def resident_get_for_user(*, user: User, resident_id: int) -> Resident | None:
    return resident_list(user=user).filter(pk=resident_id).first()


def _base_data_scope(user: User, field: str) -> Q:
    """Staff read base data under their areas; a resident reads their own household."""
    return scope_q(user, field)


def _is_only_resident(user: User) -> bool:
    if user.is_superuser:
        return False
    roles = set(user.roles.values_list("role", flat=True))
    return roles == {Role.RESIDENT}
