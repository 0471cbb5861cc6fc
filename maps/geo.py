"""The one seam between GeoDjango and the two spatial databases.

PostGIS answers `ST_Intersects` through its GiST index by itself. SpatiaLite does not
consult its R*Tree unless the query names it, so there we add a bounding-box pre-filter
on the index table Django created for the column.
"""

from django.contrib.gis.geos import Point
from django.db import connection, models
from django.db.models import Q
from django.db.models.expressions import RawSQL


def is_spatialite() -> bool:
    return connection.vendor == "sqlite"


def point_from_lonlat(lon: float, lat: float) -> Point:
    return Point(float(lon), float(lat), srid=4326)


def indexed_intersects(model: type[models.Model], field: str, point: Point) -> Q:
    """`field` intersects `point`, through the spatial index on both databases."""
    exact = Q(**{f"{field}__intersects": point})
    if not is_spatialite():
        return exact
    table = f"idx_{model._meta.db_table}_{field}"
    candidates = RawSQL(
        f'SELECT pkid FROM "{table}" WHERE xmin <= %s AND xmax >= %s AND ymin <= %s AND ymax >= %s',
        (point.x, point.x, point.y, point.y),
    )
    return Q(pk__in=candidates) & exact
