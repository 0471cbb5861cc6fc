"""infra/django_private.py compiles INSERTs with Django's private InsertQuery and
SQLInsertCompiler: these tests fail loudly when the installed Django is not the one it
was written for, or the attributes it uses changed."""

import inspect

import django
import pytest
from django.db import connection
from django.db.models.sql import InsertQuery
from django.db.models.sql.compiler import SQLInsertCompiler

from infra.django_private import WRITTEN_FOR_DJANGO, insert_sql
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
