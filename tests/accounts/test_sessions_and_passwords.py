"""Staff sessions end after the idle timeout, residents' do not; new passwords must be
long, not all digits and not like the user's name."""

import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.middleware import LAST_SEEN
from accounts.models import Role, SecurityEvent, SecurityEventKind
from tests.factories import user_with_role


def idle_for(client: Client, seconds: int) -> None:
    session = client.session
    session[LAST_SEEN] = int(time.time()) - seconds
    session.save()


@pytest.fixture
def clerk(areas):
    return user_with_role(Role.CLERK, areas["310101001"], username="chuangkou")


@pytest.fixture
def resident(areas):
    return user_with_role(Role.RESIDENT, areas["310101001001"], username="jumin")


def test_a_staff_session_idle_past_the_timeout_is_logged_out(clerk, settings):
    client = Client()
    client.force_login(clerk)
    assert client.get("/").status_code == 200
    idle_for(client, settings.STAFF_IDLE_SECONDS + 1)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert client.get("/api/v1/grid/areas").status_code == 401
    logout = SecurityEvent.objects.get(kind=SecurityEventKind.LOGOUT)
    assert (logout.user, logout.details) == (clerk, {"reason": "idle"})


def test_a_staff_session_in_use_stays(clerk, settings):
    client = Client()
    client.force_login(clerk)
    client.get("/")
    idle_for(client, settings.STAFF_IDLE_SECONDS - 60)
    assert client.get("/").status_code == 200


def test_a_live_page_refreshing_itself_does_not_keep_a_staff_session_alive(clerk, settings):
    client = Client()
    client.force_login(clerk)
    client.get("/")
    idle_for(client, settings.STAFF_IDLE_SECONDS - 60)
    # the open page fetches itself for live updates while nobody is at the desk
    assert client.get("/", headers={"X-Live-Refresh": "live-counters"}).status_code == 200
    # the last request a person made is still the one 60 s before the limit
    assert int(time.time()) - client.session[LAST_SEEN] >= settings.STAFF_IDLE_SECONDS - 60
    idle_for(client, settings.STAFF_IDLE_SECONDS + 1)
    assert client.get("/", headers={"X-Live-Refresh": "live-counters"}).status_code == 302


def test_a_residents_session_has_no_idle_timeout(resident, settings):
    client = Client()
    client.force_login(resident)
    client.get("/")
    idle_for(client, settings.STAFF_IDLE_SECONDS * 10)
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    "password",
    ["short-pw1", "4729105836251", "chuangkou2024", "password123"],
    ids=["under ten characters", "all digits", "like the username", "common"],
)
def test_weak_new_passwords_are_refused(clerk, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=clerk)


def test_a_long_unrelated_password_is_accepted(clerk):
    validate_password("晴川历历汉阳树-芳草萋萋", user=clerk)
