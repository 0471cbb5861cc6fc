#!/usr/bin/env bash
# Makes sure the PostgreSQL behind $1 has PostGIS: installs postgresql-<major>-postgis-3
# when the server is local and we are root, then creates the extension in template1 so
# every test database has it. Exit 1 when no PostgreSQL answers.
set -euo pipefail
URL=${1:-postgis://postgres@127.0.0.1:5432/gongzhi}
PSQL_URL="postgresql://${URL#*://}"
ADMIN_URL="${PSQL_URL%/*}/postgres"
say() { printf '\033[1;34m[gongzhi-postgis]\033[0m %s\n' "$*"; }
command -v psql >/dev/null || { say "no psql client"; exit 1; }
psql "$ADMIN_URL" -qtAc "select 1" >/dev/null 2>&1 || { say "no PostgreSQL at $ADMIN_URL"; exit 1; }

available=$(psql "$ADMIN_URL" -qtAc "select count(*) from pg_available_extensions where name='postgis'")
if [ "$available" = "0" ]; then
  major=$(psql "$ADMIN_URL" -qtAc "show server_version_num" | cut -c1-2)
  host=$(psql "$ADMIN_URL" -qtAc "select coalesce(inet_server_addr()::text, 'local')")
  case "$host" in 127.*|::1|local) ;; *) say "PostGIS missing on remote server $host"; exit 1;; esac
  [ "$(id -u)" -eq 0 ] || { say "PostGIS missing: run sudo apt-get install -y postgresql-$major-postgis-3"; exit 1; }
  say "installing postgresql-$major-postgis-3"
  # another set-up script (demo.sh beside test.sh) may hold the apt lock: wait for it
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "postgresql-$major-postgis-3" >/dev/null
fi
psql "$ADMIN_URL" -qtAc "create extension if not exists postgis" >/dev/null
psql "${ADMIN_URL%/*}/template1" -qtAc "create extension if not exists postgis" >/dev/null
say "PostGIS $(psql "$ADMIN_URL" -qtAc 'select postgis_lib_version()') ready"
