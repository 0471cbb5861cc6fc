"""Who finds a ballot event in their inbox, and in which words (settings.NOTIFICATION_SOURCES
and NOTIFICATION_TEXTS name this module; notifications.projector calls it with batches
of outbox events, long after the request that wrote them).

- a ballot opened: everyone with an account who may vote on it by the register
  (voting.eligibility) and reads its topic;
- a ballot closed: those who voted on it (the Vote rows: that they voted, not what),
  pointed to the results.

A meeting's ballot has no online electorate to tell when it opens; it closes when its
result is signed off, and nobody voted online. Texts carry the ballot's question and the
topic's title, masked as on their pages — no one's name.
"""

from collections.abc import Sequence

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.personal_data import mask_free_text
from notifications.sources import NotificationSpec
from realtime.models import Event
from voting.access import ballot_access_to_read
from voting.eligibility import electorate
from voting.models import Ballot, Channel, Vote

TEXTS = {
    "ballot.opened": _("议题“%(title)s”开始表决：%(question)s"),
    "ballot.closed": _("您参与的表决“%(question)s”已结束，结果已公布。"),
}


def ballot_notifications(events: Sequence[Event]) -> list[NotificationSpec]:
    """The notifications of the ballot openings and closings among `events`."""
    events = [e for e in events if e.kind in TEXTS and e.payload.get("ballot")]
    if not events:
        return []
    ballots = Ballot.objects.select_related("topic__area").in_bulk(
        {e.payload["ballot"] for e in events}
    )
    specs = []
    for event in events:
        ballot = ballots.get(event.payload["ballot"])
        if ballot is not None and ballot.channel == Channel.ONLINE:
            spec = _spec(event, ballot)
            if spec.user_ids:
                specs.append(spec)
    return specs


def _spec(event: Event, ballot: Ballot) -> NotificationSpec:
    params = {"title": mask_free_text(ballot.topic.title),
              "question": mask_free_text(ballot.question)}  # fmt: skip
    if event.kind == "ballot.opened":
        users = User.objects.filter(resident__in=electorate(ballot), is_active=True)
        link = reverse("voting:ballot", args=[ballot.pk])
    else:
        voters = Vote.objects.filter(ballot=ballot).values("user_id")
        users = User.objects.filter(pk__in=voters, is_active=True)
        link = reverse("voting:results", args=[ballot.pk])
    readers = {u.pk for u in users if ballot_access_to_read(u, ballot) is not None}
    return NotificationSpec(event, frozenset(readers), event.kind, params, link)
