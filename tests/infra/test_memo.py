"""The memo cache (infra/memo.py): entries expire, `None` is never kept, writers forget
on commit, and with Redis every process sees a forget at once."""

import hashlib
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.db import transaction
from django.test import override_settings

from accounts.models import Role
from accounts.roles import role_grant
from accounts.scope import Held, held_memo, held_roles
from accounts.tokens import live_tokens, token_issue, token_revoke, token_user
from infra.memo import Memo, forget_all
from tests.factories import user_with_role

REDIS = os.environ.get("GONGZHI_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
ROOT = Path(__file__).resolve().parents[2]


def test_an_answer_is_kept_until_it_expires():
    memo = Memo("test", seconds=0.2)
    loads = []
    assert memo.get("k", lambda: loads.append(1) or "v") == "v"
    assert memo.get("k", lambda: loads.append(1) or "other") == "v"
    assert loads == [1]
    time.sleep(0.25)
    assert memo.get("k", lambda: "fresh") == "fresh"


def test_none_is_not_kept_so_a_miss_is_asked_again():
    memo = Memo("test", seconds=60)
    assert memo.get("k", lambda: None) is None
    assert memo.get("k", lambda: "now there") == "now there"


def test_forget_drops_the_keys_it_names_and_forget_all_everything():
    memo = Memo("test", seconds=60)
    for key in ("a", "b", "c"):
        memo.get(key, lambda key=key: key.upper())
    memo.forget(["a", "b"])
    assert memo.get("a", lambda: "reloaded") == "reloaded"
    assert memo.get("b", lambda: "reloaded") == "reloaded"
    assert memo.get("c", lambda: "unused") == "C"
    forget_all()
    assert memo.get("c", lambda: "reloaded") == "reloaded"


def test_a_load_that_raced_a_forget_is_not_kept():
    memo = Memo("test", seconds=60)
    loading, forgotten = threading.Event(), threading.Event()

    def slow_load() -> str:
        loading.set()
        forgotten.wait(5)
        return "read before the write"

    reader = threading.Thread(target=lambda: memo.get("k", slow_load))
    reader.start()
    loading.wait(5)
    memo.forget(["k"])  # the write happened while the read was in flight
    forgotten.set()
    reader.join(5)
    assert memo.get("k", lambda: "read after the write") == "read after the write"


def test_a_read_in_the_writers_uncommitted_window_does_not_outlive_the_commit(
    areas, django_capture_on_commit_callbacks
):
    user = user_with_role(Role.CLERK, areas["310101001001"])
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        role_grant(user=user, role=Role.SUPERVISOR, area=areas["310101001"], by=user)
        # another process reads the committed rows (one role) before the commit
        held_memo.get(user.pk, lambda: (Held(Role.CLERK, "310101001001", None),))
    assert {held.role for held in held_roles(user)} == {Role.CLERK, Role.SUPERVISOR}


def test_a_rolled_back_grant_forgets_nothing(
    areas, django_capture_on_commit_callbacks, django_assert_num_queries
):
    user = user_with_role(Role.CLERK, areas["310101001001"])
    held = held_roles(user)
    with (
        django_capture_on_commit_callbacks(execute=True) as forgets,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        role_grant(user=user, role=Role.SUPERVISOR, area=areas["310101001"], by=user)
        raise RuntimeError("the write fails after the grant")
    assert forgets == []
    with django_assert_num_queries(0):
        assert held_roles(user) == held


def test_a_token_is_memoised_as_plain_values_not_a_model(areas):
    user = user_with_role(Role.GRID_WORKER, areas["310101001001001"])
    key = token_issue(user=user)
    assert token_user(key) == user
    digest = hashlib.sha256(key.encode()).hexdigest()
    cached = live_tokens.get(digest, lambda: None)
    assert type(cached).__module__ == "accounts.tokens" and cached.user_id == user.pk


REDIS_CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "memo": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS,
        "KEY_PREFIX": "memo",
    },
}


def token_cached_in_another_process(digest: str) -> bool:
    """Whether a second Python process, reading the same Redis, finds the token."""
    snippet = (
        "import django; django.setup()\n"
        "from accounts.tokens import live_tokens\n"
        f"print(live_tokens.get({digest!r}, lambda: None) is not None)\n"
    )
    env = dict(os.environ, REDIS_URL=REDIS, DJANGO_SETTINGS_MODULE="config.settings")
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", snippet], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1] == "True"


@override_settings(CACHES=REDIS_CACHES)
def test_a_token_revoked_here_is_refused_by_another_process_at_once(
    areas, django_capture_on_commit_callbacks
):
    user = user_with_role(Role.GRID_WORKER, areas["310101001001001"], username=f"u{uuid.uuid4()}")
    key = token_issue(user=user)
    assert token_user(key) == user  # memoised in Redis now
    digest = hashlib.sha256(key.encode()).hexdigest()
    assert token_cached_in_another_process(digest)
    with django_capture_on_commit_callbacks(execute=True):
        token_revoke(key=key)
    assert not token_cached_in_another_process(digest)


def test_with_redis_away_the_memo_answers_from_the_database():
    from tests.e2e.served import free_port

    nowhere = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    memo_cache = {
        "BACKEND": "infra.django_private.ReusedClientRedisCache",
        "LOCATION": nowhere,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        "KEY_PREFIX": "memo",
    }
    local = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    loads = []
    with override_settings(CACHES={"default": local, "memo": memo_cache}):
        memo = Memo("away", seconds=5)
        assert memo.get("k", lambda: loads.append(1) or "fresh") == "fresh"
        assert memo.get("k", lambda: loads.append(1) or "fresh") == "fresh"
        memo.forget(["k"])  # lost and logged, not raised
    assert loads == [1, 1]  # nothing was kept: each read went to the source
