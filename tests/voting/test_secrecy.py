"""A secret ballot, asked of every role of the area and the operator through every output
— API, pages, export, 公示, admin — before and after it closes: no output names a voter
beside a choice, and no count shows before the close."""

import io
import json

import pytest
from openpyxl import load_workbook

from accounts.models import Role
from accounts.tokens import token_issue
from tests.factories import user_with_role
from tests.voting.conftest import COMMUNITY, GRID, STREET, cast, make_ballot, voter
from voting import services

pytestmark = pytest.mark.django_db
NAME = "欧阳秀英"


@pytest.fixture
def roles(areas):
    return {
        "voter": voter(areas, name=NAME),
        "neighbour": voter(areas, name="邻居"),
        "grid_worker": user_with_role(Role.GRID_WORKER, areas[GRID]),
        "clerk": user_with_role(Role.CLERK, areas[COMMUNITY]),
        "supervisor": user_with_role(Role.SUPERVISOR, areas[STREET]),
        "admin": user_with_role(Role.ADMIN, areas["310101"]),
        "operator": user_with_role(Role.ADMIN, areas["310101"], is_staff=True, is_superuser=True),
    }


def outputs(client, user, ballot) -> list[str]:
    client.force_login(user)
    token = {"HTTP_AUTHORIZATION": f"Bearer {token_issue(user=user)}"}
    texts = [
        client.get(f"/api/v1/ballots/{ballot.pk}", **token).content.decode(),
        client.get(f"/api/v1/ballots?topic={ballot.topic_id}", **token).content.decode(),
    ]
    for suffix in ("", "results/", "notice/"):
        texts.append(client.get(f"/voting/{ballot.pk}/{suffix}").content.decode())
    texts.append(client.get(f"/topics/{ballot.topic_id}/").content.decode())
    exported = client.get(f"/voting/{ballot.pk}/results.xlsx")
    if exported.status_code == 200:
        book = load_workbook(io.BytesIO(exported.content))
        rows = [[str(c) for c in row] for s in book for row in s.iter_rows(values_only=True)]
        texts.append(json.dumps(rows, ensure_ascii=False))
    if user.is_superuser:
        for path in ("ballot/", f"ballot/{ballot.pk}/change/", "meetingresult/"):
            texts.append(client.get(f"/admin/voting/{path}").content.decode())
    return texts


def test_no_output_of_any_role_shows_who_chose_what_or_an_early_count(
    client, areas, topic, clerk, roles
):
    ballot = make_ballot(topic, clerk, secret=True)
    cast(roles["voter"], ballot, "no")
    cast(roles["neighbour"], ballot, "yes")
    for role, user in roles.items():
        detail = outputs(client, user, ballot)
        # the voter's own pages greet them by name in the header: nobody else's may name them
        assert role == "voter" or not any(NAME in text for text in detail), role
        api = json.loads(detail[0])
        assert {o["votes"] for o in api["options"]} == {None} and api["outcome"] is None
    ballot = services.ballot_close(ballot=ballot, actor=clerk)
    for role, user in roles.items():
        if role != "voter":
            assert not any(NAME in text for text in outputs(client, user, ballot)), role


def test_votes_and_ballot_papers_are_not_in_the_admin(client, roles):
    client.force_login(roles["operator"])
    assert client.get("/admin/voting/vote/").status_code == 404
    assert client.get("/admin/voting/choice/").status_code == 404
    assert client.get("/admin/voting/representative/").status_code == 200
