"""Computing a topic's opinion map from its votes, in the background (config/scheduler.py,
`manage.py compute_opinions`): a topic is computed again when its votes' count or latest
change differs from what its last snapshot read.

The snapshot holds what everyone may see — groups, points, statements — and no user id;
who fell where goes to OpinionMembership, which the next computation reads to keep the
labels on the same people.
"""

import datetime as dt
import logging
import time
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from consultation.models import Topic
from opinions import events
from opinions.clustering import OpinionMap, Params, opinion_map
from opinions.models import (
    Moderation,
    OpinionMembership,
    OpinionSnapshot,
    Statement,
    StatementVote,
)

log = logging.getLogger(__name__)
KEEP_SNAPSHOTS = 5


@dataclass(frozen=True)
class VoteMatrix:
    matrix: np.ndarray  # participants × statements: 1, −1, 0, NaN (not seen)
    participants: list[int]  # user ids, one per row
    statements: list[int]  # statement ids, one per column
    count: int
    last_change: dt.datetime | None


def vote_matrix(topic: Topic) -> VoteMatrix:
    """The votes on a topic's accepted statements."""
    statement_ids = list(
        Statement.objects.filter(topic=topic, state=Moderation.ACCEPTED)
        .order_by("id")
        .values_list("id", flat=True)
    )
    on_topic = StatementVote.objects.filter(statement_id__in=statement_ids)
    # read before the rows, so a vote cast in between makes the topic due again
    seen = on_topic.aggregate(count=Count("id"), last=Max("updated_at"))
    votes = list(on_topic.values_list("participant_id", "statement_id", "choice"))
    participants = sorted({row[0] for row in votes})
    row_of = {p: i for i, p in enumerate(participants)}
    col_of = {s: j for j, s in enumerate(statement_ids)}
    matrix = np.full((len(participants), len(statement_ids)), np.nan)
    if votes:
        rows, cols, choices = zip(*votes, strict=True)
        matrix[[row_of[p] for p in rows], [col_of[s] for s in cols]] = choices
    return VoteMatrix(matrix, participants, statement_ids, seen["count"], seen["last"])


def compute_topic(topic: Topic) -> OpinionSnapshot:
    """Compute `topic`'s map now, store it as its latest snapshot and announce it."""
    started = time.perf_counter()
    votes = vote_matrix(topic)
    previous = _previous_members(topic)
    params = Params(min_votes=settings.OPINION_MIN_VOTES)
    result = opinion_map(votes.matrix, keys=votes.participants, previous=previous, params=params)
    duration = int((time.perf_counter() - started) * 1000)
    with transaction.atomic():
        snapshot = OpinionSnapshot.objects.create(
            topic=topic, computed_at=timezone.now(),
            vote_count=votes.count, last_vote_at=votes.last_change,
            participants=len(votes.participants), placed=len(result.included),
            duration_ms=duration, **_public_fields(result, votes.statements),
        )  # fmt: skip
        _replace_members(topic, result, votes.participants)
        _prune(topic)
        events.updated_emit(snapshot)
    return snapshot


def topics_due() -> list[Topic]:
    """Topics whose votes (on accepted statements) differ from what their latest snapshot
    read: more of them, or a later change."""
    current = (
        StatementVote.objects.filter(statement__state=Moderation.ACCEPTED)
        .values("statement__topic")
        .annotate(count=Count("id"), last=Max("updated_at"))
        .values_list("statement__topic", "count", "last")
        .order_by()
    )
    seen = {}
    for snapshot in OpinionSnapshot.objects.order_by("topic_id", "computed_at", "id").only(
        "topic_id", "vote_count", "last_vote_at"
    ):
        seen[snapshot.topic_id] = (snapshot.vote_count, snapshot.last_vote_at)
    due = [topic_id for topic_id, count, last in current if seen.get(topic_id) != (count, last)]
    return list(Topic.objects.select_related("area").filter(pk__in=due).order_by("pk"))


def compute_due() -> int:
    """Compute every topic that is due; returns how many were computed."""
    count = 0
    for topic in topics_due():
        snapshot = compute_topic(topic)
        log.info(
            "opinion map of topic %s: %d placed in %d groups, %d ms",
            topic.pk, snapshot.placed, len(snapshot.groups), snapshot.duration_ms,
        )  # fmt: skip
        count += 1
    return count


def _prune(topic: Topic) -> None:
    """Keep the last KEEP_SNAPSHOTS maps of a topic: a busy topic is computed every few
    seconds, and only the latest is shown."""
    old = OpinionSnapshot.objects.filter(topic=topic).order_by("-computed_at", "-id")
    stale = list(old.values_list("id", flat=True)[KEEP_SNAPSHOTS:])
    if stale:
        OpinionSnapshot.objects.filter(pk__in=stale).delete()


def _previous_members(topic: Topic) -> dict[str, set[int]]:
    members: dict[str, set[int]] = {}
    rows = OpinionMembership.objects.filter(topic=topic).values_list("label", "participant_id")
    for label, participant in rows:
        members.setdefault(label, set()).add(participant)
    return members


def _replace_members(topic: Topic, result: OpinionMap, participants: list[int]) -> None:
    OpinionMembership.objects.filter(topic=topic).delete()
    placed = zip(result.included, result.row_labels, result.points, strict=False)
    OpinionMembership.objects.bulk_create(
        OpinionMembership(
            topic=topic,
            participant_id=participants[row],
            label=label,
            x=float(point[0]),
            y=float(point[1]),
        )
        for row, label, point in placed
    )


def _public_fields(result: OpinionMap, statement_ids: list[int]) -> dict:
    """The snapshot's JSON: statement ids instead of column indices, and points sorted by
    group and position so their order says nothing about who is who."""
    groups = [
        {
            "label": g.label,
            "size": len(g.members),
            "centroid": [round(c, 4) for c in g.centroid],
            "representative": [
                {
                    "statement": statement_ids[r.statement],
                    "direction": r.direction,
                    "probability": r.probability,
                    "ratio": r.ratio,
                    "votes": r.votes,
                }
                for r in g.representative
            ],
        }
        for g in result.groups
    ]
    points = sorted(
        [round(float(p[0]), 4), round(float(p[1]), 4), label]
        for p, label in zip(result.points, result.row_labels, strict=False)
    )
    consensus = [
        {"statement": statement_ids[c.statement], "score": c.score, "per_group": list(c.per_group)}
        for c in result.consensus
    ]
    scores = {
        str(sid): [round(float(result.divisiveness[j]), 4), round(float(result.unity[j]), 4)]
        for j, sid in enumerate(statement_ids)
    }
    return {"groups": groups, "points": points, "consensus": consensus, "scores": scores}
