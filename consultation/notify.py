"""Who finds a topic event in their inbox, and in which words (settings.NOTIFICATION_SOURCES
and NOTIFICATION_TEXTS name this module; notifications.projector calls it with batches
of outbox events, long after the request that wrote them).

- the proposer: their topic went on the agenda (by supports or by staff) or was not put
  on it (the reason is on the topic's page); an amendment was proposed to it;
- an amendment's author: the initiator accepted or declined it;
- a comment's author: someone replied to it;
- the residents who supported a topic, and those who commented on it: it opened a new
  phase (the staff who opened a topic and move its phases are not told their own move).

Only people who may still read the topic are told (consultation.access); the texts carry
the topic's title, masked as on its page, and a phase's name — no one's name.
"""

from collections.abc import Sequence

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.personal_data import mask_free_text
from consultation.access import topic_access
from consultation.models import (
    Amendment,
    AmendmentStatus,
    Comment,
    InitiatorKind,
    Phase,
    Topic,
    TopicSupport,
)
from notifications.sources import NotificationSpec
from realtime.models import Event

TEXTS = {
    "topic.on_agenda": _("您提出的议题“%(title)s”已列入议程。"),
    "topic.not_on_agenda": _("您提出的议题“%(title)s”未列入议程，理由见议题页。"),
    "topic.amendment_new": _("议题“%(title)s”收到一条修改建议，请您回应。"),
    "topic.amendment_accepted": _("您对议题“%(title)s”的修改建议已被采纳。"),
    "topic.amendment_declined": _("您对议题“%(title)s”的修改建议未被采纳，回应见议题页。"),
    "topic.reply": _("有人回复了您在议题“%(title)s”中的评论。"),
    "topic.phase": _("您参与的议题“%(title)s”进入%(phase)s阶段。"),
}


def topic_notifications(events: Sequence[Event]) -> list[NotificationSpec]:
    """The notifications of the topic events among `events`."""
    events = [e for e in events if e.kind.startswith("topic.") and e.payload.get("topic")]
    if not events:
        return []
    topics = Topic.objects.select_related("area").in_bulk({e.payload["topic"] for e in events})
    specs = []
    for event in events:
        topic = topics.get(event.payload["topic"])
        if topic is not None:
            specs += [s for s in _specs(event, topic) if s.user_ids]
    return specs


def _specs(event: Event, topic: Topic) -> list[NotificationSpec]:
    params = {"title": mask_free_text(topic.title)}
    link = reverse("consultation:detail", args=[topic.pk])

    def spec(users: set[int], kind: str, **extra) -> NotificationSpec:
        readers = _readers(users - {None}, topic)
        return NotificationSpec(event, frozenset(readers), kind, params | extra, link)

    kind, p = event.kind, event.payload
    if kind == "topic.agenda" and topic.initiator_kind != InitiatorKind.STAFF:
        return [spec({topic.initiator_id}, "topic.on_agenda")]
    if kind == "topic.reject":
        return [spec({topic.initiator_id}, "topic.not_on_agenda")]
    if kind == "topic.amendment" and p.get("amendment"):
        return _amendment_specs(p["amendment"], p.get("amendment_status"), topic, spec)
    if kind == "topic.comment" and p.get("comment"):
        reply = Comment.objects.filter(pk=p["comment"]).select_related("parent").first()
        if reply and reply.parent and reply.parent.author_id != reply.author_id:
            return [spec({reply.parent.author_id}, "topic.reply")]
    if kind == "topic.phase" and p.get("phase") in Phase.values:
        return [spec(_participants(topic), "topic.phase", phase=str(Phase(p["phase"]).label))]
    return []


def _amendment_specs(amendment_id: int, status: str | None, topic: Topic, spec):
    """By the status the event recorded: the projector runs later, when a proposed
    amendment may already be answered."""
    amendment = Amendment.objects.filter(pk=amendment_id).first()
    if amendment is None or status not in AmendmentStatus.values:
        return []
    if status == AmendmentStatus.PROPOSED:
        if amendment.author_id == topic.initiator_id:
            return []
        return [spec({topic.initiator_id}, "topic.amendment_new")]
    kind = {
        AmendmentStatus.ACCEPTED: "topic.amendment_accepted",
        AmendmentStatus.DECLINED: "topic.amendment_declined",
    }[status]
    return [spec({amendment.author_id} - {amendment.decided_by_id}, kind)]


def _participants(topic: Topic) -> set[int]:
    """Who supported the topic (online) or commented on it, and a resident proposer."""
    people = set(
        TopicSupport.objects.filter(topic=topic, user__isnull=False).values_list(
            "user_id", flat=True
        )
    )
    people |= set(topic.comments.values_list("author_id", flat=True))
    if topic.initiator_kind == InitiatorKind.STAFF:
        people.discard(topic.initiator_id)  # who opened it moves its phases
    else:
        people.add(topic.initiator_id)
    return people


def _readers(user_ids: set[int], topic: Topic) -> set[int]:
    users = User.objects.filter(pk__in=user_ids, is_active=True)
    return {user.pk for user in users if topic_access(user).may_read(topic)}
