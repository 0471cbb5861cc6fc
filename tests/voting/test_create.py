"""Setting up a ballot: the staff page and the API, each sent twice making one ballot,
refused to residents and to the staff of a neighbouring community."""

import datetime as dt
import json
import uuid

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.tokens import token_issue
from tests.factories import user_with_role
from tests.voting.conftest import NEXT_COMMUNITY, voter
from voting.models import Ballot

pytestmark = pytest.mark.django_db
LOCAL = "%Y-%m-%dT%H:%M"


def form_data(**changes) -> dict:
    now = timezone.localtime()
    data = {
        "kind": "budget", "question": "社区微更新预算", "eligibility": "household",
        "channel": "online", "secret": "on", "allow_change": "on",
        "options": "路灯|40000\n座椅|15000\n\n绿化|30000", "min_choices": "1",
        "max_choices": "2", "budget": "50000", "quorum": "percent", "quorum_percent": "30",
        "threshold": "", "base": "cast",
        "opens_at": (now + dt.timedelta(hours=1)).strftime(LOCAL),
        "closes_at": (now + dt.timedelta(days=7)).strftime(LOCAL),
        "client_id": str(uuid.uuid4()),
    }  # fmt: skip
    return {**data, **changes}


def test_a_clerk_sets_up_a_budget_ballot_once_from_the_page(client, areas, topic, clerk):
    client.force_login(clerk)
    assert client.get(f"/voting/new/{topic.pk}/").status_code == 200
    data = form_data()
    first = client.post(f"/voting/new/{topic.pk}/", data)
    again = client.post(f"/voting/new/{topic.pk}/", data)
    assert first.status_code == again.status_code == 302
    ballot = Ballot.objects.get()
    assert [(o.label, o.cost) for o in ballot.options.all()] == [
        ("路灯", 40000), ("座椅", 15000), ("绿化", 30000),
    ]  # fmt: skip
    assert ballot.rules == {"version": 1, "strategy": "headcount", "quorum": "percent:30",
                            "threshold": None, "base": "cast"}  # fmt: skip
    assert ballot.state == "scheduled"


def test_a_bad_form_comes_back_with_the_reason(client, areas, topic, clerk):
    client.force_login(clerk)
    answer = client.post(f"/voting/new/{topic.pk}/", form_data(options="路灯|很多"))
    assert answer.status_code == 422 and "费用须为整数" in answer.content.decode()
    answer = client.post(f"/voting/new/{topic.pk}/", form_data(kind="yes_no", threshold=""))
    assert answer.status_code == 422 and "必须设定通过比例" in answer.content.decode()
    assert not Ballot.objects.exists()


def test_residents_and_the_next_communitys_staff_cannot_set_one_up(client, areas, topic):
    for user in (voter(areas), user_with_role(Role.CLERK, areas[NEXT_COMMUNITY])):
        client.force_login(user)
        assert client.get(f"/voting/new/{topic.pk}/").status_code == 404
        assert client.post(f"/voting/new/{topic.pk}/", form_data()).status_code == 404
    assert not Ballot.objects.exists()


def test_the_api_creates_a_ranked_ballot_once(client, areas, topic, clerk):
    now = timezone.now()
    body = {"topic": topic.pk, "kind": "ranked", "question": "车位分配方式",
            "eligibility": "person", "options": [{"label": "抽签"}, {"label": "轮换"}],
            "threshold": "more_than_half", "opens_at": now.isoformat(),
            "closes_at": (now + dt.timedelta(days=3)).isoformat(),
            "client_id": str(uuid.uuid4())}  # fmt: skip
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_issue(user=clerk)}"}
    made = client.post("/api/v1/ballots", json.dumps(body), content_type="application/json",
                       **headers)  # fmt: skip
    again = client.post("/api/v1/ballots", json.dumps(body), content_type="application/json",
                        **headers)  # fmt: skip
    assert (made.status_code, again.status_code) == (201, 200)
    assert made.json()["id"] == again.json()["id"]
    assert [o["label"] for o in made.json()["options"]] == ["抽签", "轮换"]
    body["quorum"] = "percent:0"
    body["client_id"] = str(uuid.uuid4())
    bad = client.post("/api/v1/ballots", json.dumps(body), content_type="application/json",
                      **headers)  # fmt: skip
    assert bad.status_code == 422 and "设置无效" in bad.json()["detail"]
