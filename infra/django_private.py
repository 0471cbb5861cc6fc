"""The one place that uses Django's private API: compiling a model's INSERT, and reusing
one Redis client in the cache backend.

`infra.db.insert_together` joins the INSERTs of several rows into one PostgreSQL
statement. Django has no public way to get the SQL of an INSERT as it would run it
(columns, defaults, auto_now_add, field adapters), so this asks its InsertQuery and
SQLInsertCompiler, the way `QuerySet._insert` does. tests/infra/test_django_private.py
fails when the installed Django is not the one this was written for, or these
attributes changed; `GONGZHI_ONE_STATEMENT_INSERTS=off` turns the path off.

`ReusedClientRedisCache` is Django's RedisCache with one `redis.Redis` (and one
connection pool) per server for the whole process. Django builds a client for every
cache call (copying redis-py's ~170 response callbacks: 0.4 ms of CPU) and a new cache
object, with new pools and so a new connection, per request context; a phone's report
makes five memo reads (profiled with py-spy under uvicorn: connecting and building
clients were most of the memo's time).
`GONGZHI_REDIS_CLIENT_REUSE=off` uses Django's own backend.

`ReusedSelect` and `ReusedUpdate` run a values_list SELECT or an UPDATE compiled once per
database connection, with new values for its parameters: building and compiling a
queryset cost each of a vote's hot statements (the token, the ballot, the voter's
register row, the tally) 0.5–1.5 ms of CPU, running it a tenth of that. They take the
SQL, the parameters and the converters from SQLCompiler as ValuesListIterable and
QuerySet.update do. `GONGZHI_REUSE_COMPILED_STATEMENTS=off` builds and runs the queryset
every time.
"""

import threading
import weakref
from collections.abc import Callable
from typing import NamedTuple

from django.conf import settings
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import connections, models, router, transaction
from django.db.models import QuerySet
from django.db.models.sql import InsertQuery, UpdateQuery

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


# One client (and its connection pool) per Redis server for the whole process.
_clients: dict[str, object] = {}
_clients_lock = threading.Lock()


class ReusedClientRedisCacheClient(RedisCacheClient):
    """`get_client` hands out one client per server for the whole process. Django keeps
    a cache object per thread and per request context, each with new pools, so under
    a2wsgi every request opened a new Redis connection; a redis.Redis over a pool is safe
    to share between threads (each command checks a connection out of the pool)."""

    def get_client(self, key=None, *, write=False):
        server = self._servers[self._get_connection_pool_index(write)]
        client = _clients.get(server)
        if client is None:
            with _clients_lock:
                client = _clients.get(server)
                if client is None:
                    pool = self._pool_class.from_url(server, **self._pool_options)
                    client = _clients[server] = self._client(connection_pool=pool)
        return client


class ReusedClientRedisCache(RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient


class _Compiled(NamedTuple):
    compiler: object  # the SQLCompiler, kept for its converters
    sql: str
    params: tuple
    slots: tuple[tuple[int, ...], ...]  # where each argument goes in params
    converters: dict


class _Reused:
    """A statement built by `build(*args)`, whose parameters are exactly `args`, each of
    a type in `kinds` (int or str: Django hands them to the database unchanged), compiled
    once per connection object (one per thread: its dialect, its converters)."""

    # Two sets of stand-ins, within every integer field's range (Django turns an
    # out-of-range lookup into "no rows"): the parameters in which the two compilations
    # differ are the arguments, whatever constants the statement also carries.
    _STAND_INS = {int: (lambda n: 30011 + n, lambda n: 30029 + n),
                  str: (lambda n: f"~stand-in-a{n}~", lambda n: f"~stand-in-b{n}~")}  # fmt: skip

    def __init__(self, build: Callable, *kinds: type) -> None:
        if not set(kinds) <= set(self._STAND_INS):
            raise TypeError(f"{type(self).__name__} takes int and str arguments only")
        self.build = build
        self.kinds = kinds
        self.alias: str | None = None  # the database it runs on, once known
        self._compiled: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def _using(self) -> str:
        if self.alias is None:
            self.alias = self._alias(self.build(*self._stand_ins(0)))
        return self.alias

    def _execute(self, args: tuple):
        """The compiled statement's cursor result (fetchall), and what compiled it."""
        connection = connections[self._using()]
        compiled = self._compiled.get(connection) or self._compile(connection)
        params = list(compiled.params)
        for slot, value in zip(compiled.slots, args, strict=True):
            for index in slot:
                params[index] = value
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            return compiled, (cursor.fetchall() if cursor.description else cursor.rowcount)

    def _stand_ins(self, which: int) -> list:
        return [self._STAND_INS[kind][which](n) for n, kind in enumerate(self.kinds)]

    def _compile(self, connection) -> _Compiled:
        compiler = self._compiler(self.build(*self._stand_ins(0)), connection)
        sql, params = compiler.as_sql()
        other_sql, other_params = self._compiler(
            self.build(*self._stand_ins(1)), connection
        ).as_sql()
        slots = self._slots(params, other_params)
        if sql != other_sql or slots is None:
            raise TypeError("an argument did not reach the SQL unchanged")
        compiled = _Compiled(compiler, sql, tuple(params), slots, self._converters(compiler))
        self._compiled[connection] = compiled
        return compiled

    def _slots(self, params, other_params) -> tuple[tuple[int, ...], ...] | None:
        """Where each argument sits in the parameters; None when they do not line up."""
        first, second = self._stand_ins(0), self._stand_ins(1)
        moved = [i for i, (a, b) in enumerate(zip(params, other_params, strict=True)) if a != b]
        slots = tuple(tuple(i for i in moved if params[i] == s) for s in first)
        placed = sorted(i for slot in slots for i in slot)
        lined_up = all(other_params[i] == second[n] for n, slot in enumerate(slots) for i in slot)
        return slots if all(slots) and placed == moved and lined_up else None


class ReusedSelect(_Reused):
    """`rows(*args)` is `list(build(*args))` for a values_list queryset of model fields,
    without building and compiling it again (the conversions are its compiler's, as in
    ValuesListIterable)."""

    def rows(self, *args) -> list[tuple]:
        if not settings.REUSE_COMPILED_STATEMENTS:
            return list(self.build(*args))
        compiled, rows = self._execute(args)
        if compiled.converters:
            rows = compiled.compiler.apply_converters(rows, compiled.converters)
        return [tuple(row) for row in rows]

    @staticmethod
    def _alias(queryset: QuerySet) -> str:
        return queryset.db

    @staticmethod
    def _compiler(queryset: QuerySet, connection):
        if queryset._fields is None or queryset.query.annotation_select:
            raise TypeError("ReusedSelect runs a values_list of model fields")
        return queryset.query.get_compiler(connection=connection)

    @staticmethod
    def _converters(compiler) -> dict:
        return compiler.get_converters([c[0] for c in compiler.select[: compiler.col_count]])


class ReusedUpdate(_Reused):
    """`run(*args)` is `queryset.update(**values)` for `build(*args) == (queryset,
    values)`, compiled once, as QuerySet.update compiles it; returns the rows changed."""

    def run(self, *args) -> int:
        if not settings.REUSE_COMPILED_STATEMENTS:
            queryset, values = self.build(*args)
            return queryset.update(**values)
        with transaction.mark_for_rollback_on_error(using=self._using()):
            return self._execute(args)[1]

    @staticmethod
    def _alias(built) -> str:
        return built[0]._db or router.db_for_write(built[0].model)

    @staticmethod
    def _compiler(built, connection):
        queryset, values = built
        query = queryset.query.chain(UpdateQuery)
        query.add_update_values(values)
        query.clear_select_clause()
        return query.get_compiler(connection=connection)

    @staticmethod
    def _converters(compiler) -> dict:
        return {}
