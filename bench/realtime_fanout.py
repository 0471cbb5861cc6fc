"""Realtime fan-out: one area's case events to 1,000 and 5,000 WebSocket clients on one
ASGI process with Redis, against a bare `websockets` broadcast server in the same run.

    .venv/bin/python bench/realtime_fanout.py [--clients 1000,5000] [--rate 50]
        [--seconds 20] [--idle 30] [--database postgis|spatialite] [--no-deflate]
        [--profile] [--what-if asgi-sends] [--no-readme] [--render]

Setup: a fresh database (PostGIS `gz_fanout_bench`, dropped and recreated, or a SpatiaLite
file in /tmp/gz_fanout_bench) migrated and loaded with `manage.py demo`, and a Redis
server of its own (`redis-server` on a free port, no persistence) for the channel layer
and the memo cache. SESSIONS login sessions of the demo supervisor of the first street
are written to the session table (as `django.contrib.auth.login` writes them).

For each --clients count N, two servers, one after the other, each fresh:

- **ours**: `config.asgi:application` under one uvicorn process (`--workers 1`, the
  product's defaults otherwise: uvloop, httptools, websockets-sansio with
  permessage-deflate, REDIS_URL so the channel layer is channels-redis pub/sub). N
  sockets on `/ws/events/` with a session cookie and an Origin header, each joining
  `staff.<street>` (and its user and session groups). Once all are greeted the server
  sits --idle seconds (one socket re-check period by default; its CPU is recorded), then
  a separate process (this one) reports cases through `POST /api/v1/cases` as the demo
  grid worker (bearer token) at --rate per second for --seconds, on keep-alive
  connections, open loop (request i is sent at start + i / rate, whatever the answers
  do). Each report makes one `case.report` event; every one of the N sockets must
  receive it. The server's live-link counters (GET /api/v1/ops/realtime, as the demo
  administrator) and Redis's INFO are read before and after.
- **bare**: a `websockets` server (this file with --bare-server, one process, uvloop, the
  same deflate settings) that sends each text message it gets on `/control` to every
  other connection with `websockets.broadcast`; driven at the same rate with messages of
  the same size and shape (a real event captured from ours, its case number replaced).

Clients: N sockets over CLIENT_PROCESSES processes (asyncio on uvloop, a minimal
WebSocket client protocol: the handshake a browser sends, including its
permessage-deflate offer, then frames parsed and inflated by hand, pings answered), all
connected and greeted (`hello`) before the load starts. Each message's arrival time
(CLOCK_MONOTONIC, shared by all processes) is recorded under its case number.

Latency = the moment the report request was written (bare: the control message) → the
moment a client read the event; every (event, client) pair counts, so N × events values.
What has not arrived DRAIN_SECONDS after the last report is undelivered (and counts as
infinitely late in the percentiles). Events/s and messages/s delivered are over the
first report → the last delivery. Memory per connection = (server RSS with N connected −
RSS after start-up and warm-up) / N. Server CPU is the process's utime + stime over the
load and drain, from /proc; µs per message = that / messages delivered (for ours it also
pays for the HTTP reports and the sockets' housekeeping).

--profile runs py-spy (`record --gil --nonblocking`, raw format; PY_SPY names the binary
when it is not beside the interpreter or on PATH) on each server during the load and
prints where the GIL holder spends its time. --what-if asgi-sends serves ours with
GONGZHI_SHARED_FRAMES=off: the hub sends each socket its text through ASGI `send` (uvicorn
frames and deflates it per socket) instead of writing one shared frame. The
default run rewrites its own section of bench/README.md (between its markers), with the
previous saved run of the same arguments next to it, and saves the results in
/tmp/gz_fanout_bench; --render rewrites the section from the latest saved run.
"""

import argparse
import asyncio
import base64
import contextlib
import datetime as dt
import functools
import json
import math
import multiprocessing
import os
import platform
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import zlib
from array import array
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from the repository root
    sys.path.insert(0, str(ROOT))

from bench.case_intake_worker import (  # noqa: E402
    _bodies,
    _busy_jiffies,
    _free_port,
    _fresh_database,
    _load_demo,
    _start_server,
    _token,
)
from bench.http_load import _read_response, post_json  # noqa: E402

POSTGIS_URL = "postgis://postgres@127.0.0.1:5432/gz_fanout_bench"
WORK_DIR = Path("/tmp/gz_fanout_bench")  # SpatiaLite file, redis dir, saved results
README = ROOT / "bench" / "README.md"
START, END = "<!-- realtime_fanout:start -->", "<!-- realtime_fanout:end -->"
REPORT_PATH, SOCKET_PATH, CONTROL_PATH = "/api/v1/cases", "/ws/events/", "/control"
STATUS_PATH = "/api/v1/ops/realtime"
SUPERVISOR = "supervisor"  # the demo's printed supervisor of the first street
SESSIONS = 10  # login sessions the sockets share (each is one more group to join)
CLIENT_PROCESSES = 2
CONNECT_CONCURRENCY = 64  # handshakes in flight per client process
REPORT_CONNECTIONS = 16  # at most; about one per 3 reports/s
WARM_UP = 5  # reports (or bare messages) through one probe socket before measuring
DRAIN_SECONDS = 10.0  # after the last report, how long deliveries may still arrive
HELLO_TIMEOUT = 180.0
NUMBER_KEY = b'"number": "'  # json.dumps's default separators, as send_json writes
TICK = os.sysconf("SC_CLK_TCK")
TARGET_CLIENTS = 5000
TARGET_P99_MS = 250.0
TARGET_RATE = 50.0
TARGET_RATIO = 3.0  # p99 ours / p99 bare
CITY_SOCKETS = 100_000


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="1000,5000", help="socket counts, comma-separated")
    parser.add_argument("--rate", type=float, default=TARGET_RATE, help="events per second")
    parser.add_argument("--seconds", type=float, default=20.0, help="load duration")
    parser.add_argument("--database", choices=["postgis", "spatialite"], default="postgis")
    parser.add_argument(
        "--no-deflate",
        dest="deflate",
        action="store_false",
        help="clients do not offer permessage-deflate (browsers do)",
    )
    parser.add_argument(
        "--idle",
        type=float,
        default=float(os.environ.get("GONGZHI_SOCKET_CHECK_SECONDS", "30")),
        help="seconds ours sits with every socket open before the load, its CPU measured "
        "(default: one socket re-check period, so the load meets the steady state)",
    )
    parser.add_argument("--profile", action="store_true", help="py-spy on each server")
    parser.add_argument(
        "--http-apart",
        action="store_true",
        help="ours: the reports go to a second server process, the sockets' process only "
        "fans out (sockets on processes of their own)",
    )
    parser.add_argument(
        "--what-if",
        choices=["asgi-sends"],
        help="serve ours with GONGZHI_SHARED_FRAMES=off (the hub's plain path: ASGI send "
        "per socket, framed and deflated by uvicorn)",
    )
    parser.add_argument("--no-readme", action="store_true", help="do not touch bench/README.md")
    parser.add_argument("--render", action="store_true", help="re-render the last saved run")
    parser.add_argument("--bare-server", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.counts = [int(n) for n in args.clients.split(",")]
    if args.rate <= 0 or args.seconds <= 0 or min(args.counts) < 1:
        parser.error("--rate, --seconds and --clients must be positive")
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    _raise_fd_limit()
    if args.bare_server:
        return _bare_server(args.bare_server, args.deflate)
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    if args.render:  # the latest saved run with these arguments
        wanted = {"meta": {"args": vars(args), "started": "9999"}}
        results = _previous_run(wanted)
        if results is None:
            raise SystemExit(f"no saved run with these arguments in {WORK_DIR}")
    else:
        results = _run_all(args)
        stamp = results["meta"]["started"].replace(":", "")
        (WORK_DIR / f"result-{stamp}.json").write_text(json.dumps(results, indent=1))
    previous = _previous_run(results)
    print(table(results, previous))
    print("\n".join(f"[{'met' if ok else 'NOT MET'}] {text}" for text, ok in verdicts(results)))
    for line in _counter_lines(results):
        print(line)
    for run in results["runs"]:
        if run.get("profile"):
            print(f"\nprofile, {run['server']} with {run['clients']:,} clients:")
            print(_profile_text(run["profile"]))
    print(f"({(time.monotonic() - started) / 60:.1f} min)")
    if not args.no_readme:
        write_readme(README, results, previous)
        print(f"wrote {README.relative_to(ROOT)}")
    return 0


# --- the run ------------------------------------------------------------------------------


def _run_all(args: argparse.Namespace) -> dict:
    redis = _start_redis()
    try:
        _environment(args.database, redis["url"])
        _fresh_database(args.database)
        import django

        django.setup()
        setup = _load_demo()
        cookies = _sessions(SESSIONS)
        admin = _admin_token()
        needed = len(args.counts) * (WARM_UP + math.ceil(args.rate * args.seconds))
        bodies = [api for api, _bare in _bodies(random.Random("realtime-fanout"), needed)]
        results = {
            "meta": _meta(args),
            "setup": {k: v for k, v in setup.items() if k != "demo"},
            "runs": [],
        }
        template = None
        for count in args.counts:
            ours = _run_ours(args, count, cookies, bodies, admin, redis["url"])
            captured = ours.pop("template")
            template = template or captured
            results["runs"].append(ours)
            results["runs"].append(_run_bare(args, count, template))
        results["meta"]["load_after"] = os.getloadavg()[0]
        results["meta"]["uptime_after"] = _uptime()
        results["meta"]["message_bytes"] = len(template)
        return results
    finally:
        redis["process"].terminate()
        redis["process"].wait(timeout=10)


def _environment(database: str, redis_url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["GONGZHI_ESCALATION_INTERVAL"] = "0"  # no scheduler thread competing
    os.environ["REDIS_URL"] = redis_url
    if database == "postgis":
        os.environ["DATABASE_URL"] = POSTGIS_URL
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["GONGZHI_VAR_DIR"] = str(WORK_DIR)


def _start_redis() -> dict:
    """A redis-server of our own on a free port: nobody else's keys, no persistence."""
    port = _free_port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
               "--appendonly", "no", "--dir", str(WORK_DIR), "--loglevel", "warning"]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, start_new_session=True)
    for _attempt in range(100):
        with contextlib.suppress(OSError), _connect(port):
            return {"process": process, "url": f"redis://127.0.0.1:{port}/0"}
        time.sleep(0.05)
    process.kill()
    raise RuntimeError("redis-server did not start")


def _connect(port: int):
    import socket

    return socket.create_connection(("127.0.0.1", port), timeout=1)


def _sessions(count: int) -> list[str]:
    """Cookies of `count` login sessions of the supervisor, written as login() writes them."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.db import connections

    from accounts.models import User

    user = User.objects.get(username=SUPERVISOR)
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    cookies = []
    for _n in range(count):
        store = store_class()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={store.session_key}")
    connections.close_all()
    return cookies


def _admin_token() -> str:
    """A bearer token of the demo administrator, to read the server's live-link counters."""
    from django.db import connections

    from accounts.models import User
    from accounts.tokens import token_issue

    token = token_issue(user=User.objects.get(username="admin"), label="realtime_fanout")
    connections.close_all()
    return token


def _live_counters(port: int, token: str) -> dict:
    """realtime.health's counters of the server process (GET /api/v1/ops/realtime)."""

    async def ask() -> tuple[int, bytes]:
        request = (
            f"GET {STATUS_PATH} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Authorization: Bearer {token}\r\nConnection: close\r\n\r\n"
        )
        return await _one_request(port, request.encode())

    with contextlib.suppress(Exception):
        status, answer = _run_async(asyncio.wait_for(ask(), 15))
        if status == 200:
            return json.loads(answer)["counters"]
    return {}


def _observe(port: int, admin: str, redis_url: str) -> dict:
    """Counters that only grow: the server's live link, and what Redis did."""
    import redis

    info = redis.Redis.from_url(redis_url).info()
    seen = {f"redis_{k}": info[k] for k in ("total_commands_processed", "total_net_output_bytes")}
    seen["redis_pubsub_channels"] = info["pubsub_channels"]
    return {**_live_counters(port, admin), **seen}


def _street_group() -> str:
    from demo.accounts import STREET

    return f"staff.{STREET}"


def _run_ours(
    args, count: int, cookies: list[str], bodies: list[dict], admin: str, redis_url: str
) -> dict:
    port = _free_port()
    server = _start_ours(port, args.what_if)
    http_port = _free_port() if args.http_apart else port
    http = _start_ours(http_port, args.what_if) if args.http_apart else None
    try:
        token = asyncio.run(_token(port))
        token = asyncio.run(_token(http_port)) if http else token
        probe = _run_async(
            _probe_ours(port, http_port, cookies[0], token, bodies[:WARM_UP], args.deflate)
        )
        if _street_group() not in probe["hello"]["groups"]:
            raise RuntimeError(f"the supervisor's socket did not join {_street_group()}")
        del bodies[:WARM_UP]
        needed = math.ceil(args.rate * args.seconds)
        load = bodies[:needed]
        del bodies[:needed]

        def drive() -> list[dict]:
            return _run_async(_drive_reports(http_port, token, load, args.rate))

        counters = functools.partial(_observe, port, admin, redis_url)
        run = _measure("ours", server.pid, port, count, cookies, args, drive, counters)
        run["template"] = probe["template"]
        run["hello_groups"] = probe["hello"]["groups"]
        return run
    finally:
        for process in [server] + ([http] if http else []):
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _start_ours(port: int, what_if: str | None) -> subprocess.Popen:
    """config.asgi:application, as case_intake serves it; --what-if sets its switch."""
    if what_if != "asgi-sends":
        return _start_server(port, 1)
    os.environ["GONGZHI_SHARED_FRAMES"] = "off"
    try:
        return _start_server(port, 1)
    finally:
        del os.environ["GONGZHI_SHARED_FRAMES"]


def _run_bare(args, count: int, template: bytes) -> dict:
    port = _free_port()
    command = [sys.executable, __file__, "--bare-server", str(port)]
    command += [] if args.deflate else ["--no-deflate"]
    server = subprocess.Popen(command, cwd=ROOT, start_new_session=True)
    try:
        _wait_port(port)
        number = _number_of(template)
        messages = [
            template.replace(number, f"B{n:0{len(number) - 1}d}".encode()).decode()
            for n in range(WARM_UP + math.ceil(args.rate * args.seconds))
        ]
        _run_async(_probe_bare(port, messages[:WARM_UP], args.deflate))
        load = messages[WARM_UP:]

        def drive() -> list[dict]:
            return _run_async(_drive_bare(port, load, args.rate))

        return _measure("bare", server.pid, port, count, [""], args, drive)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def _measure(kind: str, pid: int, port: int, count: int, cookies, args, drive, counters=dict):
    """Connect `count` clients, run the load, drain, and summarise."""
    rss_before = _rss_kb(pid)
    load_before = os.getloadavg()[0]
    pool = ClientPool(port, count, cookies, args.deflate)
    try:
        ready = pool.ready()
        time.sleep(1.0)  # let the last connections settle before reading memory
        rss_connected = _rss_kb(pid)
        idle_cores = None
        if kind == "ours" and args.idle > 0:  # steady state: every socket re-checked once
            before = _cpu_ticks(pid)
            time.sleep(args.idle)
            idle_cores = round((_cpu_ticks(pid) - before) / TICK / args.idle, 3)
        profiler = _start_profiler(pid, args.seconds) if args.profile else None
        counted = counters()
        cpu_before, busy_before, clients_before = _cpu_ticks(pid), _busy_jiffies(), pool.cpu()
        t0 = time.monotonic()
        sends = drive()
        last_sent = max(s["sent"] for s in sends)
        expected = count * sum(1 for s in sends if s["key"])
        delivered = pool.delivered()
        while delivered < expected and time.monotonic() < last_sent + DRAIN_SECONDS:
            time.sleep(0.25)
            delivered = pool.delivered()
        elapsed = time.monotonic() - t0
        cpu = (_cpu_ticks(pid) - cpu_before) / TICK
        busy = (_busy_jiffies() - busy_before) / TICK
        clients_cpu = pool.cpu() - clients_before
        rss_after = _rss_kb(pid)
        after = counters()  # an overloaded server may not answer: then only Redis's
        arrivals, client_stats = pool.collect()
        # zeros too, when the server answered: "relay_delivered 0" is a finding
        counted = {k: v - counted.get(k, 0) for k, v in after.items() if v >= counted.get(k, 0)}
        if "redis_pubsub_channels" in after:  # a level, with every socket open
            counted["redis_pubsub_channels"] = after["redis_pubsub_channels"]
        profile = _finish_profiler(profiler) if profiler else None
    finally:
        pool.close()
    run = {
        "server": kind,
        "clients": count,
        "connected": ready["connected"],
        "connect_failures": ready["failed"],
        "connect_errors": ready["errors"],
        "connect_seconds": round(ready["seconds"], 2),
        "rss_before_kb": rss_before,
        "rss_connected_kb": rss_connected,
        "idle_cores": idle_cores,
        "rss_after_kb": rss_after,
        "kb_per_connection": round((rss_connected - rss_before) / count, 1),
        "server_cpu_s": round(cpu, 2),
        "machine_busy_cores": round(busy / elapsed, 2),
        "clients_cpu_s": round(clients_cpu, 2),
        "measured_seconds": round(elapsed, 2),
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
        "lost_connections": client_stats["lost"],
        "other_messages": client_stats["other"],
        "live_counters": counted,  # ours: realtime.health over the load and the drain
        **_latency_summary(sends, arrivals, count),
    }
    run["cpu_us_per_message"] = round(cpu * 1e6 / max(run["messages"], 1), 1)
    if profile:
        run["profile"] = profile
    return run


def _run_async(coroutine):
    import uvloop

    return uvloop.run(coroutine)


def _wait_port(port: int) -> None:
    for _attempt in range(200):
        with contextlib.suppress(OSError), _connect(port):
            return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


def _number_of(message: bytes) -> bytes:
    start = message.index(NUMBER_KEY) + len(NUMBER_KEY)
    return message[start : message.index(b'"', start)]


# --- load -------------------------------------------------------------------------------


async def _drive_reports(port: int, token: str, bodies: list[dict], rate: float) -> list[dict]:
    """Open loop: report i is written at start + i / rate on a free keep-alive connection
    (it waits only when every connection is busy; the lag is recorded). A connection the
    server closed while idle is reopened and the report written again: the API answers a
    repeated `client_id` with the same case, so a retry never makes a second one."""
    pool: asyncio.Queue = asyncio.Queue()
    for _n in range(min(REPORT_CONNECTIONS, max(2, math.ceil(rate / 3)))):
        pool.put_nowait(await asyncio.open_connection("127.0.0.1", port))
    start = time.monotonic() + 0.1
    records: list[dict] = []

    async def report(i: int, body: dict) -> None:
        scheduled = start + i / rate
        await asyncio.sleep(max(0.0, scheduled - time.monotonic()))
        reader, writer = await pool.get()
        request = post_json(port, REPORT_PATH, body, token)
        status, answer = 0, b""
        for _attempt in range(3):
            sent = time.monotonic()
            try:
                writer.write(request)
                status, answer = await _read_response(reader)
                break
            except (asyncio.IncompleteReadError, ConnectionError, IndexError, ValueError):
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
        returned = time.monotonic()
        pool.put_nowait((reader, writer))
        key = json.loads(answer)["number"].encode() if status in (200, 201) else None
        records.append(
            {
                "key": key,
                "scheduled": scheduled,
                "sent": sent,
                "returned": returned,
                "status": status,
            }
        )

    await asyncio.gather(*(report(i, body) for i, body in enumerate(bodies)))
    while not pool.empty():
        _reader, writer = pool.get_nowait()
        writer.close()
    return records


async def _drive_bare(port: int, messages: list[str], rate: float) -> list[dict]:
    from websockets.asyncio.client import connect

    records = []
    async with connect(f"ws://127.0.0.1:{port}{CONTROL_PATH}", compression=None) as control:
        start = time.monotonic() + 0.1
        for i, message in enumerate(messages):
            scheduled = start + i / rate
            await asyncio.sleep(max(0.0, scheduled - time.monotonic()))
            sent = time.monotonic()
            await control.send(message)
            records.append(
                {
                    "key": _number_of(message.encode()),
                    "scheduled": scheduled,
                    "sent": sent,
                    "returned": sent,
                    "status": 200,
                }
            )
    return records


async def _probe_ours(
    port: int, http_port: int, cookie: str, token: str, bodies: list[dict], deflate: bool
):
    """One socket, WARM_UP reports one after another: warms the server and captures a
    real event (the bare server's template) and the hello."""
    loop = asyncio.get_running_loop()
    sink: dict = {}
    client = FanoutClient(_handshake(port, cookie, deflate), sink, Counter(), capture=True)
    await loop.create_connection(lambda: client, "127.0.0.1", port)
    hello = json.loads(await asyncio.wait_for(client.hello, 30))
    for body in bodies:
        request = post_json(http_port, REPORT_PATH, body, token)
        status, answer = await _one_request(http_port, request)
        if status not in (200, 201):
            raise RuntimeError(f"report: HTTP {status} {answer[:300]!r}")
    await _until(lambda: len(sink) >= len(bodies), 30, "the probe socket's events")
    client.transport.close()
    return {"hello": hello, "template": client.captured[-1]}


async def _probe_bare(port: int, messages: list[str], deflate: bool) -> None:
    from websockets.asyncio.client import connect

    loop = asyncio.get_running_loop()
    sink: dict = {}
    client = FanoutClient(_handshake(port, "", deflate), sink, Counter())
    await loop.create_connection(lambda: client, "127.0.0.1", port)
    await asyncio.wait_for(client.hello, 30)
    async with connect(f"ws://127.0.0.1:{port}{CONTROL_PATH}", compression=None) as control:
        for message in messages:
            await control.send(message)
        await _until(lambda: len(sink) >= len(messages), 30, "the bare probe's messages")
    client.transport.close()


async def _one_request(port: int, raw: bytes) -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(raw)
        return await _read_response(reader)
    finally:
        writer.close()


async def _until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


# --- clients ------------------------------------------------------------------------------


def _handshake(port: int, cookie: str, deflate: bool) -> bytes:
    """The upgrade request a browser sends from a page of this host."""
    key = base64.b64encode(os.urandom(16)).decode()
    lines = [
        f"GET {SOCKET_PATH} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {key}",
        "Sec-WebSocket-Version: 13",
        f"Origin: http://127.0.0.1:{port}",
    ]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    if deflate:
        lines.append("Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


class FanoutClient(asyncio.Protocol):
    """A receive-only WebSocket client, as thin as it can be: thousands of them share a
    core with the server under test. Server frames are unmasked; control frames are
    never fragmented; a message's arrival time is when its last bytes were read."""

    def __init__(self, request: bytes, sink: dict, stats: Counter, capture: bool = False):
        self.request, self.sink, self.stats = request, sink, stats
        self.hello = asyncio.get_running_loop().create_future()
        self.head: bytes | None = b""  # until the 101 answer is whole
        self.buffer = b""
        self.inflater = None
        self.parts: list[bytes] = []
        self.compressed = False
        self.captured: list[bytes] | None = [] if capture else None
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport) -> None:
        self.transport = transport
        transport.write(self.request)

    def connection_lost(self, exc) -> None:
        if not self.hello.done():
            self.hello.set_exception(ConnectionError(f"closed before hello: {exc!r}"))
        else:
            self.stats["lost"] += 1

    def data_received(self, data: bytes) -> None:
        now = time.monotonic()
        if self.head is not None:
            self.head += data
            end = self.head.find(b"\r\n\r\n")
            if end < 0:
                return
            head, data, self.head = self.head[:end], self.head[end + 4 :], None
            if not head.startswith(b"HTTP/1.1 101"):
                self.hello.set_exception(ConnectionError(head.split(b"\r\n", 1)[0].decode()))
                self.transport.close()
                return
            offer = re.search(rb"(?im)^sec-websocket-extensions:(.*)$", head)
            if offer and b"permessage-deflate" in offer.group(1):
                bits = re.search(rb"server_max_window_bits=(\d+)", offer.group(1))
                self.inflater = zlib.decompressobj(-int(bits.group(1)) if bits else -15)
        if self.buffer:
            data = self.buffer + data
        size, pos = len(data), 0
        while size - pos >= 2:
            first, length, header = data[pos], data[pos + 1] & 0x7F, 2
            if length == 126:
                if size - pos < 4:
                    break
                length, header = int.from_bytes(data[pos + 2 : pos + 4], "big"), 4
            elif length == 127:
                if size - pos < 10:
                    break
                length, header = int.from_bytes(data[pos + 2 : pos + 10], "big"), 10
            end = pos + header + length
            if end > size:
                break
            payload = data[pos + header : end]
            pos = end
            opcode = first & 0x0F
            if opcode == 0x9:
                self._send_control(0xA, payload)
            elif opcode == 0x8:
                self.transport.close()
                return
            elif opcode in (0x0, 0x1, 0x2):
                if opcode:
                    self.compressed = bool(first & 0x40)
                if not first & 0x80:  # not the last fragment
                    self.parts.append(payload)
                    continue
                if self.parts:
                    payload, self.parts = b"".join([*self.parts, payload]), []
                if self.compressed:
                    payload = self.inflater.decompress(payload + b"\x00\x00\xff\xff")
                self._message(payload, now)
        self.buffer = data[pos:] if pos < size else b""

    def _message(self, payload: bytes, now: float) -> None:
        i = payload.find(NUMBER_KEY)
        if i < 0:
            if not self.hello.done() and b'"hello"' in payload:
                self.hello.set_result(payload)
            else:
                self.stats["other"] += 1
            return
        i += len(NUMBER_KEY)
        key = payload[i : payload.index(b'"', i)]
        arrivals = self.sink.get(key)
        if arrivals is None:
            arrivals = self.sink[key] = array("d")
        arrivals.append(now)
        self.stats["matched"] += 1
        if self.captured is not None:
            self.captured.append(payload)

    def _send_control(self, opcode: int, payload: bytes) -> None:
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.transport.write(bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + masked)

    def close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self._send_control(0x8, (1000).to_bytes(2, "big"))
            self.transport.close()


class ClientPool:
    """CLIENT_PROCESSES processes holding `count` sockets between them."""

    def __init__(self, port: int, count: int, cookies: list[str], deflate: bool) -> None:
        context = multiprocessing.get_context("spawn")  # no copy of our Django state
        shares = [count // CLIENT_PROCESSES + (n < count % CLIENT_PROCESSES)
                  for n in range(CLIENT_PROCESSES)]  # fmt: skip
        self.pipes, self.processes = [], []
        for share in shares:
            if not share:
                continue
            parent, child = context.Pipe()
            process = context.Process(
                target=_client_process, args=(child, port, share, cookies, deflate), daemon=True
            )
            process.start()
            self.pipes.append(parent)
            self.processes.append(process)

    def _ask(self, command: str, timeout: float = 60.0) -> list:
        for pipe in self.pipes:
            pipe.send(command)
        return [self._answer(pipe, timeout) for pipe in self.pipes]

    def _answer(self, pipe, timeout: float):
        if not pipe.poll(timeout):
            raise RuntimeError("a client process did not answer")
        return pipe.recv()

    def ready(self) -> dict:
        answers = [self._answer(pipe, HELLO_TIMEOUT + 30) for pipe in self.pipes]
        return {
            "connected": sum(a["connected"] for a in answers),
            "failed": sum(a["failed"] for a in answers),
            "errors": sorted({e for a in answers for e in a["errors"]})[:5],
            "seconds": max(a["seconds"] for a in answers),
        }

    def delivered(self) -> int:
        return sum(self._ask("count"))

    def cpu(self) -> float:
        return sum(self._ask("cpu"))

    def collect(self) -> tuple[list[dict], Counter]:
        arrivals, stats = [], Counter()
        for sink, process_stats in self._ask("collect", timeout=120):
            arrivals.append(sink)
            stats.update(process_stats)
        return arrivals, stats

    def close(self) -> None:
        for process in self.processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()  # this pool's own process, by its handle


def _client_process(pipe, port: int, count: int, cookies: list[str], deflate: bool) -> None:
    _raise_fd_limit()
    _run_async(_client_main(pipe, port, count, cookies, deflate))


async def _client_main(pipe, port: int, count: int, cookies: list[str], deflate: bool) -> None:
    loop = asyncio.get_running_loop()
    sink: dict = {}
    stats: Counter = Counter()
    clients: list[FanoutClient] = []
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
    started = time.monotonic()

    async def connect(n: int) -> None:
        async with gate:
            client = FanoutClient(_handshake(port, cookies[n % len(cookies)], deflate), sink, stats)
            await loop.create_connection(lambda: client, "127.0.0.1", port)
            await asyncio.wait_for(client.hello, HELLO_TIMEOUT)
            clients.append(client)

    outcomes = await asyncio.gather(*(connect(n) for n in range(count)), return_exceptions=True)
    errors = [repr(o)[:200] for o in outcomes if isinstance(o, BaseException)]
    pipe.send(
        {
            "connected": len(clients),
            "failed": len(errors),
            "errors": sorted(set(errors))[:5],
            "seconds": time.monotonic() - started,
        }
    )
    commands: asyncio.Queue = asyncio.Queue()
    loop.add_reader(pipe.fileno(), lambda: commands.put_nowait(pipe.recv()))
    while True:
        command = await commands.get()
        if command == "count":
            pipe.send(stats["matched"])
        elif command == "cpu":
            usage = resource.getrusage(resource.RUSAGE_SELF)
            pipe.send(usage.ru_utime + usage.ru_stime)
        elif command == "collect":
            loop.remove_reader(pipe.fileno())
            os.set_blocking(pipe.fileno(), True)  # the loop made it non-blocking; the answer is big
            for client in clients:
                client.close()
            pipe.send(({key: times.tobytes() for key, times in sink.items()}, dict(stats)))
            return


# --- the bare server ------------------------------------------------------------------------


def _bare_server(port: int, deflate: bool) -> int:
    """The baseline: websockets' own broadcast, nothing else. Each text message received
    on CONTROL_PATH goes to every other open connection."""
    from websockets.asyncio.server import broadcast, serve

    hello = json.dumps({"type": "hello", "groups": ["bare"]})
    clients: set = set()

    async def handler(connection) -> None:
        if connection.request.path == CONTROL_PATH:
            async for message in connection:
                broadcast(clients, message)
            return
        clients.add(connection)
        try:
            await connection.send(hello)
            await connection.wait_closed()
        finally:
            clients.discard(connection)

    async def serve_forever() -> None:
        compression = "deflate" if deflate else None
        async with serve(handler, "127.0.0.1", port, compression=compression, backlog=4096):
            await asyncio.get_running_loop().create_future()

    _run_async(serve_forever())
    return 0


# --- measurements -------------------------------------------------------------------------


def _raise_fd_limit() -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def _cpu_ticks(pid: int) -> int:
    """utime + stime of the process (all its threads), in clock ticks."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def _uptime() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _latency_summary(sends: list[dict], arrivals: list[dict], count: int) -> dict:
    """Every (event, client) pair: ms from the report's send to the client's read; what
    never arrived counts as missing, and as infinitely late in the percentiles."""
    latencies = array("d")
    from_answer = array("d")
    missing = duplicates = complete = 0
    first_sent = min(s["sent"] for s in sends)
    last_arrival = first_sent
    keyed = [s for s in sends if s["key"]]
    for send in keyed:
        times = array("d")
        for sink in arrivals:
            raw = sink.get(send["key"])
            if raw:
                times.frombytes(raw)
        if len(times) > count:
            duplicates += len(times) - count
        missing += max(count - len(times), 0)
        complete += len(times) >= count
        if times:
            last_arrival = max(last_arrival, max(times))
        latencies.extend((t - send["sent"]) * 1000 for t in times)
        from_answer.extend((t - send["returned"]) * 1000 for t in times)
    ordered = sorted(latencies) + [math.inf] * missing
    after_answer = sorted(from_answer) + [math.inf] * missing
    span = max(last_arrival - first_sent, 1e-9)
    answer_ms = sorted((s["returned"] - s["sent"]) * 1000 for s in keyed) or [0.0]
    late_start = sorted((s["sent"] - s["scheduled"]) * 1000 for s in sends)
    return {
        "events_sent": len(keyed),
        "send_failures": len(sends) - len(keyed),
        "offered_rate": round(_offered_rate(sends), 1),
        "expected": count * len(keyed),
        "messages": len(latencies),
        "missing": missing,
        "duplicates": duplicates,
        "events_complete": complete,
        "events_per_s": round(complete / span, 1),
        "messages_per_s": round(len(latencies) / span, 0),
        "span_s": round(span, 2),
        "p50_ms": _percentile(ordered, 0.50),
        "p99_ms": _percentile(ordered, 0.99),
        "max_ms": ordered[-1] if ordered else math.inf,
        "p50_from_answer_ms": _percentile(after_answer, 0.50),
        "p99_from_answer_ms": _percentile(after_answer, 0.99),
        "answer_p50_ms": _percentile(answer_ms, 0.50),
        "answer_p99_ms": _percentile(answer_ms, 0.99),
        "send_lag_p99_ms": _percentile(late_start, 0.99),
    }


def _offered_rate(sends: list[dict]) -> float:
    if len(sends) < 2:
        return 0.0
    return (len(sends) - 1) / (sends[-1]["scheduled"] - sends[0]["scheduled"])


def _percentile(ordered: list[float], q: float) -> float:
    """Nearest rank; inf (a missing delivery) is kept as None in JSON."""
    if not ordered:
        return math.inf
    value = ordered[max(math.ceil(q * len(ordered)) - 1, 0)]
    return round(value, 2) if math.isfinite(value) else math.inf


# --- profile ------------------------------------------------------------------------------


def _py_spy() -> str | None:
    beside = Path(sys.executable).with_name("py-spy")
    return os.environ.get("PY_SPY") or (str(beside) if beside.exists() else shutil.which("py-spy"))


def _start_profiler(pid: int, seconds: float):
    binary = _py_spy()
    if binary is None:
        print("--profile: py-spy not found (set PY_SPY=/path/to/py-spy)", file=sys.stderr)
        return None
    out = WORK_DIR / f"profile-{pid}.txt"
    command = [binary, "record", "--pid", str(pid), "--gil", "--nonblocking", "--rate", "200",
               "--duration", str(math.ceil(seconds)), "--format", "raw",
               "--output", str(out)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return process, out


def _finish_profiler(profiler) -> dict | None:
    if profiler is None:
        return None
    process, out = profiler
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    if not out.exists():
        return None
    return _profile_summary(out.read_text(errors="replace"))


# Where a GIL sample belongs. First the context: any frame of the stack (HTTP requests and
# the periodic re-check run in threads or tasks of their own; Channels' per-message
# close_old_connections is a thread hop). Otherwise the innermost frame that names a
# component, walking from the leaf up.
PROFILE_CONTEXTS = [
    ("HTTP reports (Django in a2wsgi threads)", ("a2wsgi/", "django/core/handlers/")),
    ("socket re-checks (realtime.recheck, one pass per process)", ("realtime/recheck.py",)),
    ("outbox relay (realtime.relay)", ("run_relay",)),
    ("Channels close_old_connections per message (thread hop)", ("close_old_connections",)),
    (
        "socket connect (auth, session, groups)",
        ("get_user (channels", "resolve_scope", "connect (realtime"),
    ),
]
PROFILE_COMPONENTS = [
    ("shared frame writes (infra.uvicorn_private)", ("uvicorn_private.py",)),
    ("hub fan-out (realtime.hub)", ("realtime/hub.py",)),
    ("permessage-deflate (compress)", ("permessage_deflate.py",)),
    ("json.dumps (send_json)", ("json/",)),
    ("msgpack unpack (channels-redis)", ("serializers.py", "msgpack")),
    (
        "uvicorn WebSocket send (framing, write)",
        ("websockets_sansio_impl.py", "websockets/protocol.py", "websockets/frames.py"),
    ),
    ("websockets send_data (bare: write)", ("websockets/asyncio/",)),
    ("Redis pub/sub read, local fan-out", ("channels_redis/", "redis/")),
    ("Channels consumer dispatch", ("channels/",)),
    ("thread hops (asgiref, futures, threading)", ("asgiref/", "concurrent/", "threading.py")),
    ("event loop (uvloop C: I/O, callbacks)", ("run (asyncio/runners.py",)),
    ("asyncio (tasks, futures, queues)", ("asyncio/",)),
]


def _profile_summary(raw: str) -> dict:
    """py-spy's raw output (one `frame;frame;… count` per stack): share of samples per
    bucket, and the top functions by own samples."""
    buckets: Counter = Counter()
    own: Counter = Counter()
    total = 0
    for line in raw.splitlines():
        stack, _sep, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = stack.split(";")
        own[re.sub(r":\d+\)$", ")", frames[-1])] += n
        buckets[_bucket(frames)] += n
    total = max(total, 1)
    return {
        "samples": total,
        "buckets": [(name, round(100 * n / total, 1)) for name, n in buckets.most_common()],
        "top": [(name, round(100 * n / total, 1)) for name, n in own.most_common(15)],
    }


def _bucket(frames: list[str]) -> str:
    for name, needles in PROFILE_CONTEXTS:
        if any(needle in frame for frame in frames for needle in needles):
            return name
    for frame in reversed(frames):
        for name, needles in PROFILE_COMPONENTS:
            if any(needle in frame for needle in needles):
                return name
    return "other"


def _profile_text(profile: dict) -> str:
    lines = [f"  {profile['samples']:,} samples of the GIL holder (200/s)", "  by stack:"]
    lines += [f"    {share:5.1f} %  {name}" for name, share in profile["buckets"]]
    lines += ["  own time, top functions:"]
    lines += [f"    {share:5.1f} %  {name}" for name, share in profile["top"]]
    return "\n".join(lines)


# --- report ---------------------------------------------------------------------------------


def _meta(args) -> dict:
    return {
        "started": dt.datetime.now().isoformat(timespec="seconds"),
        "args": {k: v for k, v in vars(args).items() if k not in ("bare_server", "render")},
        "cores": os.cpu_count(),
        "cpu": _cpu_model(),
        "python": platform.python_version(),
        "versions": _library_versions(),
        "load_before": os.getloadavg()[0],
        "uptime_before": _uptime(),
        "commit": _commit(),
        "check_seconds": float(os.environ.get("GONGZHI_SOCKET_CHECK_SECONDS", "30")),
    }


def _commit() -> str:
    """HEAD of the tree measured, marked when the server's code has uncommitted changes."""

    def git(*words: str) -> str:
        done = subprocess.run(["git", *words], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "?"
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench")
    return f"{head}{' + uncommitted changes' if dirty else ''}"


def _library_versions() -> dict:
    from importlib.metadata import version

    names = ("uvicorn", "websockets", "channels", "channels-redis", "redis", "uvloop")
    return {name: version(name) for name in names}


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _previous_run(results: dict) -> dict | None:
    """The saved run before this one with the same clients, rate, seconds and deflate."""
    same = ("clients", "rate", "seconds", "deflate", "database", "what_if", "idle")
    for path in reversed(_saved_runs()):
        with contextlib.suppress(ValueError, KeyError):
            other = json.loads(path.read_text())
            if other["meta"]["started"] >= results["meta"]["started"]:
                continue
            mine, theirs = results["meta"]["args"], other["meta"]["args"]
            if all(theirs[k] == mine[k] for k in same) and theirs.get("http_apart") == mine.get(
                "http_apart"
            ):
                return other
    return None


def _saved_runs() -> list[Path]:
    """Saved results, oldest first (their names carry the local start time)."""
    return sorted(WORK_DIR.glob("result-*.json"))


def _counter_lines(results: dict) -> list[str]:
    """Ours: what realtime.health counted over the load and the drain, per run."""
    lines = []
    for run in results["runs"]:
        if run["server"] == "ours" and "live_counters" in run:
            counted = ", ".join(f"{k} {v:,}" for k, v in sorted(run["live_counters"].items()))
            lines.append(f"ours, {run['clients']:,} sockets: {counted or 'nothing counted'}")
    return lines


def _ms(value) -> str:
    if value is None or not math.isfinite(value):
        return "∞"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _rows(results: dict, label: str) -> list[str]:
    rows = []
    for run in results["runs"]:
        window = run["measured_seconds"]
        cells = [
            label,
            f"{run['clients']:,}",
            run["server"],
            f"{run['connected']:,} ({run['connect_seconds']:.0f} s)",
            f"{run['kb_per_connection']:.1f}",
            f"{run['events_sent']:,}",
            "—" if run["server"] == "bare" else _lag(run),
            f"{run['events_per_s']:.1f}",
            f"{run['messages_per_s']:,.0f}",
            _ms(run["p50_ms"]),
            _ms(run["p99_ms"]),
            _ms(run["max_ms"]),
            f"{run['missing']:,}",
            f"{run['server_cpu_s'] / window:.2f}",
            "—" if run.get("idle_cores") is None else f"{run['idle_cores']:.2f}",
            f"{run['clients_cpu_s'] / window:.2f}",
            f"{run['cpu_us_per_message']:.1f}",
            f"{run['load_before']:.1f}",
        ]
        rows.append("| " + " | ".join(cells) + " |")
    for count in _counts(results):
        ours, bare = _pair(results, count)
        if ours and bare:
            memory = ours["kb_per_connection"] / max(bare["kb_per_connection"], 0.1)
            cpu = ours["cpu_us_per_message"] / bare["cpu_us_per_message"]
            cells = [label, f"{count:,}", "**ours / bare**", "", f"{memory:.1f}×", "", "", "", "",
                     _ratio(ours["p50_ms"], bare["p50_ms"]),
                     f"**{_ratio(ours['p99_ms'], bare['p99_ms'])}**", "", "", "", "", "",
                     f"{cpu:.1f}×", ""]  # fmt: skip
            rows.append("| " + " | ".join(cells) + " |")
    return rows


def _lag(run: dict) -> str:
    """Ours: p99 of the report's HTTP answer time, and of how long a due report waited for
    a free connection (the open loop holds only while that stays near 0)."""
    return f"{run['answer_p99_ms'] / 1000:.1f} / {run['send_lag_p99_ms'] / 1000:.1f}"


def _ratio(a, b) -> str:
    if not (math.isfinite(a) and math.isfinite(b)) or b <= 0:
        return "—"
    return f"{a / b:.1f}×"


def _counts(results: dict) -> list[int]:
    return list(dict.fromkeys(run["clients"] for run in results["runs"]))


def _pair(results: dict, count: int) -> tuple[dict | None, dict | None]:
    found = {run["server"]: run for run in results["runs"] if run["clients"] == count}
    return found.get("ours"), found.get("bare")


HEADER = [
    "| run | clients | server | connected (time) | KB / conn | events sent | report answer "
    "/ wait p99 s | events/s "
    "delivered | msgs/s delivered | p50 ms | p99 ms | max ms | undelivered | server cores "
    "| idle cores | client cores | server CPU µs / msg | load |",
    "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
]


def table(results: dict, previous: dict | None = None) -> str:
    lines = ["", *HEADER, *_rows(results, _run_label(results))]
    if previous:
        lines += _rows(previous, _run_label(previous))
    return "\n".join(lines)


def _run_label(results: dict) -> str:
    return results["meta"]["started"].replace("T", " ")[:16]


def verdicts(results: dict) -> list[tuple[str, bool]]:
    checks = []
    args = results["meta"]["args"]
    for count in _counts(results):
        ours, bare = _pair(results, count)
        if not ours:
            continue
        at = f"{count:,} clients, {args['rate']:g} events/s"
        if count >= TARGET_CLIENTS:
            held = ours["connected"] == count and not ours["lost_connections"]
            checks.append(
                (
                    f"{at}: all held on {results['meta']['cores']} cores "
                    f"({ours['connected']:,} connected, {ours['lost_connections']} lost)",
                    held,
                )
            )
        checks.append(
            (
                f"{at}: p99 ≤ {TARGET_P99_MS:g} ms (ours {_ms(ours['p99_ms'])} ms)",
                ours["p99_ms"] <= TARGET_P99_MS,
            )
        )
        if bare:
            ratio = ours["p99_ms"] / bare["p99_ms"] if math.isfinite(bare["p99_ms"]) else math.inf
            checks.append(
                (
                    f"{at}: p99 within {TARGET_RATIO:g}× of the bare broadcast "
                    f"({_ratio(ours['p99_ms'], bare['p99_ms'])}; bare "
                    f"{_ms(bare['p99_ms'])} ms)",
                    ratio <= TARGET_RATIO,
                )
            )
        checks.append(
            (
                f"{at}: every event reached every socket within {DRAIN_SECONDS:g} s of the last "
                f"report (ours: {ours['missing']:,} of {ours['expected']:,} did not)",
                ours["missing"] == 0,
            )
        )
    return checks


def write_readme(path: Path, results: dict, previous: dict | None) -> None:
    from bench.report import NOTES_MARKER

    text = path.read_text(encoding="utf-8")
    new = section(results, previous)
    if START in text and END in text:
        before, rest = text.split(START, 1)
        _old, after = rest.split(END, 1)
        text = before + new + after
    elif NOTES_MARKER in text:
        text = text.rstrip("\n") + "\n\n" + new + "\n"
    else:
        text = text.rstrip("\n") + "\n\n" + NOTES_MARKER + "\n\n" + new + "\n"
    path.write_text(text, encoding="utf-8")


def _wrap(text: str, indent: str = "") -> list[str]:
    """A paragraph (or a list item, with `indent` for its continuation lines) at 88 columns."""
    first = indent[:-2] + "- " if indent else ""
    return textwrap.wrap(
        " ".join(text.split()),
        width=88,
        initial_indent=first,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


def section(results: dict, previous: dict | None) -> str:
    meta, args = results["meta"], results["meta"]["args"]
    versions = ", ".join(
        [f"{k} {v}" for k, v in results["setup"]["versions"].items()]
        + [f"{k} {v}" for k, v in meta["versions"].items()]
    )
    what_if = f", **what-if {args['what_if']}** (not the product)" if args.get("what_if") else ""
    if args.get("http_apart"):
        what_if += (
            "; **`--http-apart`**: the reports went to a second uvicorn process of the same "
            "application (same database and Redis), so the sockets' process only fans out, "
            "as sockets served by processes of their own would"
        )
    database = (
        "PostGIS database `gz_fanout_bench`"
        if args["database"] == "postgis"
        else f"SpatiaLite file in `{WORK_DIR}`"
    )
    lines = [
        START,
        "## Realtime fan-out (`bench/realtime_fanout.py`)",
        "",
        "```",
        "# 1,000 and 5,000 sockets, 50 events/s for 20 s, PostGIS + Redis (6–9 min); rewrites",
        "# this section, with the previous saved run of the same arguments beside the latest",
        ".venv/bin/python bench/realtime_fanout.py",
        "# a rate one process can carry, py-spy on both servers; prints only",
        ".venv/bin/python bench/realtime_fanout.py --clients 1000 --rate 5 --profile --no-readme",
        "```",
        "",
        *_wrap(
            "Issue 9: sockets subscribed to one area on one ASGI process with Redis; report → "
            "delivery latency and events/s, against a bare `websockets` broadcast server "
            "sending the same messages in the same run. Targets: "
            f"{TARGET_CLIENTS:,} sockets held on 2 cores, p99 ≤ {TARGET_P99_MS:g} ms at "
            f"{TARGET_RATE:g} events/s, within {TARGET_RATIO:g}× of the bare broadcast; memory "
            "per connection recorded."
        ),
        "",
        *_wrap(
            f"How: a fresh {database} (migrate + `manage.py demo`) and a "
            "`redis-server` of the run's own on a free port. **Ours**: `config.asgi:application` "
            "under one uvicorn process (`--workers 1`, otherwise the product's defaults: "
            "uvloop, httptools, uvicorn's websockets-sansio protocol with permessage-deflate), "
            "`REDIS_URL` set, so the layer is `realtime.layers.PipelinedPubSubLayer` "
            "(channels-redis pub/sub). Every socket opens `/ws/events/` with one of "
            f"{SESSIONS} session cookies of the demo supervisor of the first street and an "
            "Origin header, and joins `staff.<street>` (and its user and session groups). The "
            "bench process reports cases through `POST /api/v1/cases` as the demo grid worker "
            "(bearer token, a fresh `client_id`, a point in one of its grids), open loop on "
            f"up to {REPORT_CONNECTIONS} keep-alive connections: report i is written at "
            "start + i / "
            "rate whatever the answers do, and each makes one `case.report` event for every "
            "socket. **Bare**: this file with `--bare-server`, one process on uvloop, "
            "`websockets.asyncio.server.serve` with the same deflate settings; each text "
            "message that arrives on `/control` goes to every socket through "
            "`websockets.broadcast`. Its messages are a real event captured from ours with the "
            "case number replaced (same size and shape), sent at the same rate."
        ),
        "",
        *_wrap(
            f"Clients: the sockets are spread over {CLIENT_PROCESSES} processes (asyncio on "
            "uvloop, a thin receive-only protocol: a browser's handshake including its "
            "permessage-deflate offer, frames parsed and inflated by hand, pings answered), all "
            "connected and greeted before the load starts; every process raises its "
            "file-descriptor limit. Clients, reporter, PostgreSQL, Redis and the server share "
            "the same 2 cores: *client cores* tells a server limit from a client one."
        ),
        "",
        *_wrap(
            "Columns: *connected (time)* — sockets greeted, and how long connecting them all "
            f"took ({CONNECT_CONCURRENCY} handshakes in flight per client process); *KB / "
            "conn* — (server RSS with every socket greeted − RSS after start-up and a 5-event "
            "warm-up) ÷ sockets; *p50 / p99 / max* — from the moment the report request was "
            "written (bare: the control message) to the moment a client read the event, over "
            f"every (event, socket) pair; what had not arrived {DRAIN_SECONDS:g} s after the "
            "last report is *undelivered* and counts as infinitely late (∞: more than 1 % of "
            "the pairs for p99, half for p50); *events/s delivered* — events that reached every "
            "socket ÷ (first report → last delivery), *msgs/s* the same for single deliveries; "
            "*report answer / wait p99* — ours: how long `POST /api/v1/cases` took to answer, "
            "and how long a due report waited for one of the keep-alive connections (when "
            "the answers slow down, the reports go out late and fewer per second than asked: "
            "the latency is counted from the write, not from when the report was due); "
            "*server / client cores* — CPU (utime + stime, /proc) over the load and the drain ÷ "
            "wall time; *idle cores* — ours' CPU ÷ wall time over the --idle seconds it sits "
            "with every socket open before the load (one re-check period, 30 s: keepalive "
            "pings, the process's re-check pass of `realtime.recheck`, the relay's reads); "
            "*server CPU µs / msg* — server CPU ÷ deliveries (ours also pays for the HTTP "
            "reports and the idle work)."
        ),
        "",
        f"### Latest figures ({meta['started'][:10]}, commit {meta.get('commit', '?')})",
        "",
        *_wrap(
            f"Machine: {meta['cores']} cores ({meta['cpu']}), Python {meta['python']}, "
            f"{versions}. Load average (1, 5, 15 min) before → after the run: "
            f"{meta['uptime_before']} → {meta.get('uptime_after', '?')}; the *load* column is "
            "the 1-minute figure as each server's measurement began, and run times are the "
            "project's TIME_ZONE (Asia/Shanghai); other engineers' test "
            f"suites share the machine. {args['rate']:g} events/s for {args['seconds']:g} s, "
            f"deflate {'offered' if args['deflate'] else 'not offered'}, messages of "
            f"{meta.get('message_bytes', '?')} bytes{what_if}. The latest run and, below it, "
            "the one before it with the same arguments."
        ),
        table(results, previous),
        "",
        *_wrap(
            "Counters of ours over the load and the drain: the server's live link "
            f"(`realtime.health`, from `GET {STATUS_PATH}` as the demo administrator) and "
            "Redis's INFO: "
            + "; ".join(_counter_lines(results))
            + ". *relay_delivered*: events a socket got from the outbox relay (the layer had "
            "not brought them 3 s after commit); *duplicates_dropped*: copies the hub did not "
            "send because the socket had the event (from another of its groups, or by replay); "
            "*redis_pubsub_channels*: Redis channels subscribed at the end (the groups the "
            "process's hub listens to: a socket has no channel of its own); Redis "
            "commands and output bytes include the memo cache's reads for the reports. Where "
            "a run shows Redis's figures only, the overloaded server did not answer the "
            "status request within 15 s."
        ),
        "",
        "### Targets",
        "",
    ]
    for run_results in [results] + ([previous] if previous else []):
        for text, ok in verdicts(run_results):
            lines.append(f"- {_run_label(run_results)}: {'met' if ok else '**not met**'} — {text}")
    lines += ["", *_city(results), "", END]
    return "\n".join(lines)


def _redis_per_event(ours: list[dict]) -> str:
    """What Redis did per event in each run of ours (it should not grow with sockets)."""
    parts = []
    for run in ours:
        seen, events = run.get("live_counters", {}), max(run["events_sent"], 1)
        if "redis_total_commands_processed" in seen:
            parts.append(
                f"{seen['redis_total_commands_processed'] / events:.0f} commands and "
                f"{seen.get('redis_total_net_output_bytes', 0) / events / 1024:.1f} KB out per "
                f"event with {run['clients']:,} sockets"
            )
    return "; ".join(parts) + " (pub/sub and the memo cache together)" if parts else "—"


def _city(results: dict) -> list[str]:
    """Growing to a city, on paper, from this run's figures."""
    ours = [run for run in results["runs"] if run["server"] == "ours"]
    bare = [run for run in results["runs"] if run["server"] == "bare"]
    largest = max(ours, key=lambda run: run["clients"])
    kb = max(run["kb_per_connection"] for run in ours)
    capacity = largest["messages_per_s"]
    bare_capacity = max((run["messages_per_s"] for run in bare), default=0)
    connect_ms = largest["connect_seconds"] * 1000 / largest["clients"]
    sockets, per_process = CITY_SOCKETS, TARGET_CLIENTS
    processes = math.ceil(sockets / per_process)
    busy = sockets * TARGET_RATE
    check = results["meta"].get("check_seconds", 30)
    idle = largest.get("idle_cores") or 0.0
    cores = largest["server_cpu_s"] / max(largest["measured_seconds"], 1e-9)
    saturated = largest["missing"] > 0 or cores >= 0.9
    ceiling = (
        "its ceiling, since it was saturated"
        if saturated
        else f"not its ceiling: it used {cores:.2f} of a core, and the reports reached it at "
        f"{largest['events_per_s']:.1f}/s (the HTTP reports: the notes below)"
    )
    bound = "at least" if saturated else "at most"
    items = [
        f"**Memory**: {kb:.0f} KB per socket → {sockets * kb / 1024 / 1024:.1f} GB across the "
        "processes, about half of it permessage-deflate's two zlib contexts per socket, which "
        "compress only hello and replays now that events go out as shared uncompressed frames "
        "(uvicorn's `--ws-per-message-deflate false` drops them; the notes below). Memory does "
        "not set the process count.",
        f"**Deliveries**: one process delivered {capacity:,.0f} messages/s with "
        f"{largest['clients']:,} sockets here — {ceiling} — against "
        f"{bare_capacity:,.0f}/s for the bare broadcast on the same machine (the counters "
        "above say how many came from the outbox relay rather than the layer). Python "
        "fans out on one core per process (the GIL). The issue's shape, every socket "
        f"receiving {TARGET_RATE:g} events/s, is {busy:,.0f} messages/s for {sockets:,} "
        f"sockets: {bound} {math.ceil(busy / capacity):,} processes, a load this product "
        "will not see. A case event goes to the staff of its grid, community, street and "
        "district and to the people concerned (tens of sockets, not thousands); notices "
        "reach an area's residents but are rare. Sized for 1 event per socket per second at "
        f"peak ({sockets:,} messages/s): {bound} {math.ceil(sockets / capacity):,} "
        "processes at this rate; the notes size it at the latency target.",
        f"**Sockets at rest**: ours used {idle:.2f} of a core with {largest['clients']:,} idle "
        f"sockets ({idle / largest['clients'] * 1e6:.0f} µs of CPU per socket per second: "
        "keepalive pings, the re-checks, the relay), so "
        f"{sockets:,} sockets cost ≈ {idle / largest['clients'] * sockets:.1f} cores before "
        "a single event is sent.",
        f"**Sockets per process**: at the issue's {per_process:,} per process, {processes} "
        f"processes, i.e. {math.ceil(processes / 2)} hosts of 2 cores at one process per core "
        "(fan-out is CPU-bound in one thread; more processes than cores does not add to it).",
        f"**Connecting**: {connect_ms:.1f} ms of a process per socket here (session and user "
        "reads, the groups from the access policies, the stream position, and a Redis "
        "SUBSCRIBE only for a group new to the process, on "
        "the one thread per process that runs Channels' database calls). A restart that drops "
        f"all {sockets:,} at once costs ≈ {sockets * connect_ms / 1000 / processes:.0f} s per "
        f"process with {processes} processes, plus the replay reads (shared per process, "
        "realtime/outbox.py): clients must reconnect with jitter.",
        f"**Re-checks**: every {check:g} s each process checks all its sockets in one pass "
        "(`realtime.recheck`): one read of the users, then each session and each user's "
        "groups once, however many sockets share them. For the city that is "
        f"{sockets / check:,.0f} socket checks/s but reads only per distinct login and user "
        "(a person's tabs and phone share them), in {processes} passes, not one thread hop "
        "per socket.".replace("{processes}", str(processes)),
        "**What Redis sees** (channels-redis pub/sub): one PUBLISH per group per event — a "
        "case report has 5 groups (four staff levels and the reporter), a dispatched case 4 "
        "more for its department — pipelined per batch by `realtime.layers`. Redis sends each "
        "PUBLISH once to every process subscribed to that group, never once per socket; each "
        "process fans out to its own sockets. Redis's outgoing traffic is at most events/s × "
        f"groups × processes (40 events/s × 5 × {processes} = {40 * 5 * processes:,} "
        f"messages/s), well within one Redis core. Measured here: {_redis_per_event(ours)}. "
        "Subscriptions: each group once per process that has a socket in it (a socket has "
        "no channel of its own): for a city, the staff and area groups of each process's "
        "sockets plus one per signed-in user and login, at most ≈ 2 × "
        f"{sockets:,} across the processes' pub/sub connections, cheap for Redis. The relay "
        "adds one "
        "outbox read per process every `REALTIME_RELAY_SECONDS` (2 s).",
        "**Where channels-redis stops**: it talks to one Redis server, or to a `hosts` list "
        "of independent servers with each channel and group hashed by name to one of them "
        "(no failover in the pub/sub layer, and changing the list moves groups). It has no "
        "Redis Cluster support: no cluster-aware client, and redis-py's asyncio RedisCluster "
        "has no pub/sub (channels_redis issue 420). Plain PUBLISH in a Redis Cluster is "
        "forwarded to every node anyway, so a cluster would not spread this load; only "
        "sharded pub/sub (SPUBLISH/SSUBSCRIBE, Redis 7) does. Its pub/sub is at-most-once: "
        "what is in flight during a reconnect is lost (the outbox relay fills that). For "
        f"{sockets:,} sockets the bus is not the limit — one Redis, or a short `hosts` list, "
        "is enough — the per-socket Python work in each process is.",
        "**What would replace it, in order**: (1) done — Channels and channels-redis stay, "
        "with one subscription per group per process, the event decoded, encoded and framed "
        "once and written to each socket (`realtime.hub`), re-checks per process; what is "
        "left per socket is one write call per batch, as in the bare broadcast; serve "
        "`/ws/` from processes of their own so the HTTP API does not share their GIL; "
        "(2) past that, a socket tier of its own: Centrifugo (Go; channels with "
        "history and recovery by offset and epoch, the model of our `?since=&epoch=` replay; "
        "Redis, Redis Cluster or NATS between its nodes; it can consume a PostgreSQL outbox "
        "table itself), with Django keeping authorisation by signing each socket's allowed "
        "channels from the access policy; or (3) NATS as the bus behind a channel layer of "
        "our own, which spreads the bus but leaves the Python fan-out as it is. A layer of our "
        "own on Redis Cluster sharded pub/sub is the least useful: it fixes the part that "
        "does not limit us.",
    ]
    lines = [f"### Growing to a city ({sockets:,} sockets), on paper", ""]
    lines += _wrap("From this run's figures for ours:")
    lines.append("")
    for item in items:
        lines += _wrap(item, "  ")
    return lines


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
