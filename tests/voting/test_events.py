"""Ballot events: who receives them, and that no payload carries a voter and no secret
ballot sends a tally."""

import json

import pytest

from tests.events import capture_events
from tests.voting.conftest import cast, make_ballot, voter
from voting import services

pytestmark = pytest.mark.django_db(transaction=True)

AUDIENCE = ["area.310101001001", "staff.310101", "staff.310101001"]


def test_an_open_ballot_sends_the_tally_delta_to_the_area_and_the_staff_above(areas, topic, clerk):
    ballot = make_ballot(topic, clerk, secret=False)
    user = voter(areas, name="李秀英")
    with capture_events(expected=1) as events:
        cast(user, ballot, "yes")
    (event,) = events
    assert event.kind == "ballot.tally"
    assert sorted(event.audience) == AUDIENCE
    assert event.payload["delta"] == {"yes": 1}
    assert event.payload["ballot"] == ballot.pk
    _no_voter_in(event.payload, user)


def test_a_secret_ballot_sends_no_tally(areas, topic, clerk):
    ballot = make_ballot(topic, clerk, secret=True)
    with capture_events(expected=0):
        cast(voter(areas), ballot, "yes")


def test_opening_and_closing_are_announced_without_voters(areas, topic, clerk):
    with capture_events(expected=1) as opened:
        ballot = make_ballot(topic, clerk, secret=True)
    user = voter(areas, name="王建国")
    cast(user, ballot, "no")
    with capture_events(expected=1) as closed:
        services.ballot_close(ballot=ballot, actor=clerk)
    assert opened[0].kind == "ballot.opened"
    assert closed[0].kind == "ballot.closed"
    assert closed[0].payload["result"] == "failed"
    for event in (*opened, *closed):
        assert sorted(event.audience) == AUDIENCE
        _no_voter_in(event.payload, user)


def _no_voter_in(payload: dict, user) -> None:
    text = json.dumps(payload, ensure_ascii=False)
    assert "王建国" not in text and "李秀英" not in text
    for field in ("user", "voter", "resident", "household", "receipt"):
        assert field not in payload
