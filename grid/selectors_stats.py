"""Counts for the home pages, built on the scoped selectors so a count never reaches past
the user's areas. Each function runs a fixed number of grouped queries, whatever the
number of grids or children."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.db.models.functions import Substr

from accounts.models import User
from accounts.scope import scope_q
from grid.models import Area, AreaLevel, ResidentStatus, SpecialGroupMembership
from grid.selectors import (
    area_get_for_user,
    area_list,
    building_list,
    household_list,
    resident_list,
)


@dataclass
class GridCounts:
    grid: Area
    buildings: int = 0
    households: int = 0
    residents: int = 0
    special_due: int = 0


@dataclass
class BranchCounts:
    """One child of an area with what lies under it."""

    area: Area
    areas_by_level: dict[int, int] = field(default_factory=dict)
    households: int = 0
    residents: int = 0


def _count_by(queryset: QuerySet, key: str) -> dict:
    rows = queryset.order_by().values(key).annotate(n=Count("pk", distinct=True))
    return {row[key]: row["n"] for row in rows}


def grid_counts(*, user: User, grids: list[Area]) -> list[GridCounts]:
    """Buildings, households, present residents and special-group members due for a
    visit, per grid, for grids the user may read."""
    codes = [grid.code for grid in grids]
    buildings = _count_by(building_list(user=user).filter(grid__code__in=codes), "grid__code")
    households = _count_by(
        household_list(user=user).filter(building__grid__code__in=codes), "building__grid__code"
    )
    present = resident_list(user=user).filter(
        household__building__grid__code__in=codes, status=ResidentStatus.PRESENT
    )
    residents = _count_by(present, "household__building__grid__code")
    due = _count_by(_special_due(present), "resident__household__building__grid__code")
    return [
        GridCounts(
            grid=grid,
            buildings=buildings.get(grid.code, 0),
            households=households.get(grid.code, 0),
            residents=residents.get(grid.code, 0),
            special_due=due.get(grid.code, 0),
        )
        for grid in grids
    ]


def _special_due(residents: QuerySet) -> QuerySet[SpecialGroupMembership]:
    """Memberships due for a visit. No visit is recorded yet (visits come with field
    work), so every present member counts as due until a visit record says otherwise."""
    return SpecialGroupMembership.objects.filter(resident__in=residents.values("pk"))


def area_branch_counts(*, user: User, code: str) -> list[BranchCounts]:
    """The children of area `code` with their sub-areas per level, households and present
    residents; for a grid, the grid itself. Empty when `code` is outside the scope."""
    area = area_get_for_user(user=user, code=code)
    if area is None:
        return []
    width = len(code) + 3 if area.level < AreaLevel.GRID else len(code)
    under = area_list(user=user, under=code)
    branches = [BranchCounts(area=a) for a in under.filter(code__length=width)]
    sub_areas = (
        under.filter(code__length__gt=width)
        .annotate(branch=Substr("code", 1, width))
        .order_by()
        .values("branch", "level")
        .annotate(n=Count("pk"))
    )
    by_level: dict[str, Counter] = {}
    for row in sub_areas:
        by_level.setdefault(row["branch"], Counter())[row["level"]] = row["n"]
    households = _count_by(
        household_list(user=user, under=code).annotate(
            branch=Substr("building__grid__code", 1, width)
        ),
        "branch",
    )
    residents = _count_by(
        resident_list(user=user, under=code)
        .filter(status=ResidentStatus.PRESENT)
        .annotate(branch=Substr("household__building__grid__code", 1, width)),
        "branch",
    )
    for branch in branches:
        branch.areas_by_level = dict(by_level.get(branch.area.code, {}))
        branch.households = households.get(branch.area.code, 0)
        branch.residents = residents.get(branch.area.code, 0)
    return branches


def area_level_counts(*, user: User) -> dict[int, int]:
    """How many areas of each level the user may read (their scope and below)."""
    in_scope = area_list(user=user).filter(scope_q(user, "code"))
    rows = in_scope.order_by().values("level").annotate(n=Count("pk"))
    return {row["level"]: row["n"] for row in rows}
