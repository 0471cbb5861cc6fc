"""Opinion-map API for the phone app: a topic's statements, vote, the next statement,
add a statement, the map; moderation for staff. A topic or statement the user may not
read answers 404, as one that does not exist."""

from django.http import HttpRequest
from ninja import Path, Router, Status

from opinions import presenters, selectors, services
from opinions.access import opinion_access
from opinions.schemas import (
    CHOICE_NAMES,
    CHOICES,
    ModerateIn,
    ModerationItemOut,
    NextOut,
    SnapshotOut,
    StatementIn,
    StatementOut,
    VoteIn,
    VoteOut,
)

router = Router(tags=["opinions"])

MAX_ID = 2**63 - 1
TopicId = Path(..., ge=1, le=MAX_ID)


@router.get("/topics/{int:topic_id}/statements", response=list[StatementOut], summary="议题的观点")
def statement_list(request: HttpRequest, topic_id: int = TopicId):
    """Accepted statements, and your own pending or rejected ones (every one, for the
    topic's moderators)."""
    topic = selectors.topic_get_for_user(request.user, topic_id)
    votes = selectors.my_votes(request.user, topic)
    return [
        presenters.statement_view(s, request.user, votes)
        for s in selectors.statement_list(request.user, topic)
    ]


@router.post(
    "/topics/{int:topic_id}/statements", response={201: StatementOut, 200: StatementOut},
    summary="提出观点",
)  # fmt: skip
def statement_add(request: HttpRequest, payload: StatementIn, topic_id: int = TopicId):
    """A resident's statement waits for a moderator; a moderator's is accepted at once.
    The same client_id sent again answers 200 with the first statement."""
    selectors.topic_get_for_user(request.user, topic_id)
    statement, created = services.statement_add(
        actor=request.user, topic_id=topic_id, text=payload.text, client_id=payload.client_id
    )
    return Status(201 if created else 200, presenters.statement_view(statement, request.user, {}))


@router.post("/statements/{int:statement_id}/vote", response=VoteOut, summary="表态")
def statement_vote(request: HttpRequest, payload: VoteIn, statement_id: int = TopicId):
    """Agree, disagree or pass; sending it again changes (or repeats) your vote."""
    vote = services.statement_vote(
        actor=request.user, statement_id=statement_id, choice=CHOICES[payload.choice]
    )
    return {"statement": vote.statement_id, "choice": CHOICE_NAMES[vote.choice]}


@router.get("/topics/{int:topic_id}/next", response=NextOut, summary="下一条观点")
def statement_next(request: HttpRequest, topic_id: int = TopicId):
    """The statement to show you next: those that divide or unite the groups come first,
    new ones get their turn; the same request again answers the same statement. None for
    a reader who does not take part, or once the map no longer takes votes."""
    topic = selectors.topic_get_for_user(request.user, topic_id)
    votes = opinion_access(request.user).may_vote(topic)
    statement = selectors.statement_next(request.user, topic) if votes else None
    return {
        "statement": presenters.statement_view(statement, request.user, {}) if statement else None,
        "remaining": selectors.remaining_count(request.user, topic),
    }


@router.get("/topics/{int:topic_id}/snapshot", response=SnapshotOut, summary="意见地图")
def snapshot(request: HttpRequest, topic_id: int = TopicId):
    """The latest map: groups with their representative statements, the points (no one's
    identity), the consensus, and your own place."""
    topic = selectors.topic_get_for_user(request.user, topic_id)
    return presenters.map_view(request.user, topic)


@router.get("/moderation", response=list[ModerationItemOut], summary="待审核的观点")
def moderation_queue(request: HttpRequest):
    return [
        {"id": s.pk, "topic": s.topic_id, "topic_title": s.topic.title, "text": s.text,
         "created_at": s.created_at}
        for s in selectors.moderation_queue(request.user)[:200]
    ]  # fmt: skip


@router.post("/statements/{int:statement_id}/moderate", response=StatementOut, summary="审核观点")
def statement_moderate(request: HttpRequest, payload: ModerateIn, statement_id: int = TopicId):
    statement = services.statement_moderate(
        actor=request.user, statement_id=statement_id, accept=payload.accept, reason=payload.reason
    )
    return presenters.statement_view(statement, request.user, {})
