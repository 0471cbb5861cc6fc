"""The command center's KPIs (指挥中心指标): each defined once, in `KPIS`, and computed here.

Every figure is over one cohort: the cases the user may see (feedback.access, through
selectors.case_list) reported in the period, narrowed by area (code prefix), category
(code prefix) and department. Each figure counts a named set of feedback.case_sets, and
links to the case list filtered by that same set (`list_params`), so a supervisor can
check any number against its cases.

Cost: the counts are one aggregate query (conditional COUNTs, GROUP BY the child area's
code prefix for the ranking); the stage figures (response, on time, durations in working
hours) replay the state-changing timeline entries of the cohort in Python, one query and
a few date steps per stage, so they grow with the cases reported in the period.
"""

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, Expression, F, QuerySet
from django.db.models.functions import Substr
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User
from feedback import case_sets, deadlines, selectors
from feedback.case_sets import Stage
from feedback.models import Case
from grid.models import Area

COUNT, RATE, STAGES, HOURS = "count", "rate", "stages", "hours"
RECEIVED = "received"  # the whole cohort


@dataclass(frozen=True)
class Kpi:
    """One figure: what it counts (`numerator`, a case_sets name or RECEIVED), over what
    (`denominator`, for a rate), and the timeline entries (feedback.workflow actions)
    that feed it."""

    key: str
    label: Promise
    kind: str
    formula: Promise
    entries: str
    numerator: str
    denominator: str = ""


KPIS: tuple[Kpi, ...] = (
    Kpi("received", _("受理量"), COUNT, _("本期上报的事件数（任何状态）"), "report", RECEIVED),
    Kpi("open", _("未办结"), COUNT,
        _("其中目前未办结（待立案、待派遣、处置中、待核查）的事件数"),
        "report, register, dispatch, handle, verify_fail, send_back, reopen", "open"),
    Kpi("overdue", _("超期"), COUNT, _("其中目前未办结且已过本环节时限的事件数"),
        "report, register, dispatch, handle, verify_fail, send_back, reopen (due_at)", "overdue"),
    Kpi("escalated", _("督办"), COUNT, _("其中被督办过至少一次的事件数"), "escalate", "escalated"),
    Kpi("response_rate", _("响应率"), RATE,
        _("按时立案数 ÷ 应响应数。应响应：已立案，或仍待立案且已过立案时限；按时：立案不晚于"
          "上报后类别的立案时限（工作小时）。签收环节上线前，以立案作为响应。"),
        "report, register", "responded", "response_due"),
    Kpi("resolution_rate", _("解决率"), RATE,
        _("已结案数 ÷（已结案数 + 未办结且已超期数）；结案即核查通过或即办"),
        "verify_pass, on_spot, reopen", "solved", "resolution_due"),
    Kpi("satisfaction_rate", _("满意率"), RATE,
        _("（满意 + 基本满意）÷ 已评价数；重新办理会清除原评价，只计当前评价"),
        "rate, reopen", "good", "rated"),
    Kpi("on_spot_rate", _("即办率"), RATE, _("即办结案数 ÷ 受理量"), "on_spot", "on_spot",
        RECEIVED),
    Kpi("on_time_rate", _("按时办理率"), STAGES,
        _("不晚于时限结束的环节数 ÷ 已结束的环节数。环节自设定时限的记录（上报、立案、派遣、"
          "处置、核查不通过、退回、重新办理）起，至下一条改变状态的记录止；即办不计。"
          "链接列出有环节超时的事件。"),
        "report, register, dispatch, handle, verify_pass, verify_fail, send_back, reopen, "
        "reject, merge, withdraw", "late"),
    Kpi("reopen_rate", _("重新办理率"), RATE, _("重新办理过的事件数 ÷ 曾结案的事件数"),
        "reopen, verify_pass, on_spot", "reopened", "ever_closed"),
    Kpi("acceptance_hours", _("受理时长"), HOURS,
        _("上报至立案的工作小时，已立案事件的平均值与 P90（最近秩法）"),
        "report, register", "registered"),
    Kpi("handling_hours", _("处置时长"), HOURS,
        _("首次处置与其前最近一次派遣之间的工作小时，已处置事件的平均值与 P90（最近秩法）"),
        "dispatch, handle", "handled"),
    Kpi("rating_satisfied", _("满意"), COUNT, _("当前评价为满意的事件数"), "rate", "satisfied"),
    Kpi("rating_basic", _("基本满意"), COUNT, _("当前评价为基本满意的事件数"), "rate", "basic"),
    Kpi("rating_unsatisfied", _("不满意"), COUNT, _("当前评价为不满意的事件数"), "rate",
        "unsatisfied"),
)  # fmt: skip
KPI = {k.key: k for k in KPIS}
RANKED = ("response_rate", "resolution_rate", "satisfaction_rate")  # 三率


@dataclass(frozen=True)
class Period:
    """Whole local days, `start` to `end` inclusive (as the case list's date filters)."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Period":
        """The period of equal length just before this one."""
        end = self.start - dt.timedelta(days=1)
        return Period(end - dt.timedelta(days=self.days - 1), end)


@dataclass(frozen=True)
class Selection:
    area: str = ""  # code prefix
    category: str = ""  # code prefix
    department: int | None = None


def case_filters(selection: Selection, period: Period, kpi: str = "") -> selectors.CaseFilters:
    return selectors.CaseFilters(
        area=selection.area or None,
        category=selection.category or None,
        department=selection.department,
        created_from=period.start,
        created_to=period.end,
        kpi=None if kpi in ("", RECEIVED) else kpi,
    )


def list_params(selection: Selection, period: Period, kpi: str = "") -> dict[str, str]:
    """The case list's GET parameters (feedback.forms.CaseFilterForm) for a set."""
    params = {
        "created_from": period.start.isoformat(),
        "created_to": period.end.isoformat(),
        "area": selection.area,
        "category": selection.category,
        "department": str(selection.department or ""),
        "kpi": "" if kpi == RECEIVED else kpi,
    }
    return {k: v for k, v in params.items() if v}


def cohort(user: User, selection: Selection, period: Period) -> QuerySet[Case]:
    return selectors.case_list(user=user, filters=case_filters(selection, period)).order_by()


# --- raw numbers ---------------------------------------------------------------------------


@dataclass
class Tally:
    """The raw numbers of a cohort, or of one group of it (feedback.kpi.Grouping)."""

    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    on_time: int = 0
    finished: int = 0
    acceptance: list[float] = field(default_factory=list)
    handling: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class Grouping:
    """How a cohort is split: a SQL expression over Case (None: not at all) and the same
    key read from a replayed stage."""

    sql: Expression | None
    of_stage: Callable[[Stage], object]


TOTAL = Grouping(None, lambda stage: "")
BY_DEPARTMENT = Grouping(F("department_id"), lambda stage: stage.department_id)


def by_area(prefix: int) -> Grouping:
    """By the first `prefix` characters of the case's grid code: the child area's code."""
    return Grouping(Substr("area_code", 1, prefix), lambda stage: stage.area_code[:prefix])


def tallies(
    cases: QuerySet[Case], grouping: Grouping = TOTAL, stages: list[Stage] | None = None
) -> dict[object, Tally]:
    """The tallies of `cases` by `grouping`; `stages` are their finished stages when the
    caller has replayed them already."""
    result: dict[object, Tally] = defaultdict(Tally)
    for key, counts in _sql_counts(cases, grouping).items():
        result[key].counts.update(counts)
    grouped: dict[object, list[Stage]] = defaultdict(list)
    for stage in case_sets.finished_stages(cases) if stages is None else stages:
        grouped[grouping.of_stage(stage)].append(stage)
    for key, found in grouped.items():
        _add_stages(result[key], found)
    return result


def _sql_counts(cases: QuerySet[Case], grouping: Grouping) -> dict[object, dict[str, int]]:
    counts = {RECEIVED: Count("pk")}
    counts |= {name: Count("pk", filter=make()) for name, make in case_sets.SQL_SETS.items()}
    if grouping.sql is None:
        return {"": cases.aggregate(**counts)}
    rows = cases.annotate(kpi_group=grouping.sql).values("kpi_group")
    return {row.pop("kpi_group"): row for row in rows.annotate(**counts).order_by()}


def _add_stages(tally: Tally, stages: list[Stage]) -> None:
    overrides = deadlines.calendar_overrides()
    for name, found in case_sets.PY_SETS.items():
        tally.counts[name] = len(found(stages))
    tally.finished = len(stages)
    tally.on_time = sum(s.on_time for s in stages)
    tally.acceptance = [s.working_hours(overrides) for s in stages if s.ended_by == "register"]
    first_handling: dict[int, Stage] = {}
    for s in stages:
        if s.opened_by == "dispatch" and s.ended_by == "handle":
            first_handling.setdefault(s.case_id, s)
    tally.handling = [s.working_hours(overrides) for s in first_handling.values()]


# --- figures -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    kpi: Kpi
    value: float | None  # a count, a rate (0–1) or average hours; None: nothing to divide
    numerator: int
    denominator: int | None = None
    p90: float | None = None
    cases: int = 0  # the cases its link lists (a count of stages is not one of cases)


def figures(tally: Tally) -> dict[str, Figure]:
    return {kpi.key: _figure(kpi, tally) for kpi in KPIS}


def _figure(kpi: Kpi, tally: Tally) -> Figure:
    counts = tally.counts
    if kpi.kind == COUNT:
        number = counts[kpi.numerator]
        return Figure(kpi, number, number, cases=number)
    if kpi.kind == RATE:
        num, den = counts[kpi.numerator], counts[kpi.denominator]
        return Figure(kpi, num / den if den else None, num, den, cases=num)
    if kpi.kind == STAGES:
        rate = tally.on_time / tally.finished if tally.finished else None
        return Figure(kpi, rate, tally.on_time, tally.finished, cases=counts[kpi.numerator])
    hours = tally.acceptance if kpi.key == "acceptance_hours" else tally.handling
    average = sum(hours) / len(hours) if hours else None
    return Figure(kpi, average, len(hours), None, p90(hours), cases=len(hours))


def p90(values: list[float]) -> float | None:
    """The 90th percentile by nearest rank: the smallest value with at least 90 % of the
    values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


# --- the dashboard -------------------------------------------------------------------------


@dataclass(frozen=True)
class Ranked:
    """A child area or a department, with its figures."""

    subject: Area | Department
    figures: dict[str, Figure]


@dataclass(frozen=True)
class Dashboard:
    period: Period
    previous: Period
    current: dict[str, Figure]
    before: dict[str, Figure]
    ranking: list[Ranked]  # the child areas of the selected area
    departments: list[Ranked]  # the departments the cohort's cases are with now


def dashboard(
    *, user: User, selection: Selection, period: Period, rank_by: str = "resolution_rate"
) -> Dashboard:
    """The figures of the period and of the one before it, and the child areas of the
    selected area ranked by one of the three rates (no rate last)."""
    cases = cohort(user, selection, period)
    stages = case_sets.finished_stages(cases)
    current = figures(tallies(cases, TOTAL, stages)[""])
    before = figures(tallies(cohort(user, selection, period.previous()))[""])
    return Dashboard(
        period,
        period.previous(),
        current,
        before,
        ranked(_child_areas(cases, selection, stages), rank_by),
        ranked(_departments(cases, stages), rank_by),
    )


def _child_areas(cases, selection: Selection, stages: list[Stage]) -> list[Ranked]:
    children = list(
        Area.objects.filter(parent__code=selection.area).defer("boundary").order_by("code")
    )
    if not selection.area or not children:
        return []
    by_code = tallies(cases, by_area(len(children[0].code)), stages)
    return [Ranked(area, figures(by_code.get(area.code, Tally()))) for area in children]


def _departments(cases, stages: list[Stage]) -> list[Ranked]:
    by_department = tallies(cases, BY_DEPARTMENT, stages)
    departments = Department.objects.in_bulk([k for k in by_department if k is not None])
    return [Ranked(d, figures(by_department[pk])) for pk, d in sorted(departments.items())]


def ranked(rows: list[Ranked], rank_by: str) -> list[Ranked]:
    """Highest rate first; those with nothing to divide last."""

    def key(row: Ranked) -> tuple[bool, float]:
        value = row.figures[rank_by].value
        return (value is None, -(value or 0))

    return sorted(rows, key=key)
