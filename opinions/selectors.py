"""Every read of the opinion map, scoped by opinions.access."""

from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from common.errors import NotFound
from consultation.models import Topic
from opinions.access import OpinionAccess, opinion_access
from opinions.models import (
    Moderation,
    OpinionMembership,
    OpinionSnapshot,
    Statement,
    StatementVote,
)
from opinions.routing import Candidate, pick_next


def topic_get_for_user(user: User, topic_id: int) -> Topic:
    """The topic, if `user` may read it (NotFound otherwise: its existence stays hidden)."""
    topic = Topic.objects.select_related("area").filter(pk=topic_id).first()
    if topic is None or not opinion_access(user).may_read(topic):
        raise NotFound(_("议题不存在。"))
    return topic


def statement_list(user: User, topic: Topic) -> QuerySet[Statement]:
    """The statements of `topic` that `user` sees, oldest first, with their vote counts."""
    access = opinion_access(user)
    return (
        Statement.objects.filter(access.statements_q(topic))
        .annotate(vote_count=Count("votes"))
        .order_by("id")
    )


def my_votes(user: User, topic: Topic) -> dict[int, int]:
    """{statement id: choice} of `user`'s votes on `topic`."""
    if not user.is_authenticated:
        return {}
    rows = StatementVote.objects.filter(statement__topic=topic, participant=user)
    return dict(rows.values_list("statement_id", "choice"))


def snapshot_latest(topic: Topic) -> OpinionSnapshot | None:
    return OpinionSnapshot.objects.filter(topic=topic).order_by("-computed_at", "-id").first()


@dataclass(frozen=True)
class Place:
    label: str
    x: float
    y: float


def my_place(user: User, topic: Topic) -> Place | None:
    """Where `user` is on the latest map (their group and point), if they are placed."""
    if not user.is_authenticated:
        return None
    row = OpinionMembership.objects.filter(topic=topic, participant=user).first()
    return Place(row.label, row.x, row.y) if row else None


def statement_next(user: User, topic: Topic, *, seed: str | None = None) -> Statement | None:
    """The accepted statement to show `user` next (opinions.routing), or None when they
    voted on every one. Without a seed the draw depends on the user and how many votes
    they cast: the same request sent again shows the same statement."""
    voted = my_votes(user, topic)
    open_statements = (
        Statement.objects.filter(topic=topic, state=Moderation.ACCEPTED)
        .exclude(pk__in=list(voted))
        .annotate(vote_count=Count("votes"))
    )
    snapshot = snapshot_latest(topic)
    scores = snapshot.scores if snapshot else {}
    candidates = []
    for statement in open_statements:
        divisive, unity = scores.get(str(statement.pk), (None, None))
        candidates.append(Candidate(statement.pk, statement.vote_count, divisive, unity))
    chosen = pick_next(candidates, seed=seed or f"{user.pk}:{len(voted)}")
    return next((s for s in open_statements if s.pk == chosen), None)


def moderation_queue(user: User) -> QuerySet[Statement]:
    """Pending statements in the topics `user` moderates, oldest first."""
    access: OpinionAccess = opinion_access(user)
    if not access.topics.may_manage_any:
        return Statement.objects.none()
    return (
        Statement.objects.filter(access.moderation_q(), state=Moderation.PENDING)
        .select_related("topic", "topic__area")
        .order_by("created_at", "id")
    )


def remaining_count(user: User, topic: Topic) -> int:
    """How many accepted statements `user` has not voted on yet."""
    accepted = Statement.objects.filter(topic=topic, state=Moderation.ACCEPTED)
    if not user.is_authenticated:
        return accepted.count()
    return accepted.exclude(votes__participant=user).count()
