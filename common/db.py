"""Database seams the ORM does not offer (raw SQL lives here and in maps/geo.py only)."""

import threading
from collections import deque

from django.db import connections, models, router

# PostgreSQL ids are reserved this many at a time per process: one round trip in 16
# instead of one per report. The price: numbers from two processes interleave instead of
# following the report order exactly, and a restart skips the unused rest of a block.
ID_BLOCK = 16
_reserved: dict[tuple[str, str], deque[int]] = {}
_reserved_lock = threading.Lock()


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
        return cursor.fetchone()[0]


def forget_reserved_ids() -> None:
    """Drop this process's unused reservations (tests that reset sequences)."""
    with _reserved_lock:
        _reserved.clear()
