"""Database seams the ORM does not offer (raw SQL lives here and in infra/geo.py only)."""

import threading
from collections import deque
from collections.abc import Callable

from django.conf import settings
from django.db import connections, models, router
from django.db.models import signals

from infra.django_private import insert_sql

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
    """INSERT new rows of different tables, in the caller's transaction.

    The reference is the plain ORM: each row saved in order with `save(force_insert=True)`.
    On PostgreSQL, unless ONE_STATEMENT_INSERTS is off, the INSERTs as Django compiles them
    (infra.django_private) run instead as one statement with data-modifying CTEs: one
    round trip instead of three. Rows that refer to each other must have their ids already
    (`next_id`). A model whose save() does more than insert (an override, a save signal
    receiver) is refused on both paths, so a test on SQLite fails where PostgreSQL would
    have skipped it.
    """
    using = router.db_for_write(type(objs[0]))
    connection = connections[using]
    if not connection.in_atomic_block:
        raise RuntimeError("insert_together writes inside the caller's transaction.atomic")
    for obj in objs:
        _refuse_extra_save_work(type(obj))
    if one_statement_inserts(using):
        _insert_in_one_statement(objs, using)
    else:
        for obj in objs:
            obj.save(force_insert=True, using=using)


def one_statement_inserts(using: str = "default") -> bool:
    """Whether `insert_together` writes its rows as one statement on this database."""
    return settings.ONE_STATEMENT_INSERTS and connections[using].vendor == "postgresql"


def insert_safe_save(save: Callable) -> Callable:
    """Mark a save() override that only guards updates, so an INSERT needs nothing from
    it and `insert_together` may write the model without calling it."""
    save.insert_safe = True
    return save


def _refuse_extra_save_work(model: type[models.Model]) -> None:
    if model.save is not models.Model.save and not getattr(model.save, "insert_safe", False):
        raise TypeError(f"insert_together cannot write {model.__name__}: its save() is overridden")
    if signals.pre_save.has_listeners(model) or signals.post_save.has_listeners(model):
        raise TypeError(f"insert_together cannot write {model.__name__}: it has save receivers")


def _insert_in_one_statement(objs: tuple[models.Model, ...], using: str) -> None:
    connection = connections[using]
    parts = [insert_sql(obj, connection) for obj in objs]
    ctes = ", ".join(f"w{n} AS ({sql})" for n, (sql, _params) in enumerate(parts))
    ids = ", ".join(f"(SELECT * FROM w{n})" for n in range(len(parts)))
    params = [p for _sql, part_params in parts for p in part_params]
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {ctes} SELECT {ids}", params)
        row = cursor.fetchone()
    for obj, pk in zip(objs, row, strict=True):
        obj.pk = pk
        obj._state.adding, obj._state.db = False, using
