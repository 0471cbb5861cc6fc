"""Tokens, roles and categories are memoised per process (common/memo.py); a change made
in this process takes effect on the very next request."""

import json
import uuid

from accounts.models import Role, RoleAssignment
from accounts.tokens import token_issue
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


def test_a_removed_role_stops_the_next_report(client, people, categories):
    token = token_issue(user=people["worker"])
    assert report(client, token).status_code == 201
    RoleAssignment.objects.filter(user=people["worker"]).delete()
    assert report(client, token).status_code == 403


def test_a_role_given_works_on_the_next_report(client, people, categories, areas):
    token = token_issue(user=people["neighbour_worker"])
    assert report(client, token).status_code == 403  # the neighbour's grid is not GRID
    RoleAssignment.objects.create(
        user=people["neighbour_worker"], role=Role.GRID_WORKER, area=areas[GRID]
    )
    assert report(client, token).status_code == 201


def test_a_deactivated_category_is_refused_on_the_next_report(client, people, categories):
    token = token_issue(user=people["worker"])
    assert report(client, token).status_code == 201
    stall = categories["stall"]
    stall.active = False
    stall.save()
    response = report(client, token)
    assert response.status_code == 422
    assert response.json()["field"] == "category"
