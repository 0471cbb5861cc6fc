"""What the demo case history is drawn from: the demo district's grids and buildings, the
category leaves with their routes and words, and the people holding each role there."""

import random
import re
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.utils.translation import gettext as _

from accounts.models import Role, RoleAssignment
from common.errors import NotFound
from demo.story import Stage
from demo.texts import ALTERNATE_DEPARTMENT, CATEGORY_TEXTS, ON_SPOT_NOTES
from feedback.models import CategoryRoute
from grid.models import Area, AreaLevel, Building

CODE_LENGTHS = (15, 12, 9, 6)  # grid, community, street, district
DIGITS = 7  # ~1 cm, as the demo's buildings
EDGE_MARGIN = 2e-6  # degrees (~0.2 m): a case point is never on a shared grid edge


@dataclass(frozen=True)
class Site:
    x: float
    y: float
    name: str  # 幸福新村3栋
    address: str  # 幸福路12号3栋


@dataclass
class GridPlace:
    pk: int
    code: str
    name: str
    boundary: object  # GEOS MultiPolygon
    sites: list[Site]

    def __post_init__(self) -> None:
        self.inside = self.boundary.prepared
        self.edge = self.boundary.boundary
        self.box = self.boundary.extent

    def holds(self, x: float, y: float) -> bool:
        point = Point(x, y, srid=4326)
        return self.inside.contains(point) and self.edge.distance(point) > EDGE_MARGIN

    def random_point(self, rng: random.Random) -> tuple[float, float]:
        xmin, ymin, xmax, ymax = self.box
        while True:
            x = round(rng.uniform(xmin, xmax), DIGITS)
            y = round(rng.uniform(ymin, ymax), DIGITS)
            if self.holds(x, y):
                return x, y

    def near(self, rng: random.Random, x: float, y: float, metres: float) -> tuple[float, float]:
        """A point a few metres from (x, y) in this grid: a neighbour's report of the same
        problem."""
        step = metres / 111_000
        for _attempt in range(20):
            nx = round(x + rng.uniform(-step, step), DIGITS)
            ny = round(y + rng.uniform(-step, step), DIGITS)
            if self.holds(nx, ny):
                return nx, ny
        return x, y

    def nearest_site(self, x: float, y: float) -> Site | None:
        return min(self.sites, key=lambda s: (s.x - x) ** 2 + (s.y - y) ** 2, default=None)


@dataclass(frozen=True)
class Leaf:
    pk: int
    code: str
    sensitive: bool
    stage: Stage
    route: int
    alternate: int | None
    weight: float
    descriptions: tuple[str, ...]
    handle_notes: tuple[str, ...]
    on_spot_notes: tuple[str, ...]


def grid_places(district_code: str) -> list[GridPlace]:
    grids = Area.objects.filter(level=AreaLevel.GRID, code__startswith=district_code)
    sites = defaultdict(list)
    for building in Building.objects.filter(grid__code__startswith=district_code).order_by(
        "address"
    ):
        location = building.location
        sites[building.grid_id].append(
            Site(location.x, location.y, building.name or building.address, building.address)
        )
    return [
        GridPlace(grid.pk, grid.code, grid.name, grid.boundary, sites[grid.pk])
        for grid in grids.order_by("code")
    ]


def leaves(district: Area) -> list[Leaf]:
    """Leaves the words know, with the department each is routed to in the district."""
    routes = CategoryRoute.objects.filter(area=district, category__active=True).select_related(
        "category", "department"
    )
    departments = {
        route.department.code.removeprefix(f"{district.code}-"): route.department_id
        for route in routes
    }
    found = []
    for route in sorted(routes, key=lambda r: r.category.code):
        category = route.category
        if category.code not in CATEGORY_TEXTS:
            continue
        weight, descriptions, handle_notes = CATEGORY_TEXTS[category.code]
        key = route.department.code.removeprefix(f"{district.code}-")
        stage = Stage(
            register_hours=category.register_hours,
            dispatch_hours=category.dispatch_hours,
            handle_days=category.handle_days,
            verify_hours=category.verify_hours,
        )
        found.append(
            Leaf(
                pk=category.pk,
                code=category.code,
                sensitive=category.sensitive,
                stage=stage,
                route=route.department_id,
                alternate=departments.get(ALTERNATE_DEPARTMENT.get(key, "")),
                weight=weight,
                descriptions=descriptions,
                handle_notes=handle_notes,
                on_spot_notes=ON_SPOT_NOTES.get(category.code, ()),
            )
        )
    return found


def place_words(site: Site | None, grid: GridPlace) -> dict[str, str]:
    """The words a description's place is made of: building, road, compound."""
    if site is None:
        return {"building": grid.name, "road": grid.name, "compound": grid.name}
    road = re.match(r"\D+?路", site.address)
    return {
        "building": site.name,
        "road": road.group() if road else site.address,
        "compound": re.sub(r"\d+栋$", "", site.name),
    }


class Cast:
    """Users by the role they hold over each area of the district (sorted by username, so a
    seed always picks the same people)."""

    def __init__(self, district_code: str):
        rows = (
            RoleAssignment.objects.filter(area__code__startswith=district_code)
            .order_by("user__username")
            .values_list("user_id", "role", "area__code", "department_id")
        )
        self._holders: dict[tuple[str, str], list[int]] = defaultdict(list)
        self._handlers: dict[int, list[tuple[str, int]]] = defaultdict(list)
        for user_id, role, code, department_id in rows:
            self._holders[role, code].append(user_id)
            if role == Role.HANDLER:
                self._handlers[department_id].append((code, user_id))

    def holders(self, role: str, code: str) -> list[int]:
        """Users with `role` over the area `code`, the most local first found."""
        for length in CODE_LENGTHS:
            users = self._holders.get((role, code[:length]))
            if users and len(code) >= length:
                return users
        raise NotFound(self._missing(Role(role).label))

    def handlers(self, department: int, code: str) -> list[int]:
        users = [user for area, user in self._handlers[department] if code.startswith(area)]
        if not users:
            raise NotFound(self._missing(Role.HANDLER.label))
        return users

    @staticmethod
    def _missing(role) -> str:
        return _("示范区缺少“%(role)s”账号，请先运行 manage.py demo_accounts。") % {"role": role}
