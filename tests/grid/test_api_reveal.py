"""Revealing an ID number or phone: permission, scope, reason, audit, CSRF."""

import pytest

from accounts.models import Role
from grid.models import PersonalDataReveal
from tests.factories import grant_reveal, make_resident, user_with_role
from tests.grid.api_support import API, bearer_client, post_json, session_client

GRID_1, GRID_2 = "310101001001001", "310101002001001"


@pytest.fixture
def ours(areas):
    return make_resident(GRID_1, phone="13812345678")


@pytest.fixture
def theirs(areas):
    return make_resident(GRID_2, phone="13987654321")


@pytest.fixture
def clerk(areas):
    """A window clerk of street 1 who may reveal."""
    return grant_reveal(user_with_role(Role.CLERK, areas["310101001"]))


def reveal_path(resident) -> str:
    return f"/grid/residents/{resident.id}/reveal"


def test_reveal_returns_the_clear_value_and_writes_an_audit_record(ours, clerk):
    status, body = post_json(
        session_client(clerk), reveal_path(ours), {"field": "id_number", "reason": "办理低保"}
    )
    assert (status, body) == (200, {"field": "id_number", "value": ours.id_number})
    [record] = PersonalDataReveal.objects.all()
    assert (record.actor, record.resident, record.field, record.reason) == (
        clerk,
        ours,
        "id_number",
        "办理低保",
    )


def test_reveal_of_a_phone_works_the_same_way(ours, clerk):
    _status, body = post_json(
        session_client(clerk), reveal_path(ours), {"field": "phone", "reason": "联系家属"}
    )
    assert body["value"] == "13812345678"
    assert PersonalDataReveal.objects.get().field == "phone"


def test_reveal_without_the_permission_is_forbidden_and_leaves_no_record(ours, areas):
    supervisor = user_with_role(Role.SUPERVISOR, areas["310101001"])
    response = session_client(supervisor).post(
        f"{API}{reveal_path(ours)}",
        {"field": "id_number", "reason": "好奇"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "您没有查看完整个人信息的权限。"
    assert ours.id_number not in response.content.decode()
    assert not PersonalDataReveal.objects.exists()


def test_reveal_of_a_resident_of_the_neighbouring_street_is_not_found(theirs, clerk):
    status, body = post_json(
        session_client(clerk), reveal_path(theirs), {"field": "id_number", "reason": "核对"}
    )
    assert status == 404
    assert body["detail"] == "居民不存在或不在您的管辖范围内。"
    assert not PersonalDataReveal.objects.exists()


def test_reveal_of_an_unknown_resident_is_not_found(areas, clerk):
    status, _body = post_json(
        session_client(clerk), "/grid/residents/987654/reveal", {"field": "phone", "reason": "x"}
    )
    assert status == 404


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"field": "id_number"}, "查看原因为必填项。"),
        ({"field": "id_number", "reason": ""}, "查看原因至少需要 1 个字符。"),
        ({"field": "id_number", "reason": "   "}, "请填写查看原因。"),
        ({"field": "id_number", "reason": "x" * 201}, "查看原因最多 200 个字符。"),
        ({"field": "id_number", "reason": "a\x00b"}, "查看原因不能包含控制字符。"),
        ({"field": "name", "reason": "核对"}, "字段应为以下之一："),
        ({"reason": "核对"}, "字段为必填项。"),
        ([], "字段为必填项。"),
        (7, "字段为必填项。"),
    ],
)
def test_bad_reveal_requests_are_refused_in_chinese(ours, clerk, body, message):
    status, problem = post_json(session_client(clerk), reveal_path(ours), body)
    assert status == 422
    assert problem["detail"].startswith(message)
    assert not PersonalDataReveal.objects.exists()


def test_malformed_json_body_is_a_400_problem(ours, clerk):
    response = session_client(clerk).post(
        f"{API}{reveal_path(ours)}",
        '{"field": "id_number", "reason": ',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "请求体无法解析，请发送有效的 JSON。"


def test_session_post_without_csrf_token_is_refused(ours, clerk):
    client = session_client(clerk, enforce_csrf_checks=True)
    status, body = post_json(client, reveal_path(ours), {"field": "phone", "reason": "核对"})
    assert status == 403
    assert body["detail"] == "CSRF 校验失败，请刷新页面后重试。"
    assert not PersonalDataReveal.objects.exists()


def test_session_post_with_csrf_token_passes(ours, clerk):
    client = session_client(clerk, enforce_csrf_checks=True)
    secret = "a" * 32
    client.cookies["csrftoken"] = secret
    response = client.post(
        f"{API}{reveal_path(ours)}",
        {"field": "phone", "reason": "核对"},
        content_type="application/json",
        headers={"X-CSRFToken": secret},
    )
    assert response.status_code == 200
    assert response.json()["value"] == "13812345678"


def test_bearer_post_needs_no_csrf_token(ours, clerk):
    # bearer_client enforces CSRF checks like a browser would be held to
    status, body = post_json(
        bearer_client(clerk), reveal_path(ours), {"field": "phone", "reason": "上门核对"}
    )
    assert (status, body["value"]) == (200, "13812345678")
    assert PersonalDataReveal.objects.get().actor == clerk


def test_reveal_by_a_resident_of_their_own_record_is_forbidden(areas):
    me = make_resident(GRID_1)
    user = user_with_role(Role.RESIDENT, areas[GRID_1], resident=me)
    status, _body = post_json(
        session_client(user), reveal_path(me), {"field": "phone", "reason": "x"}
    )
    assert status == 403
