"""Named sets of cases: the cases behind each figure of the command center (feedback.kpi),
and the case list's `kpi` filter (feedback.selectors), so a figure and the list it links
to are the same set by construction.

Most sets are a filter on Case. Two need the stage deadlines, which the timeline does not
store: they are found by replaying the timeline of the given cases (`finished_stages`).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from itertools import groupby

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from feedback import deadlines
from feedback.models import OPEN_STATES, Case, CaseEntry, CaseState, Category, Rating
from feedback.workflow import STEP


def _entry_q(action: str) -> Q:
    return Q(Exists(CaseEntry.objects.filter(case=OuterRef("pk"), action=action)))


def _overdue_q() -> Q:
    return Q(state__in=OPEN_STATES, due_at__lt=timezone.now())


def _waiting_late_q() -> Q:
    """Still 待立案 past the register deadline: due_at is still the report's deadline."""
    return Q(state=CaseState.REPORTED, due_at__lt=timezone.now())


def _rating_q(*ratings: str) -> Q:
    return Q(rating__in=ratings)


# Each is called when a query is built: "overdue" is relative to now.
SQL_SETS: dict[str, Callable[[], Q]] = {
    "open": lambda: Q(state__in=OPEN_STATES),
    "overdue": _overdue_q,
    "escalated": lambda: Q(escalation_level__gt=0),
    "registered": lambda: _entry_q("register"),
    "response_due": lambda: _entry_q("register") | _waiting_late_q(),
    "solved": lambda: Q(state=CaseState.CLOSED),
    "resolution_due": lambda: Q(state=CaseState.CLOSED) | _overdue_q(),
    "rated": lambda: ~Q(rating=""),
    "good": lambda: _rating_q(Rating.SATISFIED, Rating.BASIC),
    "satisfied": lambda: _rating_q(Rating.SATISFIED),
    "basic": lambda: _rating_q(Rating.BASIC),
    "unsatisfied": lambda: _rating_q(Rating.UNSATISFIED),
    "on_spot": lambda: Q(handled_on_spot=True),
    "ever_closed": lambda: Q(state=CaseState.CLOSED) | Q(reopen_count__gt=0),
    "reopened": lambda: Q(reopen_count__gt=0),
    "handled": lambda: _entry_q("handle"),
}  # fmt: skip

LABELS = {
    "open": _("未办结"),
    "overdue": _("已超期"),
    "escalated": _("已督办"),
    "registered": _("已立案"),
    "response_due": _("应响应"),
    "responded": _("按时响应"),
    "solved": _("已解决（结案）"),
    "resolution_due": _("应解决"),
    "rated": _("已评价"),
    "good": _("满意或基本满意"),
    "satisfied": _("满意"),
    "basic": _("基本满意"),
    "unsatisfied": _("不满意"),
    "on_spot": _("即办"),
    "ever_closed": _("曾结案"),
    "reopened": _("重新办理过"),
    "handled": _("已处置"),
    "late": _("有环节超时"),
}


@dataclass(frozen=True)
class Stage:
    """One finished stage of a case: opened by a timeline entry whose step sets a
    deadline, ended by the next entry that changes the case's state."""

    case_id: int
    area_code: str
    department_id: int | None  # the case's department now
    opened_by: str
    ended_by: str
    opened_at: dt.datetime
    due: dt.datetime
    ended_at: dt.datetime

    @property
    def on_time(self) -> bool:
        return self.ended_at <= self.due

    def working_hours(self, overrides: dict[dt.date, bool]) -> float:
        return deadlines.working_hours_between(self.opened_at, self.ended_at, overrides)


def finished_stages(cases: QuerySet[Case]) -> list[Stage]:
    """The finished stages of `cases`, replayed from their timelines: one query over the
    state-changing entries, then Python per entry. The deadline is recomputed from the
    case's category as it is now and the calendar (deadlines.add_working_hours), as the
    workflow set it; a stage ended by 即办 (report and close in one step) is left out."""
    rows = (
        CaseEntry.objects.filter(case__in=cases.order_by().values("pk"))
        .filter(Q(action="report") | ~Q(from_state=""))
        .order_by("case_id", "seq")
        .values_list(
            "case_id", "action", "at", "case__area_code", "case__department_id", "case__category_id"
        )
    )
    rows = list(rows)
    categories = Category.objects.in_bulk({row[5] for row in rows})
    stages: list[Stage] = []
    for case_id, entries in groupby(rows, key=lambda row: row[0]):
        opened = None
        for _id, action, at, code, department, category in entries:
            if opened is not None and action != "on_spot":
                stages.append(Stage(case_id, code, department, opened[0], action, *opened[1:], at))
            step = STEP.get(action)
            deadline = step.deadline if step else None
            opened = (action, at, deadline.after(at, categories[category])) if deadline else None
    return stages


def responded_ids(stages: list[Stage]) -> set[int]:
    """Registered (立案) by the register deadline: the response, until 签收 exists."""
    return {s.case_id for s in stages if s.ended_by == "register" and s.on_time}


def late_ids(stages: list[Stage]) -> set[int]:
    return {s.case_id for s in stages if not s.on_time}


PY_SETS: dict[str, Callable[[list[Stage]], set[int]]] = {
    "responded": responded_ids,
    "late": late_ids,
}
NAMES = (*SQL_SETS, *PY_SETS)


def in_set(cases: QuerySet[Case], name: str) -> QuerySet[Case]:
    """`cases` narrowed to the named set. A replayed set reads the timeline of every case
    in `cases`: the callers bound them (the dashboard's links carry a period)."""
    if name in SQL_SETS:
        return cases.filter(SQL_SETS[name]())
    ids = PY_SETS[name](finished_stages(cases))
    return cases.filter(pk__in=sorted(ids))
