"""The one seam between GeoDjango and the two spatial databases.

PostGIS answers `ST_Intersects` through its GiST index by itself and orders conditions by
cost. SpatiaLite consults its R*Tree only when the query names it, evaluates conditions
in the order written, and without ANALYZE statistics may probe the R*Tree once per row
of another index: so its point query drives from the R*Tree with a CROSS JOIN (SQLite's
documented join-order hint) and tests the cheap conditions before the geometry.
"""

from collections.abc import Sequence
from functools import lru_cache

from django.db import connections, models, router


def is_spatialite(using: str = "default") -> bool:
    return connections[using].vendor == "sqlite"


def first_row_at_point(
    model: type[models.Model],
    field: str,
    *,
    lon: float,
    lat: float,
    columns: tuple[str, ...],
    where: str,
    where_params: Sequence,
    order_by: str,
) -> models.Model | None:
    """The first row (by `order_by`) whose `field` intersects the point, through the
    spatial index, as a model instance with only `columns` loaded (the rest load lazily).

    `where` is a trusted SQL condition on alias `t` (never user text); its values travel
    as `where_params`. The point stays two floats: a GEOS Point built through ctypes
    costs more than the query itself on this hot path.
    """
    using = router.db_for_read(model)
    spatialite = is_spatialite(using)
    sql = _point_sql(model._meta.db_table, field, columns, where, order_by, spatialite)
    lon, lat = float(lon), float(lat)
    bbox = (lon, lon, lat, lat) if spatialite else ()
    row = _fetch_one(using, sql, (*bbox, *where_params, lon, lat))
    return None if row is None else model.from_db(using, columns, row)


def _fetch_one(using: str, sql: tuple[str, str], params: tuple) -> tuple | None:
    """Run one read on the driver's own cursor when nobody is watching the queries.

    Django's cursor wrapper (placeholder rewriting, wrappers, logging) costs more than
    this indexed query; when queries are logged (DEBUG, tests counting queries) or an
    execute wrapper is installed, the ordinary cursor runs it so it stays visible.
    """
    django_sql, driver_sql = sql
    connection = connections[using]
    if connection.queries_logged or connection.execute_wrappers:
        with connection.cursor() as cursor:
            cursor.execute(django_sql, params)
            return cursor.fetchone()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        cursor = connection.connection.cursor()
        try:
            cursor.execute(driver_sql, params)
            return cursor.fetchone()
        finally:
            cursor.close()


@lru_cache(maxsize=64)
def _point_sql(
    table: str,
    field: str,
    columns: tuple[str, ...],
    where: str,
    order_by: str,
    spatialite: bool,
) -> tuple[str, str]:
    """The query in Django's placeholder style and in the driver's own."""
    cols = ", ".join(f't."{c}"' for c in columns)
    if not spatialite:
        sql = (
            f'SELECT {cols} FROM "{table}" AS t WHERE {where} AND ST_Intersects('
            f't."{field}", ST_SetSRID(ST_MakePoint(%s, %s), 4326)) '
            f'ORDER BY t."{order_by}" LIMIT 1'
        )
        return sql, sql
    sql = (
        f'SELECT {cols} FROM "idx_{table}_{field}" AS r CROSS JOIN "{table}" AS t '
        "ON t.id = r.pkid WHERE r.xmin <= %s AND r.xmax >= %s AND r.ymin <= %s "
        f'AND r.ymax >= %s AND {where} AND Intersects(t."{field}", MakePoint(%s, %s, 4326)) '
        f'ORDER BY t."{order_by}" LIMIT 1'
    )
    return sql, sql.replace("%s", "?")
