"""Map SQL that differs by database, beside infra/geo.py's point lookup.

- A box filter through the spatial index: PostGIS answers `&&` from its GiST index by
  itself; SpatiaLite uses its R*Tree only when the query names it, so the box becomes a
  sub-select on the index table (as in infra/geo.py).
- A vector tile: PostGIS builds it in the database (`ST_AsMVTGeom` + `ST_AsMVT` around the
  layer's own scoped query); SpatiaLite has no MVT encoder, so the same rows are encoded
  in Python by mapbox-vector-tile, in the same tile coordinates.
"""

import mapbox_vector_tile
import numpy as np
import shapely
from django.contrib.gis.db.models import MultiPolygonField
from django.contrib.gis.db.models.functions import GeoFunc, PointOnSurface
from django.contrib.gis.geos import GEOSGeometry, Polygon
from django.db import connections, router
from django.db.models import FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL
from shapely import wkb as shapely_wkb
from shapely.geometry import box as shapely_box

from grid.models import Area
from infra.geo import is_spatialite
from maps.query import MERCATOR_LAT, BBox

EXTENT = 4096
BUFFER = 64  # tile pixels (of EXTENT) kept around the tile so strokes join across edges
EARTH_HALF = 20037508.342789244  # Web Mercator half circumference, metres


def bbox_polygon(bbox: BBox) -> Polygon:
    polygon = Polygon.from_bbox((bbox.west, bbox.south, bbox.east, bbox.north))
    polygon.srid = 4326
    return polygon


def in_box_q(queryset: QuerySet, field: str, bbox: BBox) -> Q:
    """Rows whose `field` touches the box's envelope, through the spatial index."""
    model = queryset.model
    if not is_spatialite(router.db_for_read(model)):
        return Q(**{f"{field}__bboverlaps": bbox_polygon(bbox)})
    column = model._meta.get_field(field).column
    index = f'"idx_{model._meta.db_table}_{column}"'
    sql = f"SELECT pkid FROM {index} WHERE xmin <= %s AND xmax >= %s AND ymin <= %s AND ymax >= %s"
    return Q(pk__in=RawSQL(sql, (bbox.east, bbox.west, bbox.north, bbox.south)))


# --- tiles ---------------------------------------------------------------------------------


def encode_tile(
    rows: QuerySet, *, layer: str, tile: tuple[int, int, int], properties: tuple[str, ...]
) -> bytes:
    """One MVT layer from `rows`: a values() queryset with a 4326 geometry named `geom`
    and the given `properties` columns."""
    using = router.db_for_read(rows.model)
    if is_spatialite(using):
        return _encode_in_python(rows, layer, tile, properties)
    return _encode_in_postgis(rows, layer, tile, properties, using)


def postgis_tile_sql(inner_sql: str, properties: tuple[str, ...]) -> str:
    """ST_AsMVT around a query yielding `geom` (4326) and `properties`; the tile (z, x, y)
    and the layer name are the first parameters. The bench runs it directly as the
    reference."""
    props = "".join(f', s."{name}"' for name in properties)
    return (
        "SELECT ST_AsMVT(q, %s, 4096, 'geom') FROM (SELECT ST_AsMVTGeom("
        "ST_Transform(s.geom, 3857), ST_TileEnvelope(%s, %s, %s), 4096, 64, true) AS geom"
        f"{props} FROM ({inner_sql}) AS s) AS q"
    )


def _encode_in_postgis(
    rows: QuerySet, layer: str, tile: tuple[int, int, int], properties: tuple[str, ...], using: str
) -> bytes:
    inner_sql, inner_params = rows.query.sql_with_params()
    sql = postgis_tile_sql(inner_sql, properties)
    with connections[using].cursor() as cursor:
        cursor.execute(sql, (layer, *tile, *inner_params))
        data = cursor.fetchone()[0]
    return bytes(data or b"")


def tile_bounds_3857(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    size = 2 * EARTH_HALF / 2**z
    west = -EARTH_HALF + x * size
    north = EARTH_HALF - y * size
    return west, north - size, west + size, north


def _to_mercator(geom: GEOSGeometry):
    shape = shapely_wkb.loads(bytes(geom.wkb))
    return shapely.transform(shape, _mercator_array)


def _mercator_array(coords: np.ndarray) -> np.ndarray:
    lon = coords[:, 0]
    lat = np.clip(coords[:, 1], -MERCATOR_LAT, MERCATOR_LAT)
    x = lon * EARTH_HALF / 180
    y = np.log(np.tan((90 + lat) * np.pi / 360)) * EARTH_HALF / np.pi
    return np.column_stack((x, y))


def _encode_in_python(
    rows: QuerySet, layer: str, tile: tuple[int, int, int], properties: tuple[str, ...]
) -> bytes:
    features = [
        (row["geom"], {name: row[name] for name in properties if row[name] is not None})
        for row in rows
        if row["geom"] is not None
    ]
    return encode_features(features, layer=layer, tile=tile)


def encode_features(
    features: list[tuple[GEOSGeometry, dict]], *, layer: str, tile: tuple[int, int, int]
) -> bytes:
    """One MVT layer from (4326 geometry, properties) pairs, encoded in Python: the
    SpatiaLite path, and a tile of a few hundred counted points on either database."""
    bounds = tile_bounds_3857(*tile)
    pad = (bounds[2] - bounds[0]) * BUFFER / EXTENT
    clip = shapely_box(bounds[0] - pad, bounds[1] - pad, bounds[2] + pad, bounds[3] + pad)
    encoded = []
    for geom, props in features:
        shape = _to_mercator(geom)
        if shape.geom_type != "Point":
            shape = shape.intersection(clip)
        if shape.is_empty or not clip.intersects(shape):
            continue
        encoded.append({"geometry": shape, "properties": props})
    if not encoded:
        return b""
    options = {"quantize_bounds": bounds, "extents": EXTENT, "y_coord_down": False}
    layers = [{"name": layer, "features": encoded}]
    return mapbox_vector_tile.encode(layers, default_options=options)


def encode_area_counts(counts: dict[str, int], *, layer: str, tile: tuple[int, int, int]) -> bytes:
    """Counts per area ({code: n}) as points inside the areas, with properties cluster,
    count and grid (the code). PostGIS places and encodes them in one statement; SpatiaLite
    through GeoDjango and mapbox-vector-tile."""
    if not counts:
        return b""
    using = router.db_for_read(Area)
    if is_spatialite(using):
        points = Area.objects.filter(code__in=sorted(counts)).annotate(
            point=PointOnSurface("boundary")
        )
        features = [
            (point, {"cluster": True, "count": counts[code], "grid": code})
            for code, point in points.values_list("code", "point")
        ]
        return encode_features(features, layer=layer, tile=tile)
    codes = sorted(counts)
    with connections[using].cursor() as cursor:
        sql = AREA_COUNTS_SQL.format(table=Area._meta.db_table)
        cursor.execute(sql, (layer, *tile, codes, [counts[c] for c in codes]))
        data = cursor.fetchone()[0]
    return bytes(data or b"")


AREA_COUNTS_SQL = (
    "SELECT ST_AsMVT(q, %s, 4096, 'geom') FROM (SELECT ST_AsMVTGeom(ST_Transform("
    "ST_PointOnSurface(a.boundary), 3857), ST_TileEnvelope(%s, %s, %s), 4096, 64, true) AS geom, "
    'true AS cluster, c.n AS count, a.code AS grid FROM "{table}" AS a '
    "JOIN unnest(%s::text[], %s::int[]) AS c(code, n) ON a.code = c.code) AS q"
)


class SimplifyPreserveTopology(GeoFunc):
    """ST_SimplifyPreserveTopology on PostGIS, SimplifyPreserveTopology on SpatiaLite (the
    name GeoFunc derives from the class name and the backend's prefix)."""

    output_field = MultiPolygonField(srid=4326)
    arity = 2


class X(GeoFunc):
    """A point's longitude as a number (ST_X / X): no geometry object per row."""

    output_field = FloatField()
    arity = 1


class Y(GeoFunc):
    output_field = FloatField()
    arity = 1
