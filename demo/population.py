"""Buildings, households and residents of the demo district: planned in memory, then
written through grid.services (each building) and grid.services_bulk (every household
with its members at once: seconds for ~9,000 residents, where resident_save one by one
takes a minute). The services check what an import is checked for: ID numbers, phones,
one head per household, each building inside a grid.
"""

import datetime as dt
import math
import random
from dataclasses import dataclass

from django.contrib.gis.geos import Point, Polygon

from demo import AS_OF
from demo.families import family
from demo.geometry import CELL, AreaShape, Cell
from demo.names import COMMUNITIES, COMPOUND_SUFFIXES
from demo.people import Person, PersonMaker
from grid.services import building_save
from grid.services_bulk import HouseholdIn, MemberIn, SpecialGroupIn, household_bulk_create


@dataclass
class HouseholdPlan:
    room: str
    members: list[Person]


@dataclass
class BuildingPlan:
    grid_code: str
    address: str
    name: str
    floors: int
    location: Point
    footprint: Polygon | None
    households: list[HouseholdPlan]


def plan_population(rng: random.Random, grids: list[AreaShape], households: int):
    """Spread `households` over the grids (unevenly, as real grids are) in buildings."""
    maker = PersonMaker(rng)
    plans: list[BuildingPlan] = []
    for grid, quota in zip(grids, _quotas(rng, len(grids), households), strict=True):
        plans.extend(_plan_grid(rng, maker, grid, quota))
    return plans


def _quotas(rng: random.Random, count: int, total: int) -> list[int]:
    weights = [rng.uniform(0.6, 1.4) for _ in range(count)]
    exact = [total * weight / sum(weights) for weight in weights]
    quotas = [int(share) for share in exact]
    by_remainder = sorted(range(count), key=lambda i: quotas[i] - exact[i])
    for i in by_remainder[: total - sum(quotas)]:
        quotas[i] += 1
    return quotas


def _plan_grid(rng: random.Random, maker: PersonMaker, grid: AreaShape, quota: int):
    stacks = []  # (floors, occupied rooms) per building
    while quota > 0:
        floors, units = rng.choice((6, 6, 6, 7, 7, 8)), rng.choice((1, 2, 2, 3))
        rooms = [
            f"{unit}单元{floor}{door:02d}室"
            for unit in range(1, units + 1)
            for floor in range(1, floors + 1)
            for door in (1, 2)
        ]
        occupied = min(quota, round(len(rooms) * rng.uniform(0.6, 0.95)))
        stacks.append((floors, sorted(rng.sample(range(len(rooms)), occupied)), rooms))
        quota -= occupied
    spots = _spots(rng, grid.cell, len(stacks))
    street, community, number = int(grid.code[6:9]), int(grid.code[9:12]), int(grid.code[12:])
    _name, road, stem = COMMUNITIES[(street - 1) * 4 + community - 1]
    compound = stem + COMPOUND_SUFFIXES[(number - 1) % len(COMPOUND_SUFFIXES)]
    return [
        BuildingPlan(
            grid_code=grid.code,
            address=f"{road}{20 * number - 8}号{index}栋",
            name=f"{compound}{index}栋",
            floors=floors,
            location=location,
            footprint=footprint,
            households=[HouseholdPlan(rooms[i], family(maker)) for i in occupied],
        )
        for index, ((floors, occupied, rooms), (location, footprint)) in enumerate(
            zip(stacks, spots, strict=True), start=1
        )
    ]


def _spots(rng: random.Random, cell: Cell, count: int) -> list[tuple[Point, Polygon | None]]:
    """Building sites on a loose sub-lattice of the cell, far enough apart not to touch."""
    side = max(3, math.ceil(math.sqrt(count)))
    steps = [0.2 + 0.6 * i / (side - 1) for i in range(side)]
    sites = sorted(rng.sample([(u, v) for v in steps for u in steps], count))
    boundary = cell.polygon().prepared
    spacing = 0.6 / (side - 1)
    half = (min(0.00025, 0.3 * spacing * CELL[0]), min(0.00007, 0.3 * spacing * CELL[1]))
    spots = []
    for u, v in sites:
        point = cell.interpolate(u + rng.uniform(-0.03, 0.03), v + rng.uniform(-0.03, 0.03))
        if not boundary.contains(point):
            point = cell.interpolate(0.5 + (u - 0.5) / 2, 0.5 + (v - 0.5) / 2)
        footprint = Polygon.from_bbox(
            (point.x - half[0], point.y - half[1], point.x + half[0], point.y + half[1])
        )
        footprint.srid = 4326
        spots.append((point, footprint if boundary.contains(footprint) else None))
    return spots


def write_population(rng: random.Random, plans: list[BuildingPlan]) -> tuple[int, int, int, int]:
    """Save the planned buildings (each through building_save, which finds its grid from
    its location), then every household with its members and special groups in one
    household_bulk_create. Returns the numbers of buildings, households, residents and
    special-group memberships."""
    households = []
    for plan in plans:
        building = building_save(
            address=plan.address,
            location=plan.location,
            name=plan.name,
            floors=plan.floors,
            footprint=plan.footprint,
        )
        households += [
            HouseholdIn(building, household.room, [_member(rng, p) for p in household.members])
            for household in plan.households
        ]
    created = household_bulk_create(households=households)
    return len(plans), created.households, created.residents, created.special_group_memberships


def _member(rng: random.Random, person: Person) -> MemberIn:
    groups = [
        SpecialGroupIn(str(kind), since=_since(rng, person.birth_date)) for kind in person.groups
    ]
    return MemberIn(
        name=person.name,
        id_number=person.id_number,
        relation=person.relation,
        phone=person.phone,
        special_groups=groups,
    )


def _since(rng: random.Random, birth_date: dt.date) -> dt.date:
    """When a membership was recognised: months to years ago, never before birth."""
    return max(AS_OF - dt.timedelta(days=rng.randrange(30, 6 * 365)), birth_date)
