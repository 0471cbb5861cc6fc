"""Buildings, households and residents of the demo district: planned in memory, then
written with bulk inserts (seconds for ~9,000 residents, where one save per row would
take minutes).

Bulk inserts skip the services, so this module keeps their invariants itself: keyed
hashes beside every encrypted value, exactly one present head per household, buildings
placed strictly inside their grid.
"""

import datetime as dt
import math
import random
from dataclasses import dataclass

from django.contrib.gis.geos import Point, Polygon

from common.personal_data import keyed_hash
from grid.demo import AS_OF
from grid.demo.families import family
from grid.demo.geometry import CELL, AreaShape, Cell
from grid.demo.names import COMMUNITIES, COMPOUND_SUFFIXES
from grid.demo.people import Person, PersonMaker
from grid.models import (
    DEFAULT_VISIT_DAYS,
    Building,
    Household,
    Resident,
    SpecialGroup,
    SpecialGroupMembership,
)

BATCH = 1000


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


def write_population(rng: random.Random, plans: list[BuildingPlan], grid_ids: dict[str, int]):
    """Insert the planned buildings, households, residents and special-group memberships."""
    buildings = Building.objects.bulk_create(
        [
            Building(
                address=plan.address,
                name=plan.name,
                grid_id=grid_ids[plan.grid_code],
                location=plan.location,
                footprint=plan.footprint,
                floors=plan.floors,
            )
            for plan in plans
        ],
        batch_size=BATCH,
    )
    household_plans = [(b, h) for b, p in zip(buildings, plans, strict=True) for h in p.households]
    households = Household.objects.bulk_create(
        [Household(building=building, room=plan.room) for building, plan in household_plans],
        batch_size=BATCH,
    )
    people = [
        (household, person)
        for household, (_building, plan) in zip(households, household_plans, strict=True)
        for person in plan.members
    ]
    residents = Resident.objects.bulk_create(
        [_resident(household, person) for household, person in people], batch_size=BATCH
    )
    memberships = [
        _membership(rng, resident, kind)
        for resident, (_household, person) in zip(residents, people, strict=True)
        for kind in person.groups
    ]
    SpecialGroupMembership.objects.bulk_create(memberships, batch_size=BATCH)
    return len(buildings), len(households), len(residents), len(memberships)


def _resident(household: Household, person: Person) -> Resident:
    return Resident(
        household=household,
        name=person.name,
        gender=person.gender,
        birth_date=person.birth_date,
        id_number=person.id_number,
        id_number_hash=keyed_hash(person.id_number),
        phone=person.phone,
        phone_hash=keyed_hash(person.phone) if person.phone else "",
        relation=person.relation,
    )


def _membership(rng: random.Random, resident: Resident, kind: str) -> SpecialGroupMembership:
    since = AS_OF - dt.timedelta(days=rng.randrange(30, 6 * 365))
    kind = str(kind)
    return SpecialGroupMembership(
        resident=resident,
        kind=kind,
        kind_hash=keyed_hash(kind),
        visit_every_days=DEFAULT_VISIT_DAYS[SpecialGroup(kind)],
        since=max(since, resident.birth_date),
    )
