"""A cast through the API on both paths of its hot statements (infra.django_private:
compiled once, or built every time): the same checks, the same rows, the same tally."""

import json
import uuid

import pytest

from accounts.tokens import token_issue
from tests.voting.conftest import NEXT_COMMUNITY_GRID, make_ballot, voter
from voting.models import Choice, Option, Vote

pytestmark = pytest.mark.django_db


def cast(client, user, ballot, *selection):
    body = {"selection": list(selection), "client_id": str(uuid.uuid4())}
    return client.post(
        f"/api/v1/ballots/{ballot.pk}/votes", json.dumps(body), content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_issue(user=user)}",
    )  # fmt: skip


@pytest.mark.parametrize("reuse", [True, False])
def test_votes_count_once_and_outsiders_are_refused_on_either_path(
    client, areas, topic, clerk, settings, reuse
):
    settings.REUSE_COMPILED_STATEMENTS = reuse
    ballot = make_ballot(topic, clerk, secret=False)
    first, second = voter(areas), voter(areas)
    assert cast(client, first, ballot, "yes").status_code == 201
    assert cast(client, second, ballot, "no").status_code == 201
    assert cast(client, first, ballot, "no").status_code == 409  # one vote per voter
    outsider = voter(areas, NEXT_COMMUNITY_GRID)
    assert cast(client, outsider, ballot, "yes").status_code == 404  # may not read it
    assert cast(client, first, type(ballot)(pk=ballot.pk + 1000), "yes").status_code == 404
    tally = dict(Option.objects.filter(ballot=ballot).values_list("code", "votes"))
    assert tally == {"yes": 1, "no": 1, "abstain": 0}
    assert Vote.objects.filter(ballot=ballot).count() == Choice.objects.count() == 2
