"""The security audit log: what is recorded, who may read it in the admin, how long it
is kept."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.admin_security import security_events_in_scope
from accounts.audit import security_log
from accounts.models import Role, RoleAssignment, SecurityEvent, SecurityEventKind
from tests.factories import grant_reveal, make_resident, user_with_role

PASSWORD = "pass-word-123"
BROWSER = "Mozilla/5.0 (Linux; Android 14) 共治测试"


@pytest.fixture
def clerk(areas):
    return user_with_role(Role.CLERK, areas["310101001"], username="chuangkou")


def test_a_sign_in_and_a_logout_are_recorded_with_address_and_browser(clerk):
    client = Client(REMOTE_ADDR="192.0.2.7", HTTP_USER_AGENT=BROWSER)
    client.post("/login/", {"username": "chuangkou", "password": PASSWORD})
    client.post("/logout/")
    login, logout = SecurityEvent.objects.order_by("pk")
    assert (login.kind, logout.kind) == (SecurityEventKind.LOGIN, SecurityEventKind.LOGOUT)
    assert (login.user, login.ip_address, login.user_agent) == (clerk, "192.0.2.7", BROWSER)


def test_a_wrong_password_for_an_unknown_name_is_recorded_with_the_name_typed(areas):
    Client().post("/login/", {"username": "nobody", "password": "wrong-password"})
    failure = SecurityEvent.objects.get()
    assert (failure.kind, failure.user, failure.username) == (
        SecurityEventKind.LOGIN_FAILED,
        None,
        "nobody",
    )


def test_revealing_a_personal_field_is_recorded(clerk):
    grant_reveal(clerk)
    resident = make_resident("310101001001001", phone="13812345678")
    client = Client(REMOTE_ADDR="192.0.2.8")
    client.force_login(clerk)
    response = client.post(
        f"/api/v1/grid/residents/{resident.pk}/reveal",
        {"field": "phone", "reason": "联系家属"},
        content_type="application/json",
    )
    assert response.status_code == 200
    reveal = SecurityEvent.objects.get(kind=SecurityEventKind.REVEAL)
    assert (reveal.user, reveal.ip_address, reveal.details["field"]) == (
        clerk,
        "192.0.2.8",
        "phone",
    )
    assert "13812345678" not in str(reveal.details)


def test_an_excel_export_is_recorded_with_its_filters(areas):
    supervisor = user_with_role(Role.SUPERVISOR, areas["310101001"])
    client = Client()
    client.force_login(supervisor)
    assert client.get(reverse("feedback:export"), {"overdue": "1"}).status_code == 200
    export = SecurityEvent.objects.get(kind=SecurityEventKind.EXPORT)
    assert (export.user, export.details) == (supervisor, {"what": "cases", "query": "overdue=1"})


def test_granting_and_removing_a_role_in_the_admin_is_recorded(clerk, areas):
    root = user_with_role(Role.ADMIN, areas["310101"], is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(root)
    add = client.post(
        reverse("admin:accounts_roleassignment_add"),
        {"user": clerk.pk, "role": Role.SUPERVISOR, "area": areas["310101001"].pk},
    )
    assert add.status_code == 302
    granted = RoleAssignment.objects.get(user=clerk, role=Role.SUPERVISOR)
    client.post(reverse("admin:accounts_roleassignment_delete", args=[granted.pk]), {"post": "yes"})
    events = SecurityEvent.objects.filter(user=clerk).order_by("pk")
    assert [(e.kind, e.details["role"], e.details["area"]) for e in events] == [
        (SecurityEventKind.ROLE_GRANTED, Role.SUPERVISOR, "310101001"),
        (SecurityEventKind.ROLE_REMOVED, Role.SUPERVISOR, "310101001"),
    ]
    assert {e.details["by"] for e in events} == {root.username}


def test_an_area_administrator_reads_only_the_events_of_their_areas_users(areas):
    admin = user_with_role(Role.ADMIN, areas["310101001"], is_staff=True)
    ours = user_with_role(Role.GRID_WORKER, areas["310101001001001"])
    theirs = user_with_role(Role.GRID_WORKER, areas["310101002001001"])
    for user in (ours, theirs):
        security_log(kind=SecurityEventKind.LOGIN, user=user)
    security_log(kind=SecurityEventKind.LOGIN_FAILED, username="nobody")
    assert [e.user for e in security_events_in_scope(admin)] == [ours]
    root = user_with_role(Role.CLERK, areas["310101"], is_superuser=True)
    assert security_events_in_scope(root).count() == 3


def test_the_admin_list_of_the_log_is_scoped_and_read_only(areas):
    admin = user_with_role(Role.ADMIN, areas["310101001"], is_staff=True)
    admin.user_permissions.add(*_view_permission())
    ours = user_with_role(Role.GRID_WORKER, areas["310101001001001"], username="ours-gw")
    theirs = user_with_role(Role.GRID_WORKER, areas["310101002001001"], username="theirs-gw")
    for user in (ours, theirs):
        security_log(kind=SecurityEventKind.LOGIN, user=user)
    client = Client()
    client.force_login(admin)
    page = client.get(reverse("admin:accounts_securityevent_changelist"))
    assert page.status_code == 200
    assert "ours-gw" in page.text and "theirs-gw" not in page.text
    event = SecurityEvent.objects.get(user=ours)
    delete = client.post(
        reverse("admin:accounts_securityevent_delete", args=[event.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert SecurityEvent.objects.filter(pk=event.pk).exists()


def _view_permission():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(codename="view_securityevent")


def test_the_purge_keeps_at_least_180_days(areas):
    old = security_log(kind=SecurityEventKind.LOGIN_FAILED, username="old")
    recent = security_log(kind=SecurityEventKind.LOGIN_FAILED, username="recent")
    SecurityEvent.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=181)
    )
    SecurityEvent.objects.filter(pk=recent.pk).update(
        created_at=timezone.now() - dt.timedelta(days=179)
    )
    with pytest.raises(CommandError, match="至少保留 180 天"):
        call_command("purge_security_log", "--days", "179")
    call_command("purge_security_log", "--days", "180")
    assert list(SecurityEvent.objects.values_list("username", flat=True)) == ["recent"]
