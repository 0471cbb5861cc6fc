"""A database too busy to take a write answers 503 + Retry-After on every write path
(pages, login, Open311, the API), never 500; a page keeps what the user typed.

The busy database is the one Django sees when SQLite's busy timeout runs out: every
write statement fails with OperationalError("database is locked"), injected through
Django's own execute_wrapper hook so the test runs the same on both databases."""

import json
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from accounts.tokens import token_issue
from feedback.models import Case
from tests.factories import user_with_role
from tests.feedback.pages import report_data
from tests.feedback.test_open311 import V2, form

WRITES = ("INSERT", "UPDATE", "DELETE")


def is_write(sql: str) -> bool:
    """A plain write, or the one-statement insert (infra.db: INSERTs as CTEs) that a
    report is on PostgreSQL."""
    statement = sql.lstrip().upper()
    return statement.startswith(WRITES) or (
        statement.startswith("WITH") and "INSERT INTO" in statement
    )


@contextmanager
def database_locked():
    def refuse_writes(execute, sql, params, many, context):
        if is_write(sql):
            raise OperationalError("database is locked")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse_writes):
        yield


def assert_busy(response):
    assert response.status_code == 503, response.content[:300]
    assert response["Retry-After"] == "1"


def test_the_report_form_answers_503_and_keeps_what_was_typed(client, people, categories):
    client.force_login(people["resident"])
    data = report_data(categories["manhole"], description="楼下井盖松动，夜里看不清")
    with database_locked():
        response = client.post(reverse("feedback:report"), data)
    assert_busy(response)
    assert "服务繁忙" in response.text
    assert 'name="description" value="楼下井盖松动，夜里看不清"' in response.text
    assert f'name="client_id" value="{data["client_id"]}"' in response.text
    assert Case.objects.count() == 0
    # sent again from that page once the database is free, the case is made
    assert client.post(reverse("feedback:report"), data).status_code == 302
    assert Case.objects.count() == 1


def test_login_answers_503_and_never_writes_the_password_back(areas):
    user = user_with_role(Role.RESIDENT, areas["310101001001"], username="zhangsan")
    user.set_password("correct horse 9")
    user.save()
    with database_locked():
        response = Client().post(
            reverse("accounts:login"), {"username": "zhangsan", "password": "correct horse 9"}
        )
    assert_busy(response)
    assert 'value="zhangsan"' in response.text
    assert "correct horse 9" not in response.text


def test_open311_filing_answers_503_problem_json(areas, categories):
    key = token_issue(user=user_with_role(Role.CLERK, areas["310101"]), label="热线")
    with database_locked():
        response = Client().post(f"{V2}/requests.json", form(key))
    assert_busy(response)
    assert response["Content-Type"] == "application/problem+json"
    assert "稍后重试" in json.loads(response.content)["detail"]


def test_the_case_api_answers_503_problem_json(people, categories):
    client = Client()
    client.force_login(people["worker"])
    body = {"client_id": "6f1c1d1e-1111-4a4a-8a8a-222222222222", "category": "0201"}
    body |= {"description": "井盖破损", "grid_code": "310101001001001"}
    with database_locked():
        response = client.post("/api/v1/cases", body, content_type="application/json")
    assert_busy(response)
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("message", ["no such table: x", "disk I/O error"])
def test_other_database_failures_stay_server_errors(client, people, categories, message):
    def broken(execute, sql, params, many, context):
        raise OperationalError(message)

    client.force_login(people["resident"])
    client.raise_request_exception = False
    data = report_data(categories["manhole"])
    with connection.execute_wrapper(broken):
        response = client.post(reverse("feedback:report"), data)
    assert response.status_code == 500
