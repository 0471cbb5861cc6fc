"""Map layers at city scale on PostGIS: case tiles (z12, z15, z18) and bbox GeoJSON
requests through our code (the Django test client: middleware, session, the access
policy, the layer registry, ETag), against hand-written SQL for the same answer run
directly on the same connection in the same run, alternating which goes first.

    .venv/bin/python bench/map_layers.py [--cases 1000000] [--grids 10000] [--samples 200]
        [--reuse] [--page URL-PATH] [--readme]

The database `gz_bench_maplayers` (PostgreSQL with PostGIS at 127.0.0.1:5432, user
postgres) is dropped and rebuilt unless --reuse: the lattice of bench/lattice.py, then the
cases in one INSERT … SELECT over generate_series (random points, each joined to its grid
through the GiST index; states spread over the workflow). A district supervisor asks.

--page /maps/command/ times the command map in Debian's Chromium (Playwright): from
navigation until the page marks its map ready (#map data-ready="1", set once the first
layers are drawn), for a street supervisor (1,000 grids, a tenth of the cases).
"""

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.report import summary  # noqa: E402

DB_NAME = "gz_bench_maplayers"
SERVER = "postgresql://postgres@127.0.0.1:5432"
ZOOMS = (12, 15, 18)
TARGET_P99_MS = 100.0
TARGET_RATIO = 1.5
MARK = ("<!-- map_layers:start -->", "<!-- map_layers:end -->")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--grids", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="keep an already built database")
    parser.add_argument("--build-only", action="store_true", help="build the database and stop")
    parser.add_argument("--page", help="path of the command-map page to time in Chromium")
    parser.add_argument("--readme", action="store_true", help="write bench/README.md's section")
    parser.add_argument("--save", type=Path)
    parser.add_argument(
        "--from-json", type=Path, help="figures of an earlier run: time the page only"
    )
    return parser.parse_args(argv)


def setup_django(reuse: bool) -> None:
    import psycopg

    if not reuse:
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
            db.execute(f'CREATE DATABASE "{DB_NAME}"')
        with psycopg.connect(f"{SERVER}/{DB_NAME}", autocommit=True) as db:
            db.execute("CREATE EXTENSION IF NOT EXISTS postgis")
            # JIT compiles the plans of spatial queries (costed high by PostGIS) for tens of
            # milliseconds each, more than the queries take: off, for ours and raw alike.
            db.execute(f'ALTER DATABASE "{DB_NAME}" SET jit = off')
    os.environ["DATABASE_URL"] = f"postgis://postgres@127.0.0.1:5432/{DB_NAME}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    import django

    django.setup()
    from django.conf import settings

    settings.TWO_FACTOR_ENFORCED = False  # the page is measured, not the sign-in


def build(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import connection

    from bench.lattice import build_district, district_extent

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    build_district(grids=args.grids, seed=args.seed)
    ext = district_extent(args.grids)
    _category_and_supervisor()
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [args.seed / 1000])
        cursor.execute(
            CASES_SQL,
            {
                "n": args.cases,
                "x0": ext.xmin,
                "y0": ext.ymin,
                "w": ext.xmax - ext.xmin,
                "h": ext.ymax - ext.ymin,
            },
        )
        cursor.execute("VACUUM ANALYZE")  # the visibility map too: index-only scans
    print(
        f"built {args.grids} grids and {args.cases} cases in {time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )


# Every case in a grid (a random point, joined to the grid containing it); a state spread
# like a working district's: most closed, the open ones across the stages, a few hidden.
CASES_SQL = """
INSERT INTO feedback_case (created_at, updated_at, number, client_id, category_id,
  description, location, address, grid_id, area_code, source, reporter_name, contact_name,
  anonymous, priority, state, stage_started_at, due_at, escalation_level, escalated_to,
  handled_on_spot, reopen_count, closed_at, rating, rating_comment, hidden)
SELECT t, t, 'B' || p.i, md5(p.i::text)::uuid, (SELECT id FROM feedback_category
  WHERE code = '1301'), '人行道上有摊贩占道 ' || p.i, p.pt, '', a.id, a.code, 'patrol', '',
  '', false, 'normal', s.state, t, t + interval '3 days', 0, '', false, 0,
  CASE WHEN s.state = 'closed' THEN t + interval '2 days' END, '', '', p.i %% 97 = 0
FROM (SELECT i, ST_SetSRID(ST_MakePoint(%(x0)s + random() * %(w)s,
             %(y0)s + random() * %(h)s), 4326) AS pt, random() AS r
      FROM generate_series(1, %(n)s) AS i) AS p
JOIN grid_area AS a ON a.level = 4 AND ST_Intersects(a.boundary, p.pt)
CROSS JOIN LATERAL (SELECT CASE WHEN p.r < 0.70 THEN 'closed' WHEN p.r < 0.78 THEN 'reported'
  WHEN p.r < 0.85 THEN 'registered' WHEN p.r < 0.95 THEN 'dispatched' ELSE 'handled' END
  AS state) AS s
CROSS JOIN LATERAL (SELECT now() - (p.r * interval '90 days') AS t) AS tt
"""


def _category_and_supervisor():
    from accounts.models import Department, Role, RoleAssignment, User
    from bench.lattice import DISTRICT
    from feedback.models import Category, CategoryKind
    from grid.models import Area

    district = Area.objects.get(code=DISTRICT)
    department = Department.objects.create(code="cgj", name="城管局", area=district)
    order = Category.objects.create(code="13", name="街面秩序", kind=CategoryKind.EVENT)
    Category.objects.create(
        code="1301", name="占道经营", kind=CategoryKind.EVENT, parent=order, department=department
    )
    user = User.objects.create(username="bench-supervisor", display_name="区指挥中心")
    user.set_password("bench-pass-123")
    user.save()
    RoleAssignment.objects.create(user=user, role=Role.SUPERVISOR, area=district)


# --- the raw reference queries -------------------------------------------------------------

SCOPE = "c.area_code LIKE '310101%%'"
COLOUR = """CASE WHEN c.state NOT IN ('reported','registered','dispatched','handled') THEN 'grey'
  WHEN c.due_at IS NULL THEN 'green' WHEN c.due_at < %(now)s THEN 'red'
  WHEN (c.due_at - %(now)s) * 4 < (c.due_at - c.stage_started_at) THEN 'amber'
  ELSE 'green' END"""
BOX = "ST_MakeEnvelope(%(w)s, %(s)s, %(e)s, %(n)s, 4326)"
RAW_POINTS_TILE = f"""SELECT ST_AsMVT(q, 'cases', 4096, 'geom') FROM (SELECT ST_AsMVTGeom(
  ST_Transform(c.location, 3857), ST_TileEnvelope(%(z)s, %(x)s, %(y)s), 4096, 64, true) AS geom,
  c.id, c.number, k.name AS category_name, c.state, {COLOUR} AS colour
  FROM feedback_case c JOIN feedback_category k ON k.id = c.category_id
  WHERE c.location && {BOX} AND {SCOPE}) AS q"""
RAW_CLUSTER_TILE = f"""SELECT ST_AsMVT(q, 'cases', 4096, 'geom') FROM (SELECT ST_AsMVTGeom(
  ST_Transform(ST_Translate(ST_SnapToGrid(c.location, %(size)s), %(half)s, %(half)s), 3857),
  ST_TileEnvelope(%(z)s, %(x)s, %(y)s), 4096, 64, true) AS geom, true AS cluster,
  count(*) AS count FROM feedback_case c WHERE c.location && {BOX} AND {SCOPE}
  GROUP BY ST_SnapToGrid(c.location, %(size)s)) AS q"""
GRIDS_IN_BOX = f"SELECT code FROM grid_area WHERE level = 4 AND boundary && {BOX}"
RAW_GRID_TILE = f"""SELECT ST_AsMVT(q, 'cases', 4096, 'geom') FROM (SELECT ST_AsMVTGeom(
  ST_Transform(ST_PointOnSurface(a.boundary), 3857), ST_TileEnvelope(%(z)s, %(x)s, %(y)s),
  4096, 64, true) AS geom, true AS cluster, n.count, n.area_code AS grid
  FROM (SELECT c.area_code, count(*) AS count FROM feedback_case c
        WHERE c.area_code IN ({GRIDS_IN_BOX}) AND {SCOPE} GROUP BY c.area_code) AS n
  JOIN grid_area a ON a.code = n.area_code) AS q"""
RAW_POINTS = f"""SELECT c.id, c.number, k.name, c.state, {COLOUR}, c.description,
  ST_X(c.location), ST_Y(c.location) FROM feedback_case c
  JOIN feedback_category k ON k.id = c.category_id
  WHERE c.location && {BOX} AND {SCOPE} ORDER BY c.created_at DESC LIMIT 2001"""
RAW_GRID_COUNTS = f"""WITH n AS (SELECT c.area_code, count(*) AS n FROM feedback_case c
  WHERE c.area_code IN ({GRIDS_IN_BOX}) AND {SCOPE} GROUP BY c.area_code)
  SELECT a.code, n.n, ST_X(ST_PointOnSurface(a.boundary)), ST_Y(ST_PointOnSurface(a.boundary))
  FROM n JOIN grid_area a ON a.code = n.area_code"""


def tiles_in(extent, z: int, count: int, rng: random.Random) -> list[tuple[int, int, int]]:
    import math

    out = []
    for _ in range(count):
        lon = rng.uniform(extent.xmin, extent.xmax)
        lat = rng.uniform(extent.ymin, extent.ymax)
        n = 2**z
        x = int((lon + 180) / 360 * n)
        y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
        out.append((z, x, y))
    return out


def viewports(extent, zoom: int, count: int, rng: random.Random) -> list[tuple]:
    """Boxes a 1280 × 800 screen shows at `zoom`, inside the district."""
    from maps.query import degrees_per_pixel

    w, h = 1280 * degrees_per_pixel(zoom), 800 * degrees_per_pixel(zoom) * 0.86
    boxes = []
    for _ in range(count):
        west = rng.uniform(extent.xmin, max(extent.xmax - w, extent.xmin))
        south = rng.uniform(extent.ymin, max(extent.ymax - h, extent.ymin))
        boxes.append((west, south, west + w, south + h))
    return boxes


def measure(args: argparse.Namespace) -> dict:
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from bench.lattice import district_extent
    from feedback.map_layers import CELL_PIXELS, colour_now
    from maps.query import degrees_per_pixel, tile_bbox

    extent = district_extent(args.grids)
    rng = random.Random(args.seed)
    client = Client()
    client.force_login(User.objects.get(username="bench-supervisor"))
    now = colour_now() or timezone.now()
    results = {}

    def run_raw(sql: str, params: dict):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    for z in ZOOMS:
        tiles = tiles_in(extent, z, args.samples, rng)
        ours, raw, sizes = [], [], []
        for i, (tz, x, y) in enumerate(tiles):
            box = tile_bbox(tz, x, y)
            params = {
                "z": tz,
                "x": x,
                "y": y,
                "w": box.west,
                "s": box.south,
                "e": box.east,
                "n": box.north,
                "now": now,
                "size": box.width / 8,
                "half": box.width / 16,
            }
            sql = RAW_GRID_TILE if tz <= 13 else RAW_CLUSTER_TILE if tz < 15 else RAW_POINTS_TILE

            def call_ours(tz=tz, x=x, y=y, sizes=sizes):
                response = client.get(f"/tiles/cases/{tz}/{x}/{y}.pbf")
                assert response.status_code == 200, response.content[:200]
                sizes.append(len(response.content))

            pair = [("ours", call_ours), ("raw", lambda sql=sql, p=params: run_raw(sql, p))]
            for name, fn in pair if i % 2 == 0 else reversed(pair):
                started = time.perf_counter_ns()
                fn()
                (ours if name == "ours" else raw).append(time.perf_counter_ns() - started)
        results[f"tile z{z}"] = _result(ours, raw, sizes)
        print(f"tile z{z}: {results[f'tile z{z}']}", file=sys.stderr)

    results["tile z18, empty"] = _empty_tiles(client, run_raw, now, args.samples)
    for z in (13, 18):
        boxes = viewports(extent, z, args.samples, rng)
        ours, raw, sizes = [], [], []
        for i, (w, s, e, n) in enumerate(boxes):
            params = {"w": w, "s": s, "e": e, "n": n, "now": now}
            sql = RAW_GRID_COUNTS if z <= 13 else RAW_POINTS

            def call_ours(b=(w, s, e, n), z=z, sizes=sizes):
                response = client.get(
                    "/api/v1/map/layers/cases", {"bbox": ",".join(f"{v:.6f}" for v in b), "zoom": z}
                )
                assert response.status_code == 200, response.content[:200]
                sizes.append(len(response.json()["features"]))

            pair = [("ours", call_ours), ("raw", lambda sql=sql, p=params: run_raw(sql, p))]
            for name, fn in pair if i % 2 == 0 else reversed(pair):
                started = time.perf_counter_ns()
                fn()
                (ours if name == "ours" else raw).append(time.perf_counter_ns() - started)
        results[f"geojson z{z}"] = _result(ours, raw, sizes, unit="features")
        print(f"geojson z{z}: {results[f'geojson z{z}']}", file=sys.stderr)
    _ = degrees_per_pixel, CELL_PIXELS
    return results


def _empty_tiles(client, run_raw, now, samples: int) -> dict:
    """A tile with nothing in it, far from the district: what a request costs before any
    case is read (sign-in session, middleware, the access policy, the ETag)."""
    from maps.query import tile_bbox

    z, x, y = 18, 1000, 1000
    box = tile_bbox(z, x, y)
    params = {
        "z": z,
        "x": x,
        "y": y,
        "w": box.west,
        "s": box.south,
        "e": box.east,
        "n": box.north,
        "now": now,
    }
    ours, raw = [], []
    for i in range(samples):
        pair = [
            ("ours", lambda: client.get(f"/tiles/cases/{z}/{x}/{y}.pbf")),
            ("raw", lambda: run_raw(RAW_POINTS_TILE, params)),
        ]
        for name, fn in pair if i % 2 == 0 else reversed(pair):
            started = time.perf_counter_ns()
            fn()
            (ours if name == "ours" else raw).append(time.perf_counter_ns() - started)
    return _result(ours, raw, [0])


def _result(ours: list[int], raw: list[int], sizes: list[int], unit: str = "bytes") -> dict:
    a, b = summary(ours), summary(raw)
    return {
        "ours": {k: round(v, 2) for k, v in a.items()},
        "raw": {k: round(v, 2) for k, v in b.items()},
        "ratio_p50": round(a["p50_ms"] / b["p50_ms"], 2),
        "ratio_p99": round(a["p99_ms"] / b["p99_ms"], 2),
        f"median_{unit}": sorted(sizes)[len(sizes) // 2] if sizes else 0,
    }


def time_page(path: str) -> dict:
    """Seconds from navigation until the page marks its map ready (#map data-ready="1",
    set once the first layers are drawn), three loads, in Debian's Chromium. A street
    supervisor asks: 1,000 grids and a tenth of the cases (100,000 of 1,000,000)."""
    import threading

    from django.test import Client
    from playwright.sync_api import sync_playwright
    from uvicorn import Config, Server

    user, cases = _street_supervisor()
    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    server = Server(
        Config(
            "config.asgi:application",
            host="127.0.0.1",
            port=8765,
            log_level="warning",
            lifespan="on",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.1)
    loads = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=[
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--no-first-run",
                ],
            )
            context = browser.new_context(viewport={"width": 1440, "height": 900})
            context.add_cookies(
                [{"name": "sessionid", "value": session, "url": "http://127.0.0.1:8765"}]
            )
            page = context.new_page()
            for _ in range(3):
                started = time.perf_counter()
                page.goto(f"http://127.0.0.1:8765{path}")
                # a selector, not a JS predicate: the page's CSP forbids eval
                page.wait_for_selector("#map[data-ready='1']", state="attached", timeout=60_000)
                loads.append(time.perf_counter() - started)
            shown = page.evaluate("Object.assign({}, document.getElementById('map').dataset)")
            browser.close()
    finally:
        server.should_exit = True
        thread.join(10)
    return {
        "path": path,
        "cases_in_scope": cases,
        "seconds": [round(s, 2) for s in loads],
        "shown": shown,
    }


def _street_supervisor():
    from accounts.models import Role, RoleAssignment, User
    from feedback.models import Case
    from grid.models import Area

    street = Area.objects.get(code="310101001")
    user, created = User.objects.get_or_create(username="bench-street-supervisor")
    if created:
        RoleAssignment.objects.create(user=user, role=Role.SUPERVISOR, area=street)
    return user, Case.objects.filter(area_code__startswith=street.code).count()


def readme_section(results: dict, args: argparse.Namespace, page: dict | None) -> str:
    rows = []
    for name, r in results.items():
        ours, raw = r["ours"], r["raw"]
        within = ours["p99_ms"] <= TARGET_P99_MS if name.startswith("tile") else None
        ratio_ok = r["ratio_p99"] <= TARGET_RATIO
        rows.append(
            f"| {name} | {ours['p50_ms']:.1f} | {ours['p99_ms']:.1f} | {raw['p50_ms']:.1f} | "
            f"{raw['p99_ms']:.1f} | {r['ratio_p50']:.2f} | {r['ratio_p99']:.2f} | "
            f"{'—' if within is None else ('yes' if within else '**no**')} | "
            f"{'yes' if ratio_ok else '**no**'} |"
        )
    lines = [
        MARK[0],
        f"### Map layers (`bench/map_layers.py`, PostGIS, {args.grids:,} grids, "
        f"{args.cases:,} cases, {args.samples} samples each, a district supervisor)",
        "",
        "| request | ours p50 ms | ours p99 ms | raw p50 ms | raw p99 ms | ratio p50 | "
        "ratio p99 | p99 ≤ 100 ms | ratio ≤ 1.5 |",
        "|---|---|---|---|---|---|---|---|---|",
        *rows,
        "",
    ]
    if page:
        lines.append(
            f"Command map in Chromium ({page['path']}, a street supervisor: 1,000 grids, "
            f"{page['cases_in_scope']:,} cases in scope): map ready after "
            f"{', '.join(str(s) for s in page['seconds'])} s (three loads; target < 2 s); "
            f"drawn: {page['shown']}."
        )
        lines.append("")
    lines.append(MARK[1])
    return "\n".join(lines)


def write_readme(section: str) -> None:
    path = ROOT / "bench" / "README.md"
    text = path.read_text()
    if MARK[0] in text:
        before, rest = text.split(MARK[0], 1)
        after = rest.split(MARK[1], 1)[1]
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    setup_django(args.reuse)
    if not args.reuse:
        build(args)
    if args.build_only:
        return 0
    earlier = args.from_json and json.loads(args.from_json.read_text())["results"]
    results = earlier or measure(args)
    if args.save:
        args.save.write_text(json.dumps({"results": results}, indent=2))
    page = time_page(args.page) if args.page else None
    section = readme_section(results, args, page)
    print(section)
    if args.save:
        args.save.write_text(json.dumps({"results": results, "page": page}, indent=2))
    if args.readme:
        write_readme(section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
