"""Map reads, scoped to the user: only the areas they may see, never their ancestors,
so a neighbouring area's outline never reaches their screen."""

from django.contrib.gis.db.models.functions import AsGeoJSON, PointOnSurface
from django.db.models import Q, QuerySet

from accounts.models import Role, RoleAssignment, User
from accounts.scope import STAFF_ROLES, scope_q
from grid.models import Area, AreaLevel
from grid.selectors import building_list

# Six decimals of a degree is ~0.1 m: finer than any surveyed boundary, and it keeps the
# GeoJSON of a district small enough for a phone.
GEOJSON_PRECISION = 6


def area_boundaries(*, user: User, under: str | None = None) -> QuerySet[Area]:
    """Areas in the user's scope with their boundary as GeoJSON text, parents first so
    that grids are drawn on top."""
    areas = Area.objects.filter(scope_q(user, "code"))
    if under:
        areas = areas.filter(code__startswith=under)
    return (
        areas.only("code", "name", "level")
        .annotate(geojson=AsGeoJSON("boundary", precision=GEOJSON_PRECISION))
        .order_by("level", "code")
    )


# --- search and the grid summary -------------------------------------------------------------

SEARCH_LIMIT = 20


def place_search(*, user: User, text: str) -> list[dict]:
    """Buildings (name or address) and areas (name) in the user's scope matching `text`:
    the platform's own places, so a search works with no basemap and no internet."""
    text = text.strip()
    if not text:
        return []
    buildings = (
        building_list(user=user)
        .filter(Q(name__icontains=text) | Q(address__icontains=text))
        .order_by("address")
        .values("address", "name", "location", "grid__code")[:SEARCH_LIMIT]
    )
    results = [
        _place(b["name"] or b["address"], "building", b["location"], b["grid__code"], b["address"])
        for b in buildings
    ]
    areas = (
        Area.objects.filter(scope_q(user, "code"), name__icontains=text)
        .annotate(point=PointOnSurface("boundary"))
        .order_by("level", "code")
        .values("name", "code", "point")[: SEARCH_LIMIT - len(results)]
    )
    results += [_place(a["name"], "area", a["point"], a["code"]) for a in areas]
    return results[:SEARCH_LIMIT]


def _place(label: str, kind: str, point, code: str, detail: str = "") -> dict:
    if detail and detail != label:
        label = f"{label}（{detail}）"
    return {
        "label": label,
        "kind": kind,
        "lon": round(point.x, 6),
        "lat": round(point.y, 6),
        "code": code,
    }


def grid_for_staff(*, user: User, code: str) -> Area | None:
    """A grid under one of the user's staff roles (None: as if it did not exist)."""
    return (
        Area.objects.filter(scope_q(user, "code", STAFF_ROLES), code=code, level=AreaLevel.GRID)
        .defer("boundary")
        .first()
    )


def grid_editable(*, user: User, code: str) -> Area | None:
    """A grid under one of the user's administrator roles."""
    return Area.objects.filter(
        scope_q(user, "code", [Role.ADMIN]), code=code, level=AreaLevel.GRID
    ).first()


def grid_workers(area: Area) -> list[dict]:
    users = (
        RoleAssignment.objects.filter(area=area, role=Role.GRID_WORKER, user__is_active=True)
        .order_by("user__display_name", "user__username")
        .values_list("user__display_name", "user__username")
    )
    return [{"name": display or username} for display, username in users]
