"""The opinion map's section on the topic page (consultation.sections): how many
statements and groups there are, and the way to the map."""

from django.http import HttpRequest

from consultation.models import Topic
from opinions.access import is_open, opinion_access
from opinions.models import Moderation, Statement
from opinions.selectors import snapshot_latest


def topic_section(request: HttpRequest, topic: Topic) -> dict | None:
    """Shown to the topic's readers once the map has a statement, or while it is open."""
    access = opinion_access(request.user)
    if not access.may_read(topic):
        return None
    statements = Statement.objects.filter(topic=topic, state=Moderation.ACCEPTED).count()
    if not statements and not is_open(topic):
        return None
    snapshot = snapshot_latest(topic)
    return {
        "statements": statements,
        "groups": [(g["label"], g["size"]) for g in snapshot.groups] if snapshot else [],
        "consensus": len(snapshot.consensus) if snapshot else 0,
        "may_vote": access.may_vote(topic),
        # what waits for the moderators, counted for them only
        "pending": Statement.objects.filter(topic=topic, state=Moderation.PENDING).count()
        if access.moderates(topic)
        else 0,
    }


def register() -> None:
    from consultation.sections import register_topic_section

    register_topic_section(
        "opinions", template="opinions/_topic_section.html", context=topic_section, order=40
    )
