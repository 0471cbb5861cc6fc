"""Every read of cases, scoped to the user who asks.

Staff see the cases under their role's area codes; a handler sees what was dispatched to
their department; a resident sees their own cases, the ones they follow, and the public
cases of their community (reporter hidden, sensitive categories and hidden cases left out).
"""

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.geos import Polygon
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import Role, User
from accounts.scope import code_prefix_q
from feedback import case_sets
from feedback.access import SUPERVISING_ROLES, case_access, public_q
from feedback.models import OPEN_STATES, Case, CaseFollower, CaseState, Category


def _base() -> QuerySet[Case]:
    # The grid's community comes along: a grid's own name (第三网格) is only unique in it.
    return Case.objects.select_related("category", "grid__parent", "department").defer(
        "grid__boundary", "grid__parent__boundary"
    )


def case_get_for_user(*, user: User, case_id: int) -> Case | None:
    return _base().filter(case_access(user).visible_q(), pk=case_id).first()


@dataclass
class CaseFilters:
    state: str | None = None
    category: str | None = None  # code prefix: "13" or "1301"
    area: str | None = None  # area code prefix
    department: int | None = None
    overdue: bool | None = None
    escalated: bool | None = None
    created_from: dt.date | None = None
    created_to: dt.date | None = None
    search: str | None = None
    kpi: str | None = None  # a set of feedback.case_sets: the cases behind a KPI figure


def case_list(*, user: User, filters: CaseFilters | None = None) -> QuerySet[Case]:
    """All cases the user may see, filtered; newest first."""
    cases = _base().filter(case_access(user).visible_q())
    return _apply(cases, filters or CaseFilters()).order_by("-created_at", "-id")


def _apply(cases: QuerySet[Case], f: CaseFilters) -> QuerySet[Case]:
    if f.state:
        cases = cases.filter(state=f.state)
    if f.category:
        cases = cases.filter(category__code__startswith=f.category)
    if f.area:
        cases = cases.filter(area_code__startswith=f.area)
    if f.department:
        cases = cases.filter(department_id=f.department)
    if f.overdue is not None:
        overdue = Q(state__in=OPEN_STATES, due_at__lt=timezone.now())
        cases = cases.filter(overdue if f.overdue else ~overdue)
    if f.escalated is not None:
        cases = (
            cases.filter(escalation_level__gt=0)
            if f.escalated
            else cases.filter(escalation_level=0)
        )
    if f.created_from:
        cases = cases.filter(created_at__date__gte=f.created_from)
    if f.created_to:
        cases = cases.filter(created_at__date__lte=f.created_to)
    if f.search:
        cases = cases.filter(Q(number__startswith=f.search) | Q(description__icontains=f.search))
    if f.kpi in case_sets.NAMES:
        # last: a replayed set reads the timeline of the cases the other filters leave
        cases = case_sets.in_set(cases, f.kpi)
    return cases


def my_cases(*, user: User) -> QuerySet[Case]:
    """The cases a resident reported or follows."""
    own = CaseFollower.objects.filter(case=OuterRef("pk"), user_id=user.pk)
    return _base().filter(Q(reporter=user) | Q(Exists(own))).order_by("-created_at")


def public_cases(*, community_code: str) -> QuerySet[Case]:
    """A community's cases as the public sees them (feedback.access.public_q)."""
    return _base().filter(public_q(), area_code__startswith=community_code).order_by("-created_at")


def public_cases_for(*, user: User) -> QuerySet[Case]:
    """The public cases of every community the user reads (feedback.access)."""
    codes = case_access(user).public_communities()
    return _base().filter(public_q(), code_prefix_q("area_code", codes)).order_by("-created_at")


def public_case_get(*, user: User, case_id: int) -> Case | None:
    return public_cases_for(user=user).filter(pk=case_id).first()


def handler_inbox(*, user: User, filters: CaseFilters | None = None) -> QuerySet[Case]:
    """Cases dispatched to the user's departments within their areas, most urgent first."""
    handler_q = case_access(user).handler_q()
    cases = _base().filter(handler_q, state=CaseState.DISPATCHED)
    return _apply(cases, filters or CaseFilters()).order_by("due_at")


def escalation_queue(*, user: User) -> QuerySet[Case]:
    """Open cases escalated to an area within the supervisor's scope."""
    codes = case_access(user).codes(SUPERVISING_ROLES)
    query = code_prefix_q("escalated_to", codes)
    if user.is_superuser:
        query = Q(escalation_level__gt=0)
    return (
        _base()
        .filter(query, state__in=OPEN_STATES, escalation_level__gt=0)
        .order_by("-escalation_level", "due_at")
    )


def verification_queue(*, user: User) -> QuerySet[Case]:
    query = code_prefix_q("area_code", case_access(user).codes((Role.GRID_WORKER,)))
    return _base().filter(query, state=CaseState.HANDLED).order_by("due_at")


def duplicate_candidates(
    *, category: Category, lon: float, lat: float, exclude_id: int | None = None
) -> list[Case]:
    """Open cases of the same category within the duplicate radius and period, nearest
    first. Prefiltered by a bounding box of the radius, then measured exactly."""
    radius = settings.CASE_DUPLICATE_RADIUS_M
    since = timezone.now() - dt.timedelta(days=settings.CASE_DUPLICATE_DAYS)
    dlat = radius / 111_320
    dlon = radius / (111_320 * math.cos(math.radians(lat)))
    box = Polygon.from_bbox((lon - dlon, lat - dlat, lon + dlon, lat + dlat))
    box.srid = 4326
    nearby = (
        _base()
        .filter(category=category, state__in=OPEN_STATES, created_at__gte=since)
        .filter(location__intersects=box)
        .exclude(pk=exclude_id)
    )
    measured = [(metres_between(lon, lat, c.location.x, c.location.y), c) for c in nearby]
    return [case for distance, case in sorted(measured, key=lambda m: m[0]) if distance <= radius]


def duplicate_hints(*, user: User, category: Category, lon: float, lat: float) -> list[Case]:
    """`duplicate_candidates` the user may know of: the ones they may open, and public
    ones of the communities they read (feedback.access), nearest first."""
    found = duplicate_candidates(category=category, lon=lon, lat=lat)
    ids = [c.pk for c in found]
    access = case_access(user)
    known = Case.objects.filter(pk__in=ids).filter(
        access.visible_q() | (public_q() & code_prefix_q("area_code", access.public_communities()))
    )
    allowed = set(known.values_list("pk", flat=True))
    return [c for c in found if c.pk in allowed]


def metres_between(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance (haversine) in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(a))
