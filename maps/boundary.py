"""An administrator's grid boundary, checked before it is saved: the overlaps with the
community's other grids, how much sticks out of the community, and the share of the
community its grids leave uncovered once this boundary replaces the old one. The save
itself is grid.services.area_save, with grid.validation's rules."""

import json
import math

from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.utils.translation import gettext as _

from common.errors import DomainError, InvalidInput
from grid import services, validation
from grid.coverage import approx_square_metres
from grid.models import Area, AreaLevel

OVERLAP_NOISE_M2 = 1.0  # as grid.coverage: touching edges share no area


def boundary_from_geojson(value: dict) -> GEOSGeometry:
    """A GeoJSON Polygon or MultiPolygon in lon/lat, as a valid MultiPolygon (4326)."""
    if not isinstance(value, dict) or value.get("type") not in ("Polygon", "MultiPolygon"):
        raise InvalidInput(
            _("边界应为 GeoJSON 多边形（Polygon 或 MultiPolygon）。"), field="boundary"
        )
    try:
        geom = GEOSGeometry(
            json.dumps({"type": value["type"], "coordinates": value.get("coordinates")})
        )
    except (GEOSException, GDALException, ValueError, TypeError) as exc:
        raise InvalidInput(_("边界坐标无法解析。"), field="boundary") from exc
    geom.srid = 4326
    xmin, ymin, xmax, ymax = geom.extent
    if not all(math.isfinite(v) for v in geom.extent) or not (
        -180 <= xmin <= xmax <= 180 and -90 <= ymin <= ymax <= 90
    ):
        raise InvalidInput(_("边界坐标超出经纬度范围。"), field="boundary")
    return validation.as_multipolygon(geom)


def boundary_check(area: Area, boundary: GEOSGeometry) -> dict:
    community = area.parent
    siblings = list(
        Area.objects.filter(parent=community, level=AreaLevel.GRID, boundary__intersects=boundary)
        .exclude(pk=area.pk)
        .order_by("code")
    )
    overlaps = []
    for sibling in siblings:
        shared = approx_square_metres(sibling.boundary.intersection(boundary))
        if shared > OVERLAP_NOISE_M2:
            overlaps.append(
                {"code": sibling.code, "name": sibling.name, "area_m2": round(shared, 1)}
            )
    outside = approx_square_metres(boundary.difference(community.boundary)) if community else 0.0
    within = _within(boundary, community)
    return {
        "ok": not overlaps and within,
        "overlaps": overlaps,
        "outside_parent_m2": round(outside, 1),
        "uncovered_share": round(_uncovered_share(area, boundary, community), 6),
    }


def _within(boundary: GEOSGeometry, community: Area | None) -> bool:
    if community is None:
        return True
    try:
        validation.check_within(boundary, community.boundary)
    except DomainError:
        return False
    return True


def _uncovered_share(area: Area, boundary: GEOSGeometry, community: Area | None) -> float:
    if community is None or not community.boundary.area:
        return 0.0
    covered = boundary
    others = Area.objects.filter(parent=community, level=AreaLevel.GRID).exclude(pk=area.pk)
    for other in others:
        covered = covered.union(other.boundary)
    return community.boundary.difference(covered).area / community.boundary.area


def boundary_save(area: Area, boundary: GEOSGeometry) -> Area:
    saved, _created = services.area_save(code=area.code, name=area.name, boundary=boundary)
    return saved
