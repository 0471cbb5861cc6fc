"""Bearer tokens for phones: issue, use, revoke."""

import pytest
from django.test import Client

from accounts.models import ApiToken, Role
from tests.factories import user_with_role

API = "/api/v1"


@pytest.fixture
def worker(areas):
    return user_with_role(Role.GRID_WORKER, areas["310101001001001"], username="wangge")


def issue(username: str, password: str):
    return Client().post(
        f"{API}/auth/token",
        {"username": username, "password": password, "label": "华为手机"},
        content_type="application/json",
    )


def test_good_credentials_give_a_token_that_opens_the_api(worker):
    response = issue("wangge", "pass-word-123")
    assert response.status_code == 200
    token = response.json()["token"]
    phone = Client(headers={"Authorization": f"Bearer {token}"})
    grids = phone.get(f"{API}/grid/my-grids")
    assert grids.status_code == 200
    assert [g["code"] for g in grids.json()] == ["310101001001001"]


def test_only_the_tokens_hash_is_stored(worker):
    token = issue("wangge", "pass-word-123").json()["token"]
    stored = ApiToken.objects.get(user=worker)
    assert token not in stored.key_hash
    assert stored.label == "华为手机"


@pytest.mark.parametrize(("username", "password"), [("wangge", "wrong"), ("nobody", "x")])
def test_bad_credentials_are_a_401_problem(worker, username, password):
    response = issue(username, password)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "用户名或密码不正确。"
    assert not ApiToken.objects.exists()


def test_an_inactive_user_gets_no_token(worker):
    worker.is_active = False
    worker.save()
    assert issue("wangge", "pass-word-123").status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        {"username": "wangge"},
        {"username": "wang\x00ge", "password": "x"},
        {"username": "", "password": "x"},
    ],
)
def test_malformed_token_requests_are_422(worker, body):
    response = Client().post(f"{API}/auth/token", body, content_type="application/json")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


def test_unknown_token_is_a_401_problem(areas):
    phone = Client(headers={"Authorization": "Bearer not-a-token"})
    response = phone.get(f"{API}/grid/areas")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "令牌无效或已被吊销，请重新登录。"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_revoked_token_is_refused(worker, django_capture_on_commit_callbacks):
    token = issue("wangge", "pass-word-123").json()["token"]
    phone = Client(headers={"Authorization": f"Bearer {token}"})
    # when the phone logs out (and the revocation commits)
    with django_capture_on_commit_callbacks(execute=True):
        assert phone.delete(f"{API}/auth/token").status_code == 204
    # then its token opens nothing
    assert phone.get(f"{API}/grid/my-grids").status_code == 401
    assert ApiToken.objects.get().revoked_at is not None


def test_token_of_a_deactivated_user_is_refused(worker):
    token = issue("wangge", "pass-word-123").json()["token"]
    worker.is_active = False
    worker.save()
    phone = Client(headers={"Authorization": f"Bearer {token}"})
    assert phone.get(f"{API}/grid/my-grids").status_code == 401


def test_using_a_token_records_when_it_was_last_used(worker, settings):
    settings.API_TOKEN_LAST_USE_BATCH_SECONDS = 0  # written at once: the plain path
    token = issue("wangge", "pass-word-123").json()["token"]
    Client(headers={"Authorization": f"Bearer {token}"}).get(f"{API}/grid/my-grids")
    assert ApiToken.objects.get().last_used_at is not None


def test_no_credentials_at_all_is_a_401_problem(areas):
    response = Client().get(f"{API}/grid/residents")
    assert response.status_code == 401
    assert response.json()["title"] == "未登录"
