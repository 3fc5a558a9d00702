#!/usr/bin/env bash
# Prepare everything `make run` and `make test` need, idempotently:
#   1. system packages (PostgreSQL + PostGIS, GDAL, gettext; Chromium with --browser) via apt,
#   2. the virtual environment in .venv from requirements.txt,
#   3. the front-end libraries in node_modules from package-lock.json (npm ci),
#   4. the project-local PostGIS cluster in var/pgdata (skipped when DATABASE_URL is set).
# Usage: scripts/setup.sh [--browser]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/lib.sh
. "$ROOT/scripts/lib.sh"

want_browser=0
[ "${1:-}" = "--browser" ] && want_browser=1

# --- 1. system packages -------------------------------------------------------------------------
missing=()
pg_bin="$(find_pg_bin || true)"
if [ -z "$pg_bin" ]; then
  missing+=(postgresql postgresql-contrib)
fi
pg_major="$( [ -n "$pg_bin" ] && basename "$(dirname "$(dirname "$pg_bin")")" || echo "")"
if [ -n "$pg_major" ] && [ ! -f "/usr/share/postgresql/$pg_major/extension/postgis.control" ]; then
  missing+=("postgresql-$pg_major-postgis-3")
fi
command -v gdalinfo >/dev/null 2>&1 || missing+=(gdal-bin)
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
python3 -c 'import ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ "$want_browser" = 1 ] && [ ! -x /usr/bin/chromium ]; then
  missing+=(chromium fonts-dejavu-core)
fi

apt_install() {
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo="sudo -n"
    else
      die "missing system packages: $*
Install them as root:  apt-get install -y $*"
    fi
  fi
  say "installing system packages: $*"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if [ ${#missing[@]} -gt 0 ]; then
  apt_install "${missing[@]}"
  # PostGIS matches the PostgreSQL major version, which is only known once PostgreSQL is there.
  pg_bin="$(find_pg_bin)" || die "PostgreSQL did not install"
  pg_major="$(basename "$(dirname "$(dirname "$pg_bin")")")"
  if [ ! -f "/usr/share/postgresql/$pg_major/extension/postgis.control" ]; then
    apt_install "postgresql-$pg_major-postgis-3"
  fi
fi

# --- 2. virtual environment ---------------------------------------------------------------------
req_hash="$(sha256sum requirements.txt | cut -d' ' -f1)"
if [ ! -x .venv/bin/python ] || [ "$(cat .venv/.requirements.sha256 2>/dev/null)" != "$req_hash" ]; then
  say "creating the virtual environment in .venv"
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
  echo "$req_hash" > .venv/.requirements.sha256
fi

# --- 3. front-end libraries (served from our own static files, never a CDN) ----------------------
lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ "$(cat node_modules/.lock.sha256 2>/dev/null)" != "$lock_hash" ]; then
  say "installing front-end libraries into node_modules"
  npm ci --loglevel=error >/dev/null
  echo "$lock_hash" > node_modules/.lock.sha256
fi

# --- 4. database --------------------------------------------------------------------------------
if [ -n "${DATABASE_URL:-}" ]; then
  say "using DATABASE_URL; the project-local cluster is not started"
else
  "$ROOT/scripts/pg.sh" start
fi
