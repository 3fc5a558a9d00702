# Shared by the scripts in this folder; sourced, not run.
# The project-local PostgreSQL cluster: where it lives, who runs it, how to reach it.

say() { printf '\033[1m[lapor-batu]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[lapor-batu] error:\033[0m %s\n' "$*" >&2; exit 1; }

# Newest installed PostgreSQL server binaries (Debian layout), e.g. /usr/lib/postgresql/15/bin/pg_ctl.
find_pg_bin() {
  local found
  found="$(ls -d /usr/lib/postgresql/*/bin/pg_ctl 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$found" ] && echo "$found"
}

# Connection settings; config/settings.py reads the same variables with the same defaults.
LAPOR_PGHOST="${LAPOR_PGHOST:-127.0.0.1}"
LAPOR_PGPORT="${LAPOR_PGPORT:-54329}"
LAPOR_PGUSER="${LAPOR_PGUSER:-laporbatu}"
LAPOR_PGDATABASE="${LAPOR_PGDATABASE:-laporbatu}"

# PostgreSQL refuses to run as root: as root the cluster belongs to the 'postgres' system user
# (created by the postgresql package). As anyone else it belongs to that user.
run_as_db_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# The cluster lives in var/pgdata (git-ignored). When the project folder cannot be entered by the
# 'postgres' user (e.g. a clone under /root, mode 700), it lives in /var/tmp instead, one per clone.
resolve_pgdata() {
  local root="$1"
  if [ -n "${LAPOR_PGDATA:-}" ]; then
    echo "$LAPOR_PGDATA"
  elif [ "$(id -u)" != 0 ] || runuser -u postgres -- test -x "$root" 2>/dev/null; then
    echo "$root/var/pgdata"
  else
    echo "/var/tmp/lapor-batu-$(echo -n "$root" | sha256sum | cut -c1-12)/pgdata"
  fi
}
