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
"""

import threading

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
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
