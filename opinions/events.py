"""The opinion map's events: their kinds, payloads and receivers (opinions.access).

A payload names the topic and, where it matters, a statement id and the group sizes:
never a participant, an author or a statement's text, so a screen refetches what its user
may see.
"""

from consultation.models import Topic
from opinions.access import map_audience, moderator_audience
from opinions.models import Moderation, OpinionSnapshot, Statement
from realtime.publish import emit

OPINION_UPDATED = "opinion.updated"  # the map was computed again
OPINION_STATEMENT = "opinion.statement"  # a statement was accepted: everyone may vote on it
OPINION_MODERATION = "opinion.moderation"  # added for review, or rejected (moderators only)


def updated_emit(snapshot: OpinionSnapshot) -> int:
    topic = snapshot.topic
    sizes = {group["label"]: group["size"] for group in snapshot.groups}
    return emit(
        area_code=topic.area.code,
        kind=OPINION_UPDATED,
        payload={"topic": topic.pk, "groups": sizes, "placed": snapshot.placed},
        audience=map_audience(topic.area.code),
    )


def statement_emit(statement: Statement) -> int:
    """An accepted statement to the map's readers; a pending or rejected one to the
    moderators, whose queue changed."""
    topic: Topic = statement.topic
    accepted = statement.state == Moderation.ACCEPTED
    return emit(
        area_code=topic.area.code,
        kind=OPINION_STATEMENT if accepted else OPINION_MODERATION,
        payload={"topic": topic.pk, "statement": statement.pk},
        audience=(map_audience if accepted else moderator_audience)(topic.area.code),
    )
