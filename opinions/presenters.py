"""The opinion map as a page and the API show it: the latest snapshot with its statements'
texts filled in (accepted ones only: what every reader may see), and the asking user's
own place. Nothing in it names a participant."""

from dataclasses import asdict

from accounts.models import User
from consultation.models import Topic
from opinions import selectors
from opinions.models import Moderation, Statement


def map_view(user: User, topic: Topic) -> dict:
    """{computed_at, participants, placed, groups, points, consensus, me}; groups and
    consensus carry each statement's text. Empty lists before the first computation."""
    snapshot = selectors.snapshot_latest(topic)
    place = selectors.my_place(user, topic)
    if snapshot is None:
        return {
            "computed_at": None, "participants": 0, "placed": 0,
            "groups": [], "points": [], "consensus": [], "me": None,
        }  # fmt: skip
    texts = dict(
        Statement.objects.filter(topic=topic, state=Moderation.ACCEPTED).values_list("id", "text")
    )
    groups = [
        {
            "label": g["label"],
            "size": g["size"],
            "representative": [
                {**r, "text": texts[r["statement"]]}
                for r in g["representative"]
                if r["statement"] in texts
            ],
        }
        for g in snapshot.groups
    ]
    labels = [g["label"] for g in snapshot.groups]
    consensus = [
        {
            **c,
            "text": texts[c["statement"]],
            "per_group": dict(zip(labels, c["per_group"], strict=False)),
        }
        for c in snapshot.consensus
        if c["statement"] in texts
    ]
    return {
        "computed_at": snapshot.computed_at,
        "participants": snapshot.participants,
        "placed": snapshot.placed,
        "groups": groups,
        "points": snapshot.points,
        "consensus": consensus,
        "me": asdict(place) if place else None,
    }


def statement_view(statement: Statement, user: User, votes: dict[int, int]) -> dict:
    """A statement as its reader sees it: the rejection reason only reaches its author
    and the moderators, who are the only ones shown a rejected statement at all."""
    from opinions.schemas import CHOICE_NAMES

    mine = user.is_authenticated and statement.author_id == user.pk
    choice = votes.get(statement.pk)
    return {
        "id": statement.pk,
        "text": statement.text,
        "state": statement.state,
        "reason": statement.reason,
        "mine": mine,
        "my_vote": CHOICE_NAMES[choice] if choice is not None else None,
        "votes": getattr(statement, "vote_count", 0),
        "created_at": statement.created_at,
    }
