"""Point → grid lookup: our service against the best raw SQL, on SpatiaLite and PostGIS.

    .venv/bin/python bench/grid_lookup.py [--grids 10000] [--points 100000]
        [--database spatialite|postgis|both] [--seed 1]

Each database runs in its own subprocess with its own DATABASE_URL (Django reads it at
setup). The worker builds a fresh database, fills it with a jittered lattice of grids
(bench/lattice.py), then times `grid.selectors.grid_for_point` and the equivalent
single raw query on the same DB-API connection, point by point, alternating which goes
first, and checks that both name the same grid for every point.
"""

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from the repository root
    sys.path.insert(0, str(ROOT))

from bench import report  # noqa: E402

POSTGIS_SERVER = "postgis://postgres@127.0.0.1:5432"
POSTGIS_NAME = "gz_bench"
FULL_RUN = {"grids": 10_000, "points": 100_000}


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--grids", type=int, default=FULL_RUN["grids"])
    parser.add_argument("--points", type=int, default=FULL_RUN["points"])
    parser.add_argument("--database", choices=["spatialite", "postgis", "both"], default="both")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--save", type=Path, help="also write the results as JSON to this file")
    parser.add_argument("--from-json", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--worker", choices=["spatialite", "postgis"], help=argparse.SUPPRESS)
    parser.add_argument("--result-file", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.worker:
        from bench import grid_lookup_worker

        return grid_lookup_worker.run(args)
    databases = ["spatialite", "postgis"] if args.database == "both" else [args.database]
    if args.from_json:  # re-render a saved run
        results = json.loads(args.from_json.read_text())
    else:
        results = _run_all(databases, args)
    if args.save:
        args.save.write_text(json.dumps(results, indent=1))
    print(report.table(results))
    _maybe_write_readme(args, results)
    return 0 if all(r["mismatches"] == 0 for r in results.values()) else 1


def _run_all(databases: list[str], args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory(prefix="gz_bench_") as tmp:
        return {database: _run_in_subprocess(database, args, Path(tmp)) for database in databases}


def _run_in_subprocess(database: str, args: argparse.Namespace, tmp: Path) -> dict:
    result_file = tmp / f"{database}.json"
    env = dict(os.environ, GONGZHI_VAR_DIR=str(tmp / "var"), DJANGO_DEBUG="0")
    env["DATABASE_URL"] = (
        f"spatialite:///{tmp / 'grid_lookup.sqlite3'}"
        if database == "spatialite"
        else f"{POSTGIS_SERVER}/{POSTGIS_NAME}"
    )
    command = [sys.executable, __file__, "--worker", database, "--result-file", str(result_file)]
    command += ["--grids", str(args.grids), "--points", str(args.points), "--seed", str(args.seed)]
    completed = subprocess.run(command, env=env, cwd=ROOT, check=False)
    if completed.returncode != 0:
        raise SystemExit(f"{database}: benchmark worker failed (exit {completed.returncode})")
    return json.loads(result_file.read_text())


def _maybe_write_readme(args: argparse.Namespace, results: dict) -> None:
    is_full = args.grids == FULL_RUN["grids"] and args.points == FULL_RUN["points"]
    if not (is_full and set(results) == {"spatialite", "postgis"}):
        print("bench/README.md not updated: only a full run on both databases writes it.")
        return
    machine = {
        "cores": os.cpu_count(),
        "cpu": _cpu_model(),
        "python": platform.python_version(),
        "date": dt.date.today().isoformat(),
        "seed": args.seed,
    }
    path = ROOT / "bench" / "README.md"
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    notes = old.split(report.NOTES_MARKER, 1)[1] if report.NOTES_MARKER in old else ""
    path.write_text(report.readme(results, machine, notes), encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
