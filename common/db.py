"""Database seams the ORM does not offer (raw SQL lives here and in maps/geo.py only)."""

import threading
from collections import deque
from contextlib import nullcontext

from django.db import connections, models, router, transaction
from django.db.models import signals
from django.db.models.sql import InsertQuery

# PostgreSQL ids are reserved this many at a time per process: one round trip in 16
# instead of one per report. The price: numbers from two processes interleave instead of
# following the report order exactly, and a restart skips the unused rest of a block.
ID_BLOCK = 16
_reserved: dict[tuple[str, str], deque[int]] = {}
_reserved_lock = threading.Lock()
_sqlite_handed: dict[tuple[str, str], int] = {}  # the last id handed out per table


def next_id(model: type[models.Model]) -> int:
    """Reserve the next primary key of `model`, so a row whose other fields derive from
    its id (a case number) is inserted whole, without an UPDATE after the INSERT.

    PostgreSQL takes it from the identity sequence, in blocks of ID_BLOCK: never handed
    out twice, even when the transaction rolls back. SQLite has no sequence object: the
    next value is one past the AUTOINCREMENT high-water mark, race-free only because our
    SQLite transactions hold the write lock from BEGIN (transaction_mode=IMMEDIATE), so
    it must be called inside `transaction.atomic`.
    """
    using = router.db_for_write(model)
    if connections[using].vendor == "postgresql":
        return _reserved_id(using, model)
    return _sqlite_next_id(using, model)


def _reserved_id(using: str, model: type[models.Model]) -> int:
    key = (using, model._meta.db_table)
    with _reserved_lock:
        ids = _reserved.setdefault(key, deque())
        if ids:
            return ids.popleft()
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, ID_BLOCK],
        )
        block = sorted(row[0] for row in cursor.fetchall())
    with _reserved_lock:
        ids.extend(block[1:])
    return block[0]


def _sqlite_next_id(using: str, model: type[models.Model]) -> int:
    connection = connections[using]
    if not connection.in_atomic_block:
        raise RuntimeError("next_id on SQLite needs the write lock of a transaction")
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0),"
            f" COALESCE((SELECT MAX({pk}) FROM {table}), 0)) + 1",
            [model._meta.db_table],
        )
        stored = cursor.fetchone()[0]
    # Two reservations before either row is written must still differ.
    key = (using, model._meta.db_table)
    with _reserved_lock:
        handed = max(stored, _sqlite_handed.get(key, 0) + 1)
        _sqlite_handed[key] = handed
    return handed


def forget_reserved_ids() -> None:
    """Drop this process's unused reservations (tests that reset sequences)."""
    with _reserved_lock:
        _reserved.clear()
        _sqlite_handed.clear()


def insert_together(*objs: models.Model) -> None:
    """INSERT new rows of different tables as one statement where the database can.

    A report writes its case, the first timeline entry and the outbox event; as separate
    statements in a transaction that is five round trips (BEGIN, three INSERTs, COMMIT),
    which cost a report more than the inserts themselves. On PostgreSQL the INSERTs, as
    Django compiles them (columns, defaults, auto_now_add, adapters), become the parts of
    one statement with data-modifying CTEs: atomic by itself, one round trip. Rows that
    refer to each other must have their ids already (`next_id`). Elsewhere, or when a
    model has save signal receivers (which a statement would skip), each row is saved in
    order, in a transaction.
    """
    using = router.db_for_write(type(objs[0]))
    connection = connections[using]
    if not one_statement_inserts(using) or any(_has_save_receivers(o) for o in objs):
        with transaction.atomic(using=using, savepoint=False):
            for obj in objs:
                obj.save(force_insert=True, using=using)
        return
    parts = [_insert_sql(obj, connection) for obj in objs]
    ctes = ", ".join(f"w{n} AS ({sql})" for n, (sql, _params) in enumerate(parts))
    ids = ", ".join(f"(SELECT * FROM w{n})" for n in range(len(parts)))
    params = [p for _sql, part_params in parts for p in part_params]
    # Inside a transaction, a savepoint lets the caller recover from a failed statement
    # (a unique violation that means "already saved"); outside, autocommit is enough.
    savepoint = transaction.atomic(using=using) if connection.in_atomic_block else nullcontext()
    with savepoint, connection.cursor() as cursor:
        cursor.execute(f"WITH {ctes} SELECT {ids}", params)
        row = cursor.fetchone()
    for obj, pk in zip(objs, row, strict=True):
        obj.pk = pk
        obj._state.adding, obj._state.db = False, using


def one_statement_inserts(using: str = "default") -> bool:
    """Whether `insert_together` writes its rows as one statement on this database."""
    return connections[using].vendor == "postgresql"


def _has_save_receivers(obj: models.Model) -> bool:
    model = type(obj)
    return signals.pre_save.has_listeners(model) or signals.post_save.has_listeners(model)


def _insert_sql(obj: models.Model, connection) -> tuple[str, tuple]:
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
