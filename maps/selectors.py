"""Map reads, scoped to the user: only the areas they may see, never their ancestors,
so a neighbouring area's outline never reaches their screen."""

from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db.models import QuerySet

from accounts.models import User
from accounts.scope import scope_q
from grid.models import Area

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
