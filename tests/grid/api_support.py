"""Clients for the API tests: a logged-in session, or a phone's bearer token."""

from django.test import Client

from accounts.models import User
from accounts.tokens import token_issue

API = "/api/v1"


def session_client(user: User, *, enforce_csrf_checks: bool = False) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf_checks)
    client.force_login(user)
    return client


def bearer_client(user: User) -> Client:
    token = token_issue(user=user, label="测试手机")
    return Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {token}"})


def get_json(client: Client, path: str, **params):
    response = client.get(f"{API}{path}", params)
    return response.status_code, response.json()


def post_json(client: Client, path: str, body) -> tuple[int, dict]:
    response = client.post(f"{API}{path}", body, content_type="application/json")
    return response.status_code, response.json()


def codes(items: list[dict], key: str = "code") -> list[str]:
    return sorted(item[key] for item in items)
