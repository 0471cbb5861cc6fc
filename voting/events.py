"""The ballot events: kinds, payloads and audience (voting.access.ballot_audience).

No payload carries a voter: an opening and a closing say which ballot and (closed) its
result; a tally event — open ballots only, never a secret one — carries how the totals
moved (the delta per option), on which a page showing the live count refreshes. It is
written with the vote's own rows (voting.services), so it carries no fresh totals: a
screen adds the delta to what it shows, or reads the ballot again.
"""

from realtime.models import Event
from realtime.publish import emit, new_event
from voting.access import ballot_audience
from voting.models import Ballot

BALLOT_OPENED = "ballot.opened"
BALLOT_CLOSED = "ballot.closed"
BALLOT_TALLY = "ballot.tally"
BALLOT_EVENT_KINDS = (BALLOT_OPENED, BALLOT_CLOSED, BALLOT_TALLY)


def _fields(ballot: Ballot, kind: str, payload: dict) -> dict:
    base = {"ballot": ballot.pk, "topic": ballot.topic_id, "area": ballot.topic.area.code}
    return {"area_code": ballot.topic.area.code, "kind": kind,
            "payload": {**base, **payload}, "audience": ballot_audience(ballot)}  # fmt: skip


def _emit(ballot: Ballot, kind: str, payload: dict) -> int:
    return emit(**_fields(ballot, kind, payload))


def ballot_opened(ballot: Ballot) -> int:
    return _emit(ballot, BALLOT_OPENED, {"closes_at": ballot.closes_at.isoformat()})


def ballot_closed(ballot: Ballot) -> int:
    outcome = ballot.outcome or {}
    return _emit(
        ballot,
        BALLOT_CLOSED,
        {"result": outcome.get("result"), "cast": outcome.get("cast"),
         "eligible": outcome.get("eligible")},
    )  # fmt: skip


def tally_event(ballot: Ballot, *, delta: dict[str, int]) -> Event | None:
    """The unsaved outbox row of an open ballot's moved tally (the caller saves it with
    the vote and sends it after commit); nothing for a secret ballot, whose count nobody
    sees before it closes."""
    if ballot.secret:
        return None
    return new_event(**_fields(ballot, BALLOT_TALLY, {"delta": delta}))
