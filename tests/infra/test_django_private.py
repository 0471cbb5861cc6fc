"""infra/django_private.py compiles INSERTs with Django's private InsertQuery and
SQLInsertCompiler, and reuses Redis clients through RedisCacheClient's private parts:
these tests fail loudly when the installed Django is not the one it was written for, or
the attributes it uses changed."""

import inspect
import os

import django
import pytest
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import connection
from django.db.models.sql import InsertQuery
from django.db.models.sql.compiler import SQLInsertCompiler

from infra.django_private import WRITTEN_FOR_DJANGO, ReusedClientRedisCache, insert_sql
from realtime.models import Event


def test_the_installed_django_is_the_version_the_insert_compiler_use_was_written_for():
    assert django.VERSION[:2] == WRITTEN_FOR_DJANGO, (
        "Django changed: re-read infra/django_private.py against InsertQuery and "
        "SQLInsertCompiler, then update WRITTEN_FOR_DJANGO"
    )


def test_the_private_insert_api_has_the_signatures_it_relies_on():
    assert list(inspect.signature(InsertQuery.insert_values).parameters) == [
        "self", "fields", "objs", "raw",
    ]  # fmt: skip
    assert list(inspect.signature(SQLInsertCompiler.as_sql).parameters) == ["self"]
    assert SQLInsertCompiler.returning_fields is None  # set per statement, as _insert does
    assert "self.returning_fields" in inspect.getsource(SQLInsertCompiler.as_sql)


@pytest.mark.django_db
def test_an_insert_compiles_with_its_defaults_and_returns_its_key():
    row = Event(pk=41, area_code="310101001", kind="test", payload={"n": 1})
    sql, params = insert_sql(row, connection)
    assert sql.startswith("INSERT INTO") and '"realtime_event"' in sql
    assert 41 in params and "310101001" in params
    assert row.created_at is not None  # auto_now_add filled in, as a save() would
    if connection.features.can_return_columns_from_insert:
        assert "RETURNING" in sql


def test_the_redis_cache_client_still_builds_a_client_per_call_from_the_attributes_we_reuse():
    # ReusedClientRedisCacheClient.get_client relies on these attributes and on RedisCache
    # choosing its client class in __init__ through self._class
    source = inspect.getsource(RedisCacheClient.get_client)
    assert "self._get_connection_pool(write)" in source
    assert "self._client(connection_pool=pool)" in source
    pools = inspect.getsource(RedisCacheClient._get_connection_pool)
    assert "self._get_connection_pool_index(write)" in pools
    assert "self._pool_class.from_url(" in pools and "self._servers[index]" in pools
    assert "**self._pool_options" in pools
    assert list(inspect.signature(RedisCacheClient.get_client).parameters) == [
        "self", "key", "write",
    ]  # fmt: skip
    assert "self._class = RedisCacheClient" in inspect.getsource(RedisCache.__init__)
    assert "self._class(" in inspect.getsource(RedisCache._cache.func)


def test_every_cache_object_of_a_process_shares_one_client_per_server():
    url = os.environ.get("GONGZHI_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    first = ReusedClientRedisCache(url, {"KEY_PREFIX": "test-reuse"})
    second = ReusedClientRedisCache(url, {"KEY_PREFIX": "test-reuse"})  # another thread's
    first.set("k", ("v", 1), 30)
    assert second.get_many(["k", "missing"]) == {"k": ("v", 1)}
    client = first._cache.get_client("k")
    assert second._cache.get_client("other", write=True) is client
    first.delete("k")
