"""The demo district's boundaries: a jittered lattice whose cells are the grids.

Neighbouring cells are built from the very same vertex and edge-bend coordinates, so they
share their edges exactly: grids tile their community with no gap and no overlap, and
communities, streets and the district are exact unions of grids (GEOS unary union).
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass

from django.contrib.gis.geos import MultiPolygon, Point, Polygon

from demo import DISTRICT_CODE, DISTRICT_NAME
from demo.names import COMMUNITIES, GRID_NUMERALS, STREETS

ORIGIN = (121.430, 31.180)  # south-west corner of the lattice, lon/lat
CELL = (0.0060, 0.0050)  # degrees: about 570 m × 555 m at this latitude
STREET_COLUMNS = 4  # a street is 4 cells wide and spans every row
COMMUNITY_SHAPE = (2, 3)  # a community is 2 × 3 cells, so 6 grids
COLUMNS = STREET_COLUMNS * len(STREETS)
ROWS = 2 * COMMUNITY_SHAPE[1]
VERTEX_JITTER = 0.18  # share of a cell a lattice vertex may move
EDGE_BEND = 0.06  # share of its length an edge's midpoint may move sideways
DIGITS = 7  # ~1 cm: coordinates are rounded once, then shared

Coordinate = tuple[float, float]


@dataclass(frozen=True)
class Cell:
    """One grid's quad: its corners (sw, se, ne, nw) and its closed boundary ring."""

    corners: tuple[Coordinate, Coordinate, Coordinate, Coordinate]
    ring: tuple[Coordinate, ...]

    def polygon(self) -> Polygon:
        return Polygon(self.ring, srid=4326)

    def interpolate(self, u: float, v: float) -> Point:
        """The bilinear point at (u, v) ∈ [0, 1]²: inside the cell for 0 < u, v < 1."""
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = self.corners
        weights = ((1 - u) * (1 - v), u * (1 - v), u * v, (1 - u) * v)
        x = sum(w * c for w, c in zip(weights, (x0, x1, x2, x3), strict=True))
        y = sum(w * c for w, c in zip(weights, (y0, y1, y2, y3), strict=True))
        return Point(round(x, DIGITS), round(y, DIGITS), srid=4326)


@dataclass(frozen=True)
class AreaShape:
    code: str
    name: str
    boundary: MultiPolygon
    cell: Cell | None = None  # grids only


def district_shapes(rng: random.Random) -> list[AreaShape]:
    """District, streets, communities and grids, parents before children."""
    cells = _lattice(rng)
    grids = list(_grid_shapes(cells))
    communities = _unions(grids, 12, lambda code: _community_name(code))
    streets = _unions(communities, 9, lambda code: STREETS[int(code[6:9]) - 1])
    district = _unions(streets, 6, lambda code: DISTRICT_NAME)
    return district + streets + communities + grids


def _community_name(code: str) -> str:
    street, community = int(code[6:9]) - 1, int(code[9:12]) - 1
    return COMMUNITIES[street * 4 + community][0]


def _grid_shapes(cells: dict[tuple[int, int], Cell]) -> Iterator[AreaShape]:
    width, height = COMMUNITY_SHAPE
    for (column, row), cell in sorted(cells.items()):
        street = column // STREET_COLUMNS + 1
        # communities and grids are numbered from the north-west, as a map is read
        community = (ROWS // height - 1 - row // height) * 2 + (column % STREET_COLUMNS) // 2 + 1
        number = (height - 1 - row % height) * width + column % width + 1
        code = f"{DISTRICT_CODE}{street:03d}{community:03d}{number:03d}"
        name = f"第{GRID_NUMERALS[number - 1]}网格"
        yield AreaShape(code, name, MultiPolygon(cell.polygon(), srid=4326), cell)


def _unions(children: list[AreaShape], length: int, name_of) -> list[AreaShape]:
    groups: dict[str, list[Polygon]] = {}
    for child in children:
        groups.setdefault(child.code[:length], []).extend(child.boundary)
    shapes = []
    for code, polygons in sorted(groups.items()):
        union = MultiPolygon(*polygons, srid=4326).unary_union
        boundary = union if isinstance(union, MultiPolygon) else MultiPolygon(union, srid=4326)
        boundary.srid = 4326
        shapes.append(AreaShape(code, name_of(code), boundary))
    return shapes


def _lattice(rng: random.Random) -> dict[tuple[int, int], Cell]:
    vertices = {
        (i, j): _jittered_vertex(rng, i, j) for i in range(COLUMNS + 1) for j in range(ROWS + 1)
    }
    # an edge's bend is drawn once and used by both cells that share it
    across = {
        (i, j): _bend(rng, vertices[i, j], vertices[i + 1, j])
        for i in range(COLUMNS)
        for j in range(ROWS + 1)
    }
    up = {
        (i, j): _bend(rng, vertices[i, j], vertices[i, j + 1])
        for i in range(COLUMNS + 1)
        for j in range(ROWS)
    }
    cells = {}
    for i in range(COLUMNS):
        for j in range(ROWS):
            sw, se = vertices[i, j], vertices[i + 1, j]
            ne, nw = vertices[i + 1, j + 1], vertices[i, j + 1]
            ring = (sw, across[i, j], se, up[i + 1, j], ne, across[i, j + 1], nw, up[i, j], sw)
            cells[i, j] = Cell(corners=(sw, se, ne, nw), ring=ring)
    return cells


def _jittered_vertex(rng: random.Random, i: int, j: int) -> Coordinate:
    dx, dy = CELL
    x = ORIGIN[0] + (i + rng.uniform(-VERTEX_JITTER, VERTEX_JITTER)) * dx
    y = ORIGIN[1] + (j + rng.uniform(-VERTEX_JITTER, VERTEX_JITTER)) * dy
    return round(x, DIGITS), round(y, DIGITS)


def _bend(rng: random.Random, start: Coordinate, end: Coordinate) -> Coordinate:
    """The edge's midpoint moved sideways, so that boundaries look drawn, not ruled."""
    offset = rng.uniform(-EDGE_BEND, EDGE_BEND)
    dx, dy = end[0] - start[0], end[1] - start[1]
    x = (start[0] + end[0]) / 2 - dy * offset
    y = (start[1] + end[1]) / 2 + dx * offset
    return round(x, DIGITS), round(y, DIGITS)
