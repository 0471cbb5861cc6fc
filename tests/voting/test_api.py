"""The ballot API: casting with a bearer token (idempotent), refusals as problem+json in
Chinese, what each role of the area and of a neighbouring one sees, and that nothing
shows who chose what on a secret ballot."""

import json
import uuid

import pytest

from accounts.models import Role
from accounts.tokens import token_issue
from tests.factories import user_with_role
from tests.voting.conftest import (
    COMMUNITY,
    NEXT_COMMUNITY,
    NEXT_COMMUNITY_GRID,
    STREET,
    cast,
    make_ballot,
    voter,
)
from voting import services

pytestmark = pytest.mark.django_db


def api(client, user, method: str, path: str, body: dict | None = None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_issue(user=user)}"}
    call = getattr(client, method)
    if body is None:
        return call(f"/api/v1/ballots{path}", **headers)
    return call(
        f"/api/v1/ballots{path}", json.dumps(body), content_type="application/json", **headers
    )


def test_a_vote_is_cast_once_and_a_retry_answers_with_the_first(client, areas, topic, clerk):
    ballot = make_ballot(topic, clerk)
    user, client_id = voter(areas), str(uuid.uuid4())
    body = {"selection": ["yes"], "client_id": client_id, "receipt": "ABCD-EFGH-JKMN"}
    first = api(client, user, "post", f"/{ballot.pk}/votes", body)
    again = api(client, user, "post", f"/{ballot.pk}/votes", body)
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["receipt"] == again.json()["receipt"] == "ABCD-EFGH-JKMN"
    assert first.json()["vote"] == again.json()["vote"]


def test_a_second_household_member_gets_a_409_that_names_nobody(client, areas, topic, clerk):
    from tests.voting.conftest import member, user_for

    ballot = make_ballot(topic, clerk, eligibility_rule="household")
    head = voter(areas, name="户主甲")
    spouse = user_for(member(head.resident.household), areas, "配偶乙")
    api(client, head, "post", f"/{ballot.pk}/votes",
        {"selection": ["yes"], "client_id": str(uuid.uuid4())})  # fmt: skip
    refused = api(client, spouse, "post", f"/{ballot.pk}/votes",
                  {"selection": ["no"], "client_id": str(uuid.uuid4())})  # fmt: skip
    assert refused.status_code == 409
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["detail"] == "您家已经有成员投过票了，每户只能投一票。"
    detail = api(client, spouse, "get", f"/{ballot.pk}").json()
    assert detail["mine"] == {"voted": False, "household_voted": True, "selection": None,
                              "may_change": False}  # fmt: skip
    assert "户主甲" not in json.dumps(detail, ensure_ascii=False)


@pytest.mark.parametrize(
    "body",
    [
        {"selection": ["maybe"], "client_id": "00000000-0000-4000-8000-000000000001"},
        {"selection": "yes", "client_id": "00000000-0000-4000-8000-000000000002"},
        {"selection": ["yes"], "client_id": "not-a-uuid"},
        {"selection": [{"x": 1}], "client_id": "00000000-0000-4000-8000-000000000003"},
        {"selection": ["yes"], "client_id": "00000000-0000-4000-8000-000000000004",
         "receipt": "bad"},
    ],
)  # fmt: skip
def test_bad_input_is_a_422_in_chinese(client, areas, topic, clerk, body):
    ballot = make_ballot(topic, clerk)
    response = api(client, voter(areas), "post", f"/{ballot.pk}/votes", body)
    assert response.status_code in (400, 422)
    assert response["Content-Type"] == "application/problem+json"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["detail"])


def test_a_secret_ballot_shows_no_counts_until_it_closes(client, areas, topic, clerk):
    ballot = make_ballot(topic, clerk, secret=True)
    user = voter(areas, name="李秀英")
    cast(user, ballot, "yes")
    for reader in (user, clerk, user_with_role(Role.SUPERVISOR, areas[STREET])):
        detail = api(client, reader, "get", f"/{ballot.pk}").json()
        assert {o["votes"] for o in detail["options"]} == {None}
        assert detail["outcome"] is None
        assert detail["turnout"] == 1
    mine = api(client, user, "get", f"/{ballot.pk}").json()["mine"]
    assert mine["voted"] and mine["selection"] is None
    services.ballot_close(ballot=ballot, actor=clerk)
    detail = api(client, user, "get", f"/{ballot.pk}").json()
    assert [o["votes"] for o in detail["options"]] == [1, 0, 0]
    assert detail["outcome"]["result"] == "passed"
    assert "李秀英" not in json.dumps(detail, ensure_ascii=False)


def test_an_open_ballot_shows_its_live_tally_and_the_voters_own_choice(client, areas, topic, clerk):
    ballot = make_ballot(topic, clerk, secret=False)
    user = voter(areas)
    cast(user, ballot, "no")
    detail = api(client, user, "get", f"/{ballot.pk}").json()
    assert [o["votes"] for o in detail["options"]] == [0, 1, 0]
    assert detail["mine"]["selection"] == ["no"]


def test_a_receipt_check_says_counted_and_nothing_more(client, areas, topic, clerk):
    ballot = make_ballot(topic, clerk)
    user = voter(areas)
    receipt = cast(user, ballot, "yes").receipt
    checked = api(client, user, "post", f"/{ballot.pk}/receipt", {"receipt": receipt})
    assert checked.json() == {"counted": True}
    wrong = api(client, user, "post", f"/{ballot.pk}/receipt", {"receipt": "ABCD-EFGH-JKMN"})
    assert wrong.json() == {"counted": False}


def test_every_role_of_a_neighbouring_area_gets_a_404(client, areas, topic, clerk):
    ballot = make_ballot(topic, clerk)
    outsiders = [
        voter(areas, NEXT_COMMUNITY_GRID),
        user_with_role(Role.GRID_WORKER, areas[NEXT_COMMUNITY_GRID]),
        user_with_role(Role.CLERK, areas[NEXT_COMMUNITY]),
        user_with_role(Role.SUPERVISOR, areas["310101002"]),
        user_with_role(Role.ADMIN, areas["310101002"]),
        user_with_role(Role.HANDLER, areas[NEXT_COMMUNITY]),
    ]
    for outsider in outsiders:
        assert api(client, outsider, "get", f"/{ballot.pk}").status_code == 404
        assert api(client, outsider, "get", f"?topic={topic.pk}").json() == []
        closing = api(client, outsider, "post", f"/{ballot.pk}/close")
        assert closing.status_code == 404


def test_readers_of_the_area_see_it_and_only_managers_close_it(client, areas, topic, clerk):
    ballot = make_ballot(topic, clerk)
    worker = user_with_role(Role.GRID_WORKER, areas[f"{COMMUNITY}001"])
    assert api(client, worker, "get", f"/{ballot.pk}").status_code == 200
    assert api(client, worker, "post", f"/{ballot.pk}/close").status_code == 403
    assert api(client, voter(areas), "post", f"/{ballot.pk}/close").status_code == 403
    supervisor = user_with_role(Role.SUPERVISOR, areas[STREET])
    assert api(client, supervisor, "post", f"/{ballot.pk}/close").json()["state"] == "closed"


def test_a_phone_lists_the_open_ballots_of_every_topic_it_reads(client, areas, topic, clerk):
    from tests.voting.conftest import make_topic

    open_here = make_ballot(topic, clerk)
    make_ballot(topic, clerk, open_now=False)
    make_ballot(make_topic(areas, NEXT_COMMUNITY), user_with_role(Role.CLERK,
                areas[NEXT_COMMUNITY]))  # fmt: skip
    listed = api(client, voter(areas), "get", "?open_only=true").json()
    assert [b["id"] for b in listed] == [open_here.pk]
    assert len(api(client, voter(areas), "get", "").json()) == 2


def test_a_vote_is_changed_through_the_api_and_a_secret_one_needs_the_receipt(
    client, areas, topic, clerk
):
    openly = make_ballot(topic, clerk, secret=False)
    secret = make_ballot(topic, clerk, secret=True)
    user = voter(areas)
    cast(user, openly, "yes")
    receipt = cast(user, secret, "yes").receipt
    changed = api(client, user, "put", f"/{openly.pk}/votes/mine", {"selection": ["no"]})
    assert changed.status_code == 200
    assert api(client, user, "get", f"/{openly.pk}").json()["mine"]["selection"] == ["no"]
    refused = api(client, user, "put", f"/{secret.pk}/votes/mine", {"selection": ["no"]})
    assert refused.status_code == 422 and "回执码" in refused.json()["detail"]
    body = {"selection": ["no"], "receipt": receipt}
    assert api(client, user, "put", f"/{secret.pk}/votes/mine", body).status_code == 200
