"""A fictional district tiled by a jittered lattice of grids, for the benchmarks.

The district is an n × n lattice of cells (n = √grids). Interior lattice vertices are
jittered and every edge carries a few wiggle vertices, so grids are irregular 20-gons
like imported ones, yet neighbours share their edges exactly: the grids tile the
district without gaps or overlaps. Blocks of 10 × 10 cells form a community, a column
of communities forms a street.
"""

import itertools
import math
import random
from dataclasses import dataclass

from django.contrib.gis.geos import MultiPolygon, Polygon
from django.db import transaction

from grid.models import Area, AreaLevel
from grid.validation import level_for_code

DISTRICT = "310101"
X0, Y0 = 121.40, 31.20
CELL = 0.002  # degrees: about 190 m × 220 m at 31°N, a plausible urban grid
BLOCK = 10  # cells per community side: 100 grids per community
JITTER = 0.25  # of a cell, for interior vertices
WIGGLE = 0.04  # of a cell, perpendicular offset of the points inside an edge
EDGE_POINTS = 4  # points inside each edge


@dataclass(frozen=True)
class Extent:
    xmin: float
    ymin: float
    xmax: float
    ymax: float


def lattice_side(grids: int) -> int:
    side = math.isqrt(grids)
    if side * side != grids or side % BLOCK or side // BLOCK > 999:
        raise SystemExit(
            f"--grids must be the square of a multiple of {BLOCK} "
            f"(100, 400, 2500, 10000, …); got {grids}"
        )
    return side


def district_extent(grids: int) -> Extent:
    side = lattice_side(grids)
    return Extent(X0, Y0, X0 + side * CELL, Y0 + side * CELL)


def build_district(*, grids: int, seed: int) -> dict[str, int]:
    """Insert district → streets → communities → grids; return the count per level."""
    side = lattice_side(grids)
    cells = _cell_polygons(side, random.Random(seed))
    with transaction.atomic():
        district = _insert([_area(DISTRICT, "基准区", None, _box(side))])[0]
        counts = {"district": 1, "street": 0, "community": 0, "grid": 0}
        for s in range(side // BLOCK):
            counts.update(_insert_street(district, s, side, cells, counts))
    return counts


def _insert_street(district: Area, s: int, side: int, cells: dict, counts: dict) -> dict:
    street_code = f"{DISTRICT}{s + 1:03d}"
    communities = {}
    for c in range(side // BLOCK):
        block = [(i, j) for i in range(s * BLOCK, (s + 1) * BLOCK) for j in _rows(c)]
        communities[c] = (block, _union([cells[ij] for ij in block]))
    street_shape = _union([shape for _, shape in communities.values()])
    street = _insert([_area(street_code, f"第{s + 1}街道", district, street_shape)])[0]
    rows = [
        _area(f"{street_code}{c + 1:03d}", f"第{s + 1}-{c + 1}社区", street, shape)
        for c, (_, shape) in communities.items()
    ]
    community_areas = _insert(rows)
    grid_rows = [
        _area(f"{community.code}{g + 1:03d}", f"{community.name}{g + 1}号网格", community, shape)
        for community, (block, _) in zip(community_areas, communities.values(), strict=True)
        for g, shape in enumerate(cells[ij] for ij in block)
    ]
    _insert(grid_rows)
    return {
        "street": counts["street"] + 1,
        "community": counts["community"] + len(rows),
        "grid": counts["grid"] + len(grid_rows),
    }


def _rows(c: int) -> range:
    return range(c * BLOCK, (c + 1) * BLOCK)


def _area(code: str, name: str, parent: Area | None, shape) -> Area:
    level = level_for_code(code)  # refuses a code grid.validation would refuse
    boundary = shape if isinstance(shape, MultiPolygon) else MultiPolygon(shape, srid=4326)
    if not boundary.valid:
        raise SystemExit(f"bench lattice produced an invalid boundary for {code}")
    return Area(code=code, name=name, level=level, parent=parent, boundary=boundary)


def _insert(areas: list[Area]) -> list[Area]:
    # Bulk insert: setup speed is not what we measure, and the lattice is valid by
    # construction (checked in _area and by check_tiling).
    return Area.objects.bulk_create(areas, batch_size=500)


def _union(shapes: list[Polygon | MultiPolygon]) -> MultiPolygon:
    polygons = [p for s in shapes for p in (s if isinstance(s, MultiPolygon) else [s])]
    shape = MultiPolygon(*polygons, srid=4326).unary_union
    return shape if isinstance(shape, MultiPolygon) else MultiPolygon(shape, srid=4326)


def _box(side: int) -> MultiPolygon:
    extent = (X0, Y0, X0 + side * CELL, Y0 + side * CELL)
    return MultiPolygon(Polygon.from_bbox(extent), srid=4326)


def _cell_polygons(side: int, rng: random.Random) -> dict[tuple[int, int], Polygon]:
    vertex = _jittered_vertices(side, rng)
    edges: dict[tuple, list[tuple[float, float]]] = {}

    def edge(a: tuple[int, int], b: tuple[int, int]) -> list[tuple[float, float]]:
        if (a, b) not in edges:
            points = _wiggle(vertex[a], vertex[b], rng, on_border=_on_border(a, b, side))
            edges[(a, b)], edges[(b, a)] = points, points[::-1]
        return edges[(a, b)]

    cells = {}
    for i in range(side):
        for j in range(side):
            corners = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1), (i, j)]
            ring = []
            for a, b in itertools.pairwise(corners):
                ring.extend([vertex[a], *edge(a, b)])
            cells[(i, j)] = Polygon([*ring, ring[0]], srid=4326)
    return cells


def _jittered_vertices(side: int, rng: random.Random) -> dict[tuple[int, int], tuple]:
    def coordinate(origin: float, k: int) -> float:
        shake = 0.0 if k in (0, side) else rng.uniform(-JITTER, JITTER)
        return origin + (k + shake) * CELL

    return {
        (i, j): (coordinate(X0, i), coordinate(Y0, j))
        for i in range(side + 1)
        for j in range(side + 1)
    }


def _on_border(a: tuple[int, int], b: tuple[int, int], side: int) -> bool:
    return (a[0] == b[0] and a[0] in (0, side)) or (a[1] == b[1] and a[1] in (0, side))


def _wiggle(a: tuple, b: tuple, rng: random.Random, *, on_border: bool) -> list[tuple]:
    """Points strictly inside edge a→b, pushed sideways (not on the district border,
    which stays a straight line)."""
    (ax, ay), (bx, by) = a, b
    length = math.hypot(bx - ax, by - ay)
    nx, ny = -(by - ay) / length, (bx - ax) / length
    points = []
    for k in range(1, EDGE_POINTS + 1):
        t = k / (EDGE_POINTS + 1)
        push = 0.0 if on_border else rng.uniform(-WIGGLE, WIGGLE) * CELL
        points.append((ax + t * (bx - ax) + push * nx, ay + t * (by - ay) + push * ny))
    return points


def check_tiling(grids: int) -> None:
    """The grids cover the district exactly once: their areas add up to the district's."""
    district = Area.objects.get(code=DISTRICT).boundary.area
    total = sum(a.boundary.area for a in Area.objects.filter(level=AreaLevel.GRID))
    if abs(total - district) > 1e-9 * max(district, 1.0):
        raise SystemExit(f"grids do not tile the district: {total} vs {district}")
