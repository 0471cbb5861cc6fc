"""Load and remove the demo district: the use cases behind `manage.py demo`.

Loading goes through the domain services (areas, categories and departments, buildings,
households), so the demo also exercises them. Removing it is the demo's own: no domain
use case deletes a district with its people and its case history (timelines are never
deleted), so the teardown deletes the rows it made, refusing when anything else points
into the district.
"""

import random
from dataclasses import dataclass

from django.db import transaction
from django.db.models import ProtectedError, Q
from django.utils.translation import gettext as _

from accounts.models import Department, RoleAssignment
from accounts.scope import forget_roles_on_commit
from common.errors import Conflict
from demo import DISTRICT_CODE
from demo.consultation import consultation_delete
from demo.geometry import district_shapes
from demo.history import history_delete
from demo.inbox import inbox_delete
from demo.notices import notices_delete
from demo.opinions import opinions_delete
from demo.population import plan_population, write_population
from demo.voting import ballots_delete
from feedback.catalog import categories_load
from feedback.models import CategoryRoute
from grid.models import (
    Area,
    AreaLevel,
    Building,
    Household,
    PersonalDataReveal,
    Resident,
)
from grid.services import area_save
from realtime.models import Event


@dataclass(frozen=True)
class DemoSummary:
    streets: int
    communities: int
    grids: int
    departments: int
    buildings: int
    households: int
    residents: int
    special_group_memberships: int


def demo_exists() -> bool:
    return Area.objects.filter(code=DISTRICT_CODE).exists()


@transaction.atomic
def demo_load(*, seed: int, households: int) -> DemoSummary:
    """Create the demo district from `seed`: one seed, one district, to the last name.

    Boundaries and people draw from separate random streams, so a different household
    count leaves the map unchanged.
    """
    shapes = district_shapes(random.Random(f"{seed}:geometry"))
    areas = {}
    for shape in shapes:
        # through the service, so containment and no-overlap are checked as for an import
        areas[shape.code], _created = area_save(
            code=shape.code, name=shape.name, boundary=shape.boundary
        )
    district = areas[DISTRICT_CODE]
    # the standard categories, the district's departments and a route per leaf to them
    categories_load(district=district)
    grids = [shape for shape in shapes if len(shape.code) == 15]
    people = random.Random(f"{seed}:people")
    plans = plan_population(people, grids, households)
    counts = write_population(people, plans)
    levels = [area.level for area in areas.values()]
    return DemoSummary(
        levels.count(AreaLevel.STREET),
        levels.count(AreaLevel.COMMUNITY),
        levels.count(AreaLevel.GRID),
        Department.objects.filter(area=district).count(),
        *counts,
    )


@transaction.atomic
def demo_delete() -> None:
    """Remove the demo district with its case history, base data, departments, category
    routes and role assignments.

    Users and the shared categories stay (demo_accounts re-links the users); records of
    other apps that point into the district stop the deletion rather than being removed
    silently.
    """
    under = DISTRICT_CODE
    residents = Resident.objects.filter(household__building__grid__code__startswith=under)
    try:
        inbox_delete(under)
        notices_delete(under)
        ballots_delete(under)  # before the topics and the people its rows point to
        opinions_delete(under)
        consultation_delete(under)  # after whatever hangs on a topic
        history_delete()
        # the district's outbox: its events would replay moves of cases that are gone
        Event.objects.filter(area_code__startswith=under).delete()
        CategoryRoute.objects.filter(area__code__startswith=under).delete()
        PersonalDataReveal.objects.filter(resident__in=residents).delete()
        residents.delete()
        Household.objects.filter(building__grid__code__startswith=under).delete()
        Building.objects.filter(grid__code__startswith=under).delete()
        _roles_delete(under)
        Department.objects.filter(area__code__startswith=under).delete()
        for level in sorted(AreaLevel.values, reverse=True):
            Area.objects.filter(level=level, code__startswith=under).delete()
    except ProtectedError as exc:
        blocking = sorted({str(obj._meta.verbose_name) for obj in exc.protected_objects})
        raise Conflict(
            _("示范区仍被其他数据引用（%(models)s），无法重置。") % {"models": "、".join(blocking)}
        ) from exc


def _roles_delete(under: str) -> None:
    """The roles over the district's areas and in its departments; their holders'
    memoised roles are forgotten once this commits."""
    roles = RoleAssignment.objects.filter(
        Q(area__code__startswith=under) | Q(department__area__code__startswith=under)
    )
    holders = set(roles.values_list("user_id", flat=True))
    roles.delete()
    forget_roles_on_commit(*holders)
