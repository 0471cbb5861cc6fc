"""Settings for bench/case_intake.py only: the product's settings, plus the bare insert
view of bench/bare_urls.py mounted next to the real URLs.

GONGZHI_BENCH_SQLITE_IMMEDIATE=1 measures a proposed change: SQLite transactions that
take the write lock when they begin (Django's `transaction_mode`), so two writers wait
for each other (up to the timeout) instead of one failing at once with "database is
locked" when both try to upgrade a read lock.

GONGZHI_BENCH_PG_POOL=1 measures another: under ASGI Django runs each request's sync code
in a thread of its own, so persistent connections (CONN_MAX_AGE=60) pile up one per
thread until PostgreSQL refuses clients; Django's documented answer is no persistent
connections plus a pool (psycopg_pool through OPTIONS["pool"], Django ≥ 5.1).
"""

import os

from config.settings import *  # noqa: F403  (the product's settings, unchanged)
from config.settings import DATABASES

ROOT_URLCONF = "bench.bare_urls"

if os.environ.get("GONGZHI_BENCH_SQLITE_IMMEDIATE") == "1":
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"

if os.environ.get("GONGZHI_BENCH_PG_POOL") == "1":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {"min_size": 4, "max_size": 16}
