"""The one seam between GeoDjango and the two spatial databases.

PostGIS answers `ST_Intersects` through its GiST index by itself and orders conditions by
cost. SpatiaLite consults its R*Tree only when the query names it, evaluates conditions
in the order written, and without ANALYZE statistics may probe the R*Tree once per row
of another index: so its point query drives from the R*Tree with a CROSS JOIN (SQLite's
documented join-order hint) and tests the cheap conditions before the geometry.
"""

from collections.abc import Sequence

from django.contrib.gis.geos import Point
from django.db import connections, models, router


def is_spatialite(using: str = "default") -> bool:
    return connections[using].vendor == "sqlite"


def point_from_lonlat(lon: float, lat: float) -> Point:
    return Point(float(lon), float(lat), srid=4326)


def first_row_at_point(
    model: type[models.Model],
    field: str,
    point: Point,
    *,
    columns: Sequence[str],
    where: str,
    where_params: Sequence,
    order_by: str,
) -> models.Model | None:
    """The first row (by `order_by`) whose `field` intersects `point`, through the spatial
    index, as a model instance with only `columns` loaded (the rest load lazily).

    `where` is a trusted SQL condition on alias `t` (never user text); its values travel
    as `where_params`.
    """
    using = router.db_for_read(model)
    sql, params = _point_sql(model, field, point, columns, where, where_params, order_by, using)
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return None if row is None else model.from_db(using, list(columns), row)


def _point_sql(model, field, point, columns, where, where_params, order_by, using):
    table = model._meta.db_table
    cols = ", ".join(f't."{c}"' for c in columns)
    if not is_spatialite(using):
        sql = (
            f'SELECT {cols} FROM "{table}" AS t WHERE {where} AND ST_Intersects('
            f't."{field}", ST_SetSRID(ST_MakePoint(%s, %s), 4326)) '
            f'ORDER BY t."{order_by}" LIMIT 1'
        )
        return sql, (*where_params, point.x, point.y)
    sql = (
        f'SELECT {cols} FROM "idx_{table}_{field}" AS r CROSS JOIN "{table}" AS t '
        "ON t.id = r.pkid WHERE r.xmin <= %s AND r.xmax >= %s AND r.ymin <= %s "
        f'AND r.ymax >= %s AND {where} AND Intersects(t."{field}", MakePoint(%s, %s, 4326)) '
        f'ORDER BY t."{order_by}" LIMIT 1'
    )
    bbox = (point.x, point.x, point.y, point.y)
    return sql, (*bbox, *where_params, point.x, point.y)


def refresh_statistics(using: str = "default") -> None:
    """Give SQLite's planner statistics after a bulk load (PostgreSQL's autovacuum does
    this by itself)."""
    if is_spatialite(using):
        with connections[using].cursor() as cursor:
            cursor.execute("ANALYZE")
