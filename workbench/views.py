"""The home page: one section per role the user holds, each filled from scoped selectors."""

from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.models import RegistrationStatus, Role, RoleAssignment, User
from common.errors import InvalidInput
from common.personal_data import mask_id_number, mask_phone
from feedback import selectors as case_selectors
from feedback.counters import case_counters
from grid import selectors, selectors_stats, validation
from grid.models import AreaLevel, ResidentStatus
from notices.presenters import home_notices
from registration import selectors as registration_selectors

SECTION_ORDER = [Role.RESIDENT, Role.GRID_WORKER, Role.CLERK, Role.HANDLER, Role.SUPERVISOR]


@dataclass
class MaskedResident:
    """A resident as the home pages show them: never a clear ID number or phone."""

    name: str
    gender: str
    relation: str
    status: str
    id_number: str
    phone: str
    address: str = ""
    grid: str = ""

    @classmethod
    def of(cls, resident, *, with_address: bool = False) -> "MaskedResident":
        building = resident.household.building if with_address else None
        return cls(
            name=resident.name,
            gender=resident.get_gender_display(),
            relation=resident.get_relation_display(),
            status=resident.get_status_display(),
            id_number=mask_id_number(resident.id_number) if resident.id_number else "",
            phone=mask_phone(resident.phone) if resident.phone else "",
            address=f"{building.address} {resident.household.room}" if building else "",
            grid=building.grid.name if building else "",
        )


@dataclass
class ClerkSearch:
    id_number: str = ""
    error: str = ""
    results: list[MaskedResident] = field(default_factory=list)
    searched: bool = False


@login_required
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    """The user's workbench. The clerk's ID search is a POST, so a full ID number never
    lands in a URL, a browser history or an access log."""
    user = request.user
    assignments = list(user.roles.select_related("area", "department__area"))
    held = {a.role for a in assignments}
    builders = {
        Role.RESIDENT: lambda: _resident_section(user),
        Role.GRID_WORKER: lambda: _grid_worker_section(user),
        Role.CLERK: lambda: _clerk_section(user, request),
        Role.HANDLER: lambda: _handler_section(user, assignments),
        Role.SUPERVISOR: lambda: _supervisor_section(user, assignments),
    }
    sections = [(role, builders[role]()) for role in SECTION_ORDER if role in held]
    is_admin = user.is_superuser or Role.ADMIN in held
    context = {
        "sections": sections,
        "admin": _admin_section(user) if is_admin else None,
        "assignments": assignments,
        # open cases per step, refreshed live (feedback.counters)
        "counters": case_counters(user=user, roles=held) if sections or is_admin else None,
        # the live notices of the user's areas, pinned first (notices.presenters)
        "notices": home_notices(user) if sections or is_admin else None,
        "reviews_registrations": _registration_reviews(user),
    }
    return render(request, "accounts/home.html", context)


def _resident_section(user: User) -> dict:
    household = selectors.household_list(user=user).filter(members__user=user).first()
    if household is None:
        return {"household": None}
    members = (
        selectors.resident_list(user=user)
        .filter(household=household, status=ResidentStatus.PRESENT)
        .order_by("id")
    )
    grid = household.building.grid
    return {
        "household": household,
        "members": [MaskedResident.of(m) for m in members],
        "grid": grid,
        "community": grid.parent,
    }


def _grid_worker_section(user: User) -> dict:
    grids = list(selectors.grids_of_worker(user=user).select_related("parent"))
    counts = selectors_stats.grid_counts(user=user, grids=grids)
    totals = {
        key: sum(getattr(c, key) for c in counts)
        for key in ("buildings", "households", "residents", "special_due")
    }
    return {"grids": counts, "totals": totals}


def _clerk_section(user: User, request: HttpRequest) -> dict:
    search = ClerkSearch()
    if request.method == "POST" and "id_number" in request.POST:
        search.searched = True
        try:
            number = validation.validate_id_number(request.POST["id_number"])
        except InvalidInput as exc:
            search.error = exc.message
        else:
            search.id_number = mask_id_number(number)
            found = selectors.resident_list(user=user, id_number=number).select_related(
                "household__building__grid"
            )
            search.results = [MaskedResident.of(r, with_address=True) for r in found]
    return {"search": search}


# The handler's home lists the most urgent dispatches; the inbox has them all.
HANDLER_HOME_CASES = 10


def _handler_section(user: User, assignments: list[RoleAssignment]) -> dict:
    departments = {a.department for a in assignments if a.role == Role.HANDLER}
    inbox = case_selectors.handler_inbox(user=user)
    return {
        "departments": sorted(departments, key=lambda d: d.code),
        "cases": list(inbox.select_related("category", "grid__parent")[:HANDLER_HOME_CASES]),
        "total": inbox.count(),
        "now": timezone.now(),
    }


def _registration_reviews(user: User) -> dict | None:
    """The review queue's entry on the home of those who review registrations, with the
    number waiting (the queue itself was linked from nowhere)."""
    if not registration_selectors.can_review_registrations(user):
        return None
    pending = registration_selectors.registration_request_list(
        user=user, status=RegistrationStatus.PENDING
    )
    return {"pending": pending.count()}


def _supervisor_section(user: User, assignments: list[RoleAssignment]) -> dict:
    areas = sorted({a.area for a in assignments if a.role == Role.SUPERVISOR}, key=str)
    overviews = []
    for area in areas:
        branches = selectors_stats.area_branch_counts(user=user, code=area.code)
        below = [AreaLevel(level) for level in range(area.level + 2, AreaLevel.GRID + 1)]
        for branch in branches:
            branch.sub_counts = [branch.areas_by_level.get(level, 0) for level in below]
        overviews.append(
            {
                "area": area,
                "branches": branches,
                "levels_below": below,
                "households": sum(b.households for b in branches),
                "residents": sum(b.residents for b in branches),
            }
        )
    return {"overviews": overviews}


def _admin_section(user: User) -> dict:
    counts = selectors_stats.area_level_counts(user=user)
    return {"levels": [(level.label, counts.get(level, 0)) for level in AreaLevel]}
