#!/usr/bin/env bash
# Serve the app at http://127.0.0.1:8000 (LAPOR_HOST / LAPOR_PORT to change), with the background
# worker that sends notifications and the minutely housekeeping (overdue notices, auto-close).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/lib.sh
. "$ROOT/scripts/lib.sh"

HOST="${LAPOR_HOST:-127.0.0.1}"
PORT="${LAPOR_PORT:-8000}"
PY=.venv/bin/python

children=()
cleanup() { for pid in "${children[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

$PY manage.py db_worker --no-reload --interval 2 &
children+=($!)
( while sleep 60; do $PY manage.py housekeeping >/dev/null || true; done ) &
children+=($!)

say "serving Lapor Batu at http://$HOST:$PORT/ (Ctrl-C stops it), with the notification worker"
# The logger class writes no private token (an old link's ?t=, a Referer, a header) to either log.
.venv/bin/gunicorn config.wsgi:application \
  --bind "$HOST:$PORT" --workers "${LAPOR_WORKERS:-3}" --access-logfile - --timeout 60 \
  --logger-class common.log_redaction.GunicornLogger &
children+=($!)
wait "${children[-1]}"
