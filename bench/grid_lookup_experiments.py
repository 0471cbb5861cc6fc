"""EXPERIMENTAL variants of the point → grid query, timed beside the real one.

These are private copies of grid.selectors.grid_for_point changed one way each, to
measure a proposed fix before anyone edits grid/selectors.py or maps/geo.py. They are
never the benchmark's "ours" figure.
"""

import sys

from django.db import connection
from django.db.models import Q

from bench import report
from bench.grid_lookup_worker import ours_lookup, raw_lookup
from grid.models import Area, AreaLevel
from maps.geo import indexed_intersects, is_spatialite, point_from_lonlat

SAMPLE = 10_000
WARMUP = 1_000
LIGHT_FIELDS = ("id", "code", "name", "level", "parent_id")

# The DBA's query, returning the fields a caller of grid_for_point uses (not the
# boundary), through Area.objects.raw so the caller still gets an Area.
MODEL_SQL = {
    "postgis": (
        "SELECT id, code, name, level, parent_id FROM grid_area WHERE level = %s AND "
        "ST_Intersects(boundary, ST_SetSRID(ST_MakePoint(%s, %s), 4326)) "
        "ORDER BY code LIMIT 1"
    ),
    "spatialite": (
        "SELECT a.id, a.code, a.name, a.level, a.parent_id FROM idx_grid_area_boundary AS r "
        "CROSS JOIN grid_area AS a ON a.id = r.pkid "
        "WHERE r.xmin <= %s AND r.xmax >= %s AND r.ymin <= %s AND r.ymax >= %s "
        "AND a.level = %s AND Intersects(a.boundary, MakePoint(%s, %s, 4326)) "
        "ORDER BY a.code LIMIT 1"
    ),
}


def level_first(lon: float, lat: float) -> Area | None:
    """grid_for_point with the level test written before the spatial test."""
    point = point_from_lonlat(lon, lat)
    return (
        Area.objects.filter(level=AreaLevel.GRID)
        .filter(indexed_intersects(Area, "boundary", point))
        .order_by("code")
        .first()
    )


def level_first_light(lon: float, lat: float) -> Area | None:
    """…and without loading the boundary the caller does not use."""
    point = point_from_lonlat(lon, lat)
    return (
        Area.objects.filter(level=AreaLevel.GRID)
        .filter(indexed_intersects(Area, "boundary", point))
        .only(*LIGHT_FIELDS)
        .order_by("code")
        .first()
    )


def rtree_first_light(lon: float, lat: float) -> Area | None:
    """ORM, but the R*Tree candidates fetched first as a literal pk list (SpatiaLite)."""
    point = point_from_lonlat(lon, lat)
    areas = Area.objects.filter(level=AreaLevel.GRID)
    if is_spatialite():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pkid FROM idx_grid_area_boundary "
                "WHERE xmin <= %s AND xmax >= %s AND ymin <= %s AND ymax >= %s",
                (point.x, point.x, point.y, point.y),
            )
            areas = areas.filter(pk__in=[pk for (pk,) in cursor.fetchall()])
    exact = Q(boundary__intersects=point)
    return areas.filter(exact).only(*LIGHT_FIELDS).order_by("code").first()


def model_raw_sql(database: str):
    sql = MODEL_SQL[database]

    def lookup(lon: float, lat: float) -> Area | None:
        params = (AreaLevel.GRID, lon, lat)
        if database == "spatialite":
            params = (lon, lon, lat, lat, *params)
        return next(iter(Area.objects.raw(sql, params)), None)

    return lookup


def _as_answer(fn):
    def lookup(lon: float, lat: float):
        area = fn(lon, lat)
        return None if area is None else (area.pk, area.code)

    return lookup


def run(database: str, points: list[tuple[float, float]], raw_sql: str) -> dict:
    del raw_sql  # the baseline comes from raw_lookup, the same as the benchmark's
    variants = {
        "raw": raw_lookup(database),
        "ours (real grid_for_point)": ours_lookup(),
        "exp: level filter first": _as_answer(level_first),
        "exp: level first + only() without boundary": _as_answer(level_first_light),
        "exp: R*Tree pks first, then ORM (light)": _as_answer(rtree_first_light),
        "exp: Area.objects.raw(DBA SQL, light)": _as_answer(model_raw_sql(database)),
    }
    sample = points[:SAMPLE]
    print(f"[{database}] experiments on {len(sample)} points", file=sys.stderr, flush=True)
    for lon, lat in sample[:WARMUP]:
        for fn in variants.values():
            fn(lon, lat)
    timings, answers = report.time_paths(variants, sample)
    results = {name: report.summary(ns) for name, ns in timings.items()}
    for name, got in answers.items():
        results[name]["mismatches"] = sum(a != b for a, b in zip(got, answers["raw"], strict=True))
    if database == "spatialite":
        results.update(_after_analyze(sample))
    return results


def _after_analyze(sample: list[tuple[float, float]]) -> dict:
    """ours once SQLite has statistics (ANALYZE, then a fresh connection)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    connection.close()
    variants = {"raw": raw_lookup("spatialite"), "ours": ours_lookup()}
    for lon, lat in sample[:WARMUP]:
        for fn in variants.values():
            fn(lon, lat)
    timings, _ = report.time_paths(variants, sample)
    return {f"{name}, after ANALYZE": report.summary(ns) for name, ns in timings.items()}
