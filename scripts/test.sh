#!/usr/bin/env bash
# Command 2: the whole suite — lint, then the tests on SpatiaLite and on PostGIS side by
# side (one core each), with real Redis and real Chromium. Under CI=true every backend is
# required; elsewhere a missing PostgreSQL is reported and SpatiaLite runs alone.
set -euo pipefail
cd "$(dirname "$0")/.."
# fonts-wqy-microhei: headless Chromium has no CJK font, and its screenshots showed boxes.
GONGZHI_EXTRA_APT="chromium fonts-wqy-microhei" bash scripts/bootstrap.sh
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
.venv/bin/lint-imports --no-cache || die "an import goes against the app layers of .importlinter"
$PY manage.py makemigrations --check --dry-run -v 0 || die "models changed without a migration"
# The production profile with throwaway keys of its own: any deploy warning fails the run.
GONGZHI_PROFILE=production \
  DJANGO_SECRET_KEY=$($PY -c "import secrets; print(secrets.token_urlsafe(50))") \
  GONGZHI_HASH_KEY=$($PY -c "import secrets; print(secrets.token_urlsafe(32))") \
  GONGZHI_FIELD_KEYS=$($PY -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())") \
  $PY manage.py check --deploy --fail-level WARNING || die "check --deploy warns on the production profile"

bash scripts/services.sh

suites=(spatialite)
if bash scripts/postgis.sh "$PG_URL"; then
  suites+=(postgis)
elif [ "$CI" = "true" ]; then
  die "PostGIS is required under CI=true and is not reachable at $PG_URL"
else
  say "WARNING: no PostgreSQL reachable at $PG_URL — running SpatiaLite only"
fi

mkdir -p var
run_suite() {  # $1 = label; runs in the background, output to var/test-<label>.log
  local label=$1 url=""
  [ "$label" = postgis ] && url=$PG_URL
  DATABASE_URL=$url $PY -m pytest -p no:cacheprovider --junitxml="var/test-$label.xml" \
    ${PYTEST_ARGS:-} >"var/test-$label.log" 2>&1
}
declare -A pids
for label in "${suites[@]}"; do
  say "pytest on $label (log: var/test-$label.log)"
  run_suite "$label" & pids[$label]=$!
done
failed=0
for label in "${suites[@]}"; do
  rc=0; wait "${pids[$label]}" || rc=$?
  echo "----- $label -----"; tail -n 40 "var/test-$label.log"
  if [ $rc -eq 5 ]; then say "$label: pytest collected no tests"; failed=1
  elif [ $rc -ne 0 ]; then say "$label: tests failed (exit $rc)"; failed=1
  elif ! $PY scripts/check_report.py "var/test-$label.xml" "$label"; then failed=1
  fi
done
[ $failed -eq 0 ] || die "some suites failed"
say "all suites passed: ${suites[*]}"
