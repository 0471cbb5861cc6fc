"""The open-case counters on a user's home: how many of the cases they may open wait at
each step, and how many are overdue, each linking to the list behind it. One aggregate
over the user's visible open cases; the home refreshes it live on every case event."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from feedback.access import case_access
from feedback.models import OPEN_STATES, Case, CaseState

STEPS = (CaseState.REPORTED, CaseState.REGISTERED, CaseState.DISPATCHED, CaseState.HANDLED)

# the list each role opens from a counter, and whether it filters by state there
LIST_OF_ROLE = (
    (Role.SUPERVISOR, "feedback:supervise"),
    (Role.CLERK, "feedback:supervise"),
    (Role.GRID_WORKER, "feedback:grid_cases"),
    (Role.HANDLER, "feedback:inbox"),
    (Role.RESIDENT, "feedback:mine"),
)
FILTERS_BY_STATE = {"feedback:supervise", "feedback:grid_cases"}


@dataclass(frozen=True)
class Counter:
    key: str
    label: str
    count: int
    url: str


def case_counters(*, user: User, roles: set[str]) -> list[Counter]:
    """Open cases per step, then overdue, as `user` may see them."""
    now = timezone.now()
    counts = (
        Case.objects.filter(case_access(user).visible_q(), state__in=OPEN_STATES)
        .order_by()
        .aggregate(
            overdue=Count("pk", filter=Q(due_at__lt=now)),
            **{state.value: Count("pk", filter=Q(state=state)) for state in STEPS},
        )
    )
    target = next((name for role, name in LIST_OF_ROLE if role in roles), "feedback:mine")
    base = reverse(target)

    def url(query: str) -> str:
        return f"{base}?{query}" if target in FILTERS_BY_STATE else base

    counters = [
        Counter(state.value, state.label, counts[state.value], url(f"state={state.value}"))
        for state in STEPS
    ]
    overdue_query = "overdue=1" if target == "feedback:supervise" else ""
    counters.append(
        Counter(
            "overdue",
            str(_("超期")),
            counts["overdue"],
            url(overdue_query) if overdue_query else base,
        )
    )
    return counters
