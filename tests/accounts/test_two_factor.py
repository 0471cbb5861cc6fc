"""TOTP two-factor (django-otp) for the roles of settings.TWO_FACTOR_ROLES and superusers:
after the password, nothing answers until the user enrols or gives a code."""

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, SecurityEvent, SecurityEventKind
from tests.factories import user_with_role

PASSWORD = "pass-word-123"


@pytest.fixture(autouse=True)
def second_factor_on(settings):
    settings.TWO_FACTOR_ENFORCED = True


@pytest.fixture
def supervisor(areas):
    return user_with_role(Role.SUPERVISOR, areas["310101001"], username="zhihui")


def code_of(device: TOTPDevice) -> str:
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="totp", confirmed=True)


def log_in(username: str) -> Client:
    client = Client()
    response = client.post("/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_a_supervisor_without_a_device_must_enrol_before_any_page(supervisor):
    client = log_in("zhihui")
    response = client.get("/cases/queue/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/otp/setup/")
    setup = client.get(response["Location"])
    assert "<svg" in setup.content.decode()
    device = TOTPDevice.objects.get(user=supervisor, confirmed=False)
    assert device.config_url.split("secret=")[1][:16] in setup.content.decode()


def test_enrolling_with_the_first_code_opens_the_pages_and_is_logged(supervisor):
    client = log_in("zhihui")
    client.get("/login/otp/setup/")
    device = TOTPDevice.objects.get(user=supervisor)
    response = client.post("/login/otp/setup/", {"code": code_of(device), "next": "/cases/queue/"})
    assert response.status_code == 302
    assert response["Location"] == "/cases/queue/"
    assert client.get("/cases/queue/").status_code == 200
    assert TOTPDevice.objects.get(user=supervisor).confirmed
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.OTP_ENROLLED).count() == 1


def test_an_enrolled_supervisor_must_give_a_code_and_a_wrong_one_is_refused(supervisor, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's own pause after a failure
    device = enrolled(supervisor)
    client = log_in("zhihui")
    assert client.get("/").url.startswith("/login/otp/")
    wrong = client.post("/login/otp/", {"code": "1" if code_of(device) == "000000" else "000000"})
    assert wrong.status_code == 200
    assert "动态口令不正确" in wrong.content.decode()
    assert client.get("/").status_code == 302
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.OTP_FAILED).count() == 1
    assert client.post("/login/otp/", {"code": code_of(device)}).status_code == 302
    assert client.get("/").status_code == 200


def test_the_api_refuses_a_session_that_owes_its_second_factor(supervisor):
    enrolled(supervisor)
    client = log_in("zhihui")
    response = client.get("/api/v1/cases")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert "动态口令" in response.json()["detail"]


def test_the_token_endpoint_asks_such_a_user_for_the_code(supervisor):
    device = enrolled(supervisor)
    body = {"username": "zhihui", "password": PASSWORD}
    without = Client().post("/api/v1/auth/token", body, content_type="application/json")
    assert without.status_code == 401
    assert without.json()["field"] == "otp"
    body["otp"] = code_of(device)
    given = Client().post("/api/v1/auth/token", body, content_type="application/json")
    assert given.status_code == 200


def test_a_user_who_never_enrolled_gets_no_token_but_is_told_where_to_enrol(supervisor):
    response = Client().post(
        "/api/v1/auth/token",
        {"username": "zhihui", "password": PASSWORD, "otp": "123456"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "绑定动态口令" in response.json()["detail"]


def test_a_grid_worker_is_not_asked_for_a_code(areas):
    user_with_role(Role.GRID_WORKER, areas["310101001001001"], username="wangge")
    assert log_in("wangge").get("/").status_code == 200


def test_a_superuser_is_asked_whatever_their_roles(areas):
    user_with_role(Role.CLERK, areas["310101001"], username="root", is_superuser=True)
    assert log_in("root").get("/").status_code == 302


def test_the_roles_that_need_a_second_factor_are_a_setting(areas, settings):
    settings.TWO_FACTOR_ROLES = ["handler"]
    user_with_role(Role.HANDLER, areas["310101"], username="chengguan")
    user_with_role(Role.SUPERVISOR, areas["310101001"], username="zhihui")
    assert log_in("chengguan").get("/").status_code == 302
    assert log_in("zhihui").get("/").status_code == 200
