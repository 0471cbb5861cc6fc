"""The printed table and the case-intake section of bench/README.md.

The section sits between its own markers below the grid-lookup benchmark's notes marker,
so that a rerun of either benchmark keeps the other's figures.
"""

import os
import platform
from pathlib import Path

from bench.report import NOTES_MARKER

START, END = "<!-- case_intake:start -->", "<!-- case_intake:end -->"
LABELS = {"spatialite": "SpatiaLite", "postgis": "PostGIS + Redis"}
HEADLINE = ("postgis", "4")  # database, uvicorn workers: two processes per core
TARGET_PER_SECOND = 300  # on PostGIS, 2 cores
TARGET_RATIO = 0.5  # of the bare insert


def successes_per_second(r: dict) -> float:
    ok = sum(n for status, n in r["statuses"].items() if 200 <= int(status) < 300)
    return ok / r["seconds"]


def throughput_ratio(run: dict) -> float:
    """Ours / bare, 2xx per second over the combined rounds (how the targets are judged)."""
    return successes_per_second(run["ours"]) / successes_per_second(run["bare"])


def cpu_ratio(run: dict) -> float:
    """Bare CPU per request / ours: the share of bare's throughput ours would reach if
    CPU were all that limits both."""
    return run["bare"]["cpu_ms_per_request"] / run["ours"]["cpu_ms_per_request"]


def busy_share(r: dict) -> float:
    """How busy the whole machine was while the path's requests ran (1.0: every core)."""
    capacity = r["seconds"] * (os.cpu_count() or 1) * os.sysconf("SC_CLK_TCK")
    return sum(r["busy_jiffies"]) / capacity


def _rows(results: dict) -> list[str]:
    rows = []
    for database, result in results.items():
        for workers, run in result["runs"].items():
            label = f"| {LABELS[database]} | {workers} "
            for path in ("ours", "bare"):
                r, name = run[path], "API report" if path == "ours" else "bare insert"
                rows.append(
                    f"{label}| {name} | {successes_per_second(r):,.0f} "
                    f"| {r['median_per_second']:,.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} "
                    f"| {r['server_errors']} | {r['rows']:,} / {r['requests']:,} "
                    f"| {r['cpu_ms_per_request']:.2f} |"
                )
            median = run["ours"]["median_per_second"] / run["bare"]["median_per_second"]
            rows.append(
                f"{label}| **ours / bare** | {throughput_ratio(run):.2f}× | {median:.2f}× "
                f"| | | | | {cpu_ratio(run):.2f}× (bare / ours) |"
            )
    return rows


def table(results: dict) -> str:
    head = [
        "| database | uvicorn workers | path | reports/s | median round | p50 ms | p99 ms "
        "| 5xx | rows / requests | CPU ms / request |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    return "\n".join(head + _rows(results))


def _mark(ok: bool) -> str:
    return "met" if ok else "**not met**"


def verdicts(results: dict) -> list[str]:
    lines = []
    for database, result in results.items():
        for workers, run in result["runs"].items():
            ours, bare = run["ours"], run["bare"]
            where = f"- {LABELS[database]}, {workers} worker(s)"
            if (database, workers) == HEADLINE:
                where += " (headline)"
            ratio = throughput_ratio(run)
            lines.append(f"{where}: {_mark(ratio >= TARGET_RATIO)} — ours ≥ {TARGET_RATIO}× bare "
                         f"({ratio:.2f}×; CPU per request {cpu_ratio(run):.2f}×)")  # fmt: skip
            if database.startswith("postgis"):
                fast = successes_per_second(ours) >= TARGET_PER_SECOND
                lines.append(f"{where}: {_mark(fast)} — ≥ {TARGET_PER_SECOND} reports/s "
                             f"({successes_per_second(ours):,.0f})")  # fmt: skip
            complete = all(
                r["rows"] == r["requests"] and not r["server_errors"] for r in (ours, bare)
            )
            lines.append(f"{where}: {_mark(complete)} — every request answered 2xx and "
                         "inserted exactly one row")  # fmt: skip
    return lines


def section(results: dict, meta: dict) -> str:
    args = meta["args"]
    setups = [result["setup"] for result in results.values()]
    versions = ", ".join(
        dict.fromkeys(f"{name} {v}" for s in setups for name, v in s["versions"].items())
    )
    threads = ", ".join(dict.fromkeys(str(s.get("http_threads", "?")) for s in setups))
    warm_up = next(iter(results.values()))["runs"]
    warm_up = next(iter(warm_up.values())).get("warm_up", "?")
    loads = "; ".join(
        f"{LABELS[db]} {w} worker(s) {run['load'][0]:.1f} → {run['load'][1]:.1f}, busy "
        f"{busy_share(run['ours']):.0%} / {busy_share(run['bare']):.0%}"
        for db, result in results.items()
        for w, run in result["runs"].items()
    )
    lines = [
        START,
        "## Case intake (`bench/case_intake.py`)",
        "",
        "```",
        "# SpatiaLite 1 and 2 workers, PostGIS 2 and 4, 4 rounds; rewrites this section",
        ".venv/bin/python bench/case_intake.py",
        ".venv/bin/python bench/case_intake.py --database postgis --workers 4 --no-readme",
        "```",
        "",
        "Each database gets a fresh database (SpatiaLite file in `/tmp/gz_hist_bench`, PostGIS",
        "`gz_hist_bench`, dropped and recreated), migrated and loaded with `manage.py demo`",
        "(the demo district, its accounts and a 5,200-case history). The app runs as the",
        "product serves it: `config.asgi` under uvicorn on 127.0.0.1, Django's WSGI handler",
        f"on a fixed pool of {threads} threads per worker process (a2wsgi, the product's",
        "default), with `bench.settings_bench` (the product settings plus one bare view).",
        "**SpatiaLite** runs in embedded mode (no `REDIS_URL`, in-memory channel layer);",
        "**PostGIS + Redis** in production mode (`REDIS_URL=redis://127.0.0.1:6379/14`, so",
        "every case event is published through Redis). The load generator",
        "(`bench/http_load.py`, asyncio, keep-alive) runs on the same 2 cores.",
        "",
        "**API report**: `POST /api/v1/cases` as the demo grid worker with a bearer token,",
        "JSON without photos, a fresh `client_id` and a random point in one of its two grids",
        "— token, validation, grid lookup, role check, deadline, case row, timeline entry,",
        "outbox event, realtime event. **Bare insert**: `POST /bench/bare-case`, one",
        "`Case.objects.create` of the same row with the grid precomputed (no auth, no",
        "lookup, no timeline, no event).",
        "",
        f"Per server run: {warm_up} warm-up requests per path, then {args['rounds']} rounds of",
        f"both paths (which goes first alternates), {args['requests']:,} requests per path in",
        f"all, {args['concurrency']} connections. Reports/s counts 2xx answers over the",
        "combined rounds (the targets are judged on it); *median round* is the median of the",
        "per-round figures; rows are counted afterwards by `client_id`. *CPU ms / request*",
        "is the machine's busy time (`/proc/stat`, all cores, total − idle − iowait) during",
        "the measured requests, divided by them; its ratio is bare / ours. It includes the",
        "load generator and whatever else runs; while the machine is near 100 % busy (see",
        "the busy share below) it is close to 2 cores ÷ throughput, and no steadier.",
        "",
        "Headline: PostGIS + Redis with 4 workers — two processes per core is the usual",
        "deployment, and with Redis the processes share events (the in-memory layer",
        "reaches only its own process, so embedded mode is meant for one).",
        "",
        f"### Latest figures ({meta['date']})",
        "",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, {versions}.",
        "Load average (1 min) before → after the measured rounds, and the machine's busy",
        f"share while ours / bare ran: {loads}.",
        "",
        table(results),
        "",
        "### Targets (headline: PostGIS + Redis, 4 workers)",
        "",
        *verdicts(results),
        "",
        END,
    ]
    return "\n".join(lines)


def write_readme(path: Path, results: dict, meta: dict) -> None:
    text = path.read_text()
    new = section(results, meta)
    if START in text and END in text:
        before, _old = text.split(START, 1)
        _old, after = _old.split(END, 1)
        text = before + new + after
    elif NOTES_MARKER in text:
        text = text.rstrip("\n") + "\n\n" + new + "\n"
    else:
        text = text.rstrip("\n") + "\n\n" + NOTES_MARKER + "\n\n" + new + "\n"
    path.write_text(text)
