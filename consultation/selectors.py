"""Every read of consultation, scoped by consultation.access."""

from django.db.models import Avg, Count, Q, QuerySet

from accounts.models import User
from consultation.access import topic_access
from consultation.models import (
    Comment,
    CommentStatus,
    FollowUpAction,
    ModerationLog,
    ProcedureRecord,
    Rating,
    Topic,
    TopicStatus,
    TopicSupport,
)
from grid.access import RESIDENT_READERS, base_data_q
from grid.models import Area, Resident, ResidentStatus

_visible_comments = Count(
    "comments", filter=Q(comments__status=CommentStatus.VISIBLE), distinct=True
)


def topic_list(
    *, user: User, status: str = "", phase: str = "", area_code: str = ""
) -> QuerySet[Topic]:
    """The topics the user reads, newest first; optionally one status, phase or area."""
    topics = (
        Topic.objects.filter(topic_access(user).readable_q())
        .select_related("area")
        .defer("area__boundary")
        .annotate(comment_count=_visible_comments, support_count=Count("supports", distinct=True))
        .order_by("-updated_at", "-pk")
    )
    if status in TopicStatus.values:
        topics = topics.filter(status=status)
    if phase:
        topics = topics.filter(phase=phase)
    if area_code:
        topics = topics.filter(area__code__startswith=area_code)
    return topics


def topic_get_for_user(*, user: User, topic_id: int) -> Topic | None:
    """The topic, if the user may read it (else None: as if it did not exist)."""
    return (
        Topic.objects.filter(topic_access(user).readable_q(), pk=topic_id)
        .select_related("area", "initiator")
        .defer("area__boundary")
        .first()
    )


def comments_of(topic: Topic) -> list[Comment]:
    """Every comment of the topic, hidden ones too (the page shows their place)."""
    return list(topic.comments.select_related("author").order_by("id"))


def procedure_of(topic: Topic) -> list[ProcedureRecord]:
    return list(topic.procedure.all())


def actions_of(topic: Topic) -> list[FollowUpAction]:
    return list(
        topic.actions.select_related("case").prefetch_related("updates__photos").order_by("id")
    )


def rating_summary(topic: Topic, user: User) -> dict:
    summary = topic.ratings.aggregate(average=Avg("score"), count=Count("id"))
    mine = Rating.objects.filter(topic=topic, user_id=user.pk).first() if user.pk else None
    return {"average": summary["average"], "count": summary["count"], "mine": mine}


def has_supported(topic: Topic, user: User) -> bool:
    if user.resident_id is None:
        return False
    return TopicSupport.objects.filter(topic=topic, resident_id=user.resident_id).exists()


def moderation_queue(*, user: User) -> QuerySet[Comment]:
    """Comments waiting for a moderator: hidden by reports, or reported at all, on the
    topics the user manages."""
    managed = topic_access(user).managed_q()
    return (
        Comment.objects.filter(
            Q(status=CommentStatus.PENDING) | Q(report_count__gt=0, status=CommentStatus.VISIBLE),
            topic__in=Topic.objects.filter(managed),
        )
        .select_related("topic", "author")
        .order_by("status", "id")  # "pending" before "visible"
    )


def moderation_log(*, user: User, limit: int = 50) -> list[ModerationLog]:
    """The latest hides and restores on the topics the user manages, with their reasons."""
    managed = Topic.objects.filter(topic_access(user).managed_q())
    return list(
        ModerationLog.objects.filter(comment__topic__in=managed)
        .select_related("comment__topic", "actor")
        .order_by("-at", "-id")[:limit]
    )


def areas_to_propose_in(*, user: User) -> QuerySet[Area]:
    access = topic_access(user)
    return Area.objects.filter(access.participation_areas_q(), level__gte=2).defer("boundary")


def areas_to_open_in(*, user: User) -> QuerySet[Area]:
    access = topic_access(user)
    return Area.objects.filter(access.manage_areas_q(), level__gte=2).defer("boundary")


def paper_signers(*, user: User, topic: Topic, name: str) -> list[Resident]:
    """Residents of the topic's scope whose name matches, for staff entering a paper
    support: those the user may read in the register (grid.access)."""
    name = name.strip()
    if not name or not topic_access(user).may_manage(topic):
        return []
    readable = base_data_q(
        user, "household__building__grid__code", readers=RESIDENT_READERS, own=Q(pk__in=[])
    )
    return list(
        Resident.objects.filter(
            readable,
            status=ResidentStatus.PRESENT,
            household__building__grid__code__startswith=topic.area.code,
            name__contains=name,
        )
        .select_related("household__building")
        .order_by("household__building__address", "household__room")[:20]
    )
