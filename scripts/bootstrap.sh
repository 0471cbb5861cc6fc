#!/usr/bin/env bash
# Makes this checkout runnable: system GIS libraries, a virtualenv built from a Python whose
# sqlite3 can load extensions (SpatiaLite needs that), the pinned Python dependencies and
# the compiled translations. Safe to run again: it only does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV="$ROOT/.venv"
say() { printf '\033[1;34m[gongzhi]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[gongzhi]\033[0m %s\n' "$*" >&2; exit 1; }

SYSTEM_PACKAGES="gdal-bin libsqlite3-mod-spatialite gettext python3-venv ${GONGZHI_EXTRA_APT:-}"
# npm installs the map pages' libraries; a Node.js from elsewhere (nodesource, nvm) that
# brings its own npm is used as it is (Debian's npm package would conflict with it).
command -v npm >/dev/null 2>&1 || SYSTEM_PACKAGES="$SYSTEM_PACKAGES nodejs npm"

missing_packages() {
  local missing=""
  for pkg in $SYSTEM_PACKAGES; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
  done
  echo "$missing"
}

install_system_packages() {
  local missing
  missing=$(missing_packages)
  [ -z "$missing" ] && return 0
  if ! command -v apt-get >/dev/null; then
    die "missing system packages:$missing (install them with your package manager)"
  fi
  if [ "$(id -u)" -ne 0 ]; then
    die "missing system packages:$missing — run: sudo apt-get install -y$missing"
  fi
  say "installing system packages:$missing"
  # another set-up script (demo.sh beside test.sh) may hold the apt lock: wait for it
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq $missing >/dev/null
}

# A Python 3.11 whose sqlite3 loads mod_spatialite: pyenv builds often cannot.
python_can_load_spatialite() {
  "$1" - <<'PY' 2>/dev/null
import sqlite3, sys
assert sys.version_info[:2] == (3, 11)
con = sqlite3.connect(":memory:")
con.enable_load_extension(True)
con.load_extension("mod_spatialite")
print(con.execute("select spatialite_version()").fetchone()[0])
PY
}

pick_python() {
  local candidate
  for candidate in ${GONGZHI_PYTHON:-} /usr/bin/python3.11 /usr/bin/python3 python3.11 python3; do
    command -v "$candidate" >/dev/null 2>&1 || continue
    if python_can_load_spatialite "$candidate" >/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  return 1
}

ensure_venv() {
  if [ -x "$VENV/bin/python" ] && python_can_load_spatialite "$VENV/bin/python" >/dev/null; then
    return 0
  fi
  local python
  python=$(pick_python) || die "no Python 3.11 here can load SQLite extensions (SpatiaLite). Install Debian's python3 (apt-get install python3 python3-venv) or set GONGZHI_PYTHON."
  say "creating virtualenv from $python (SpatiaLite $(python_can_load_spatialite "$python"))"
  rm -rf "$VENV"
  "$python" -m venv "$VENV"
}

install_python_packages() {
  local stamp="$VENV/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
  [ -f "$stamp" ] && return 0
  say "installing Python packages (pinned in pyproject.toml)"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q -e ".[dev]"
  rm -f "$VENV"/.installed-* && touch "$stamp"
}

# The front-end libraries of package-lock.json, then exactly the dist files package.json's
# "vendor" names copied to maps/static/maps/vendor/ (git-ignored: the lockfile is the record).
install_front_end() {
  local stamp="node_modules/.installed-$(sha256sum package-lock.json | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    say "installing front-end libraries (npm ci, pinned in package-lock.json)"
    npm ci --no-audit --no-fund --loglevel=error
    touch "$stamp"
  fi
  node scripts/copy_vendor.js >/dev/null
}

compile_translations_and_static() {
  "$VENV/bin/python" manage.py compilemessages -l en -l zh_Hans -v 0 --ignore .venv
  "$VENV/bin/python" manage.py collectstatic --no-input -v 0
}

# The demo and the test command may start at once on a new checkout: one builds the venv,
# the other waits for it (two builders at once broke ensurepip).
mkdir -p "$ROOT/var"
exec 9>"$ROOT/var/.bootstrap.lock"
flock 9
install_system_packages
ensure_venv
install_python_packages
install_front_end
compile_translations_and_static
say "ready: $("$VENV/bin/python" --version), $(python_can_load_spatialite "$VENV/bin/python" | sed 's/^/SpatiaLite /')"
