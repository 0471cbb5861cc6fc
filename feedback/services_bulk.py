"""Importing case history in bulk: cases that were handled elsewhere or earlier (a move
from an older system, the demo's past 90 days), written with their whole timelines at
the moments they happened.

Each case is replayed entry by entry under the rules the live services enforce, and the
batch is refused whole if one entry breaks them: the transition table (feedback.workflow:
from which states, by whom, into which state, with which deadline), the access policy's
answer for every actor (feedback.access, on the roles they hold now), and each service's
own checks (the reasons and notes it requires, the department and assignee of a dispatch,
one rating per closing, the reopen window, a merge into a case that was still open,
escalation only when overdue). What a service does at `now`, the import does at the
entry's moment; a case_merge's other half (the master's "absorb" entry and its new
follower) is written by the import, as case_merge writes it.

What differs, on purpose: no photos (on-the-spot handling is imported without the two
photos the live service asks for), and no events. An import is not news: screens read
their lists afresh, and thousands of outbox rows would be replayed to every socket that
reconnects. Rows are written a few statements per table; the moments Django stamps on
insert (created_at, updated_at, the timeline's `at`) are set right after, in one UPDATE …
FROM (VALUES …) per batch.
"""

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Department, Role, RoleAssignment, User
from accounts.scope import Held
from common.errors import Conflict, DomainError, InvalidInput, NotPermitted
from feedback import deadlines
from feedback.access import CaseAccess
from feedback.escalation import ESCALATION_CODE_LENGTHS
from feedback.models import (
    OPEN_STATES,
    Case,
    CaseEntry,
    CaseFollower,
    CaseSource,
    CaseState,
    Category,
    Priority,
    Rating,
)
from feedback.routing import department_for
from feedback.services import case_number
from feedback.workflow import REPORTER, STEP, SYSTEM, TRANSITIONS, Deadline
from grid.selectors import grid_for_point

BATCH = 500
TRANSITION_OF = {step.action: t for t in TRANSITIONS for step in t.steps}
# Written by the import itself (absorb: the other half of a merge) or never imported.
NOT_IMPORTED = ("absorb", "add_photos")
# What each service requires to be written, with its words.
REQUIRED_NOTES = {
    "reject": gettext_lazy("请填写不予立案的理由。"),
    "handle": gettext_lazy("请填写处置情况。"),
    "on_spot": gettext_lazy("请填写处置情况。"),
    "send_back": gettext_lazy("请填写退回理由。"),
    "verify_fail": gettext_lazy("核查不通过时请说明原因。"),
    "reopen": gettext_lazy("请说明重新办理的原因。"),
    "hide": gettext_lazy("请填写屏蔽或恢复的理由。"),
    "unhide": gettext_lazy("请填写屏蔽或恢复的理由。"),
}


@dataclass(frozen=True)
class EntryIn:
    """One timeline entry: what was done, when, by whom (a user id; None for the
    scheduler's escalations) and what the action takes."""

    action: str
    at: dt.datetime
    actor: int | None = None
    note: str = ""
    department: int | None = None  # dispatch: by default the category's route
    assignee: int | None = None  # dispatch
    rating: str = ""  # rate
    master: int | None = None  # merge: the index in the batch of the case merged into


@dataclass(frozen=True)
class CaseIn:
    """One case as it was reported, and everything that happened to it since; its first
    entry is the report."""

    client_id: uuid.UUID
    category: int
    lon: float
    lat: float
    description: str
    source: str
    entries: Sequence[EntryIn]
    address: str = ""
    reporter_name: str = ""
    anonymous: bool = False
    priority: str = Priority.NORMAL


@transaction.atomic
def case_history_import(*, cases: Sequence[CaseIn]) -> list[Case]:
    """Write `cases` with their timelines, in the order given (ids follow it: give them
    in the order they were reported), after replaying each under the workflow's rules.
    Returns the cases. Refuses the whole batch on the first broken rule, naming the case
    (its index in `cases`) and the entry."""
    world = _World.load(cases)
    replays = [_replay(index, case_in, world) for index, case_in in enumerate(cases)]
    for replay in replays:
        if replay.master is not None:
            _merge(replay, replays, world)
    _write(replays)
    return [replay.case for replay in replays]


# --- what the rules are checked against ---------------------------------------------------


@dataclass
class _World:
    """Everything the rules ask about, read once: categories, actors' roles, departments,
    the calendar."""

    categories: dict[int, Category]
    access: dict[int, CaseAccess]
    departments: dict[int, str]  # id → the code of the area it serves
    overrides: dict[dt.date, bool]
    now: dt.datetime

    @classmethod
    def load(cls, cases: Sequence[CaseIn]) -> "_World":
        entries = [entry for case in cases for entry in case.entries]
        users = {entry.actor for entry in entries if entry.actor is not None}
        users |= {entry.assignee for entry in entries if entry.assignee is not None}
        grants: dict[int, list[Held]] = {pk: [] for pk in users}
        roles = RoleAssignment.objects.filter(user_id__in=users).values_list(
            "user_id", "role", "area__code", "department_id"
        )
        for user_id, *held in roles:
            grants[user_id].append(Held(*held))
        superusers = set(
            User.objects.filter(pk__in=users, is_superuser=True).values_list("pk", flat=True)
        )
        known = set(User.objects.filter(pk__in=users).values_list("pk", flat=True))
        if users - known:
            raise InvalidInput(_("用户不存在：%(ids)s") % {"ids": sorted(users - known)})
        picked = {entry.department for entry in entries if entry.department is not None}
        return cls(
            categories=Category.objects.in_bulk({case.category for case in cases}),
            access={pk: CaseAccess(pk, pk in superusers, tuple(grants[pk])) for pk in users},
            departments=dict(
                Department.objects.filter(pk__in=picked).values_list("pk", "area__code")
            ),
            overrides=deadlines.calendar_overrides(),
            now=timezone.now(),
        )

    def due(self, deadline: Deadline | None, at: dt.datetime, category: Category):
        """The next stage's deadline, as Deadline.after gives it (with the calendar read
        once, not per entry)."""
        if deadline is None:
            return None
        amount = getattr(category, deadline.allowance)
        add = deadlines.add_working_days if deadline.days else deadlines.add_working_hours
        return add(at, amount, self.overrides)


@dataclass
class _Replay:
    """A case as its entries so far have left it, with the entries to write."""

    index: int  # in the batch
    case: Case
    entries: list[CaseEntry]
    master: int | None = None  # the index of the case it was merged into
    absorbed: dict[int, "_Replay"] = field(default_factory=dict)  # id(entry) → duplicate


# --- replaying one case -------------------------------------------------------------------


def _replay(index: int, case_in: CaseIn, world: _World) -> _Replay:
    replay = _Replay(index, Case(), [])
    seq = 0
    try:
        if not case_in.entries or case_in.entries[0].action != "report":
            raise InvalidInput(_("时间线须以上报开始。"), field="entries")
        _report(replay.case, case_in, world)
        last = None
        for seq, entry in enumerate(case_in.entries, start=1):
            if last is not None and entry.at < last:
                raise InvalidInput(_("时间线须按时间先后排列。"), field="at")
            if entry.at >= world.now:
                raise InvalidInput(_("时间线中的时间须早于现在。"), field="at")
            _take(replay, entry, world, first=seq == 1)
            last = entry.at
    except DomainError as exc:
        raise type(exc)(_about(index, seq, exc.message), field=exc.field) from exc
    return replay


def _about(index: int, seq: int, message: str) -> str:
    return _("事件 %(index)d 的第 %(seq)d 条记录：%(message)s") % {
        "index": index,
        "seq": seq,
        "message": message,
    }


def _report(case: Case, case_in: CaseIn, world: _World) -> None:
    """The case's own facts, checked as case_report checks a report."""
    category = world.categories.get(case_in.category)
    if category is None or not category.active or category.parent_id is None:
        raise InvalidInput(_("请选择具体的事件小类。"), field="category")
    if not case_in.description.strip():
        raise InvalidInput(_("请描述问题。"), field="description")
    if case_in.priority not in Priority.values:
        raise InvalidInput(_("优先级无效。"), field="priority")
    if case_in.source not in CaseSource.values:
        raise InvalidInput(_("来源无效。"), field="source")
    grid = grid_for_point(lon=case_in.lon, lat=case_in.lat)
    if grid is None:
        raise InvalidInput(_("该位置不在任何网格内，请在地图上重新选择。"), field="location")
    case.client_id, case.category, case.grid, case.area_code = (
        case_in.client_id,
        category,
        grid,
        grid.code,
    )
    case.location = Point(case_in.lon, case_in.lat, srid=4326)
    case.description, case.address, case.source = (
        case_in.description,
        case_in.address,
        case_in.source,
    )
    case.reporter_name, case.anonymous = case_in.reporter_name, case_in.anonymous
    case.priority = case_in.priority
    case.reporter_id = case_in.entries[0].actor


def _take(replay: _Replay, entry: EntryIn, world: _World, *, first: bool) -> None:
    """One entry: the table's rules (state, actor), the service's own, then the step."""
    if entry.action not in TRANSITION_OF or entry.action in NOT_IMPORTED:
        raise InvalidInput(_("无法导入的操作：%(action)s") % {"action": entry.action})
    if (entry.action == "report") != first:
        raise InvalidInput(_("时间线须以上报开始。"), field="entries")
    case = replay.case
    role = _authorise(entry, case, world)
    if first and role == Role.RESIDENT:
        case.priority = Priority.NORMAL  # as case_report: only staff set a priority
    if not first and not TRANSITION_OF[entry.action].starts_from(case.state):
        raise Conflict(
            _("事件当前状态为“%(state)s”，不能执行此操作。") % {"state": case.get_state_display()}
        )
    message = REQUIRED_NOTES.get(entry.action)
    if message and not entry.note.strip():
        raise InvalidInput(message, field="note")
    data = RULES.get(entry.action, _no_rule)(replay, entry, world, role)
    _advance(replay, entry, world, role, data)


def _authorise(entry: EntryIn, case: Case, world: _World) -> str:
    """The role the actor takes the step in: the access policy's answer, as the live
    services ask it."""
    actors = TRANSITION_OF[entry.action].actors
    if actors == (SYSTEM,):
        if entry.actor is not None:
            raise NotPermitted(_("督办由系统执行。"))
        return SYSTEM
    if entry.actor is None:
        raise InvalidInput(_("请指明操作人。"), field="actor")
    if actors == (REPORTER,):
        if entry.actor != case.reporter_id:
            raise NotPermitted(_("只有反映人本人可以执行此操作。"))
        return Role.RESIDENT
    access = world.access[entry.actor]
    if entry.action == "report":
        return access.role_over_area(case.area_code, actors)
    return access.acting_role(case, actors)


def _advance(replay: _Replay, entry: EntryIn, world: _World, role: str, data: dict) -> None:
    """Take the step (its state, the next stage's deadline, closing) at the entry's
    moment, and append it to the timeline."""
    case, step = replay.case, STEP[entry.action]
    previous = ""
    if step.target is not None:
        previous, case.state, case.stage_started_at = case.state, step.target, entry.at
        case.due_at = world.due(step.deadline, entry.at, case.category)
        case.closed_at = None if step.target in OPEN_STATES else entry.at
    replay.entries.append(
        CaseEntry(
            seq=len(replay.entries) + 1,
            action=entry.action,
            actor_id=entry.actor,
            actor_role=role,
            from_state=previous,
            to_state=case.state,
            note=entry.note,
            data=data,
            at=entry.at,
        )
    )


# --- each service's own rules, at the entry's moment --------------------------------------


def _no_rule(replay: _Replay, entry: EntryIn, world: _World, role: str) -> dict:
    return {}


def _on_spot(replay: _Replay, entry: EntryIn, world: _World, role: str) -> dict:
    """即办 reports and closes in one step: by the reporter, right after the report."""
    if len(replay.entries) != 1 or entry.actor != replay.case.reporter_id:
        raise Conflict(_("即办须由上报的网格员在上报时完成。"))
    replay.case.handled_on_spot = True
    return {}


def _dispatch(replay: _Replay, entry: EntryIn, world: _World, role: str) -> dict:
    case = replay.case
    department = entry.department
    if department is None:
        routed = department_for(case.category, case.area_code)
        department = routed.pk if routed else None
        if routed is not None:
            world.departments[routed.pk] = routed.area.code
    if department is None:
        raise InvalidInput(_("该类别没有责任部门，请选择派遣部门。"), field="department")
    if not case.area_code.startswith(world.departments.get(department, "-")):
        raise InvalidInput(_("所选部门不负责该事件所在区域。"), field="department")
    if entry.assignee is not None:
        grants = world.access[entry.assignee].grants
        if not any(g.role == Role.HANDLER and g.department_id == department for g in grants):
            raise InvalidInput(_("承办人不属于所选部门。"), field="assignee")
    case.department_id, case.assignee_id = department, entry.assignee
    return {"department": department, "assignee": entry.assignee}


def _send_back(replay: _Replay, entry: EntryIn, world: _World, role: str) -> dict:
    replay.case.department_id = replay.case.assignee_id = None
    return {}


def _merge(replay: _Replay, replays: list[_Replay], world: _World) -> None:
    """case_merge's checks of the master, and its other half: the master absorbs the
    duplicate (an entry in its timeline) and the duplicate's reporter follows it."""
    entry = replay.entries[-1]
    try:
        if not 0 <= replay.master < replay.index:
            raise InvalidInput(_("合并的主事件须在本批中、且在此之前上报。"), field="master")
        master = replays[replay.master]
        world.access[entry.actor_id].acting_role(master.case, TRANSITION_OF["merge"].actors)
        state = _state_at(master, entry.at)
        if state not in OPEN_STATES:
            raise Conflict(_("只能合并到另一件未结案的事件。"))
    except DomainError as exc:
        raise type(exc)(_about(replay.index, entry.seq, exc.message), field=exc.field) from exc
    replay.case.master = master.case
    absorb = CaseEntry(
        action="absorb",
        actor_id=entry.actor_id,
        actor_role=entry.actor_role,
        to_state=state,
        note=entry.note,
        at=entry.at,
    )
    master.absorbed[id(absorb)] = replay  # its data names the duplicate once it has an id
    later = next((i for i, e in enumerate(master.entries) if e.at > entry.at), None)
    master.entries.insert(len(master.entries) if later is None else later, absorb)
    for seq, row in enumerate(master.entries, start=1):
        row.seq = seq


def _state_at(replay: _Replay, at: dt.datetime) -> str:
    state = ""
    for entry in replay.entries:
        if entry.at > at:
            break
        state = entry.to_state
    return state


def _merge_rule(replay: _Replay, entry: EntryIn, world: _World, role: str) -> dict:
    if entry.master is None:
        raise InvalidInput(_("请指明合并到哪件事件。"), field="master")
    replay.master = entry.master
    return {}  # names the master once it has an id


def _hide(replay: _Replay, entry: EntryIn, world: _World, role: str) -> dict:
    replay.case.hidden = entry.action == "hide"
    return {}


def _reopen(replay: _Replay, entry: EntryIn, world: _World, role: str) -> dict:
    case = replay.case
    if entry.at - case.closed_at > dt.timedelta(days=settings.CASE_REOPEN_DAYS):
        raise Conflict(
            _("结案已超过 %(days)d 天，不能重新办理，请另行上报。")
            % {"days": settings.CASE_REOPEN_DAYS}
        )
    case.reopen_count += 1
    case.department_id = case.assignee_id = None
    case.rating, case.rating_comment, case.rated_at = "", "", None
    return {}


def _rate(replay: _Replay, entry: EntryIn, world: _World, role: str) -> dict:
    case = replay.case
    if entry.rating not in Rating.values:
        raise InvalidInput(_("请选择满意、基本满意或不满意。"), field="rating")
    if case.rating:
        raise Conflict(_("该事件已评价。"))
    if entry.rating == Rating.UNSATISFIED and not entry.note.strip():
        raise InvalidInput(_("不满意时请填写意见。"), field="comment")
    case.rating, case.rating_comment, case.rated_at = entry.rating, entry.note.strip(), entry.at
    return {"rating": entry.rating}


def _escalate(replay: _Replay, entry: EntryIn, world: _World, role: str) -> dict:
    """督办 as feedback.escalation does it: overdue, one area up, again only after the
    repeat interval."""
    case = replay.case
    if case.due_at is None or entry.at <= case.due_at:
        raise Conflict(_("未超期的事件不能督办。"))
    if case.escalation_level >= len(ESCALATION_CODE_LENGTHS):
        raise Conflict(_("已督办到区，不能再督办。"))
    if case.escalated_at is not None:
        repeat = settings.CASE_ESCALATION_REPEAT_HOURS
        if entry.at < deadlines.add_working_hours(case.escalated_at, repeat, world.overrides):
            raise Conflict(_("距上次督办不足间隔时间。"))
    target = case.area_code[: ESCALATION_CODE_LENGTHS[case.escalation_level]]
    case.escalation_level += 1
    case.escalated_to, case.escalated_at = target, entry.at
    overdue = round((entry.at - case.due_at).total_seconds() / 3600, 1)
    return {"to": target, "level": case.escalation_level, "overdue_hours": overdue}


RULES = {
    "on_spot": _on_spot,
    "dispatch": _dispatch,
    "send_back": _send_back,
    "merge": _merge_rule,
    "hide": _hide,
    "unhide": _hide,
    "reopen": _reopen,
    "rate": _rate,
    "escalate": _escalate,
}


# --- writing ------------------------------------------------------------------------------


def _write(replays: list[_Replay]) -> None:
    known = Case.objects.filter(client_id__in=[r.case.client_id for r in replays])
    if known.exists():
        raise Conflict(_("客户端编号已存在：该事件已导入过。"), field="client_id")
    merged = [replay for replay in replays if replay.master is not None]
    for replay in replays:  # the number carries the id: a placeholder until it is known
        replay.case.number = f"T{replay.case.client_id.hex[:18]}"
    for replay in merged:  # the database wants a merged case's master, inserted just now
        replay.case.state, replay.case.master = CaseState.REPORTED, None
    cases = Case.objects.bulk_create([r.case for r in replays], batch_size=BATCH)
    for replay in merged:
        replay.case.state, replay.case.master = CaseState.MERGED, replays[replay.master].case
    for replay, case in zip(replays, cases, strict=True):
        case.number = case_number(case.pk, replay.entries[0].at)
        case.created_at = replay.entries[0].at
        case.updated_at = max(entry.at for entry in replay.entries)
    _stamp(Case, ["number", "created_at", "updated_at"], cases)
    _stamp(Case, ["state", "master"], [replay.case for replay in merged])
    entries = []
    for replay in replays:
        for entry in replay.entries:
            entry.case = replay.case
            entry.data = _entry_data(replay, entry)
            entries.append(entry)
    moments = [entry.at for entry in entries]
    entries = CaseEntry.objects.bulk_create(entries, batch_size=BATCH)
    for entry, moment in zip(entries, moments, strict=True):
        entry.at = moment
    _stamp(CaseEntry, ["at"], entries)
    followers = {
        (r.case.master_id, r.case.reporter_id) for r in replays if r.case.master_id is not None
    }
    CaseFollower.objects.bulk_create(
        [CaseFollower(case_id=case, user_id=user) for case, user in sorted(followers)],
        batch_size=BATCH,
    )


def _entry_data(replay: _Replay, entry: CaseEntry) -> dict:
    """A merge and an absorb name the other case, as case_merge writes them."""
    if entry.action == "merge":
        master = replay.case.master
        return {"master": master.pk, "master_number": master.number}
    if entry.action == "absorb":
        duplicate = replay.absorbed[id(entry)].case
        return {"duplicate": duplicate.pk, "duplicate_number": duplicate.number}
    return entry.data


def _stamp(model: type[Model], names: list[str], objects: Sequence[Model]) -> None:
    """Write `names` of saved `objects` as they are in memory, by primary key: one
    UPDATE … FROM (VALUES …) per batch, the same SQL on SQLite and PostgreSQL (Django's
    bulk_update builds a CASE per row and takes ten times as long). No value may be NULL:
    PostgreSQL types a VALUES column from its values."""
    fields = [model._meta.get_field(name) for name in names]
    quote, table = connection.ops.quote_name, connection.ops.quote_name(model._meta.db_table)
    assignments = ", ".join(
        f"{quote(column.column)} = v.column{n}" for n, column in enumerate(fields, start=2)
    )
    row = "(" + ", ".join(["%s"] * (len(fields) + 1)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(objects), BATCH):
            chunk = objects[start : start + BATCH]
            params = [
                value
                for obj in chunk
                for value in [obj.pk]
                + [f.get_db_prep_value(getattr(obj, f.attname), connection) for f in fields]
            ]
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (VALUES {', '.join([row] * len(chunk))})"
                f" AS v WHERE {table}.id = v.column1",
                params,
            )
