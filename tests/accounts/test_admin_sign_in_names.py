"""The admin names the sign-in packages' records in Chinese, and unlocking works there."""

import re

from django.test import Client
from django.urls import reverse

from accounts.models import LoginAttempt
from tests.factories import UserFactory

ENGLISH_WORDS = re.compile(r"\b(Access|attempts?|failures?|TOTP|devices?|Api tokens?|AXES)\b")


def admin_client() -> Client:
    client = Client()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def test_the_admin_index_names_no_model_in_english(db):
    body = admin_client().get(reverse("admin:index")).content.decode()
    names = re.findall(r'<th scope="row"[^>]*>\s*<a [^>]*>([^<]+)</a>', body)
    assert "登录失败计数（解锁在此）" in names and "动态口令设备" in names
    assert [name for name in names if ENGLISH_WORDS.search(name)] == []


def test_deleting_a_lockout_counter_in_the_admin_unlocks_the_account(db):
    attempt = LoginAttempt.objects.create(
        username="clerk", ip_address="10.0.0.9", failures_since_start=5, user_agent="", path_info=""
    )
    client = admin_client()
    url = reverse("admin:accounts_loginattempt_delete", args=[attempt.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not LoginAttempt.objects.filter(pk=attempt.pk).exists()
