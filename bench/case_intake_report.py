"""The printed table and the case-intake section of bench/README.md.

The section sits between its own markers below the grid-lookup benchmark's notes marker,
so that a rerun of either benchmark keeps the other's figures.
"""

import os
import platform
from pathlib import Path

from bench.report import NOTES_MARKER

START, END = "<!-- case_intake:start -->", "<!-- case_intake:end -->"
LABELS = {"spatialite": "SpatiaLite", "postgis": "PostGIS"}
TARGET_PER_SECOND = 300  # on PostGIS, 2 cores
TARGET_RATIO = 0.5  # of the bare insert


def successes_per_second(r: dict) -> float:
    ok = sum(n for status, n in r["statuses"].items() if 200 <= int(status) < 300)
    return ok / r["seconds"]


def _rows(results: dict) -> list[str]:
    rows = []
    for database, result in results.items():
        for workers, run in result["runs"].items():
            for path in ("ours", "bare"):
                r, name = run[path], "API report" if path == "ours" else "bare insert"
                rows.append(
                    f"| {LABELS[database]} | {workers} | {name} "
                    f"| {successes_per_second(r):,.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} "
                    f"| {r['server_errors']} | {r['rows']:,} / {r['requests']:,} |"
                )
            ratio = successes_per_second(run["ours"]) / successes_per_second(run["bare"])
            rows.append(
                f"| {LABELS[database]} | {workers} | **ours / bare** | {ratio:.2f}× | | | | |"
            )
    return rows


def table(results: dict) -> str:
    head = [
        "| database | uvicorn workers | path | reports/s | p50 ms | p99 ms | 5xx "
        "| rows / requests |",
        "|---|---:|---|---:|---:|---:|---:|---:|",
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
            ratio = successes_per_second(ours) / successes_per_second(bare)
            lines.append(f"{where}: {_mark(ratio >= TARGET_RATIO)} — ours ≥ {TARGET_RATIO}× bare "
                         f"({ratio:.2f}×)")  # fmt: skip
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
    versions = ", ".join(
        dict.fromkeys(
            f"{name} {version}"
            for result in results.values()
            for name, version in result["setup"]["versions"].items()
        )
    )
    loads = "; ".join(
        f"{LABELS[db]} {w} worker(s) {run['load'][0]:.1f} → {run['load'][1]:.1f}"
        for db, result in results.items()
        for w, run in result["runs"].items()
    )
    lines = [
        START,
        "## Case intake (`bench/case_intake.py`)",
        "",
        "```",
        "# both databases, 1 and 2 uvicorn workers; rewrites this section",
        ".venv/bin/python bench/case_intake.py",
        ".venv/bin/python bench/case_intake.py --database postgis --workers 2 --no-readme",
        "```",
        "",
        "Each database gets a fresh database (SpatiaLite file in `/tmp/gz_hist_bench`, PostGIS",
        "`gz_hist_bench`, dropped and recreated), migrated and loaded with `manage.py demo`",
        "(the demo district, its accounts and a 5,200-case history). The real ASGI app runs",
        "under uvicorn on 127.0.0.1 with `bench.settings_bench` (the product settings plus",
        "one bare view); the load generator (`bench/http_load.py`, asyncio, keep-alive) runs",
        "on the same 2 cores. **API report**: `POST /api/v1/cases` as the demo grid worker",
        "with a bearer token, JSON without photos, a fresh `client_id` and a random point in",
        "one of its two grids — token check, validation, grid lookup, role check, deadline,",
        "case row + number, follower, timeline entry, outbox event. **Bare insert**:",
        "`POST /bench/bare-case`, one `Case.objects.create` of the same row with the grid",
        "precomputed (no auth, no lookup, no timeline, no event). The two paths alternate in",
        f"2 rounds within one server run; figures combine both rounds. {args['requests']:,}",
        f"requests per path and server run, {args['concurrency']} connections. Reports/s",
        "counts answers 2xx only; rows are counted afterwards by `client_id`.",
        "",
        "Both databases run the product's settings: SQLite transactions take the write lock",
        "when they begin (`transaction_mode=IMMEDIATE`, so concurrent writers queue instead",
        'of failing with "database is locked"), and PostgreSQL connections come from',
        "psycopg's pool (`CONN_MAX_AGE=0`: under ASGI every request runs in a thread of its",
        "own, and persistent connections used to pile up until PostgreSQL refused clients).",
        "",
        f"### Latest figures ({meta['date']})",
        "",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, {versions}.",
        f"Load average (1 min) before → after the measured rounds: {loads}.",
        "",
        table(results),
        "",
        "### Targets (headline: 2 workers on PostGIS)",
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
