"""Tokens expire, and their owner lists and revokes them (API and page)."""

import datetime as dt
import time

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken, Role, SecurityEvent, SecurityEventKind
from accounts.tokens import token_issue
from tests.factories import user_with_role

API = "/api/v1"


@pytest.fixture
def worker(areas):
    return user_with_role(Role.GRID_WORKER, areas["310101001001001"], username="wangge")


@pytest.fixture
def neighbour(areas):
    return user_with_role(Role.GRID_WORKER, areas["310101001001002"], username="lisi")


def phone(key: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {key}"})


def test_a_new_token_expires_after_the_configured_days(worker, settings):
    settings.API_TOKEN_DAYS = 7
    token_issue(user=worker, label="华为手机")
    lifetime = ApiToken.objects.get().expires_at - timezone.now()
    assert dt.timedelta(days=6, hours=23) < lifetime <= dt.timedelta(days=7)


def test_an_expired_token_is_refused_like_a_revoked_one(worker):
    key = token_issue(user=worker)
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = phone(key).get(f"{API}/grid/my-grids")
    assert response.status_code == 401
    assert response.json()["detail"] == "令牌无效或已被吊销，请重新登录。"


def test_a_memoised_token_stops_when_its_expiry_passes(worker):
    key = token_issue(user=worker)
    soon = timezone.now() + dt.timedelta(milliseconds=300)
    ApiToken.objects.update(expires_at=soon)  # before the first use: the memo keeps it
    assert phone(key).get(f"{API}/grid/my-grids").status_code == 200
    while timezone.now() <= soon:
        time.sleep(0.05)
    assert phone(key).get(f"{API}/grid/my-grids").status_code == 401


def test_the_owner_lists_their_live_tokens_without_the_keys(worker, neighbour):
    key = token_issue(user=worker, label="华为手机")
    token_issue(user=worker, label="旧手机")
    ApiToken.objects.filter(label="旧手机").update(revoked_at=timezone.now())
    token_issue(user=neighbour, label="别人的手机")
    response = phone(key).get(f"{API}/auth/tokens")
    assert response.status_code == 200
    [listed] = response.json()
    assert listed["label"] == "华为手机"
    assert set(listed) == {"id", "label", "created_at", "last_used_at", "expires_at"}
    assert key not in response.content.decode()


def test_the_owner_revokes_a_lost_phones_token_and_it_stops_at_once(
    worker, django_capture_on_commit_callbacks
):
    lost = token_issue(user=worker, label="丢失的手机")
    current = token_issue(user=worker, label="新手机")
    assert phone(lost).get(f"{API}/grid/my-grids").status_code == 200  # memoised now
    lost_id = ApiToken.objects.get(label="丢失的手机").pk
    with django_capture_on_commit_callbacks(execute=True):
        assert phone(current).delete(f"{API}/auth/tokens/{lost_id}").status_code == 204
    assert phone(lost).get(f"{API}/grid/my-grids").status_code == 401
    assert phone(current).get(f"{API}/grid/my-grids").status_code == 200
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.TOKEN_REVOKED).count() == 1


def test_nobody_revokes_another_users_token(worker, neighbour):
    theirs = token_issue(user=neighbour)
    mine = token_issue(user=worker)
    their_id = ApiToken.objects.get(user=neighbour).pk
    response = phone(mine).delete(f"{API}/auth/tokens/{their_id}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert phone(theirs).get(f"{API}/grid/my-grids").status_code == 200


def test_the_token_page_lists_and_revokes_the_users_tokens(worker):
    token_issue(user=worker, label="华为手机")
    client = Client()
    client.force_login(worker)
    page = client.get("/account/tokens/")
    assert "华为手机" in page.content.decode()
    assert "/account/tokens/" in client.get("/").content.decode()
    token_id = ApiToken.objects.get().pk
    assert client.post(f"/account/tokens/{token_id}/revoke/").status_code == 302
    assert ApiToken.objects.get().revoked_at is not None
    assert "华为手机" not in client.get("/account/tokens/").content.decode()


def test_issuing_a_token_is_in_the_security_log(worker):
    response = Client(REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="GongzhiApp/2.1").post(
        f"{API}/auth/token",
        {"username": "wangge", "password": "pass-word-123", "label": "华为手机"},
        content_type="application/json",
    )
    assert response.status_code == 200
    issued = SecurityEvent.objects.get(kind=SecurityEventKind.TOKEN_ISSUED)
    assert (issued.user, issued.ip_address, issued.user_agent) == (
        worker,
        "10.1.2.3",
        "GongzhiApp/2.1",
    )
    assert issued.details["label"] == "华为手机"
