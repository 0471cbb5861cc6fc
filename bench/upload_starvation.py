"""Slow photo uploads and other requests: does a GET wait while phones send photos?

    .venv/bin/python bench/upload_starvation.py [--uploads 4] [--photos 9] [--rate-kb 500]
        [--gets 200] [--interval-ms 50] [--timeout 420]

Issue 7, finding 7: four uploads of nine large-pixel PNGs held every HTTP thread for 17 s,
so an anonymous GET waited 16 s. Since then infra/asgi_body.py reads bodies on the event
loop (no thread until the body is whole), and at most HTTP_THREADS − 1 uploads are in
Django threads at once. This measures it on the real server, as the product runs embedded:
a fresh SpatiaLite database in a temporary directory (migrate + `manage.py demo`, the
helpers of bench/case_intake_worker.py), `config.asgi:application` under uvicorn with one
worker on 127.0.0.1, the demo grid worker's bearer token.

Three phases, each with two paced GET clients (one keep-alive connection each, a request
every --interval-ms or as soon as the previous answer is in): `/login/` (anonymous page)
and `/api/v1/cases/categories` (bearer token).

1. baseline: --gets GETs of each, nothing else running;
2. loaded: at the same moment, --uploads clients send `POST /api/v1/cases/on-spot`
   (即办, a photo route of HTTP_UPLOAD_PATHS) as multipart, each with --photos PNGs of
   4000 × 3000 pixels (12 MP: seeded noise in 4 × 4 cells, ≈ 0.9 MB each, so the body is
   small but decoding is not), written at --rate-kb kB/s per client; the GETs run from the
   first upload byte until the last upload is answered;
3. after: --gets GETs of each again (how much of the difference is the machine's noise).

Printed: p50/p90/max of each GET per phase, loaded/baseline, the loaded GETs split into
those that ended while the bodies were still being sent (read on the event loop) and
those in flight while the server decoded photos (after the first body was whole, until
the last upload was answered), how each upload ended (status, seconds sending, seconds
from the last byte to the answer), the server process's CPU time and the machine's, and
the load average. Traffic goes only to 127.0.0.1; everything stops by itself (bounded
counts, --timeout for the whole run) and uvicorn is killed at the end.
"""

import argparse
import asyncio
import contextlib
import io
import os
import random
import signal
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from the repository root
    sys.path.insert(0, str(ROOT))

from bench.case_intake_worker import (  # noqa: E402
    _busy_jiffies,
    _free_port,
    _fresh_database,
    _load_demo,
    _start_server,
    _token,
)
from bench.http_load import _read_response  # noqa: E402

ANONYMOUS_PATH = "/login/"
API_PATH = "/api/v1/cases/categories"
UPLOAD_PATH = "/api/v1/cases/on-spot"
CATEGORY = "1302"  # 机动车乱停放
PHOTO_SIZE = (4000, 3000)
NOISE_CELL = 4  # noise drawn per 4 × 4 block, one bit per channel: ≈ 0.9 MB as PNG
CHUNK = 16 * 1024
TICK = os.sysconf("SC_CLK_TCK")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uploads", type=int, default=4, help="clients uploading at once")
    parser.add_argument("--photos", type=int, default=9, help="PNGs per upload (at most 9)")
    parser.add_argument("--rate-kb", type=int, default=500, help="kB/s per uploading client")
    parser.add_argument("--gets", type=int, default=200, help="GETs per path, baseline/after")
    parser.add_argument("--interval-ms", type=int, default=50, help="pace of each GET client")
    parser.add_argument("--max-loaded-gets", type=int, default=3000, help="cap per path")
    parser.add_argument("--timeout", type=int, default=420, help="seconds for the whole run")
    args = parser.parse_args(argv)
    if not 2 <= args.photos <= 9:
        parser.error("--photos must be between 2 and 9 (即办 needs before and after)")
    return args


# --- measurements ---------------------------------------------------------------------


@dataclass
class Gets:
    path: str
    latencies_ms: list[float] = field(default_factory=list)
    started_at: list[float] = field(default_factory=list)  # seconds on the run's clock
    statuses: dict[int, int] = field(default_factory=dict)
    broken: int = 0


@dataclass
class Upload:
    number: int
    size: int
    status: int | None = None
    sent_seconds: float | None = None  # first byte to last byte written
    answer_seconds: float | None = None  # last byte written to the answer
    total_seconds: float | None = None
    body_done_at: float | None = None  # on the run's clock
    answered_at: float | None = None
    note: str = ""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def _server_cpu_seconds(pgid: int) -> float:
    """utime + stime of every process in the server's process group."""
    ticks = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()  # after "pid (comm)"
        if int(fields[2]) == pgid:  # fields[0] is the state: pgrp is the 5th field
            ticks += int(fields[11]) + int(fields[12])
    return ticks / TICK


# --- the clients ----------------------------------------------------------------------


def _get_bytes(port: int, path: str, token: str) -> bytes:
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{auth}\r\n".encode()


async def paced_gets(port, path, token, clock, interval, count, stop=None) -> Gets:
    """GET `path` on one keep-alive connection, one request every `interval` seconds (or
    at once when the previous answer was later), `count` times or until `stop` is set."""
    result, raw = Gets(path), _get_bytes(port, path, token)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for _n in range(count):
            if stop is not None and stop.is_set():
                break
            started = time.perf_counter()
            try:
                writer.write(raw)
                status, _body = await _read_response(reader)
            except (asyncio.IncompleteReadError, ConnectionError, IndexError, ValueError):
                result.broken += 1
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                continue
            took = time.perf_counter() - started
            result.latencies_ms.append(took * 1000)
            result.started_at.append(started - clock)
            result.statuses[status] = result.statuses.get(status, 0) + 1
            await asyncio.sleep(max(0.0, interval - took))
    finally:
        writer.close()
    return result


def photos(count: int, seed: int = 7) -> list[bytes]:
    """`count` distinct 12 MP PNGs: large to decode, small to send."""
    from PIL import Image

    rng = random.Random(seed)
    one_bit = bytes((b & 1) * 255 for b in range(256))
    width, height = PHOTO_SIZE[0] // NOISE_CELL, PHOTO_SIZE[1] // NOISE_CELL
    made = []
    for _n in range(count):
        cells = rng.randbytes(width * height * 3).translate(one_bit)
        picture = Image.frombytes("RGB", (width, height), cells)
        picture = picture.resize(PHOTO_SIZE, Image.Resampling.NEAREST)
        out = io.BytesIO()
        picture.save(out, "PNG")
        made.append(out.getvalue())
    return made


def on_spot_body(pngs: list[bytes], grid_code: str, n: int) -> tuple[str, bytes]:
    """(content type, multipart body) of one 即办 with the photos split before/after."""
    boundary = f"gongzhi-bench-{uuid.uuid4().hex}"
    fields = {
        "client_id": str(uuid.uuid4()),
        "category": CATEGORY,
        "description": f"压测：慢速上传照片（第 {n} 件）",
        "note": "已当场劝离车辆",
        "grid_code": grid_code,
        "address": "压测巡查点",
    }
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    half = (len(pngs) + 1) // 2
    for index, png in enumerate(pngs):
        name = "before" if index < half else "after"
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="photo-{index + 1}.png"\r\nContent-Type: image/png\r\n\r\n'
        )
        parts.append(head.encode() + png + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", b"".join(parts)


async def slow_upload(port, token, body, kind, rate, clock, upload: Upload) -> Upload:
    """Send the multipart body at `rate` bytes/s; read the answer as soon as it comes
    (the server may answer 408/413/503 before the body is sent)."""
    head = (
        f"POST {UPLOAD_PATH} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: {kind}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    answer = asyncio.create_task(_read_response(reader))
    started = time.perf_counter()
    try:
        writer.write(head)
        sent = 0
        while sent < len(body) and not answer.done():
            writer.write(body[sent : sent + CHUNK])
            await writer.drain()
            sent += len(body[sent : sent + CHUNK])
            await asyncio.sleep(max(0.0, started + sent / rate - time.perf_counter()))
        done = time.perf_counter()
        upload.sent_seconds = done - started
        upload.body_done_at = done - clock
        if sent < len(body):
            upload.note = f"answered after {sent / 1e6:.1f} of {len(body) / 1e6:.1f} MB"
    except ConnectionError as exc:
        upload.note = f"connection {type(exc).__name__} while sending"
    try:
        status, text = await asyncio.wait_for(answer, 120)
        upload.status = status
        if status >= 300:
            upload.note = (upload.note + " " + text[:160].decode("utf-8", "replace")).strip()
    except (asyncio.IncompleteReadError, ConnectionError, IndexError, TimeoutError) as exc:
        upload.note = (upload.note + f" no answer: {type(exc).__name__}").strip()
    finally:
        writer.close()
    answered = time.perf_counter()
    upload.answered_at = answered - clock
    upload.total_seconds = answered - started
    if upload.body_done_at is not None:
        upload.answer_seconds = answered - clock - upload.body_done_at
    return upload


# --- the phases -----------------------------------------------------------------------


async def quiet_phase(port, token, args) -> dict:
    clock, interval = time.perf_counter(), args.interval_ms / 1000
    anonymous, api = await asyncio.gather(
        paced_gets(port, ANONYMOUS_PATH, "", clock, interval, args.gets),
        paced_gets(port, API_PATH, token, clock, interval, args.gets),
    )
    return {"anonymous": anonymous, "api": api, "seconds": time.perf_counter() - clock}


async def loaded_phase(port, token, args, bodies) -> dict:
    clock, interval, stop = time.perf_counter(), args.interval_ms / 1000, asyncio.Event()
    rate = args.rate_kb * 1000
    uploads = [
        slow_upload(port, token, body, kind, rate, clock, Upload(n + 1, len(body)))
        for n, (kind, body) in enumerate(bodies)
    ]

    async def all_uploads():
        try:
            return await asyncio.gather(*uploads)
        finally:
            stop.set()

    cap = args.max_loaded_gets
    done, anonymous, api = await asyncio.gather(
        all_uploads(),
        paced_gets(port, ANONYMOUS_PATH, "", clock, interval, cap, stop),
        paced_gets(port, API_PATH, token, clock, interval, cap, stop),
    )
    return {
        "anonymous": anonymous,
        "api": api,
        "uploads": done,
        "seconds": time.perf_counter() - clock,
    }


def _measured(phase, pgid: int) -> tuple[dict, dict]:
    """Run `phase`; return its result and the CPU it cost (server and machine)."""
    cpu, busy, load = _server_cpu_seconds(pgid), _busy_jiffies(), os.getloadavg()[0]
    started = time.perf_counter()
    result = asyncio.run(phase)
    wall = time.perf_counter() - started
    server = _server_cpu_seconds(pgid) - cpu
    machine = (_busy_jiffies() - busy) / TICK
    return result, {
        "wall": wall,
        "server_cpu": server,
        "server_cores": server / wall,
        "machine_cores": machine / wall,
        "load": (load, os.getloadavg()[0]),
    }


# --- the report -----------------------------------------------------------------------


def _row(label: str, gets: Gets, base: Gets | None = None, window=None) -> str:
    values = gets.latencies_ms
    if window is not None:
        values = [ms for ms, at in zip(values, gets.started_at, strict=True) if window(at, ms)]
    p50, p90, top = percentile(values, 0.5), percentile(values, 0.9), max(values, default=0)
    text = f"  {label:<34} n={len(values):>4}  p50 {p50:8.1f}  p90 {p90:8.1f}  max {top:8.1f} ms"
    if base is not None:
        b = base.latencies_ms
        ratios = (p50 / percentile(b, 0.5), p90 / percentile(b, 0.9), top / max(b))
        text += "   ×{:.1f} ×{:.1f} ×{:.1f}".format(*ratios)
    statuses = ",".join(f"{k}:{v}" for k, v in sorted(gets.statuses.items()))
    return text + f"   [{statuses}{f' broken {gets.broken}' if gets.broken else ''}]"


def report(setup: dict, phases: dict, args, photo_bytes: list[int]) -> str:
    lines = [
        f"demo loaded in {setup['seconds']} s; {setup['versions']}; "
        f"HTTP threads {setup['http_threads']} (uploads in threads at most "
        f"{setup['uploads_working']}, being read at most {setup['uploads_reading']})",
        f"{args.uploads} uploads × {args.photos} PNGs {PHOTO_SIZE[0]}×{PHOTO_SIZE[1]} "
        f"({min(photo_bytes) / 1e6:.2f}–{max(photo_bytes) / 1e6:.2f} MB each) at "
        f"{args.rate_kb} kB/s per client; GETs every {args.interval_ms} ms per path",
        "",
        "GET latency (ratio: p50 p90 max against the baseline)",
    ]
    base = phases["baseline"][0]
    loaded = phases["loaded"][0]
    uploads = loaded["uploads"]
    finished = [u.body_done_at for u in uploads if u.body_done_at is not None]
    first_body = min(finished, default=float("inf"))
    last_answer = max(u.answered_at for u in uploads)

    def sending(at, ms):  # the request ended before any body was whole
        return at + ms / 1000 < first_body

    def decoding(at, ms):  # the request was in flight after a body was whole
        return at + ms / 1000 >= first_body and at <= last_answer

    for key, label in (("anonymous", ANONYMOUS_PATH), ("api", API_PATH + " (token)")):
        lines.append(f" {label}")
        lines.append(_row("baseline", base[key]))
        lines.append(_row("loaded (whole upload)", loaded[key], base[key]))
        lines.append(_row("loaded, while bodies are sent", loaded[key], base[key], sending))
        lines.append(_row("loaded, while photos decode", loaded[key], base[key], decoding))
        lines.append(_row("after", phases["after"][0][key], base[key]))
    lines += ["", "uploads (POST " + UPLOAD_PATH + ")"]
    for u in uploads:
        fmt = "{:.1f}".format
        lines.append(
            f"  #{u.number}: {u.status}  {u.size / 1e6:.1f} MB  sending "
            f"{fmt(u.sent_seconds or 0)} s, then answer after {fmt(u.answer_seconds or 0)} s"
            f" (total {fmt(u.total_seconds or 0)} s) {u.note}".rstrip()
        )
    if finished:
        lines.append(
            f"  first body whole at {first_body:.1f} s, last answer at {last_answer:.1f} s "
            f"(decoding window {last_answer - first_body:.1f} s)"
        )
    lines += ["", "CPU (server = uvicorn process, cores busy on average; machine = 2 cores)"]
    for name in ("baseline", "loaded", "after"):
        cost = phases[name][1]
        lines.append(
            f"  {name:<9} {cost['wall']:6.1f} s wall, server {cost['server_cpu']:6.1f} s CPU "
            f"({cost['server_cores']:.2f} cores), machine {cost['machine_cores']:.2f} cores "
            f"busy, load {cost['load'][0]:.2f} → {cost['load'][1]:.2f}"
        )
    return "\n".join(lines)


# --- the run --------------------------------------------------------------------------


def _give_up(_signum, _frame):
    raise TimeoutError("the run took longer than --timeout")


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGALRM, _give_up)
    signal.alarm(args.timeout)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="gz_upload_bench_") as var:
        os.environ.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            GONGZHI_VAR_DIR=var,
            GONGZHI_ESCALATION_INTERVAL="0",  # no scheduler thread competing
        )
        os.environ.pop("DATABASE_URL", None)  # embedded mode: SpatiaLite, in-memory layer
        os.environ.pop("REDIS_URL", None)
        _fresh_database("spatialite")
        import django

        django.setup()
        from django.conf import settings

        setup = _load_demo()
        grids = _worker_grids()
        setup["uploads_working"] = settings.HTTP_UPLOADS_WORKING
        setup["uploads_reading"] = settings.HTTP_UPLOADS_READING
        pngs = photos(args.photos)
        bodies = [on_spot_body(pngs, grids[n % len(grids)], n + 1) for n in range(args.uploads)]
        print(f"setup {time.monotonic() - started:.0f} s; serving", flush=True)
        port = _free_port()
        server = _start_server(port, 1)
        try:
            token = asyncio.run(_token(port))
            asyncio.run(quiet_phase(port, token, argparse.Namespace(gets=20, interval_ms=0)))
            phases = {"baseline": _measured(quiet_phase(port, token, args), server.pid)}
            phases["loaded"] = _measured(loaded_phase(port, token, args, bodies), server.pid)
            phases["after"] = _measured(quiet_phase(port, token, args), server.pid)
        finally:
            signal.alarm(0)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGTERM)  # its own process group, only it
            try:
                server.wait(timeout=20)
            except Exception:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=10)
    print(report(setup, phases, args, [len(p) for p in pngs]))
    print(f"({(time.monotonic() - started) / 60:.1f} min; uptime: {_uptime()})")
    return 0


def _worker_grids() -> list[str]:
    """The grids the demo grid worker holds (an 即办 must be in one of them)."""
    from django.db import connections

    from accounts.models import RoleAssignment

    assigned = RoleAssignment.objects.filter(user__username="gridworker")
    codes = sorted(assigned.values_list("area__code", flat=True))
    connections.close_all()
    if not codes:
        raise RuntimeError("the demo has no grid worker")
    return codes


def _uptime() -> str:
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return f"load average {load}, {os.cpu_count()} cores"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
