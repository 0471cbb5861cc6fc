"""A bearer request's token check: the token, its holder and the holder's roles in one
query and one memo entry, which every write to any of them forgets; the token's last use
written in batches."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.models import ApiToken, Role, RoleAssignment
from accounts.roles import role_grant, role_remove
from accounts.scope import held_roles
from accounts.tokens import (
    LAST_USED_PRECISION,
    forget_user_on_commit,
    last_use,
    token_issue,
    token_user,
)
from tests.factories import user_with_role

GRID = "310101001001001"


@pytest.fixture
def worker(areas):
    return user_with_role(Role.GRID_WORKER, areas[GRID])


def test_the_holder_and_their_roles_come_in_one_query(worker, django_assert_num_queries):
    key = token_issue(user=worker)
    with django_assert_num_queries(1):
        user = token_user(key)
        roles = held_roles(user)
    assert user == worker and [(r.role, r.area_code) for r in roles] == [(Role.GRID_WORKER, GRID)]
    with django_assert_num_queries(0):  # the next request: the memo answers
        assert held_roles(token_user(key)) == roles


def test_a_holder_without_roles_is_still_the_holder(areas, django_assert_num_queries):
    resident = user_with_role(Role.RESIDENT, areas[GRID])
    RoleAssignment.objects.filter(user=resident).delete()
    key = token_issue(user=resident)
    with django_assert_num_queries(1):
        assert held_roles(token_user(key)) == ()


def test_a_role_removed_stops_at_the_next_request(
    worker, areas, django_capture_on_commit_callbacks
):
    key = token_issue(user=worker)
    assert held_roles(token_user(key))  # memoised with the role
    with django_capture_on_commit_callbacks(execute=True):
        role_remove(assignment=RoleAssignment.objects.get(user=worker), by=worker)
    assert held_roles(token_user(key)) == ()


def test_a_role_granted_holds_at_the_next_request(
    worker, areas, django_capture_on_commit_callbacks
):
    key = token_issue(user=worker)
    assert len(held_roles(token_user(key))) == 1
    with django_capture_on_commit_callbacks(execute=True):
        role_grant(user=worker, role=Role.CLERK, area=areas["310101001001"], by=worker)
    assert {r.role for r in held_roles(token_user(key))} == {Role.GRID_WORKER, Role.CLERK}


def test_a_deactivated_holder_is_refused_at_the_next_request(
    worker, django_capture_on_commit_callbacks
):
    key = token_issue(user=worker)
    assert token_user(key) == worker  # memoised as active
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        worker.is_active = False
        worker.save(update_fields=["is_active"])
        forget_user_on_commit(worker.pk)
    assert token_user(key) is None


def test_first_uses_are_written_together_when_the_batch_is_due(
    worker, areas, settings, django_assert_num_queries
):
    settings.API_TOKEN_LAST_USE_BATCH_SECONDS = 30
    other = user_with_role(Role.GRID_WORKER, areas[GRID])
    keys = [token_issue(user=worker), token_issue(user=other)]
    for key in keys:
        token_user(key)
    assert not ApiToken.objects.filter(last_used_at__isnull=False).exists()  # not yet
    settings.API_TOKEN_LAST_USE_BATCH_SECONDS = 0  # the batch is due
    with django_assert_num_queries(1):  # both tokens in one UPDATE
        token_user(keys[0])
    used = list(ApiToken.objects.values_list("last_used_at", flat=True))
    assert len(used) == 2 and all(used)
    assert timezone.now() - min(used) < dt.timedelta(minutes=1)


def test_a_token_used_again_within_the_precision_is_not_written_again(worker, settings):
    settings.API_TOKEN_LAST_USE_BATCH_SECONDS = 0
    key = token_issue(user=worker)
    token_user(key)
    first = ApiToken.objects.get().last_used_at
    token_user(key)
    assert ApiToken.objects.get().last_used_at == first
    stale = first - LAST_USED_PRECISION - dt.timedelta(seconds=1)
    ApiToken.objects.update(last_used_at=stale)
    last_use.forget()  # another process: it has marked nothing yet
    token_user(key)
    assert ApiToken.objects.get().last_used_at > stale


def test_marks_left_at_shutdown_are_written(worker, settings):
    settings.API_TOKEN_LAST_USE_BATCH_SECONDS = 3600
    token_user(token_issue(user=worker))
    assert last_use.write() == 1
    assert ApiToken.objects.get().last_used_at is not None
    assert last_use.write() == 0
