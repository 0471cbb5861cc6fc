"""Database seams the ORM does not offer (raw SQL lives here and in maps/geo.py only)."""

from django.db import connections, models, router


def next_id(model: type[models.Model]) -> int:
    """Reserve the next primary key of `model`, so a row whose other fields derive from
    its id (a case number) is inserted whole, without an UPDATE after the INSERT.

    PostgreSQL takes it from the identity sequence: never handed out twice, even when the
    transaction rolls back. SQLite has no sequence object: the next value is one past the
    AUTOINCREMENT high-water mark, which is race-free only because our SQLite
    transactions hold the write lock from BEGIN (transaction_mode=IMMEDIATE), so it must
    be called inside `transaction.atomic`.
    """
    using = router.db_for_write(model)
    connection = connections[using]
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s))",
                [model._meta.db_table, model._meta.pk.column],
            )
        else:
            if not connection.in_atomic_block:
                raise RuntimeError("next_id on SQLite needs the write lock of a transaction")
            cursor.execute(
                "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0),"
                f" COALESCE((SELECT MAX({pk}) FROM {table}), 0)) + 1",
                [model._meta.db_table],
            )
        return cursor.fetchone()[0]
