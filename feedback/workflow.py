"""The case workflow as one table: every transition a case can take, in one place.

A `Transition` is one thing someone does to a case: which states it starts from, who may
do it, and the timeline `Step`s it may record (a verification passes or fails, a hide
hides or shows again). A step says where the case goes, the deadline of the stage it
enters, the phrase the timeline shows and (through feedback.events) the event it emits.

The services (`feedback.services.case_<name>`), the API (`POST /cases/{id}/<slug>`) and
the case pages (the action panels and `/<id>/<slug>/`) are all driven from this table,
so adding an action is one row here plus the body of its service. Who may act is the
access policy's answer (feedback.access): the table only names the roles, or the reporter.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Role
from feedback import deadlines
from feedback.access import REPORTING_ROLES, SUPERVISING_ROLES
from feedback.events import CASE_EVENT_KINDS
from feedback.models import OPEN_STATES, Case, CaseState, Category

# Not roles: the one user who reported the case (feedback.access.require_reporter), and
# the scheduler (escalation), which acts for no one.
REPORTER = "reporter"
SYSTEM = "system"
ANY_STATE: tuple[str, ...] = ()


@dataclass(frozen=True)
class Deadline:
    """The next stage's deadline: a category's allowance in working hours or days."""

    allowance: str  # the Category column, e.g. "dispatch_hours"
    days: bool = False

    def after(self, start: dt.datetime, category: Category) -> dt.datetime:
        amount = getattr(category, self.allowance)
        if self.days:
            return deadlines.add_working_days(start, amount)
        return deadlines.add_working_hours(start, amount)


REGISTER_IN = Deadline("register_hours")
DISPATCH_IN = Deadline("dispatch_hours")
HANDLE_IN = Deadline("handle_days", days=True)
VERIFY_IN = Deadline("verify_hours")


@dataclass(frozen=True)
class Step:
    """One kind of timeline entry: its phrase, and where it leaves the case (`target`
    None: the state stays, and so does the deadline)."""

    action: str
    phrase: Promise
    target: str | None = None
    deadline: Deadline | None = None

    @property
    def kind(self) -> str:
        """The event kind it emits (the catalogue is feedback.events)."""
        return CASE_EVENT_KINDS[self.action]


@dataclass(frozen=True)
class Transition:
    """One thing a user does to a case. Those with a `form` are offered on the case page
    (`title`, `button`, `success`) and in the API (`body`, `summary`); the others have
    endpoints of their own (a report creates the case, photos are files) or none."""

    name: str  # the service is `case_<name>`, the URL name `feedback:<name>`
    sources: tuple[str, ...]  # the states it starts from; ANY_STATE: whatever the state
    actors: tuple[str, ...]  # roles over the case, first preferred; or (REPORTER,)
    steps: tuple[Step, ...]
    form: str = ""  # a class of feedback.forms (the page)
    body: str = ""  # a class of feedback.schemas (the API)
    photos: bool = False  # the input carries photos: multipart, in the API too
    title: Promise | str = ""
    button: Promise | str = ""
    success: Promise | str = ""
    danger: bool = False  # shown as a secondary, cautionary panel
    summary: str = ""  # the API's one-line summary (OpenAPI)
    offered: Callable[[Case], bool] | None = None  # offered only when this also holds

    @property
    def slug(self) -> str:
        """The last part of its page and API paths."""
        return self.name.replace("_", "-")

    def starts_from(self, state: str) -> bool:
        return not self.sources or state in self.sources


def within_reopen_window(case: Case) -> bool:
    """A closed case may be reopened by its reporter for CASE_REOPEN_DAYS after closing."""
    window = dt.timedelta(days=settings.CASE_REOPEN_DAYS)
    return case.closed_at is None or timezone.now() - case.closed_at <= window


def judges_others_work(case: Case) -> bool:
    """评价 and 重新办理 judge the handling. A grid worker who reported a case and closed
    it on the spot would be judging their own work, so they are not offered either."""
    if not case.handled_on_spot or case.reporter_id is None:
        return True
    own = case.timeline.filter(action="on_spot", actor_id=case.reporter_id)
    return not own.exists()


def _may_rate(case: Case) -> bool:
    return not case.rating and judges_others_work(case)


def _may_reopen(case: Case) -> bool:
    return within_reopen_window(case) and judges_others_work(case)


S = CaseState
BEFORE_DISPATCH = (S.REPORTED, S.REGISTERED)

# The order is the order of the panels on the case page.
TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "report", ANY_STATE, REPORTING_ROLES,
        (Step("report", pgettext_lazy("timeline", "上报"), S.REPORTED, REGISTER_IN),),
    ),
    Transition(
        "handle_on_spot", (S.REPORTED,), (Role.GRID_WORKER,),
        (Step("on_spot", pgettext_lazy("timeline", "即办结案"), S.CLOSED),),
    ),
    Transition("add_photos", OPEN_STATES, (REPORTER,), (Step("add_photos", ""),)),
    Transition(
        "register", (S.REPORTED,), SUPERVISING_ROLES,
        (Step("register", pgettext_lazy("timeline", "立案"), S.REGISTERED, DISPATCH_IN),),
        form="NoteForm", body="NoteIn", summary="立案",
        title=_("立案"), button=_("立案"), success=_("已立案。"),
    ),
    Transition(
        "dispatch", (S.REGISTERED,), SUPERVISING_ROLES,
        (Step("dispatch", pgettext_lazy("timeline", "派遣"), S.DISPATCHED, HANDLE_IN),),
        form="DispatchForm", body="DispatchIn", summary="派遣",
        title=_("派遣"), button=_("派遣"), success=_("已派遣。"),
    ),
    Transition(
        "handle", (S.DISPATCHED,), (Role.HANDLER,),
        (Step("handle", pgettext_lazy("timeline", "处置"), S.HANDLED, VERIFY_IN),),
        form="HandleForm", body="NoteIn", photos=True,
        summary="处置（multipart，可带处置后照片）",
        title=_("处置反馈"), button=_("提交处置结果"),
        success=_("处置结果已提交，等待网格员核查。"),
    ),
    Transition(
        "verify", (S.HANDLED,), (Role.GRID_WORKER,),
        (
            Step("verify_pass", pgettext_lazy("timeline", "核查通过，结案"), S.CLOSED),
            Step("verify_fail", pgettext_lazy("timeline", "核查不通过"), S.DISPATCHED, HANDLE_IN),
        ),
        form="VerifyForm", body="VerifyIn", summary="核查（网格员）",
        title=_("核查"), button=_("提交核查结果"), success=_("核查结果已提交。"),
    ),
    Transition(
        "rate", (S.CLOSED,), (REPORTER,),
        (Step("rate", pgettext_lazy("timeline", "评价")),),
        form="RateForm", body="RateIn", summary="评价（反映人）", offered=_may_rate,
        title=_("评价办理结果"), button=_("提交评价"), success=_("感谢您的评价。"),
    ),
    Transition(
        "reopen", (S.CLOSED,), (REPORTER,),
        (Step("reopen", pgettext_lazy("timeline", "重新办理"), S.REGISTERED, DISPATCH_IN),),
        form="ReasonForm", body="ReasonIn", summary="重新办理（反映人，结案后限期内）",
        offered=_may_reopen,
        title=_("对结果不满意？申请重新办理"), button=_("重新办理"),
        success=_("已申请重新办理。"),
    ),
    Transition(
        "merge", BEFORE_DISPATCH, SUPERVISING_ROLES,
        (
            Step("merge", pgettext_lazy("timeline", "合并为重复事件"), S.MERGED),
            Step("absorb", pgettext_lazy("timeline", "合并重复事件")),  # on the master
        ),
        form="MergeForm", body="MergeIn", summary="合并为重复事件",
        title=_("合并为重复事件"), button=_("合并"), success=_("已合并为重复事件。"),
    ),
    Transition(
        "reject", (S.REPORTED,), SUPERVISING_ROLES,
        (Step("reject", pgettext_lazy("timeline", "不予立案"), S.REJECTED),),
        form="ReasonForm", body="ReasonIn", summary="不予立案（须填理由）", danger=True,
        title=_("不予立案"), button=_("不予立案"), success=_("已不予立案。"),
    ),
    Transition(
        "send_back", (S.DISPATCHED,), (Role.HANDLER,),
        (Step("send_back", pgettext_lazy("timeline", "退回重派"), S.REGISTERED, DISPATCH_IN),),
        form="ReasonForm", body="ReasonIn", summary="退回（非本部门职责）", danger=True,
        title=_("不属本部门？退回重派"), button=_("退回"),
        success=_("已退回指挥中心重新派遣。"),
    ),
    Transition(
        "withdraw", BEFORE_DISPATCH, (REPORTER,),
        (Step("withdraw", pgettext_lazy("timeline", "撤回"), S.WITHDRAWN),),
        form="NoteForm", body="ReasonIn", summary="撤回（反映人）", danger=True,
        title=_("撤回上报"), button=_("撤回"), success=_("已撤回。"),
    ),
    Transition(
        "hide", ANY_STATE, SUPERVISING_ROLES,
        (
            Step("hide", pgettext_lazy("timeline", "屏蔽")),
            Step("unhide", pgettext_lazy("timeline", "恢复显示")),
        ),
        form="HideForm", body="HideIn", summary="屏蔽或恢复（须填理由）",
        title=_("内容管理"), button=_("提交"), success=_("已更新公开状态。"),
    ),
    Transition(
        "escalate", OPEN_STATES, (SYSTEM,),
        (Step("escalate", pgettext_lazy("timeline", "超期督办")),),
    ),
)  # fmt: skip

TRANSITION = {t.name: t for t in TRANSITIONS}
STEP = {step.action: step for t in TRANSITIONS for step in t.steps}
# what the case page and the API offer, in the page's order
CASE_ACTIONS = tuple(t for t in TRANSITIONS if t.form)
