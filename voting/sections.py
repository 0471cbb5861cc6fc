"""The ballots' section on the topic page (consultation.sections): each ballot of the
topic with its state, and the way to vote or to the results."""

from django.http import HttpRequest

from consultation.models import Topic
from voting import selectors
from voting.access import ballot_access


def topic_section(request: HttpRequest, topic: Topic) -> dict | None:
    """Shown to the topic's readers once it has a ballot; to its managers always (the
    way to set one up)."""
    ballots = list(selectors.ballot_list(user=request.user, topic_id=topic.pk))
    may_create = ballot_access(request.user).may_create_for(topic)
    if not ballots and not may_create:
        return None
    return {
        "ballots": [selectors.ballot_view(user=request.user, ballot=b) for b in ballots],
        "may_create": may_create,
    }


def register() -> None:
    from consultation.sections import register_topic_section

    register_topic_section(
        "ballots", template="voting/_topic_ballots.html", context=topic_section, order=30
    )
