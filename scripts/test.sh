#!/usr/bin/env bash
# Command 2: the whole suite (lint, then tests on SpatiaLite and on PostGIS, with real
# Redis and real Chromium). Under CI=true every backend is required; elsewhere a missing
# PostgreSQL or Redis is reported and its part skipped loudly.
set -euo pipefail
cd "$(dirname "$0")/.."
GONGZHI_EXTRA_APT="chromium" bash scripts/bootstrap.sh
PY=.venv/bin/python
say() { printf '\033[1;34m[gongzhi-test]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[gongzhi-test]\033[0m %s\n' "$*" >&2; exit 1; }
CI=${CI:-false}
PG_URL=${GONGZHI_TEST_POSTGIS_URL:-postgis://postgres@127.0.0.1:5432/gongzhi}
export GONGZHI_TEST_REDIS_URL=${GONGZHI_TEST_REDIS_URL:-redis://127.0.0.1:6379/15}
export GONGZHI_TEST_CHROMIUM=${GONGZHI_TEST_CHROMIUM:-/usr/bin/chromium}
[ "$CI" = "true" ] && export GONGZHI_REQUIRE_ALL=1

say "ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
$PY manage.py makemigrations --check --dry-run -v 0 || die "models changed without a migration"

postgis_ready() { bash scripts/postgis.sh "$PG_URL"; }

run_suite() {  # $1 label, then env assignments for that run
  local label=$1; shift
  local report="var/test-$label.xml"
  mkdir -p var
  say "pytest on $label"
  set +e
  env "$@" $PY -m pytest -p no:cacheprovider --junitxml="$report" ${PYTEST_ARGS:-}
  local rc=$?
  set -e
  [ $rc -eq 5 ] && die "$label: pytest collected no tests"
  [ $rc -ne 0 ] && die "$label: tests failed (exit $rc)"
  $PY scripts/check_report.py "$report" "$label"
}

run_suite spatialite DATABASE_URL=
if postgis_ready; then
  run_suite postgis DATABASE_URL="$PG_URL"
elif [ "$CI" = "true" ]; then
  die "PostGIS is required under CI=true and is not reachable at $PG_URL"
else
  say "WARNING: no PostgreSQL reachable at $PG_URL — ran SpatiaLite only"
fi
say "all suites passed"
