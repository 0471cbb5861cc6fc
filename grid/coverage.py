"""Coverage (全覆盖) of a community by its grids: the share left uncovered and the
overlaps between grids, so an administrator can see where the map has holes or double
counting."""

import itertools
import math
from dataclasses import dataclass, field

from django.contrib.gis.geos import GEOSGeometry

from grid.models import Area, AreaLevel

_M_PER_DEGREE = 111_320.0


def approx_square_metres(geom: GEOSGeometry) -> float:
    """Area of a small lon/lat geometry in m² (equirectangular; < 0.5% off at city size)."""
    if geom.empty:
        return 0.0
    scale = _M_PER_DEGREE**2 * math.cos(math.radians(geom.centroid.y))
    return geom.area * scale


@dataclass
class Overlap:
    first: str
    second: str
    square_metres: float


@dataclass
class CoverageReport:
    community: str
    grid_count: int
    uncovered_share: float
    uncovered_square_metres: float
    overlaps: list[Overlap] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.uncovered_share < 0.001 and not self.overlaps


def community_coverage(community: Area) -> CoverageReport:
    grids = list(Area.objects.filter(parent=community, level=AreaLevel.GRID).order_by("code"))
    boundary = community.boundary
    if grids:
        covered = grids[0].boundary.unary_union
        for grid in grids[1:]:
            covered = covered.union(grid.boundary)
        uncovered = boundary.difference(covered)
    else:
        uncovered = boundary
    return CoverageReport(
        community=community.code,
        grid_count=len(grids),
        uncovered_share=uncovered.area / boundary.area if boundary.area else 0.0,
        uncovered_square_metres=approx_square_metres(uncovered),
        overlaps=_overlaps(grids),
    )


def _overlaps(grids: list[Area]) -> list[Overlap]:
    found = []
    for first, second in itertools.combinations(grids, 2):
        if not first.boundary.intersects(second.boundary):
            continue
        shared = approx_square_metres(first.boundary.intersection(second.boundary))
        if shared > 1.0:  # touching edges share no area; below 1 m² is survey noise
            found.append(Overlap(first.code, second.code, shared))
    return found
