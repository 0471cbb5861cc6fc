"""The ballot events: kinds, payloads and audience (voting.access.ballot_audience).

No payload carries a voter: an opening and a closing say which ballot and (closed) its
result; a tally event — open ballots only, never a secret one — carries the change of
the totals and the new totals, which a page showing the live count refreshes on.
"""

from realtime.publish import emit
from voting.access import ballot_audience
from voting.models import Ballot

BALLOT_OPENED = "ballot.opened"
BALLOT_CLOSED = "ballot.closed"
BALLOT_TALLY = "ballot.tally"
BALLOT_EVENT_KINDS = (BALLOT_OPENED, BALLOT_CLOSED, BALLOT_TALLY)


def _emit(ballot: Ballot, kind: str, payload: dict) -> int:
    base = {"ballot": ballot.pk, "topic": ballot.topic_id, "area": ballot.topic.area.code}
    return emit(
        area_code=ballot.topic.area.code,
        kind=kind,
        payload={**base, **payload},
        audience=ballot_audience(ballot),
    )


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


def ballot_tally(ballot: Ballot, *, delta: dict[str, int], totals: dict[str, int]) -> int | None:
    """The new totals of an open ballot after a cast or change; nothing for a secret
    ballot, whose count nobody sees before it closes."""
    if ballot.secret:
        return None
    return _emit(ballot, BALLOT_TALLY, {"delta": delta, "totals": totals})
