"""Timing loop, summary statistics, the printed table and bench/README.md."""

import gc
import math
import sys
import time
from collections.abc import Callable

TARGET_RATIO = 1.5  # ours / raw, on the mean and on p99
TARGET_POSTGIS_P99_MS = 5.0
LABELS = {"spatialite": "SpatiaLite", "postgis": "PostGIS"}
POSTGIS_DB = "gz_bench"


def time_paths(
    paths: dict[str, Callable], points: list[tuple[float, float]]
) -> tuple[dict[str, list[int]], dict[str, list]]:
    """Call every path on every point, alternating the order so neither always runs on
    a cache the other just warmed; return per-call nanoseconds and answers per path."""
    names = list(paths)
    timings: dict[str, list[int]] = {name: [] for name in names}
    answers: dict[str, list] = {name: [] for name in names}
    step = max(len(points) // 10, 1)
    gc.collect()
    for i, (lon, lat) in enumerate(points):
        for name in names if i % 2 == 0 else reversed(names):
            started = time.perf_counter_ns()
            answer = paths[name](lon, lat)
            timings[name].append(time.perf_counter_ns() - started)
            answers[name].append(answer)
        if (i + 1) % step == 0:
            print(f"  {i + 1:>7} / {len(points)}", file=sys.stderr, flush=True)
    return timings, answers


def summary(nanoseconds: list[int]) -> dict[str, float]:
    ordered = sorted(nanoseconds)
    total = sum(ordered)
    return {
        "n": len(ordered),
        "per_second": len(ordered) / (total / 1e9),
        "mean_ms": total / len(ordered) / 1e6,
        "p50_ms": _percentile(ordered, 0.50) / 1e6,
        "p99_ms": _percentile(ordered, 0.99) / 1e6,
        "max_ms": ordered[-1] / 1e6,
    }


def _percentile(ordered: list[int], q: float) -> float:
    """Nearest-rank percentile."""
    return ordered[max(math.ceil(q * len(ordered)) - 1, 0)]


def ratios(result: dict) -> dict[str, float]:
    ours, raw = result["stats"]["ours"], result["stats"]["raw"]
    return {key: ours[f"{key}_ms"] / raw[f"{key}_ms"] for key in ("mean", "p50", "p99")}


def verdicts(database: str, result: dict) -> list[tuple[str, bool]]:
    r = ratios(result)
    checks = [
        (f"ours ≤ {TARGET_RATIO}× raw (mean {r['mean']:.2f}×)", r["mean"] <= TARGET_RATIO),
        (f"ours ≤ {TARGET_RATIO}× raw (p99 {r['p99']:.2f}×)", r["p99"] <= TARGET_RATIO),
        (
            f"same grid for every point ({result['mismatches']} mismatches)",
            not result["mismatches"],
        ),
    ]
    if database == "postgis":
        p99 = result["stats"]["ours"]["p99_ms"]
        checks.append((f"p99 < {TARGET_POSTGIS_P99_MS:g} ms ({p99:.3f} ms)", p99 < 5.0))
    return checks


def _rows(results: dict) -> list[str]:
    rows = []
    for database, result in results.items():
        for path, label in (("ours", "ours: grid_for_point"), ("raw", "raw SQL")):
            s = result["stats"][path]
            rows.append(
                f"| {LABELS[database]} | {label} | {s['per_second']:,.0f} | {s['mean_ms']:.3f} "
                f"| {s['p50_ms']:.3f} | {s['p99_ms']:.3f} | {s['max_ms']:.1f} |"
            )
        r = ratios(result)
        rows.append(
            f"| {LABELS[database]} | **ours / raw** | {1 / r['mean']:.2f}× raw "
            f"| {r['mean']:.2f}× | {r['p50']:.2f}× | {r['p99']:.2f}× | |"
        )
    return rows


def table(results: dict) -> str:
    header = [
        "| database | path | lookups/s | mean ms | p50 ms | p99 ms | max ms |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    lines = ["", *header, *_rows(results), ""]
    for database, result in results.items():
        found = f"{result['found']:,} of {result['points']:,} points inside a grid"
        lines.append(f"{LABELS[database]}: {found}")
        for text, ok in verdicts(database, result):
            lines.append(f"  [{'met' if ok else 'NOT MET'}] {text}")
    return "\n".join(lines)


NOTES_MARKER = "<!-- Hand-written notes below this line survive a rerun of the benchmark. -->"


def readme(results: dict, machine: dict, notes: str = "") -> str:
    """bench/README.md, rewritten from the latest full run; `notes` (the hand-written part
    after NOTES_MARKER) is kept as it was."""
    from bench.grid_lookup_worker import RAW_SQL

    met = {db: verdicts(db, result) for db, result in results.items()}
    lines = [
        "# Benchmarks",
        "",
        "## Point → grid lookup (`bench/grid_lookup.py`)",
        "",
        "```",
        "# full run: 10,000 grids, 100,000 points, both databases; rewrites this file",
        ".venv/bin/python bench/grid_lookup.py",
        ".venv/bin/python bench/grid_lookup.py --database spatialite --points 5000",
        "```",
        "",
        "Each database runs in its own subprocess with its own `DATABASE_URL`: SpatiaLite in a",
        f"temporary file, PostGIS in `{POSTGIS_DB}` (dropped and recreated on every run; needs",
        "PostgreSQL with PostGIS at 127.0.0.1:5432, user postgres). The worker migrates, builds",
        "1 district → 10 streets → 100 communities → 10,000 grids as a jittered lattice of",
        "irregular 20-gons that tile the district (`bench/lattice.py`), then looks up the same",
        "seeded random points (95 % inside the district) through `grid.selectors.grid_for_point`",
        "and through the best single raw query on the same DB-API connection, alternating which",
        "goes first, after a 2,000-point warm-up. Times are per lookup (`perf_counter_ns`),",
        "single-threaded; lookups/s is 1 / mean. Both paths must name the same grid for every",
        "point. Only a full run on both databases rewrites this file.",
        "",
        "Raw SQL baselines:",
        "",
        f"- PostGIS: `{RAW_SQL['postgis']}`",
        f"- SpatiaLite: `{RAW_SQL['spatialite']}`",
        "",
        "State of the databases, as the app finds them in service: PostGIS analysed (autovacuum",
        "does it), SQLite without `ANALYZE` statistics (nothing in the app runs it); a fresh",
        "connection after the setup.",
        "",
        f"## Latest figures ({machine['date']})",
        "",
        f"Machine: {machine['cores']} cores ({machine['cpu']}), Python {machine['python']}, "
        f"{_versions_text(results)}; seed {machine['seed']}. "
        f"Load average during the run: {_load_text(results)} (other jobs shared the machine).",
        "",
        "| database | path | lookups/s | mean ms | p50 ms | p99 ms | max ms |",
        "|---|---|---:|---:|---:|---:|---:|",
        *_rows(results),
        "",
        "### Targets",
        "",
    ]
    for db, checks in met.items():
        for text, ok in checks:
            lines.append(f"- {LABELS[db]}: {'met' if ok else '**not met**'} — {text}")
    lines += ["", NOTES_MARKER, notes.strip("\n"), ""]
    return "\n".join(lines) + "\n"


def _versions_text(results: dict) -> str:
    parts = []
    for result in results.values():
        versions = result.get("setup", {}).get("versions", {})
        parts += [f"{name} {version}" for name, version in versions.items()]
    return ", ".join(parts)


def _load_text(results: dict) -> str:
    return "; ".join(
        f"{LABELS[db]} {r['load'][0]:.1f} → {r['load'][1]:.1f}"
        for db, r in results.items()
        if "load" in r
    )
