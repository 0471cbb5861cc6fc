"""infra/django_private.py compiles INSERTs with Django's private InsertQuery and
SQLInsertCompiler, reuses compiled SELECTs and UPDATEs through SQLCompiler, and reuses
Redis clients through RedisCacheClient's private parts: these tests fail loudly when the
installed Django is not the one it was written for, or the attributes it uses changed."""

import datetime as dt
import inspect
import os

import django
import pytest
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import connection, connections
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Concat
from django.db.models.query import ValuesListIterable
from django.db.models.sql import InsertQuery
from django.db.models.sql.compiler import SQLCompiler, SQLInsertCompiler

from grid.models import Area
from infra.django_private import (
    WRITTEN_FOR_DJANGO,
    ReusedClientRedisCache,
    ReusedSelect,
    ReusedUpdate,
    insert_sql,
)
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


# --- ReusedSelect / ReusedUpdate: statements compiled once ----------------------------------


def test_the_private_compiler_api_the_reused_statements_rely_on():
    source = inspect.getsource(ValuesListIterable.__iter__)
    assert "compiler.results_iter(" in source and "tuple_expected=True" in source
    results = inspect.getsource(SQLCompiler.results_iter)
    assert "self.select[0 : self.col_count]" in results
    assert "self.get_converters(fields)" in results and "self.apply_converters(" in results
    assert list(inspect.signature(SQLCompiler.apply_converters).parameters) == [
        "self", "rows", "converters",
    ]  # fmt: skip
    update = inspect.getsource(QuerySet.update)
    assert "query = self.query.chain(sql.UpdateQuery)" in update
    assert "query.add_update_values(kwargs)" in update and "query.clear_select_clause()" in update


def _areas_named():
    return ReusedSelect(
        lambda code, level: Area.objects.filter(code=code, level=level).values_list(
            "pk", "code", "created_at", "parent__code"
        ),
        str,
        int,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("reuse", [True, False])
def test_a_reused_select_answers_as_the_queryset_does(areas, settings, reuse):
    settings.REUSE_COMPILED_STATEMENTS = reuse
    select = _areas_named()
    for code in ("310101001001", "310101001", "nowhere"):
        level = Area.objects.filter(code=code).values_list("level", flat=True).first() or 0
        expected = list(Area.objects.filter(code=code, level=level).values_list(
            "pk", "code", "created_at", "parent__code"))  # fmt: skip
        assert select.rows(code, level) == expected
    assert bool(select._compiled) is reuse


@pytest.mark.django_db
def test_a_reused_select_is_compiled_once_per_connection(areas, django_assert_num_queries):
    select = _areas_named()
    select.rows("310101001", 2)
    compiled = select._compiled[connections["default"]]
    with django_assert_num_queries(1):
        level = areas["310101001001"].level
        assert select.rows("310101001001", level)[0][1] == "310101001001"
    assert select._compiled[connections["default"]] is compiled


@pytest.mark.django_db
@pytest.mark.parametrize("reuse", [True, False])
def test_a_reused_update_changes_what_the_queryset_update_does(areas, settings, reuse):
    settings.REUSE_COMPILED_STATEMENTS = reuse
    rename = ReusedUpdate(
        lambda pk, name: (Area.objects.filter(pk=pk), {"name": Concat(F("name"), Value(name))}),
        int,
        str,
    )
    area = areas["310101001"]
    assert rename.run(area.pk, "（改）") == 1
    assert rename.run(-1, "x") == 0
    area.refresh_from_db()
    assert area.name.endswith("（改）")


def test_an_argument_django_would_convert_is_refused():
    with pytest.raises(TypeError):
        ReusedSelect(lambda when: Area.objects.filter(created_at__gt=when), dt.datetime)
    with pytest.raises(TypeError, match="values_list"):
        ReusedSelect(lambda code: Area.objects.filter(code=code), str).rows("x")


@pytest.mark.django_db
def test_a_constant_that_equals_a_stand_in_stays_a_constant(areas):
    select = ReusedSelect(
        lambda level: Area.objects.filter(pk__lt=30011, level=level).values_list("code"), int
    )
    level = areas["310101001"].level
    expected = list(Area.objects.filter(level=level).values_list("code"))
    assert expected and select.rows(level) == expected
