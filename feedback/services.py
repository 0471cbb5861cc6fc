"""Every write to a case: one function per transition, atomic, each ending in the timeline.

A transition locks the case row, checks the actor's role over the case's area and the
case's state, moves it, sets the next stage's deadline, and appends a timeline entry
(which emits the event after commit): the rules of each are a row of feedback.workflow,
the body here adds what is particular to it. Wrong role or area → NotPermitted (403);
wrong state → Conflict (409).
"""

import datetime as dt
import uuid
from collections.abc import Callable, Sequence

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department, Role, User
from common.errors import Conflict, InvalidInput, NotFound, NotPermitted
from feedback import deadlines
from feedback.access import REPORTING_ROLES, acting_role, require_reporter, role_over_area
from feedback.events import case_event
from feedback.models import (
    OPEN_STATES,
    Case,
    CaseEntry,
    CaseFollower,
    CasePhoto,
    CaseSource,
    CaseState,
    Category,
    PhotoStage,
    Priority,
    Rating,
)
from feedback.photos import MAX_PHOTOS, PreparedPhoto
from feedback.routing import department_for
from feedback.timeline import new_entry, record
from feedback.workflow import (
    REPORTER,
    STEP,
    TRANSITION,
    Transition,
    judges_others_work,
    within_reopen_window,
)
from grid.models import Area, AreaLevel
from grid.selectors import grid_for_point
from infra.db import insert_together, next_id
from realtime.publish import send_after_commit

SOURCE_FOR_ROLE = {
    Role.GRID_WORKER: CaseSource.PATROL,
    Role.RESIDENT: CaseSource.RESIDENT,
    Role.CLERK: CaseSource.WINDOW,
    Role.SUPERVISOR: CaseSource.ABOVE,
    Role.ADMIN: CaseSource.ABOVE,
}


# --- report ------------------------------------------------------------------------------


def case_report(
    *,
    actor: User,
    client_id: uuid.UUID,
    category: Category,
    description: str,
    lon: float | None = None,
    lat: float | None = None,
    grid_code: str = "",
    address: str = "",
    anonymous: bool = False,
    priority: str = Priority.NORMAL,
    photos: Sequence[PreparedPhoto] = (),
    reporter_name: str = "",
    contact_name: str = "",
    source: str = "",
) -> tuple[Case, bool]:
    """Report a case; a retry with the same `client_id` returns the first one.

    Returns the case and whether it was created by this call. A retry is found by the
    unique `client_id` when its insert fails, not by a lookup before every first try.
    """
    grid = _grid_of_report(lon, lat, grid_code)
    role = role_over_area(actor, grid.code, REPORTING_ROLES)
    if role == Role.RESIDENT:
        # Only staff set a priority: a resident's (or a resident key's) wish would jump
        # the queue of everyone else's cases.
        priority = Priority.NORMAL
    _check_report(category, description, priority, photos)
    try:
        with transaction.atomic():
            case, entry = _create_case(
                actor=actor,
                role=role,
                client_id=client_id,
                category=category,
                description=description,
                grid=grid,
                lon=lon,
                lat=lat,
                address=address,
                anonymous=anonymous,
                priority=priority,
                reporter_name=reporter_name,
                contact_name=contact_name,
                source=source or SOURCE_FOR_ROLE[role],
            )
            _attach_photos(case, entry, photos, PhotoStage.BEFORE)
    except IntegrityError:
        # a retry of a report that was saved (or is being saved) by an earlier request
        existing = _existing_report(actor, client_id)
        if existing is None:
            raise
        return existing, False
    return case, True


def _existing_report(actor: User, client_id: uuid.UUID) -> Case | None:
    case = Case.objects.filter(client_id=client_id).first()
    if case is not None and case.reporter_id != actor.pk:
        raise Conflict(_("该客户端编号已被其他上报使用。"), field="client_id")
    return case


def _grid_of_report(lon: float | None, lat: float | None, grid_code: str) -> Area:
    if (lon is None) != (lat is None):
        raise InvalidInput(_("经度和纬度须同时提供。"), field="location")
    if lon is not None and lat is not None:
        grid = grid_for_point(lon=lon, lat=lat)
        if grid is None:
            raise InvalidInput(_("该位置不在任何网格内，请在地图上重新选择。"), field="location")
        return grid
    grid = Area.objects.filter(code=grid_code, level=AreaLevel.GRID).first()
    if grid is None:
        raise InvalidInput(_("请在地图上选择位置，或选择所在网格。"), field="location")
    return grid


def _check_report(
    category: Category, description: str, priority: str, photos: Sequence[PreparedPhoto]
) -> None:
    if not category.active or category.parent_id is None:
        raise InvalidInput(_("请选择具体的事件小类。"), field="category")
    if not description.strip():
        raise InvalidInput(_("请描述问题。"), field="description")
    if priority not in Priority.values:
        raise InvalidInput(_("优先级无效。"), field="priority")
    if len(photos) > MAX_PHOTOS:
        raise InvalidInput(_("最多上传 %(n)d 张照片。") % {"n": MAX_PHOTOS}, field="photos")


def _create_case(*, actor, role, client_id, category, grid, lon, lat, **fields):
    """The case, its first timeline entry and its event, written together."""
    now = timezone.now()
    pk = next_id(Case)  # the number and the entry carry the id: one write for all three
    case = Case(
        pk=pk,
        number=case_number(pk, now),
        client_id=client_id,
        category=category,
        grid=grid,
        area_code=grid.code,
        location=Point(lon, lat, srid=4326) if lon is not None else None,
        reporter=actor,
        state=CaseState.REPORTED,
        stage_started_at=now,
        due_at=deadlines.add_working_hours(now, category.register_hours),
        **fields,
    )
    entry = new_entry(case, 1, action="report", actor=actor, role=role)
    event = case_event(case, entry)
    insert_together(case, entry, event)
    send_after_commit(event)
    return case, entry


def case_number(pk: int, reported_at: dt.datetime) -> str:
    """What people read out on the phone: the local report date and the id."""
    return f"{timezone.localdate(reported_at):%Y%m%d}{pk:06d}"


def _attach_photos(
    case: Case, entry: CaseEntry, photos: Sequence[PreparedPhoto], stage: str
) -> None:
    """Store the photos the case does not hold yet at `stage` (the same file chosen twice,
    or sent again by a retry, is stored once)."""
    if not photos:
        return
    for n, photo in enumerate(_unseen(case, stage, photos), start=1):
        stem = f"{case.number}-{entry.seq}-{n}"
        CasePhoto.objects.create(
            case=case,
            entry=entry,
            stage=stage,
            width=photo.width,
            height=photo.height,
            digest=photo.digest,
            image=ContentFile(photo.image, name=f"{stem}.jpg"),
            thumbnail=ContentFile(photo.thumbnail, name=f"{stem}-t.jpg"),
        )


def _unseen(case: Case, stage: str, photos: Sequence[PreparedPhoto]) -> list[PreparedPhoto]:
    """The photos this case does not hold yet at `stage` (a retry resends the others)."""
    held = set(case.photos.filter(stage=stage).values_list("digest", flat=True))
    fresh = {}
    for photo in photos:
        if photo.digest not in held:
            fresh.setdefault(photo.digest, photo)
    return list(fresh.values())


@transaction.atomic
def case_add_photos(*, actor: User, case_id: int, photos: Sequence[PreparedPhoto]) -> Case:
    """The reporter adds "before" photos to an open case after its text was saved, so a
    phone on a weak network uploads them one request at a time and a bad file never
    costs the typed report."""
    case, role = _begin("add_photos", actor, case_id)
    if not photos:
        raise InvalidInput(_("请选择照片。"), field="photos")
    fresh = _unseen(case, PhotoStage.BEFORE, photos)
    if not fresh:
        return case  # every file is already there: a retry of an upload that was saved
    held = case.photos.filter(stage=PhotoStage.BEFORE).count()
    if held + len(fresh) > MAX_PHOTOS:
        raise InvalidInput(_("最多上传 %(n)d 张照片。") % {"n": MAX_PHOTOS}, field="photos")
    entry = record(case, action="add_photos", actor=actor, role=role)  # the case row stays
    _attach_photos(case, entry, fresh, PhotoStage.BEFORE)
    return case


# --- every transition: the table's rules, then the service's own --------------------------


def _locked(case_id: int) -> Case:
    return Case.objects.select_for_update().select_related("category").get(pk=case_id)


def _begin(name: str, actor: User, case_id: int) -> tuple[Case, str]:
    """Lock the case and check the transition's actor and state (feedback.workflow)."""
    case = _locked(case_id)
    return case, _authorise(TRANSITION[name], actor, case)


def _authorise(transition: Transition, actor: User, case: Case) -> str:
    """The role `actor` takes `transition` in (the access policy's answer), or
    NotPermitted; then the case's state, or Conflict."""
    if transition.actors == (REPORTER,):
        role = require_reporter(actor, case)
    else:
        role = acting_role(actor, case, transition.actors)
    if not transition.starts_from(case.state):
        raise Conflict(
            _("事件当前状态为“%(state)s”，不能执行此操作。") % {"state": case.get_state_display()}
        )
    return role


def _advance(
    case: Case, action: str, *, actor: User, role: str, note: str = "", data: dict | None = None
) -> CaseEntry:
    """Take the step: into its state with the next stage's deadline (a case that ends is
    closed now; one that goes on is not), save, and append it to the timeline."""
    step = STEP[action]
    previous = ""
    if step.target is not None:
        now = timezone.now()
        previous, case.state, case.stage_started_at = case.state, step.target, now
        case.due_at = step.deadline.after(now, case.category) if step.deadline else None
        case.closed_at = None if step.target in OPEN_STATES else now
    case.save()
    return record(
        case, action=action, actor=actor, role=role, from_state=previous, note=note, data=data
    )


def _require_text(value: str, message: str, field: str) -> None:
    if not value or not value.strip():
        raise InvalidInput(message, field=field)


def transition_service(name: str) -> Callable[..., Case]:
    """The service of a transition of feedback.workflow: `case_<name>`."""
    return globals()[f"case_{name}"]


# --- the supervisor's transitions ---------------------------------------------------------


@transaction.atomic
def case_register(*, actor: User, case_id: int, note: str = "") -> Case:
    """立案: accept a reported case for handling."""
    case, role = _begin("register", actor, case_id)
    _advance(case, "register", actor=actor, role=role, note=note)
    return case


@transaction.atomic
def case_reject(*, actor: User, case_id: int, reason: str) -> Case:
    """不予立案: refuse a report, with the reason the reporter will read."""
    case, role = _begin("reject", actor, case_id)
    _require_text(reason, _("请填写不予立案的理由。"), "reason")
    _advance(case, "reject", actor=actor, role=role, note=reason)
    return case


@transaction.atomic
def case_dispatch(
    *,
    actor: User,
    case_id: int,
    department: Department | None = None,
    assignee: User | None = None,
    note: str = "",
) -> Case:
    """派遣: send a registered case to a department (by default the category's route)."""
    case, role = _begin("dispatch", actor, case_id)
    department = department or department_for(case.category, case.area_code)
    if department is None:
        raise InvalidInput(_("该类别没有责任部门，请选择派遣部门。"), field="department")
    if not case.area_code.startswith(department.area.code):
        raise InvalidInput(_("所选部门不负责该事件所在区域。"), field="department")
    _check_assignee(assignee, department)
    case.department, case.assignee = department, assignee
    data = {"department": department.pk, "assignee": assignee.pk if assignee else None}
    _advance(case, "dispatch", actor=actor, role=role, note=note, data=data)
    return case


def _check_assignee(assignee: User | None, department: Department) -> None:
    if assignee is None:
        return
    if not assignee.roles.filter(role=Role.HANDLER, department=department).exists():
        raise InvalidInput(_("承办人不属于所选部门。"), field="assignee")


@transaction.atomic
def case_merge(*, actor: User, case_id: int, master_id: int, note: str = "") -> Case:
    """Merge a duplicate into its master: the duplicate's reporter follows the master."""
    if master_id == case_id:
        raise Conflict(_("只能合并到另一件未结案的事件。"))
    # both rows locked in id order, so two opposite merges cannot deadlock
    locked = {
        c.pk: c
        for c in Case.objects.select_for_update()
        .filter(pk__in=[case_id, master_id])
        .select_related("category")
        .order_by("pk")
    }
    if len(locked) != 2:
        raise NotFound(_("事件不存在。"))
    case, master = locked[case_id], locked[master_id]
    merge = TRANSITION["merge"]
    role = _authorise(merge, actor, case)
    acting_role(actor, master, merge.actors)
    if not master.is_open:
        raise Conflict(_("只能合并到另一件未结案的事件。"))
    case.master = master
    data = {"master": master.pk, "master_number": master.number}
    _advance(case, "merge", actor=actor, role=role, note=note, data=data)
    if case.reporter_id:
        CaseFollower.objects.get_or_create(case=master, user_id=case.reporter_id)
    data = {"duplicate": case.pk, "duplicate_number": case.number}
    record(master, action="absorb", actor=actor, role=role, note=note, data=data)
    return case


@transaction.atomic
def case_hide(*, actor: User, case_id: int, reason: str, hidden: bool = True) -> Case:
    """Moderation: hide a case from public lists (or show it again), with the reason."""
    case, role = _begin("hide", actor, case_id)
    _require_text(reason, _("请填写屏蔽或恢复的理由。"), "reason")
    case.hidden = hidden
    _advance(case, "hide" if hidden else "unhide", actor=actor, role=role, note=reason)
    return case


# --- the department's transitions -----------------------------------------------------------


@transaction.atomic
def case_handle(
    *, actor: User, case_id: int, note: str, photos: Sequence[PreparedPhoto] = ()
) -> Case:
    """处置: the department reports what it did, with "after" photos."""
    case, role = _begin("handle", actor, case_id)
    _require_text(note, _("请填写处置情况。"), "note")
    entry = _advance(case, "handle", actor=actor, role=role, note=note)
    _attach_photos(case, entry, photos, PhotoStage.AFTER)
    return case


@transaction.atomic
def case_send_back(*, actor: User, case_id: int, reason: str) -> Case:
    """The department returns a case that is not theirs, for reassignment."""
    case, role = _begin("send_back", actor, case_id)
    _require_text(reason, _("请填写退回理由。"), "reason")
    case.department, case.assignee = None, None
    _advance(case, "send_back", actor=actor, role=role, note=reason)
    return case


# --- the grid worker's transitions ----------------------------------------------------------


@transaction.atomic
def case_verify(*, actor: User, case_id: int, passed: bool, note: str = "") -> Case:
    """核查 by the grid worker of the case's grid: pass closes, fail returns it."""
    case, role = _begin("verify", actor, case_id)
    if not passed:
        _require_text(note, _("核查不通过时请说明原因。"), "note")
    action = "verify_pass" if passed else "verify_fail"
    _advance(case, action, actor=actor, role=role, note=note)
    return case


def case_handle_on_spot(
    *,
    actor: User,
    client_id: uuid.UUID,
    category: Category,
    description: str,
    lon: float | None,
    lat: float | None,
    note: str,
    before: Sequence[PreparedPhoto],
    after: Sequence[PreparedPhoto],
    address: str = "",
    grid_code: str = "",
) -> tuple[Case, bool]:
    """即办: a grid worker reports and closes a small case in one step."""
    if not before or not after:
        raise InvalidInput(_("即办需要处置前和处置后的照片。"), field="photos")
    _require_text(note, _("请填写处置情况。"), "note")
    with transaction.atomic():
        case, created = case_report(
            actor=actor,
            client_id=client_id,
            category=category,
            description=description,
            lon=lon,
            lat=lat,
            grid_code=grid_code,
            address=address,
            photos=before,
        )
        if not created:
            return case, False
        case, role = _begin("handle_on_spot", actor, case.pk)
        case.handled_on_spot = True
        entry = _advance(case, "on_spot", actor=actor, role=role, note=note)
        _attach_photos(case, entry, after, PhotoStage.AFTER)
    return case, True


# --- the reporter's transitions -------------------------------------------------------------


@transaction.atomic
def case_withdraw(*, actor: User, case_id: int, reason: str = "") -> Case:
    case, role = _begin("withdraw", actor, case_id)
    _advance(case, "withdraw", actor=actor, role=role, note=reason)
    return case


@transaction.atomic
def case_reopen(*, actor: User, case_id: int, reason: str) -> Case:
    """The reporter reopens a closed case within the reopen window: back to dispatch."""
    case, role = _begin("reopen", actor, case_id)
    _require_text(reason, _("请说明重新办理的原因。"), "reason")
    _require_others_work(case)
    if not within_reopen_window(case):
        raise Conflict(
            _("结案已超过 %(days)d 天，不能重新办理，请另行上报。")
            % {"days": settings.CASE_REOPEN_DAYS}
        )
    case.reopen_count += 1
    case.department, case.assignee = None, None
    case.rating, case.rating_comment, case.rated_at = "", "", None
    _advance(case, "reopen", actor=actor, role=role, note=reason)
    return case


def _require_others_work(case: Case) -> None:
    if not judges_others_work(case):
        raise NotPermitted(_("您本人即办结案的事件，不能由您评价或申请重新办理。"))


@transaction.atomic
def case_rate(*, actor: User, case_id: int, rating: str, comment: str = "") -> Case:
    """评价: the reporter rates a closed case (once per closing)."""
    case, role = _begin("rate", actor, case_id)
    if rating not in Rating.values:
        raise InvalidInput(_("请选择满意、基本满意或不满意。"), field="rating")
    if case.rating:
        raise Conflict(_("该事件已评价。"))
    _require_others_work(case)
    if rating == Rating.UNSATISFIED and not comment.strip():
        raise InvalidInput(_("不满意时请填写意见。"), field="comment")
    case.rating, case.rating_comment, case.rated_at = rating, comment.strip(), timezone.now()
    _advance(case, "rate", actor=actor, role=role, note=comment, data={"rating": rating})
    return case
