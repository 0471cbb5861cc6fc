"""Lockout after repeated wrong passwords (django-axes), on the login page and the token
endpoint, keyed on account and IP."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client

from accounts.models import ApiToken, Role, SecurityEvent, SecurityEventKind
from tests.factories import user_with_role

PASSWORD = "pass-word-123"
WRONG = "not-the-password"


@pytest.fixture
def worker(areas):
    return user_with_role(Role.GRID_WORKER, areas["310101001001001"], username="wangge")


def log_in(client: Client, password: str):
    return client.post("/login/", {"username": "wangge", "password": password})


def ask_token(password: str, ip: str = "127.0.0.1"):
    return Client(REMOTE_ADDR=ip).post(
        "/api/v1/auth/token",
        {"username": "wangge", "password": password},
        content_type="application/json",
    )


def test_the_right_password_after_fifty_wrong_ones_does_not_log_in(worker):
    client = Client()
    for _ in range(50):
        log_in(client, WRONG)
    response = log_in(client, PASSWORD)
    assert response.status_code == 429
    assert "账号已暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_four_wrong_passwords_still_let_the_right_one_in(worker):
    client = Client()
    for _ in range(4):
        assert log_in(client, WRONG).status_code == 200
    assert log_in(client, PASSWORD).status_code == 302


def test_a_locked_out_phone_gets_a_429_problem_with_retry_after_and_no_token(worker):
    for _ in range(5):
        ask_token(WRONG)
    response = ask_token(PASSWORD)
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert int(response["Retry-After"]) == 15 * 60
    assert "15 分钟后再试" in response.json()["detail"]
    assert not ApiToken.objects.exists()


def test_the_lockout_holds_for_that_account_from_that_ip_only(worker, areas):
    user_with_role(Role.GRID_WORKER, areas["310101001001002"], username="lisi")
    for _ in range(5):
        ask_token(WRONG)
    assert ask_token(PASSWORD, ip="10.0.0.9").status_code == 200
    other = Client().post(
        "/api/v1/auth/token",
        {"username": "lisi", "password": PASSWORD},
        content_type="application/json",
    )
    assert other.status_code == 200


def test_staff_unlock_an_account_with_axes_reset_command(worker):
    for _ in range(5):
        ask_token(WRONG)
    call_command("axes_reset_username", "wangge")
    assert ask_token(PASSWORD).status_code == 200


def test_the_right_password_works_again_after_the_cool_off(worker):
    for _ in range(5):
        ask_token(WRONG)
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16))
    assert ask_token(PASSWORD).status_code == 200


def test_failures_and_the_lockout_are_in_the_security_log(worker):
    for _ in range(6):
        ask_token(WRONG)
    kinds = list(SecurityEvent.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == [SecurityEventKind.LOGIN_FAILED] * 4 + [SecurityEventKind.LOCKOUT] * 2
    assert {e.user for e in SecurityEvent.objects.all()} == {worker}
    assert {e.ip_address for e in SecurityEvent.objects.all()} == {"127.0.0.1"}
