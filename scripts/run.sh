#!/usr/bin/env bash
# Serve the app at http://127.0.0.1:8000 (LAPOR_HOST / LAPOR_PORT to change).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/lib.sh
. "$ROOT/scripts/lib.sh"

HOST="${LAPOR_HOST:-127.0.0.1}"
PORT="${LAPOR_PORT:-8000}"
say "serving Lapor Batu at http://$HOST:$PORT/ (Ctrl-C stops it)"
exec .venv/bin/gunicorn config.wsgi:application \
  --bind "$HOST:$PORT" --workers "${LAPOR_WORKERS:-3}" --access-logfile - --timeout 60
