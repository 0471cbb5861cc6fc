"""Every write on topics and their supports: propose, open (staff), accept, reject,
withdraw, support online and on paper. Phases are moved by consultation.phases, the
discussion by consultation.discussion, the follow-up by consultation.follow_up.

Each write checks consultation.access, validates, runs in one transaction and emits its
topic event (consultation.events). A phone's retry of a proposal is recognised by its
client_id; a second support by the same resident is recognised by the constraint.
"""

import datetime as dt
import uuid
from collections.abc import Sequence

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from common.errors import Conflict, InvalidInput, NotFound
from consultation import events
from consultation.access import topic_access
from consultation.models import (
    InitiatorKind,
    Phase,
    SupportSource,
    Topic,
    TopicAttachment,
    TopicPhase,
    TopicStatus,
    TopicSupport,
)
from consultation.threshold import is_adult, threshold
from grid.models import Area, AreaLevel, Resident, ResidentStatus
from notices.attachments import MAX_FILES, PreparedAttachment

TOPIC_AREA_LEVELS = (AreaLevel.STREET, AreaLevel.COMMUNITY, AreaLevel.GRID)
TITLE_MAX, DESCRIPTION_MAX, REASON_MAX = 120, 5000, 500


def clean_text(value: str, *, field: str, label: str, maximum: int, required=True) -> str:
    value = (value or "").strip()
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
        # PostgreSQL refuses NUL in text: refused here, not a 500 there
        raise InvalidInput(_("%(label)s含有无法识别的字符。") % {"label": label}, field=field)
    if required and not value:
        raise InvalidInput(_("请填写%(label)s。") % {"label": label}, field=field)
    if len(value) > maximum:
        raise InvalidInput(
            _("%(label)s不能超过 %(n)d 字。") % {"label": label, "n": maximum}, field=field
        )
    return value


def _check_topic_text(title: str, description: str) -> tuple[str, str]:
    return (
        clean_text(title, field="title", label=_("议题"), maximum=TITLE_MAX),
        clean_text(description, field="description", label=_("说明"), maximum=DESCRIPTION_MAX),
    )


def _check_area(area: Area) -> None:
    if area.level not in TOPIC_AREA_LEVELS:
        raise InvalidInput(_("议事范围须是街道、社区或网格。"), field="area")


def _check_attachments(attachments: Sequence[PreparedAttachment]) -> None:
    if len(attachments) > MAX_FILES:
        raise InvalidInput(_("每个议题最多 %(n)d 个附件。") % {"n": MAX_FILES}, field="attachments")


def _attach(topic: Topic, attachments: Sequence[PreparedAttachment]) -> None:
    for prepared in attachments:
        attachment = TopicAttachment(
            topic=topic,
            original_name=prepared.name,
            size=prepared.size,
            content_type=prepared.content_type,
        )
        attachment.file.save(prepared.name, ContentFile(prepared.data), save=False)
        attachment.save()


def locked_topic(topic_id: int) -> Topic:
    """The topic, its row locked for this transaction (phase and status moves, the
    threshold check: two of them at once must not both act)."""
    topic = Topic.objects.select_for_update().filter(pk=topic_id).first()
    if topic is None:
        raise NotFound(_("议题不存在。"))
    return topic


def _initiator_kind(actor: User, area_code: str) -> str:
    access = topic_access(actor)
    if access.may_manage_area(area_code):
        return InitiatorKind.STAFF
    held = {g.role for g in access.grants if area_code.startswith(g.area_code)}
    held |= {g.role for g in access.grants if g.area_code.startswith(area_code)}
    if Role.RESIDENT in held:
        return InitiatorKind.RESIDENT
    return InitiatorKind.GRID_WORKER if Role.GRID_WORKER in held else InitiatorKind.STAFF


def idempotent(create, actor: User, client_id: uuid.UUID | None, model=Topic, owner="initiator"):
    """Run `create`; a retry with the same client_id returns the first row."""
    try:
        with transaction.atomic():
            return create(), True
    except IntegrityError:
        existing = model.objects.filter(client_id=client_id).first() if client_id else None
        if existing is None:
            raise
        if getattr(existing, f"{owner}_id") != actor.pk:
            raise Conflict(_("该客户端编号已被其他提交使用。"), field="client_id") from None
        return existing, False


def topic_propose(
    *,
    actor: User,
    area: Area,
    title: str,
    description: str,
    client_id: uuid.UUID | None = None,
    attachments: Sequence[PreparedAttachment] = (),
) -> tuple[Topic, bool]:
    """提事: a resident (or grid worker) proposes a topic for an area they take part in;
    it waits for supports (or staff) to reach the agenda. The proposer's own support
    counts when they are a resident of the scope."""
    access = topic_access(actor)
    _check_area(area)
    if not access.takes_part_in_area(area.code):
        raise InvalidInput(_("您只能在自己居住或工作的区域提出议题。"), field="area")
    title, description = _check_topic_text(title, description)
    _check_attachments(attachments)

    def create() -> Topic:
        topic = Topic.objects.create(
            area=area,
            title=title,
            description=description,
            initiator=actor,
            initiator_kind=_initiator_kind(actor, area.code),
            support_until=timezone.now() + dt.timedelta(days=settings.CONSULTATION_SUPPORT_DAYS),
            client_id=client_id,
        )
        _attach(topic, attachments)
        events.topic_emit(topic, events.TOPIC_PROPOSE)
        resident = _supporting_resident(actor, topic, quiet=True)
        if resident is not None:
            _add_support(topic, resident, SupportSource.ONLINE, user=actor)
        return topic

    return idempotent(create, actor, client_id)


def topic_open(
    *,
    actor: User,
    area: Area,
    title: str,
    description: str,
    initiator_kind: str = InitiatorKind.STAFF,
    raised_by: str = "",
    client_id: uuid.UUID | None = None,
    attachments: Sequence[PreparedAttachment] = (),
) -> tuple[Topic, bool]:
    """Staff open a topic directly on the agenda, in collection (a matter raised at the
    office by a resident or a grid worker is entered here, `raised_by` says by whom)."""
    access = topic_access(actor)
    _check_area(area)
    if not access.may_manage_area(area.code):
        raise InvalidInput(_("您不能在该区域发起议题。"), field="area")
    if initiator_kind not in InitiatorKind.values:
        raise InvalidInput(_("请选择发起人身份。"), field="initiator_kind")
    title, description = _check_topic_text(title, description)
    raised_by = clean_text(
        raised_by, field="raised_by", label=_("提出人"), maximum=100, required=False
    )
    _check_attachments(attachments)

    def create() -> Topic:
        now = timezone.now()
        topic = Topic.objects.create(
            area=area,
            title=title,
            description=description,
            initiator=actor,
            initiator_kind=initiator_kind,
            raised_by=raised_by,
            status=TopicStatus.AGENDA,
            phase=Phase.COLLECT,
            agenda_at=now,
            decided_by=actor,
            client_id=client_id,
        )
        TopicPhase.objects.create(topic=topic, phase=Phase.COLLECT, opened_at=now)
        _attach(topic, attachments)
        events.topic_emit(topic, events.TOPIC_PROPOSE)
        return topic

    return idempotent(create, actor, client_id)


def _put_on_agenda(topic: Topic, *, by: User | None, reason: str = "") -> None:
    now = timezone.now()
    topic.status, topic.phase, topic.agenda_at = TopicStatus.AGENDA, Phase.COLLECT, now
    topic.decided_by, topic.decision_reason = by, reason
    topic.save(update_fields=["status", "phase", "agenda_at", "decided_by", "decision_reason"])
    TopicPhase.objects.update_or_create(
        topic=topic, phase=Phase.COLLECT, defaults={"opened_at": now, "closed_at": None}
    )
    events.topic_emit(topic, events.TOPIC_AGENDA)


def _require_proposed(topic: Topic) -> None:
    if topic.status != TopicStatus.PROPOSED:
        raise Conflict(_("该议题已审议，不能再次处理。"))


@transaction.atomic
def topic_accept(*, actor: User, topic_id: int, reason: str = "") -> Topic:
    """定事: staff put a proposed topic on the agenda before (or without) the threshold."""
    topic = locked_topic(topic_id)
    topic_access(actor).require_manage(topic)
    _require_proposed(topic)
    reason = clean_text(reason, field="reason", label=_("审议意见"), maximum=REASON_MAX,
                         required=False)  # fmt: skip
    _put_on_agenda(topic, by=actor, reason=reason)
    return topic


@transaction.atomic
def topic_reject(*, actor: User, topic_id: int, reason: str) -> Topic:
    """Not put on the agenda: the reason is public, on the topic's page."""
    topic = locked_topic(topic_id)
    topic_access(actor).require_manage(topic)
    _require_proposed(topic)
    reason = clean_text(reason, field="reason", label=_("不予列入的理由"), maximum=REASON_MAX)
    topic.status, topic.decided_by, topic.decision_reason = TopicStatus.REJECTED, actor, reason
    topic.save(update_fields=["status", "decided_by", "decision_reason", "updated_at"])
    events.topic_emit(topic, events.TOPIC_REJECT)
    return topic


@transaction.atomic
def topic_withdraw(*, actor: User, topic_id: int) -> Topic:
    """The proposer withdraws a topic that is not on the agenda yet."""
    topic = locked_topic(topic_id)
    access = topic_access(actor)
    access.require_read(topic)
    if topic.initiator_id != actor.pk and not access.may_manage(topic):
        raise Conflict(_("只有提出人可以撤回议题。"))
    _require_proposed(topic)
    topic.status = TopicStatus.WITHDRAWN
    topic.save(update_fields=["status", "updated_at"])
    events.topic_emit(topic, events.TOPIC_WITHDRAW)
    return topic


# --- supports ---------------------------------------------------------------------------


def _supporting_resident(actor: User, topic: Topic, *, quiet: bool = False) -> Resident | None:
    """The actor's register record, if it may support `topic`; else None (quiet) or a
    refusal saying why."""
    access = topic_access(actor)
    resident = None
    if actor.resident_id is not None and access.lives_in_area(topic.area.code):
        resident = (
            Resident.objects.select_related("household__building__grid")
            .filter(pk=actor.resident_id)
            .first()
        )
    problem = _support_problem(resident, topic)
    if problem and not quiet:
        raise InvalidInput(problem)
    return None if problem else resident


def _support_problem(resident: Resident | None, topic: Topic) -> str:
    if resident is None:
        return _("只有本议事范围内、已关联户籍档案的居民可以联署。")
    if resident.status != ResidentStatus.PRESENT:
        return _("该居民已不在本范围居住，不能联署。")
    if not resident.household.building.grid.code.startswith(topic.area.code):
        return _("该居民不住在本议事范围内，不能联署。")
    if not is_adult(resident):
        return _("未成年人不能联署。")
    return ""


def _check_support_open(topic: Topic) -> None:
    if topic.status != TopicStatus.PROPOSED:
        raise Conflict(_("该议题已不在联署阶段。"))
    if topic.support_until and timezone.now() > topic.support_until:
        raise Conflict(_("联署期已结束。"))


def _add_support(topic: Topic, resident: Resident, source: str, **who) -> tuple[TopicSupport, bool]:
    """Insert the support once; when it brings the topic to the threshold, the topic
    goes on the agenda. The caller holds the topic's row lock or created it."""
    try:
        with transaction.atomic():
            support = TopicSupport.objects.create(
                topic=topic, resident=resident, household=resident.household, source=source, **who
            )
    except IntegrityError:
        existing = TopicSupport.objects.filter(topic=topic, resident=resident).first()
        if existing is None:
            raise
        return existing, False
    events.topic_emit(topic, events.TOPIC_SUPPORT)
    if topic.status == TopicStatus.PROPOSED and threshold(topic).reached:
        _put_on_agenda(topic, by=None)
    return support, True


@transaction.atomic
def support_add(*, actor: User, topic_id: int) -> tuple[TopicSupport, bool]:
    """A resident of the scope supports a proposed topic; a second time changes nothing."""
    topic = locked_topic(topic_id)
    topic_access(actor).require_read(topic)
    _check_support_open(topic)
    resident = _supporting_resident(actor, topic)
    return _add_support(topic, resident, SupportSource.ONLINE, user=actor)


@transaction.atomic
def support_add_paper(*, actor: User, topic_id: int, resident_id: int) -> tuple[TopicSupport, bool]:
    """Staff enter a support signed on paper at the community office: the signer is a
    resident of the register (so their household is known), counted once with their
    online support if they gave one too."""
    topic = locked_topic(topic_id)
    topic_access(actor).require_manage(topic)
    _check_support_open(topic)
    resident = (
        Resident.objects.select_related("household__building__grid").filter(pk=resident_id).first()
    )
    problem = _support_problem(resident, topic)
    if problem:
        raise InvalidInput(problem, field="resident")
    return _add_support(topic, resident, SupportSource.PAPER, entered_by=actor)
