"""The one place that uses Django's private API: compiling a model's INSERT.

`infra.db.insert_together` joins the INSERTs of several rows into one PostgreSQL
statement. Django has no public way to get the SQL of an INSERT as it would run it
(columns, defaults, auto_now_add, field adapters), so this asks its InsertQuery and
SQLInsertCompiler, the way `QuerySet._insert` does. tests/infra/test_django_private.py
fails when the installed Django is not the one this was written for, or these
attributes changed; `GONGZHI_ONE_STATEMENT_INSERTS=off` turns the path off.
"""

from django.db import models
from django.db.models.sql import InsertQuery

WRITTEN_FOR_DJANGO = (5, 2)


def insert_sql(obj: models.Model, connection) -> tuple[str, tuple]:
    """The INSERT of `obj` as Django would run it, RETURNING its primary key."""
    meta = obj._meta
    pk_set = obj.pk is not None
    fields = [
        f
        for f in meta.local_concrete_fields
        if not f.generated and (pk_set or f is not meta.auto_field)
    ]
    query = InsertQuery(type(obj))
    query.insert_values(fields, [obj])
    compiler = query.get_compiler(connection=connection)
    compiler.returning_fields = [meta.pk]
    [(sql, params)] = compiler.as_sql()
    return sql, tuple(params)
