"""Every transition through the API: who may, who gets 403, who gets 404, which state 409."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from feedback import services
from feedback.models import Case, CaseState
from tests.factories import grid_centre
from tests.feedback.conftest import NEIGHBOUR_GRID
from tests.feedback.flows import closed, dispatched, handled, registered, reported
from tests.feedback.photos import image_bytes
from tests.grid.api_support import API, bearer_client, session_client

FLOWS = {
    "reported": reported,
    "registered": registered,
    "dispatched": dispatched,
    "handled": handled,
    "closed": closed,
}


def act(client, case_id: int, action: str, body: dict | None = None, *, multipart=False):
    url = f"{API}/cases/{case_id}/{action}"
    if multipart:
        return client.post(url, body or {})
    return client.post(url, body or {}, content_type="application/json")


def problem(response, status: int) -> str:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    return response.json()["detail"]


HAPPY = [
    ("reported", "register", "supervisor", {"note": "属实"}, CaseState.REGISTERED),
    ("reported", "reject", "supervisor", {"reason": "不属于受理范围"}, CaseState.REJECTED),
    ("registered", "dispatch", "supervisor", {}, CaseState.DISPATCHED),
    ("dispatched", "send-back", "handler", {"reason": "非本部门职责"}, CaseState.REGISTERED),
    ("handled", "verify", "worker", {"passed": True}, CaseState.CLOSED),
    ("handled", "verify", "worker", {"passed": False, "note": "摊贩又回来了"}, "dispatched"),
    ("reported", "withdraw", "resident", {"reason": "已自行解决"}, CaseState.WITHDRAWN),
    ("closed", "reopen", "resident", {"reason": "问题又出现了"}, CaseState.REGISTERED),
]


@pytest.mark.parametrize("auth", ["bearer", "session"])
@pytest.mark.parametrize(("start", "action", "actor", "body", "state"), HAPPY)
def test_a_transition_by_the_right_person_moves_the_case(
    people, categories, auth, start, action, actor, body, state
):
    # given
    case = FLOWS[start](people, categories)
    client = (bearer_client if auth == "bearer" else session_client)(people[actor])
    # when
    response = act(client, case.pk, action, body)
    # then
    assert response.status_code == 200, response.content
    detail = response.json()
    assert detail["state"] == state
    assert detail["timeline"][-1]["to_state"] == state
    assert Case.objects.get(pk=case.pk).state == state


WRONG_ROLE = [
    ("reported", "register", "worker", {}),
    ("reported", "reject", "resident", {"reason": "x"}),
    ("registered", "dispatch", "clerk", {}),
    ("reported", "merge", "worker", {"master": 1}),
    ("reported", "hide", "worker", {"reason": "x"}),
    ("dispatched", "send-back", "supervisor", {"reason": "x"}),
    ("handled", "verify", "supervisor", {"passed": True}),
    ("reported", "withdraw", "supervisor", {}),
    ("closed", "reopen", "worker", {"reason": "x"}),
    ("closed", "rate", "supervisor", {"rating": "satisfied"}),
]


@pytest.mark.parametrize(("start", "action", "actor", "body"), WRONG_ROLE)
def test_a_transition_by_the_wrong_role_is_403(people, categories, start, action, actor, body):
    case = FLOWS[start](people, categories)
    if action == "merge":
        body = {"master": reported(people, categories).pk}
    response = act(bearer_client(people[actor]), case.pk, action, body)
    assert problem(response, 403) in {
        "您没有对该事件执行此操作的权限（角色或管辖区域不符）。",
        "只有反映人本人可以执行此操作。",
    }
    assert Case.objects.get(pk=case.pk).state == case.state


NEIGHBOURS = [
    ("reported", "register", "neighbour_supervisor", {}),
    ("registered", "dispatch", "neighbour_supervisor", {}),
    ("dispatched", "send-back", "other_handler", {"reason": "x"}),
    ("handled", "verify", "neighbour_worker", {"passed": True}),
    ("closed", "rate", "other_resident", {"rating": "satisfied"}),
]


@pytest.mark.parametrize(("start", "action", "actor", "body"), NEIGHBOURS)
def test_a_case_outside_the_users_scope_is_404(people, categories, start, action, actor, body):
    case = FLOWS[start](people, categories)
    response = act(bearer_client(people[actor]), case.pk, action, body)
    assert problem(response, 404) == "事件不存在或不在您的管辖范围内。"


WRONG_STATE = [
    ("registered", "register", "supervisor", {}),
    ("dispatched", "reject", "supervisor", {"reason": "x"}),
    ("reported", "dispatch", "supervisor", {}),
    ("dispatched", "verify", "worker", {"passed": True}),
    ("dispatched", "withdraw", "resident", {}),
    ("handled", "reopen", "resident", {"reason": "x"}),
    ("handled", "rate", "resident", {"rating": "satisfied"}),
]


@pytest.mark.parametrize(("start", "action", "actor", "body"), WRONG_STATE)
def test_a_transition_in_the_wrong_state_is_409(people, categories, start, action, actor, body):
    case = FLOWS[start](people, categories)
    response = act(bearer_client(people[actor]), case.pk, action, body)
    assert problem(response, 409).startswith("事件当前状态为")


def test_a_case_that_does_not_exist_is_404(people, categories):
    response = act(bearer_client(people["supervisor"]), 2**62, "register")
    assert problem(response, 404) == "事件不存在或不在您的管辖范围内。"


@pytest.mark.parametrize(
    ("start", "action", "actor", "body", "detail"),
    [
        ("reported", "reject", "supervisor", {}, "请填写不予立案的理由。"),
        ("dispatched", "send-back", "handler", {"reason": " "}, "请填写退回理由。"),
        ("handled", "verify", "worker", {"passed": False}, "核查不通过时请说明原因。"),
        ("closed", "rate", "resident", {"rating": "unsatisfied"}, "不满意时请填写意见。"),
        ("closed", "rate", "resident", {"rating": "great"}, "请选择满意、基本满意或不满意。"),
        ("registered", "dispatch", "supervisor", {"department": "nope"}, "派遣部门不存在。"),
    ],
)
def test_missing_reasons_and_bad_choices_are_422(
    people, categories, start, action, actor, body, detail
):
    case = FLOWS[start](people, categories)
    response = act(bearer_client(people[actor]), case.pk, action, body)
    assert problem(response, 422) == detail


def test_dispatch_to_a_chosen_department_and_handler(people, categories, departments):
    case = registered(people, categories)
    body = {"department": "cgj", "assignee": people["handler"].pk, "note": "请尽快处置"}
    response = act(bearer_client(people["supervisor"]), case.pk, "dispatch", body)
    assert response.status_code == 200
    assert response.json()["department"] == "城管局"
    assert Case.objects.get(pk=case.pk).assignee == people["handler"]


def test_dispatch_to_someone_outside_the_department_is_422(people, categories):
    case = registered(people, categories)
    body = {"department": "cgj", "assignee": people["other_handler"].pk}
    response = act(bearer_client(people["supervisor"]), case.pk, "dispatch", body)
    assert problem(response, 422) == "承办人不属于所选部门。"


def test_the_handler_handles_with_after_photos(people, categories):
    case = dispatched(people, categories)
    photo = SimpleUploadedFile("after.jpg", image_bytes("JPEG"), content_type="image/jpeg")
    response = act(
        bearer_client(people["handler"]),
        case.pk,
        "handle",
        {"note": "已劝离摊贩", "photos": [photo]},
        multipart=True,
    )
    assert response.status_code == 200, response.content
    detail = response.json()
    assert detail["state"] == CaseState.HANDLED
    last = detail["timeline"][-1]
    assert (last["action"], last["note"], [p["stage"] for p in last["photos"]]) == (
        "handle",
        "已劝离摊贩",
        ["after"],
    )


def test_handling_without_a_note_is_422_and_a_bad_photo_too(people, categories):
    case = dispatched(people, categories)
    handler = bearer_client(people["handler"])
    assert problem(act(handler, case.pk, "handle", {"note": ""}, multipart=True), 422) == (
        "请填写处置情况。"
    )
    bad = SimpleUploadedFile("x.gif", b"GIF89a....", content_type="image/gif")
    response = act(handler, case.pk, "handle", {"note": "好了", "photos": [bad]}, multipart=True)
    assert problem(response, 422).startswith("文件 x.gif 不是可识别的照片")
    assert Case.objects.get(pk=case.pk).state == CaseState.DISPATCHED


def test_handling_by_a_grid_worker_who_sees_the_case_is_403(people, categories):
    case = dispatched(people, categories)
    response = act(
        bearer_client(people["worker"]), case.pk, "handle", {"note": "x"}, multipart=True
    )
    assert problem(response, 403)


def test_handling_by_another_department_is_404(people, categories):
    case = dispatched(people, categories)
    response = act(
        bearer_client(people["other_handler"]), case.pk, "handle", {"note": "x"}, multipart=True
    )
    assert problem(response, 404)


def test_the_supervisor_merges_a_duplicate_into_its_master(people, categories):
    master = reported(people, categories)
    duplicate = reported(people, categories, reporter="other_resident")
    response = act(
        bearer_client(people["supervisor"]), duplicate.pk, "merge", {"master": master.pk}
    )
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["master"]) == ("merged", master.pk)
    mine = bearer_client(people["other_resident"]).get(f"{API}/cases/mine").json()
    assert {c["id"] for c in mine["items"]} == {master.pk, duplicate.pk}


def test_merging_into_a_case_outside_the_scope_is_404(people, categories):
    case = reported(people, categories)
    point = grid_centre(NEIGHBOUR_GRID)
    other, _ = services.case_report(
        actor=people["neighbour_worker"],
        client_id=uuid.uuid4(),
        category=categories["stall"],
        description="对面街道的占道",
        lon=point.x,
        lat=point.y,
    )
    response = act(bearer_client(people["supervisor"]), case.pk, "merge", {"master": other.pk})
    assert problem(response, 404) == "主事件不存在或不在您的管辖范围内。"


def test_hiding_records_the_reason_and_takes_the_case_off_public_lists(people, categories):
    case = registered(people, categories)
    supervisor = bearer_client(people["supervisor"])
    response = act(supervisor, case.pk, "hide", {"reason": "含有他人隐私"})
    assert response.status_code == 200
    assert response.json()["timeline"][-1]["action"] == "hide"
    public = bearer_client(people["other_resident"]).get(f"{API}/cases/public").json()
    assert public["items"] == []
    act(supervisor, case.pk, "hide", {"reason": "已处理隐私", "hidden": False})
    public = bearer_client(people["other_resident"]).get(f"{API}/cases/public").json()
    assert [c["id"] for c in public["items"]] == [case.pk]


def test_hiding_without_a_reason_is_422(people, categories):
    case = reported(people, categories)
    response = act(bearer_client(people["supervisor"]), case.pk, "hide", {})
    assert problem(response, 422) == "请填写屏蔽或恢复的理由。"


def test_the_reporter_rates_once(people, categories):
    case = closed(people, categories)
    resident = bearer_client(people["resident"])
    response = act(resident, case.pk, "rate", {"rating": "basic", "comment": "慢了点"})
    assert response.status_code == 200
    assert response.json()["rating"] == "basic"
    assert problem(act(resident, case.pk, "rate", {"rating": "satisfied"}), 409) == (
        "该事件已评价。"
    )
