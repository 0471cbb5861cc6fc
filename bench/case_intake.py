"""Case intake: reports per second through the real API against a bare insert view.

    .venv/bin/python bench/case_intake.py [--database spatialite|postgis|both]
        [--requests 4000] [--rounds 4] [--concurrency 16] [--workers N,M] [--no-readme]

Each database runs in its own subprocess with its own environment (bench/
case_intake_worker.py): a fresh database is migrated and loaded with `manage.py demo`
(district, accounts, 5,200-case history), then the real app (config.asgi: Django's WSGI
handler on the product's thread pool inside uvicorn) is started on 127.0.0.1 under
bench.settings_bench (the product's settings plus the bare view) with each of the
--workers counts. Two modes, as the product runs them: `spatialite` is embedded (no
REDIS_URL, in-memory channel layer), `postgis` is production (PostGIS plus REDIS_URL, so
every case event is published through Redis). The grid worker `gridworker` takes a
bearer token and reports cases without photos at random points of its two grids, each
with a fresh client_id; the bare view inserts the same Case row with the grid
precomputed. Both paths alternate over --rounds rounds in the same server run (which
goes first alternates per round), every inserted row is counted, and machine-wide CPU
time is read from /proc/stat around each measured batch.
"""

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from the repository root
    sys.path.insert(0, str(ROOT))

from bench import case_intake_report  # noqa: E402

POSTGIS_URL = "postgis://postgres@127.0.0.1:5432/gz_hist_bench"
REDIS_URL = "redis://127.0.0.1:6379/14"  # production mode's channel layer (postgis only)
SPATIALITE_DIR = "/tmp/gz_hist_bench"
VARIANTS = ["spatialite", "postgis"]
DEFAULT_VARIANTS = VARIANTS


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=[*VARIANTS, "both"], default="both")
    parser.add_argument(
        "--requests", type=int, default=4000, help="per path and server run, over all rounds"
    )
    parser.add_argument("--rounds", type=int, default=4, help="alternating rounds per run")
    parser.add_argument("--concurrency", type=int, default=16, help="open connections")
    parser.add_argument(
        "--workers",
        help="uvicorn worker counts to measure (default: 1,2 on SpatiaLite, the embedded "
        "mode's one process and one more; 2,4 on PostGIS, one and two per core)",
    )
    parser.add_argument("--no-readme", action="store_true", help="do not touch bench/README.md")
    parser.add_argument("--worker", choices=VARIANTS, help=argparse.SUPPRESS)
    parser.add_argument("--result-file", help=argparse.SUPPRESS)
    parser.add_argument("--render", action="store_true", help="re-render the saved results")
    args = parser.parse_args(argv)
    if not 1 <= args.rounds <= args.requests:
        parser.error("--rounds must be between 1 and --requests")
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.worker:
        from bench import case_intake_worker

        return case_intake_worker.run(args)
    databases = DEFAULT_VARIANTS if args.database == "both" else [args.database]
    started = time.monotonic()
    if args.render:
        saved = Path(SPATIALITE_DIR)
        results = {v: json.loads((saved / f"result-{v}.json").read_text()) for v in databases}
    else:
        results = {database: _run_worker(database, argv) for database in databases}
    print(case_intake_report.table(results))
    print("\n".join(case_intake_report.verdicts(results)))
    print(f"({(time.monotonic() - started) / 60:.1f} min)")
    if not args.no_readme and args.database == "both":
        meta = {"date": dt.date.today().isoformat(), "args": vars(args)}
        case_intake_report.write_readme(ROOT / "bench" / "README.md", results, meta)
    return 0


def _run_worker(database: str, argv: list[str]) -> dict:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.settings_bench")
    env["GONGZHI_ESCALATION_INTERVAL"] = "0"  # no scheduler thread competing
    if database == "postgis":  # production mode: events go through Redis
        env["DATABASE_URL"] = POSTGIS_URL
        env["REDIS_URL"] = REDIS_URL
    else:  # embedded mode: one file, in-memory channel layer
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        env["GONGZHI_VAR_DIR"] = SPATIALITE_DIR
    result_file = Path(SPATIALITE_DIR) / f"result-{database}.json"
    result_file.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, __file__, *argv, "--worker", database]
    subprocess.run([*command, "--result-file", str(result_file)], env=env, check=True, cwd=ROOT)
    return json.loads(result_file.read_text())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
