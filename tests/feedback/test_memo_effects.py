"""Tokens, roles and categories are memoised (infra/memo.py); a change made through the
services or the admin takes effect on the very next request once it commits."""

import json
import uuid

from django.contrib import admin
from django.test import RequestFactory

from accounts.models import Role
from accounts.roles import role_grant, role_remove
from accounts.tokens import token_issue
from feedback.models import Category
from tests.factories import user_with_role
from tests.feedback.conftest import GRID


def report(client, token: str, category: str = "1301"):
    body = {"client_id": str(uuid.uuid4()), "category": category,
            "description": "占道摆摊", "grid_code": GRID}  # fmt: skip
    return client.post(
        "/api/v1/cases",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_a_removed_role_stops_the_next_report(
    client, people, categories, django_capture_on_commit_callbacks
):
    token = token_issue(user=people["worker"])
    assert report(client, token).status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        for assignment in people["worker"].roles.all():
            role_remove(assignment=assignment, by=people["supervisor"])
    assert report(client, token).status_code == 403


def test_a_role_given_works_on_the_next_report(
    client, people, categories, areas, django_capture_on_commit_callbacks
):
    token = token_issue(user=people["neighbour_worker"])
    assert report(client, token).status_code == 403  # the neighbour's grid is not GRID
    with django_capture_on_commit_callbacks(execute=True):
        role_grant(
            user=people["neighbour_worker"],
            role=Role.GRID_WORKER,
            area=areas[GRID],
            by=people["supervisor"],
        )
    assert report(client, token).status_code == 201


def test_a_deactivated_category_is_refused_on_the_next_report(
    client, people, categories, areas, django_capture_on_commit_callbacks
):
    token = token_issue(user=people["worker"])
    assert report(client, token).status_code == 201
    stall = categories["stall"]
    stall.active = False
    request = RequestFactory().post("/admin/")
    request.user = user_with_role(Role.ADMIN, areas["310101"], is_superuser=True)
    with django_capture_on_commit_callbacks(execute=True):
        admin.site.get_model_admin(Category).save_model(request, stall, None, change=True)
    response = report(client, token)
    assert response.status_code == 422
    assert response.json()["field"] == "category"
