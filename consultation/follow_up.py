"""Every write after a decision: the 四议两公开 procedure records, the follow-up actions
(办事) with their progress updates and photos, a feedback case opened from an action,
and the residents' ratings of the implementation (评事)."""

import datetime as dt
import uuid
from collections.abc import Sequence

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from common.errors import Conflict, InvalidInput, NotFound
from consultation import events
from consultation.access import topic_access
from consultation.models import (
    ActionPhoto,
    ActionStatus,
    ActionUpdate,
    FollowUpAction,
    Phase,
    ProcedureRecord,
    ProcedureStep,
    Rating,
    Topic,
    TopicStatus,
)
from consultation.services import clean_text, idempotent, locked_topic
from feedback import services as case_services
from feedback.models import Case, Category
from feedback.photos import MAX_PHOTOS, PreparedPhoto

RATING_PHASES = (Phase.FOLLOW_UP, Phase.CLOSED)


def _managed_topic(actor: User, topic_id: int) -> Topic:
    topic = locked_topic(topic_id)
    if not topic_access(actor).may_read(topic):
        raise NotFound(_("议题不存在。"))
    topic_access(actor).require_manage(topic)
    return topic


def _count(value: int, field: str) -> int:
    if value is None or value < 0 or value > 100_000:
        raise InvalidInput(_("人数须为不小于 0 的整数。"), field=field)
    return value


@transaction.atomic
def procedure_record(
    *,
    actor: User,
    topic_id: int,
    step: str,
    held_on: dt.date,
    expected: str = "",
    expected_count: int = 0,
    attended: str = "",
    attended_count: int = 0,
    quorum: int = 0,
    decision: str = "",
    minutes: str = "",
) -> ProcedureRecord:
    """Write (or correct) the record of one step of 四议两公开; published on the topic."""
    topic = _managed_topic(actor, topic_id)
    if topic.status != TopicStatus.AGENDA:
        raise Conflict(_("议题尚未列入议程。"))
    if step not in ProcedureStep.values:
        raise InvalidInput(_("请选择程序步骤。"), field="step")
    if held_on is None:
        raise InvalidInput(_("请填写日期。"), field="held_on")
    counts = {
        "expected_count": _count(expected_count, "expected_count"),
        "attended_count": _count(attended_count, "attended_count"),
        "quorum": _count(quorum, "quorum"),
    }
    if counts["expected_count"] and counts["attended_count"] > counts["expected_count"]:
        raise InvalidInput(_("实到人数不能多于应到人数。"), field="attended_count")
    values = {
        "held_on": held_on,
        "expected": clean_text(expected, field="expected", label=_("应到人员"), maximum=500,
                               required=False),
        "attended": clean_text(attended, field="attended", label=_("实到人员"), maximum=500,
                               required=False),
        "decision": clean_text(decision, field="decision", label=_("决定"), maximum=5000,
                               required=False),
        "minutes": clean_text(minutes, field="minutes", label=_("会议纪要"), maximum=20000,
                              required=False),
        "recorded_by": actor,
        **counts,
    }  # fmt: skip
    record, _created = ProcedureRecord.objects.update_or_create(
        topic=topic, step=step, defaults=values
    )
    events.topic_emit(topic, events.TOPIC_PROCEDURE)
    return record


# --- follow-up actions ------------------------------------------------------------------


@transaction.atomic
def action_create(
    *,
    actor: User,
    topic_id: int,
    title: str,
    owner_name: str,
    owner: User | None = None,
    due_on: dt.date | None = None,
) -> FollowUpAction:
    """A piece of carrying out the decision, with who answers for it."""
    topic = _managed_topic(actor, topic_id)
    if topic.status != TopicStatus.AGENDA:
        raise Conflict(_("议题尚未列入议程。"))
    action = FollowUpAction.objects.create(
        topic=topic,
        title=clean_text(title, field="title", label=_("事项"), maximum=120),
        owner_name=clean_text(owner_name, field="owner_name", label=_("责任人/单位"), maximum=100),
        owner=owner,
        due_on=due_on,
        created_by=actor,
    )
    events.topic_emit(topic, events.TOPIC_ACTION, action=action.pk)
    return action


def _action_for(actor: User, action_id: int) -> FollowUpAction:
    action = FollowUpAction.objects.select_related("topic__area").filter(pk=action_id).first()
    if action is None or not topic_access(actor).may_read(action.topic):
        raise NotFound(_("落实事项不存在。"))
    if action.owner_id != actor.pk:
        topic_access(actor).require_manage(action.topic)
    return action


def action_update(
    *,
    actor: User,
    action_id: int,
    text: str,
    progress: int,
    photos: Sequence[PreparedPhoto] = (),
    client_id: uuid.UUID | None = None,
) -> tuple[ActionUpdate, bool]:
    """A progress update (by the managing staff or the action's owner), with photos
    already stripped of EXIF by feedback.photos.prepare. 100 % marks the action done."""
    action = _action_for(actor, action_id)
    text = clean_text(text, field="text", label=_("进展"), maximum=2000)
    if progress is None or not 0 <= progress <= 100:
        raise InvalidInput(_("进度须在 0 到 100 之间。"), field="progress")
    if len(photos) > MAX_PHOTOS:
        raise InvalidInput(_("最多上传 %(n)d 张照片。") % {"n": MAX_PHOTOS}, field="photos")

    def create() -> ActionUpdate:
        update = ActionUpdate.objects.create(
            action=action, author=actor, text=text, progress=progress, client_id=client_id
        )
        for n, photo in enumerate({p.digest: p for p in photos}.values(), start=1):
            stem = f"topic{action.topic_id}-a{action.pk}-u{update.pk}-{n}"
            ActionPhoto.objects.create(
                update=update,
                width=photo.width,
                height=photo.height,
                digest=photo.digest,
                image=ContentFile(photo.image, name=f"{stem}.jpg"),
                thumbnail=ContentFile(photo.thumbnail, name=f"{stem}-t.jpg"),
            )
        action.progress = progress
        action.status = ActionStatus.DONE if progress == 100 else ActionStatus.IN_PROGRESS
        action.save(update_fields=["progress", "status"])
        events.topic_emit(action.topic, events.TOPIC_ACTION, action=action.pk)
        return update

    return idempotent(create, actor, client_id, model=ActionUpdate, owner="author")


def action_open_case(
    *, actor: User, action_id: int, category: Category, description: str, grid_code: str
) -> Case:
    """Open a feedback case for an action (a broken lamp found while carrying out the
    decision goes the case way: dispatch, deadlines, verification) and link it. A
    retry opens no second case: the client id is derived from the action."""
    action = _action_for(actor, action_id)
    topic_access(actor).require_manage(action.topic)
    if not grid_code.startswith(action.topic.area.code):
        raise InvalidInput(_("请选择议事范围内的网格。"), field="grid_code")
    if action.case_id is not None:
        return action.case
    case, _created = case_services.case_report(
        actor=actor,
        client_id=uuid.uuid5(uuid.NAMESPACE_URL, f"gongzhi:topic-action:{action.pk}"),
        category=category,
        description=description,
        grid_code=grid_code,
    )
    FollowUpAction.objects.filter(pk=action.pk).update(case=case)
    events.topic_emit(action.topic, events.TOPIC_ACTION, action=action.pk)
    return case


# --- ratings ----------------------------------------------------------------------------


@transaction.atomic
def rating_set(*, actor: User, topic_id: int, score: int, remark: str = "") -> Rating:
    """评事: a resident of the scope rates how the decision was carried out, once (a new
    rating replaces their earlier one)."""
    topic = locked_topic(topic_id)
    access = topic_access(actor)
    if not access.may_read(topic):
        raise NotFound(_("议题不存在。"))
    if not access.lives_in_area(topic.area.code):
        raise Conflict(_("只有议事范围内的居民可以评议落实情况。"))
    if topic.phase not in RATING_PHASES:
        raise Conflict(_("议题进入落实阶段后才能评议。"))
    if score not in (1, 2, 3, 4, 5):
        raise InvalidInput(_("评分须为 1 到 5 星。"), field="score")
    remark = clean_text(remark, field="remark", label=_("评价"), maximum=300, required=False)
    rating, _created = Rating.objects.update_or_create(
        topic=topic, user=actor, defaults={"score": score, "remark": remark}
    )
    events.topic_emit(topic, events.TOPIC_RATE)
    return rating
