"""Lists, queues and the detail view through the API, each scoped to who asks."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from accounts.models import Role
from feedback import services
from feedback.models import Case
from tests.factories import grid_centre, user_with_role
from tests.feedback.conftest import GRID
from tests.feedback.flows import dispatched, handled, registered, reported
from tests.grid.api_support import API, bearer_client, get_json, session_client

NEIGHBOUR_COMMUNITY = "310101001002"  # same street as GRID's community


def ids(body: dict) -> list[int]:
    return [case["id"] for case in body["items"]]


def reported_in(grid: str, reporter, categories) -> Case:
    point = grid_centre(grid)
    case, _ = services.case_report(
        actor=reporter,
        client_id=uuid.uuid4(),
        category=categories["stall"],
        description="路口有摊贩",
        lon=point.x,
        lat=point.y,
    )
    return case


def test_the_supervisor_lists_their_area_newest_first_with_paging(people, categories):
    first, second, third = (reported(people, categories) for _ in range(3))
    client = bearer_client(people["supervisor"])
    status, body = get_json(client, "/cases", limit=2)
    assert status == 200
    assert (body["count"], ids(body)) == (3, [third.pk, second.pk])
    _, rest = get_json(client, "/cases", limit=2, offset=2)
    assert ids(rest) == [first.pk]


def test_the_neighbouring_supervisor_lists_nothing(people, categories):
    reported(people, categories)
    _, body = get_json(bearer_client(people["neighbour_supervisor"]), "/cases")
    assert body == {"items": [], "count": 0}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"state": "registered"}, ["registered"]),
        ({"category": "02"}, ["manhole"]),
        ({"area": "310101001001001"}, ["reported", "registered", "manhole", "overdue"]),
        ({"area": "310101001002"}, []),
        ({"overdue": "true"}, ["overdue"]),
        ({"escalated": "true"}, ["overdue"]),
    ],
)
def test_list_filters_narrow_the_cases(people, categories, params, expected):
    # given
    made = {
        "reported": reported(people, categories),
        "registered": registered(people, categories),
        "manhole": reported(people, categories, category="manhole"),
        "overdue": reported(people, categories),
    }
    Case.objects.filter(pk=made["overdue"].pk).update(
        due_at=timezone.now() - dt.timedelta(hours=1), escalation_level=1
    )
    # when
    _, body = get_json(bearer_client(people["supervisor"]), "/cases", **params)
    # then
    names = {case.pk: name for name, case in made.items()}
    assert sorted(names[i] for i in ids(body)) == sorted(expected)


def test_list_search_by_number_or_description(people, categories):
    case = reported(people, categories)
    client = bearer_client(people["supervisor"])
    _, body = get_json(client, "/cases", q=case.number)
    assert ids(body) == [case.pk]
    _, body = get_json(client, "/cases", q="摊贩")
    assert ids(body) == [case.pk]
    _, body = get_json(client, "/cases", q="井盖")
    assert ids(body) == []


def test_list_by_report_date(people, categories):
    case = reported(people, categories)
    today = timezone.localdate().isoformat()
    client = bearer_client(people["supervisor"])
    _, body = get_json(client, "/cases", **{"from": today, "to": today})
    assert ids(body) == [case.pk]
    _, body = get_json(client, "/cases", **{"to": "2020-01-01"})
    assert ids(body) == []


def test_a_bad_filter_is_a_422(people, categories):
    response = bearer_client(people["supervisor"]).get(f"{API}/cases", {"state": "lost"})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


def test_the_handler_inbox_holds_what_was_dispatched_to_their_department(people, categories):
    case = dispatched(people, categories)
    dispatched(people, categories, category="manhole")
    _, body = get_json(bearer_client(people["handler"]), "/cases/inbox")
    assert ids(body) == [case.pk]
    assert body["items"][0]["department"] == "城管局"


def test_the_verification_queue_is_the_grid_workers_handled_cases(people, categories):
    case = handled(people, categories)
    _, body = get_json(bearer_client(people["worker"]), "/cases/verifications")
    assert ids(body) == [case.pk]
    _, body = get_json(bearer_client(people["neighbour_worker"]), "/cases/verifications")
    assert ids(body) == []


def test_the_escalation_queue_shows_escalated_open_cases(people, categories, areas):
    case = reported(people, categories)
    Case.objects.filter(pk=case.pk).update(escalation_level=1, escalated_to="310101001")
    _, body = get_json(bearer_client(people["supervisor"]), "/cases/escalations")
    assert ids(body) == [case.pk]
    _, body = get_json(bearer_client(people["neighbour_supervisor"]), "/cases/escalations")
    assert ids(body) == []


@pytest.mark.parametrize(
    ("queue", "actor"),
    [("inbox", "resident"), ("escalations", "worker"), ("verifications", "handler")],
)
def test_a_queue_of_another_role_is_403(people, categories, queue, actor):
    response = bearer_client(people[actor]).get(f"{API}/cases/{queue}")
    assert response.status_code == 403
    assert response.json()["detail"] == "您的角色不能查看此列表。"


def test_my_cases_are_the_ones_i_reported(people, categories):
    mine = reported(people, categories)
    reported(people, categories, reporter="other_resident")
    _, body = get_json(session_client(people["resident"]), "/cases/mine")
    assert ids(body) == [mine.pk]


def test_public_cases_hide_the_reporter_sensitive_and_hidden_cases(people, categories):
    # given
    shown = registered(people, categories)
    registered(people, categories, category="dispute")
    hidden = registered(people, categories)
    services.case_hide(actor=people["supervisor"], case_id=hidden.pk, reason="隐私")
    # when
    _, body = get_json(bearer_client(people["other_resident"]), "/cases/public")
    # then
    assert ids(body) == [shown.pk]
    assert "reporter" not in body["items"][0]


@pytest.mark.parametrize("who", ["resident", "worker"])
def test_public_cases_of_a_community_outside_the_users_scope_are_403(
    people, categories, areas, who
):
    # given a public case in the neighbouring community
    neighbour = user_with_role(Role.RESIDENT, areas[NEIGHBOUR_COMMUNITY])
    reported_in(NEIGHBOUR_COMMUNITY + "001", neighbour, categories)
    # when a resident (or grid worker) of this community asks for it by its code
    response = bearer_client(people[who]).get(
        f"{API}/cases/public", {"community": NEIGHBOUR_COMMUNITY}
    )
    # then
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "您只能查看本人所在社区的公开事件。"


def test_public_cases_of_the_own_community_or_one_under_a_staff_scope_are_listed(
    people, categories
):
    shown = registered(people, categories)
    for who in ("resident", "worker", "supervisor"):
        status, body = get_json(bearer_client(people[who]), "/cases/public", community=GRID[:12])
        assert (status, ids(body)) == (200, [shown.pk]), who


def test_a_handler_reads_no_public_list_only_what_is_dispatched_to_them(people, categories):
    reported(people, categories)
    status, _body = get_json(bearer_client(people["handler"]), "/cases/public", community=GRID[:12])
    assert status == 403


def test_public_cases_need_a_community_when_the_user_has_none(people, categories):
    response = bearer_client(people["handler"]).get(f"{API}/cases/public")
    assert response.status_code == 422
    assert response.json()["detail"] == "请选择社区。"


# --- detail and who sees the reporter ------------------------------------------------------


def detail(people, who: str, case: Case) -> dict:
    status, body = get_json(bearer_client(people[who]), f"/cases/{case.pk}")
    assert status == 200, body
    return body


def test_the_detail_carries_the_timeline_in_order(people, categories):
    case = handled(people, categories)
    body = detail(people, "supervisor", case)
    assert [e["action"] for e in body["timeline"]] == ["report", "register", "dispatch", "handle"]
    assert body["timeline"][1]["actor"] == str(people["supervisor"])
    assert body["grid_name"] and body["department"] == "城管局"


def test_an_anonymous_reporter_is_hidden_from_the_department_not_from_the_supervisor(
    people, categories
):
    case = dispatched(people, categories, anonymous=True)
    name = str(people["resident"])
    assert detail(people, "supervisor", case)["reporter"] == name
    assert detail(people, "resident", case)["reporter"] == name
    handler_view = detail(people, "handler", case)
    assert handler_view["reporter"] is None
    assert handler_view["timeline"][0]["actor"] is None
    assert detail(people, "worker", case)["reporter"] is None


def test_a_named_reporter_is_shown_to_the_department(people, categories):
    case = dispatched(people, categories)
    assert detail(people, "handler", case)["reporter"] == str(people["resident"])


def test_a_follower_of_a_merged_case_sees_neither_the_reporter_nor_staff_names(people, categories):
    master = registered(people, categories)
    duplicate = reported(people, categories, reporter="other_resident")
    services.case_merge(actor=people["supervisor"], case_id=duplicate.pk, master_id=master.pk)
    body = detail(people, "other_resident", master)
    assert body["reporter"] is None
    assert {e["actor"] for e in body["timeline"]} == {None}


@pytest.mark.parametrize("who", ["other_resident", "neighbour_supervisor", "other_handler"])
def test_a_case_outside_the_scope_is_404(people, categories, who):
    case = dispatched(people, categories)
    response = bearer_client(people[who]).get(f"{API}/cases/{case.pk}")
    assert response.status_code == 404
    assert response.json()["detail"] == "事件不存在或不在您的管辖范围内。"


def test_the_openapi_schema_documents_every_case_endpoint(people):
    schema = bearer_client(people["resident"]).get(f"{API}/openapi.json").json()
    paths = [p for p in schema["paths"] if p.startswith("/api/v1/cases")]
    actions = {p.rsplit("/", 1)[-1] for p in paths}
    for action in (
        "register",
        "reject",
        "dispatch",
        "merge",
        "hide",
        "handle",
        "send-back",
        "verify",
        "on-spot",
        "withdraw",
        "reopen",
        "rate",
        "photos",
        "inbox",
        "escalations",
        "verifications",
        "mine",
        "public",
        "duplicates",
        "categories",
    ):
        assert action in actions
    assert schema["paths"]["/api/v1/cases/{case_id}/register"]["post"]["summary"] == "立案"
