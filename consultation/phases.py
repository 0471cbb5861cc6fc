"""Moving a topic through its phases: staff move it on (never back), plan each phase's
dates, and `advance_due` opens and closes phases whose dates have come (run by the
scheduler, config/scheduler.py, or `manage.py advance_topic_phases` from a timer).

A phase's planned closing moves the topic on to the next phase that has a plan (a row),
or else to the phase that follows in order; a later phase's planned opening moves the
topic straight to it. A phase without a row is simply skipped when a plan jumps it (a
topic decided without a ballot has no vote phase).
"""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from common.errors import Conflict, InvalidInput
from consultation import events
from consultation.access import topic_access
from consultation.models import PHASE_ORDER, Phase, Topic, TopicPhase, TopicStatus
from consultation.services import locked_topic


def order(phase: str | None) -> int:
    return -1 if phase is None else PHASE_ORDER.index(phase)


def _move(topic: Topic, target: str, now: dt.datetime) -> None:
    """Close the current phase and open `target` (the caller checked it lies ahead)."""
    TopicPhase.objects.filter(topic=topic, phase=topic.phase, closed_at__isnull=True).update(
        closed_at=now
    )
    closes = now if target == Phase.CLOSED else None
    row, created = TopicPhase.objects.get_or_create(
        topic=topic, phase=target, defaults={"opened_at": now, "closed_at": closes}
    )
    if not created:
        row.opened_at, row.closed_at = now, closes
        row.save(update_fields=["opened_at", "closed_at"])
    topic.phase = target
    topic.save(update_fields=["phase", "updated_at"])
    events.topic_emit(topic, events.TOPIC_PHASE)


def _require_on_agenda(topic: Topic) -> None:
    if topic.status != TopicStatus.AGENDA:
        raise Conflict(_("议题尚未列入议程。"))


@transaction.atomic
def phase_move(*, actor: User, topic_id: int, phase: str) -> Topic:
    """Staff open `phase` now (a later one than the current)."""
    topic = locked_topic(topic_id)
    topic_access(actor).require_manage(topic)
    _require_on_agenda(topic)
    if phase not in Phase.values:
        raise InvalidInput(_("请选择阶段。"), field="phase")
    if order(phase) <= order(topic.phase):
        raise Conflict(_("议题只能进入后续阶段。"))
    _move(topic, phase, timezone.now())
    return topic


@transaction.atomic
def phase_plan(
    *,
    actor: User,
    topic_id: int,
    phase: str,
    opens_at: dt.datetime | None,
    closes_at: dt.datetime | None,
) -> TopicPhase:
    """Plan (or re-plan) a phase's dates. A phase that has opened keeps its opening."""
    topic = locked_topic(topic_id)
    topic_access(actor).require_manage(topic)
    _require_on_agenda(topic)
    if phase not in Phase.values or phase == Phase.CLOSED:
        raise InvalidInput(_("请选择阶段。"), field="phase")
    if order(phase) < order(topic.phase):
        raise Conflict(_("该阶段已经结束。"))
    if opens_at and closes_at and closes_at <= opens_at:
        raise InvalidInput(_("结束时间须晚于开始时间。"), field="closes_at")
    row, _created = TopicPhase.objects.get_or_create(topic=topic, phase=phase)
    if row.opened_at is not None and opens_at is not None and opens_at != row.opens_at:
        raise Conflict(_("该阶段已经开始，不能修改开始时间。"))
    row.opens_at, row.closes_at = opens_at, closes_at
    row.save(update_fields=["opens_at", "closes_at"])
    events.topic_emit(topic, events.TOPIC_SCHEDULE)
    return row


def _due_target(topic: Topic, rows: list[TopicPhase], now: dt.datetime) -> str | None:
    """Where the dates say `topic` should be now, if it should move."""
    current = order(topic.phase)
    opening = [
        r.phase for r in rows if order(r.phase) > current and r.opens_at and r.opens_at <= now
    ]
    if opening:
        return max(opening, key=order)
    mine = next((r for r in rows if r.phase == topic.phase), None)
    if mine and mine.closes_at and mine.closes_at <= now and topic.phase != Phase.CLOSED:
        planned = [r.phase for r in rows if order(r.phase) > current]
        return min(planned, key=order) if planned else PHASE_ORDER[current + 1]
    return None


def advance_due(now: dt.datetime | None = None) -> int:
    """Open and close every phase whose date has come; returns how many topics moved.
    Each topic moves in its own transaction, under its row lock, so staff moving the
    same topic at the same moment wins or loses cleanly."""
    now = now or timezone.now()
    due = TopicPhase.objects.filter(
        Q(opens_at__lte=now, opened_at__isnull=True)
        | Q(closes_at__lte=now, closed_at__isnull=True, opened_at__isnull=False),
        topic__status=TopicStatus.AGENDA,
    ).exclude(topic__phase=Phase.CLOSED)
    moved = 0
    for topic_id in sorted(set(due.values_list("topic_id", flat=True))):
        with transaction.atomic():
            topic = locked_topic(topic_id)
            target = _due_target(topic, list(topic.phases.all()), now)
            if target is not None and topic.status == TopicStatus.AGENDA:
                _move(topic, target, now)
                moved += 1
    return moved
