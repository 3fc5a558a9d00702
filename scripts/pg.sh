#!/usr/bin/env bash
# The project-local PostGIS cluster.
# Usage: scripts/pg.sh start|stop|restart|status|psql [args...]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
. "$ROOT/scripts/lib.sh"

PG_CTL="$(find_pg_bin)" || die "PostgreSQL is not installed; run scripts/setup.sh"
PG_BIN="$(dirname "$PG_CTL")"
PGDATA="$(resolve_pgdata "$ROOT")"
LOGFILE="$PGDATA/server.log"

psql_as_owner() {
  "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$LAPOR_PGHOST" -p "$LAPOR_PGPORT" -U "$LAPOR_PGUSER" "$@"
}

is_running() {
  [ -f "$PGDATA/PG_VERSION" ] && run_as_db_owner "$PG_CTL" status -D "$PGDATA" >/dev/null 2>&1
}

init_cluster() {
  say "creating the project-local PostgreSQL cluster in $PGDATA"
  mkdir -p "$PGDATA"
  chmod 700 "$PGDATA"
  [ "$(id -u)" = 0 ] && chown postgres: "$PGDATA" "$(dirname "$PGDATA")"
  # Trust authentication is safe here because the cluster listens on loopback only and has no
  # Unix socket; DATABASE_URL is how a shared or production database is used instead.
  run_as_db_owner "$PG_BIN/initdb" -D "$PGDATA" -U "$LAPOR_PGUSER" --auth=trust \
    --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  run_as_db_owner tee -a "$PGDATA/postgresql.conf" >/dev/null <<CONF

# --- lapor-batu project-local settings ---
listen_addresses = '$LAPOR_PGHOST'
port = $LAPOR_PGPORT
unix_socket_directories = ''
shared_buffers = 256MB
work_mem = 32MB
maintenance_work_mem = 256MB
max_connections = 200
# The app's queries are short; compiling them (JIT) costs more than they take.
jit = off
CONF
}

start() {
  [ -f "$PGDATA/PG_VERSION" ] || init_cluster
  if ! is_running; then
    say "starting PostgreSQL on $LAPOR_PGHOST:$LAPOR_PGPORT"
    if ! run_as_db_owner "$PG_CTL" start -D "$PGDATA" -l "$LOGFILE" -w -t 60 >/dev/null; then
      tail -n 20 "$LOGFILE" >&2 || true
      die "PostgreSQL did not start (is port $LAPOR_PGPORT taken? set LAPOR_PGPORT)"
    fi
  fi
  if [ -z "$(psql_as_owner -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$LAPOR_PGDATABASE'")" ]; then
    say "creating database $LAPOR_PGDATABASE"
    psql_as_owner -d postgres -c "CREATE DATABASE \"$LAPOR_PGDATABASE\""
  fi
  psql_as_owner -d "$LAPOR_PGDATABASE" -c "CREATE EXTENSION IF NOT EXISTS postgis" 2>/dev/null
}

stop() {
  if is_running; then
    run_as_db_owner "$PG_CTL" stop -D "$PGDATA" -m fast -w >/dev/null
    say "PostgreSQL stopped"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status) if is_running; then echo "running: $PGDATA on $LAPOR_PGHOST:$LAPOR_PGPORT"; else echo "stopped: $PGDATA"; exit 3; fi ;;
  psql) shift; psql_as_owner -d "$LAPOR_PGDATABASE" "$@" ;;
  datadir) echo "$PGDATA" ;;
  *) die "usage: scripts/pg.sh start|stop|restart|status|psql|datadir" ;;
esac
