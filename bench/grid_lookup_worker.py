"""One database's half of bench/grid_lookup.py: build, warm up, time, compare.

Runs in its own process, so DATABASE_URL is read once by Django's settings.
"""

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

from bench import report

WARMUP_POINTS = 2_000
INSIDE_SHARE = 0.95

# The best single query a DBA would write for each database. PostGIS uses the GiST
# index on its own. SQLite's planner never looks at SpatiaLite's R*Tree unless the query
# names it, and without ANALYZE statistics it may still prefer walking the (level, code)
# index and probing the R*Tree per row; CROSS JOIN pins the R*Tree as the outer loop.
# The cheap level test comes before Intersects because SQLite evaluates in written order.
RAW_SQL = {
    "postgis": (
        "SELECT id, code FROM grid_area WHERE level = 4 AND "
        "ST_Intersects(boundary, ST_SetSRID(ST_MakePoint(%s, %s), 4326)) "
        "ORDER BY code LIMIT 1"
    ),
    "spatialite": (
        "SELECT a.id, a.code FROM idx_grid_area_boundary AS r "
        "CROSS JOIN grid_area AS a ON a.id = r.pkid "
        "WHERE r.xmin <= ? AND r.xmax >= ? AND r.ymin <= ? AND r.ymax >= ? "
        "AND a.level = 4 AND Intersects(a.boundary, MakePoint(?, ?, 4326)) "
        "ORDER BY a.code LIMIT 1"
    ),
}


def run(args: argparse.Namespace) -> int:
    database = args.worker
    if database == "postgis":
        _recreate_postgis_database(os.environ["DATABASE_URL"])
    _django_setup()
    from bench import lattice

    _say(database, f"migrating {os.environ['DATABASE_URL']}")
    _migrate()
    started = time.perf_counter()
    counts = lattice.build_district(grids=args.grids, seed=args.seed)
    lattice.check_tiling(args.grids)
    _check_spatial_index(database, args.grids)
    _settle(database)
    _say(database, f"built {counts} in {time.perf_counter() - started:.1f} s")
    points = random_points(lattice.district_extent(args.grids), args.points, args.seed)
    result = measure(database, points)
    result["setup"] = {**counts, "versions": _versions(database)}
    Path(args.result_file).write_text(json.dumps(result))
    return 0


def _say(database: str, message: str) -> None:
    print(f"[{database}] {message}", file=sys.stderr, flush=True)


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _recreate_postgis_database(url: str) -> None:
    """Drop and create the bench database so every run starts from the same state."""
    import psycopg

    server, name = url.rsplit("/", 1)
    conninfo = server.replace("postgis://", "postgresql://", 1) + "/postgres"
    try:
        with psycopg.connect(conninfo, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
        with psycopg.connect(conninfo.rsplit("/", 1)[0] + f"/{name}", autocommit=True) as db:
            db.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    except psycopg.OperationalError as exc:
        raise SystemExit(
            f"PostgreSQL is not reachable at {server} ({exc}).\n"
            "Start PostgreSQL 15 with PostGIS, or run with --database spatialite."
        ) from exc
    except psycopg.errors.FeatureNotSupported as exc:
        raise SystemExit(f"PostGIS is not installed on {server}: {exc}") from exc


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _settle(database: str) -> None:
    """Leave the database as the app finds it in service, and start a fresh connection
    (the embedded mode opens one per request; the setup's connection had the R*Tree
    opened while it was empty, which skews SQLite's plans)."""
    from django.db import connection

    if database == "postgis":
        # autovacuum would analyse a table this size within a minute
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    # SQLite gets no ANALYZE: nothing in the app runs it, so a real file has no statistics.
    connection.close()


def _check_spatial_index(database: str, grids: int) -> None:
    from django.db import connection

    if database != "spatialite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM idx_grid_area_boundary")
        indexed = cursor.fetchone()[0]
    if indexed < grids:
        raise SystemExit(f"SpatiaLite R*Tree holds {indexed} rows for {grids}+ areas")


def random_points(extent, count: int, seed: int) -> list[tuple[float, float]]:
    """`count` seeded points: ~95 % inside the district, the rest in a band around it."""
    rng = random.Random(seed)
    width, height = extent.xmax - extent.xmin, extent.ymax - extent.ymin
    points = []
    while len(points) < count:
        if rng.random() < INSIDE_SHARE:
            x, y = rng.uniform(extent.xmin, extent.xmax), rng.uniform(extent.ymin, extent.ymax)
            points.append((x, y))
            continue
        x = rng.uniform(extent.xmin - width / 5, extent.xmax + width / 5)
        y = rng.uniform(extent.ymin - height / 5, extent.ymax + height / 5)
        if not (extent.xmin <= x <= extent.xmax and extent.ymin <= y <= extent.ymax):
            points.append((x, y))
    return points


def raw_lookup(database: str):
    """A function point → (id, code) | None on Django's own DB-API connection."""
    from django.db import connection

    connection.ensure_connection()
    cursor = connection.connection.cursor()
    sql = RAW_SQL[database]

    if database == "postgis":

        def lookup(lon: float, lat: float):
            cursor.execute(sql, (lon, lat))
            return cursor.fetchone()

    else:

        def lookup(lon: float, lat: float):
            cursor.execute(sql, (lon, lon, lat, lat, lon, lat))
            return cursor.fetchone()

    return lookup


def ours_lookup():
    from grid.selectors import grid_for_point

    def lookup(lon: float, lat: float):
        area = grid_for_point(lon=lon, lat=lat)
        return None if area is None else (area.pk, area.code)

    return lookup


def measure(database: str, points: list[tuple[float, float]]) -> dict:
    """Time both paths on every point, alternating which goes first."""
    paths = {"ours": ours_lookup(), "raw": raw_lookup(database)}
    _say(database, f"warming up on {min(WARMUP_POINTS, len(points))} points")
    for lon, lat in points[:WARMUP_POINTS]:
        paths["ours"](lon, lat), paths["raw"](lon, lat)
    _say(database, f"timing {len(points)} points")
    load_before = os.getloadavg()[0]
    timings, hits = report.time_paths(paths, points)
    return {
        "database": database,
        "points": len(points),
        "found": sum(1 for h in hits["raw"] if h is not None),
        "mismatches": sum(1 for a, b in zip(hits["ours"], hits["raw"], strict=True) if a != b),
        "stats": {name: report.summary(ns) for name, ns in timings.items()},
        "load": [load_before, os.getloadavg()[0]],
    }


def _versions(database: str) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        if database == "postgis":
            cursor.execute("SELECT current_setting('server_version'), postgis_lib_version()")
            return dict(zip(("postgresql", "postgis"), cursor.fetchone(), strict=True))
        cursor.execute("SELECT sqlite_version(), spatialite_version(), geos_version()")
        return dict(zip(("sqlite", "spatialite", "geos"), cursor.fetchone(), strict=True))
