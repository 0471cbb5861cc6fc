"""An api_key files as its own account: names the caller gives are a contact, marked as
given, never the reporter or the timeline's actor; only a staff key sets the priority."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role, User
from accounts.tokens import token_issue
from feedback.models import Case, Priority
from tests.factories import grid_centre, user_with_role
from tests.feedback.conftest import GRID
from tests.feedback.test_open311 import V2, form
from tests.grid.api_support import bearer_client, get_json, session_client


@pytest.fixture
def resident_key(areas, categories):
    resident = user_with_role(Role.RESIDENT, areas["310101001001"], username="jm-app")
    return token_issue(user=resident, label="居民自用")


@pytest.fixture
def staff_key(areas, categories):
    app = user_with_role(Role.CLERK, areas["310101"], username="hotline-app")
    return token_issue(user=app, label="12345 热线")


def filed(key: str, **overrides) -> Case:
    response = Client().post(f"{V2}/requests.json", form(key, **overrides))
    assert response.status_code == 200, response.content
    return Case.objects.get(pk=response.json()[0]["service_request_id"])


def test_the_keys_account_is_the_reporter_and_the_given_name_a_contact(staff_key, people):
    # when a key files with a first and last name of someone else
    case = filed(staff_key, first_name="局长", last_name="王")
    # then the supervisor reads the key's account as reporter and as the first actor
    app = User.objects.get(username="hotline-app")
    status, body = get_json(bearer_client(people["supervisor"]), f"/cases/{case.pk}")
    assert status == 200
    assert body["reporter"] == str(app)
    assert body["timeline"][0]["actor"] == str(app)
    # and the name given only as the contact, marked as such
    assert body["contact_name"] == "王局长"
    page = session_client(people["supervisor"]).get(reverse("feedback:detail", args=[case.pk]))
    html = page.content.decode()
    assert "联系人（自填）" in html and "王局长" in html
    reporter_cell = html.split('id="case-reporter">')[1].split("</dd>")[0]
    assert "王局长" not in reporter_cell and str(app) in reporter_cell


def test_the_given_name_is_not_shown_to_those_who_may_not_see_the_reporter(staff_key, people):
    # given a case a staff key filed, later marked anonymous
    case = filed(staff_key, description="路口有人占道")
    case.anonymous = True
    case.save(update_fields=["anonymous"])
    status, body = get_json(bearer_client(people["worker"]), f"/cases/{case.pk}")
    assert status == 200
    assert body["reporter"] is None and body["contact_name"] is None


def test_a_resident_keys_urgency_is_a_hint_not_the_priority(resident_key):
    case = filed(resident_key, **{"service_code": "0201", "attribute[condition]": "missing"},
                 **{"attribute[urgency]": "urgent"})  # fmt: skip
    assert case.priority == Priority.NORMAL
    assert "紧急程度：紧急（危及安全）" in case.description


def test_a_staff_keys_urgency_sets_the_priority(staff_key):
    case = filed(staff_key, **{"service_code": "0201", "attribute[condition]": "missing"},
                 **{"attribute[urgency]": "urgent"})  # fmt: skip
    assert case.priority == Priority.URGENT


def test_a_resident_reporting_through_the_api_cannot_set_a_priority(people, categories):
    point = grid_centre(GRID)
    response = bearer_client(people["resident"]).post(
        "/api/v1/cases",
        {
            "client_id": "6f1c1d5e-6a0e-4d1b-9d7e-3f0b9c1a2b3c",
            "category": "1301",
            "description": "占道",
            "lon": point.x,
            "lat": point.y,
            "priority": "urgent",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert Case.objects.get().priority == Priority.NORMAL
