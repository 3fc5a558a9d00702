#!/usr/bin/env bash
# Prove a backup restores: load it into a fresh PostgreSQL cluster and compare with its manifest.
# Usage: scripts/reliability/restore_check.sh MANIFEST [--keep]
#
# MANIFEST is the .manifest.json that scripts/reliability/backup.sh printed (the dump and the media
# tar lie beside it). A brand-new cluster is created in a temporary folder on a free loopback port
# by scripts/pg.sh (the same PostgreSQL binaries; as root it runs as the postgres user), the dump is
# restored with pg_restore, the media tar is unpacked into a temporary folder, and the row count of
# every table and the number of media files are compared with the manifest. Everything temporary is
# removed afterwards unless --keep. Exit status 0 only when everything matches.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=scripts/lib.sh
. "$ROOT/scripts/lib.sh"

MANIFEST="${1:?usage: restore_check.sh MANIFEST [--keep]}"
KEEP="${2:-}"
[ -f "$MANIFEST" ] || die "no manifest $MANIFEST"
DIR="$(cd "$(dirname "$MANIFEST")" && pwd)"
PY="$ROOT/.venv/bin/python"
field() { "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$MANIFEST" "$1"; }
DUMP="$DIR/$(field dump)"
MEDIA_TAR="$DIR/$(field media)"
PRIVATE_TAR="$DIR/$(field private)"
PG_CTL="$(find_pg_bin)" || die "PostgreSQL is not installed; run scripts/setup.sh"
PG_BIN="$(dirname "$PG_CTL")"

WORK="$(mktemp -d /var/tmp/lapor-restore-XXXXXX)"
chmod 755 "$WORK"  # the postgres user must reach the cluster's folder inside
PORT="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export LAPOR_PGDATA="$WORK/pgdata" LAPOR_PGPORT="$PORT" LAPOR_PGDATABASE="laporbatu_restored" LAPOR_PGHOST=127.0.0.1
cleanup() {
  if [ "$KEEP" != "--keep" ]; then
    "$ROOT/scripts/pg.sh" stop >/dev/null 2>&1 || true
    rm -rf "$WORK"
  else
    say "kept: cluster $LAPOR_PGDATA on port $PORT, media in $WORK/media"
  fi
}
trap cleanup EXIT

say "restoring $(basename "$DUMP") into a fresh cluster on 127.0.0.1:$PORT"
"$ROOT/scripts/pg.sh" start
URL="postgresql://$LAPOR_PGUSER@127.0.0.1:$PORT/$LAPOR_PGDATABASE"
"$PG_BIN/pg_restore" --no-owner --exit-on-error --dbname "$URL" "$DUMP"

mkdir -p "$WORK/media" "$WORK/private"
tar -C "$WORK/media" -xzf "$MEDIA_TAR"
tar -C "$WORK/private" -xzf "$PRIVATE_TAR"

"$PY" - "$MANIFEST" "$URL" "$WORK/media" "$WORK/private" <<'PY'
import json, os, sys
import psycopg
from psycopg import sql

manifest_path, url, media, private = sys.argv[1:5]
manifest = json.load(open(manifest_path))
rows, ok = [], True
with psycopg.connect(url) as connection:
    restored_tables = {r[0] for r in connection.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    for table, expected in sorted(manifest["tables"].items()):
        if table in restored_tables:
            found = connection.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()[0]
        else:
            found = None
        ok &= found == expected
        rows.append((table, expected, found))
    postgis = connection.execute("SELECT postgis_lib_version()").fetchone()[0]
files = sum(len(names) for _dir, _dirs, names in os.walk(media))
ok &= files == manifest["media_files"]
rows.append(("media files", manifest["media_files"], files))
documents = sum(len(names) for _dir, _dirs, names in os.walk(private))
ok &= documents == manifest["private_files"]
rows.append(("private documents", manifest["private_files"], documents))
width = max(len(r[0]) for r in rows)
for name, expected, found in rows:
    print(f"{name:<{width}}  {expected:>9}  {found if found is not None else 'MISSING':>9}  {'ok' if expected == found else 'DIFFERS'}")
print(json.dumps({"match": ok, "tables": len(manifest["tables"]), "rows": sum(manifest["tables"].values()),
                  "media_files": files, "private_files": documents, "postgis": postgis}))
sys.exit(0 if ok else 1)
PY
