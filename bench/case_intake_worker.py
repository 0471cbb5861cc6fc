"""One database's run of bench/case_intake.py (in its own process: DATABASE_URL is read at
Django setup)."""

import asyncio
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from io import StringIO
from pathlib import Path

from bench.http_load import fire, post_json, request_once

ROOT = Path(__file__).resolve().parent.parent
WARM_UP = 100  # per path, before the measured rounds
JIFFY_MS = 1000 / os.sysconf("SC_CLK_TCK")
CATEGORY = "1302"  # 机动车乱停放, among the most reported
REPORT_PATH, BARE_PATH, TOKEN_PATH = "/api/v1/cases", "/bench/bare-case", "/api/v1/auth/token"


DEFAULT_WORKERS = {"spatialite": "1,2", "postgis": "2,4"}


def run(args) -> int:
    _fresh_database(args.worker)
    import django

    django.setup()
    result = {"setup": _load_demo(), "runs": {}}
    rng = random.Random(f"case-intake:{args.worker}")
    counts = args.workers or DEFAULT_WORKERS[args.worker]
    for workers in [int(n) for n in counts.split(",")]:
        result["runs"][str(workers)] = _measure(
            rng, workers, args.requests, args.rounds, args.concurrency
        )
    Path(args.result_file).write_text(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


def _fresh_database(database: str) -> None:
    if database.startswith("spatialite"):
        var = Path(os.environ["GONGZHI_VAR_DIR"])
        var.mkdir(parents=True, exist_ok=True)
        (var / "gongzhi.sqlite3").unlink(missing_ok=True)
        return
    import psycopg

    name = os.environ["DATABASE_URL"].rsplit("/", 1)[1]
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}"')
        db.execute(f'CREATE DATABASE "{name}"')


def _load_demo() -> dict:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, connections

    from feedback.models import Case

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    out = StringIO()
    call_command("demo", stdout=out)
    setup = {
        "seconds": round(time.perf_counter() - started, 1),
        "demo": out.getvalue().strip(),
        "cases_before": Case.objects.count(),
        "versions": _versions(connection),
        "channel_layer": settings.CHANNEL_LAYERS["default"]["BACKEND"].rsplit(".", 1)[1],
        "http_threads": settings.HTTP_THREADS,
    }
    if settings.REDIS_URL:
        import redis

        setup["versions"]["redis"] = redis.Redis.from_url(settings.REDIS_URL).info()[
            "redis_version"
        ]
    connections.close_all()
    return setup


def _versions(connection) -> dict:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT current_setting('server_version'), postgis_lib_version()")
            names = ("postgresql", "postgis")
        else:
            cursor.execute("SELECT sqlite_version(), spatialite_version()")
            names = ("sqlite", "spatialite")
        return dict(zip(names, cursor.fetchone(), strict=True))


def _bodies(rng: random.Random, count: int) -> list[tuple[dict, dict]]:
    """(API body, bare body) pairs: a fresh client_id and a random point in one of the
    grid worker's grids; the bare body also carries that grid's code."""
    from demo import DISTRICT_CODE
    from demo.accounts import WORKER_GRIDS
    from demo.world import grid_places

    grids = [grid for grid in grid_places(DISTRICT_CODE) if grid.code in WORKER_GRIDS]
    pairs = []
    for n in range(count):
        grid = rng.choice(grids)
        lon, lat = grid.random_point(rng)
        body = {
            "client_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "category": CATEGORY,
            "description": f"压测：机动车占用消防通道停放（第 {n + 1} 件）",
            "lon": lon,
            "lat": lat,
            "address": f"{grid.name}巡查点",
        }
        bare_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        pairs.append((body, {**body, "client_id": bare_id, "grid_code": grid.code}))
    return pairs


def _measure(rng, workers: int, requests: int, rounds: int, concurrency: int) -> dict:
    port = _free_port()
    server = _start_server(port, workers)
    try:
        token = asyncio.run(_token(port))
        runs = _rounds(rng, port, token, requests, rounds, concurrency)
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the server's own process group, and only it
        server.wait(timeout=30)
    return runs


def _rounds(rng, port: int, token: str, requests: int, rounds: int, concurrency: int) -> dict:
    """Warm up both paths, then `rounds` rounds of both; which path goes first alternates
    (ours, bare, bare, ours, …) so that neither always runs on a warmer server."""
    warm = _bodies(rng, WARM_UP)
    asyncio.run(fire(port, [post_json(port, REPORT_PATH, a, token) for a, _b in warm], 4))
    asyncio.run(fire(port, [post_json(port, BARE_PATH, b) for _a, b in warm], 4))
    paths = {"ours": (REPORT_PATH, 0, token), "bare": (BARE_PATH, 1, "")}
    measured = {"ours": [], "bare": []}
    busy = {"ours": [], "bare": []}  # machine-wide busy jiffies per round
    sent = {"ours": [], "bare": []}
    load = [os.getloadavg()[0]]
    for n in range(rounds):
        pairs = _bodies(rng, requests // rounds + (n < requests % rounds))
        for name in ("ours", "bare") if n % 2 == 0 else ("bare", "ours"):
            path, index, bearer = paths[name]
            bodies = [pair[index] for pair in pairs]
            raw = [post_json(port, path, body, bearer) for body in bodies]
            before = _busy_jiffies()
            measured[name].append(asyncio.run(fire(port, raw, concurrency)))
            busy[name].append(_busy_jiffies() - before)
            sent[name] += [body["client_id"] for body in bodies]
    load.append(os.getloadavg()[0])
    summary = {name: _combined(measured[name], busy[name], sent[name]) for name in measured}
    summary["load"] = load
    summary["warm_up"] = WARM_UP
    return summary


def _busy_jiffies() -> int:
    """Busy time of the whole machine (all cores), in jiffies: total − idle − iowait
    from the first line of /proc/stat (guest time is already counted in user)."""
    with open("/proc/stat") as stat:
        fields = [int(n) for n in stat.readline().split()[1:9]]
    idle, iowait = fields[3], fields[4]  # user nice system idle iowait irq softirq steal
    return sum(fields) - idle - iowait


def _combined(results: list, busy: list[int], client_ids: list[str]) -> dict:
    from bench.http_load import LoadResult

    combined = LoadResult(
        requests=sum(r.requests for r in results),
        seconds=sum(r.seconds for r in results),
        statuses=sum((r.statuses for r in results), start=type(results[0].statuses)()),
        latencies_ms=[ms for r in results for ms in r.latencies_ms],
        errors=sum(r.errors for r in results),
    )
    return {
        **combined.summary(),
        "rounds_per_second": [round(r.per_second, 1) for r in results],
        "median_per_second": round(statistics.median(r.per_second for r in results), 1),
        "busy_jiffies": busy,
        "cpu_ms_per_request": round(sum(busy) * JIFFY_MS / combined.requests, 2),
        "rows": _rows_with(client_ids),
    }


def _rows_with(client_ids: list[str]) -> int:
    from django.db import connections

    from feedback.models import Case

    found = sum(
        Case.objects.filter(client_id__in=client_ids[i : i + 500]).count()
        for i in range(0, len(client_ids), 500)
    )
    connections.close_all()
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_server(port: int, workers: int) -> subprocess.Popen:
    uvicorn = Path(sys.executable).with_name("uvicorn")
    command = [str(uvicorn), "config.asgi:application", "--host", "127.0.0.1",
               "--port", str(port), "--workers", str(workers), "--log-level", "warning",
               "--no-access-log"]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env=os.environ, start_new_session=True)


async def _token(port: int) -> str:
    """Wait for the server, then log in as the demo grid worker."""
    body = {"username": "gridworker", "password": "gongzhi-demo", "label": "case_intake"}
    for _attempt in range(300):
        try:
            status, answer = await request_once(port, post_json(port, TOKEN_PATH, body))
        except (ConnectionError, OSError):
            await asyncio.sleep(0.1)
            continue
        if status in (200, 201):
            return json.loads(answer)["token"]
        raise RuntimeError(f"token: HTTP {status} {answer[:200]!r}")
    raise RuntimeError("the server did not start")
