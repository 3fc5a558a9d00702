#!/usr/bin/env bash
# Back up Lapor Batu: the database (pg_dump, custom format) and the uploaded photos (a tar of the
# media folder), with a manifest of what they hold.
# Usage: scripts/reliability/backup.sh [OUT_DIR=var/backups]
#
# The database is the one the app uses: DATABASE_URL, else the project-local cluster (LAPOR_PGHOST,
# LAPOR_PGPORT, LAPOR_PGUSER, LAPOR_PGDATABASE, same defaults as config/settings.py). The media folder
# is LAPOR_MEDIA_ROOT, else var/media. The row counts in the manifest are taken in the very snapshot
# that pg_dump dumps (an exported snapshot), so scripts/reliability/restore_check.sh can compare a
# restore with them exactly, even while the site is in use.
# Writes OUT_DIR/lapor-batu-<time>.dump, -media.tar.gz and .manifest.json; prints the manifest path.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=scripts/lib.sh
. "$ROOT/scripts/lib.sh"

OUT_DIR="${1:-$ROOT/var/backups}"
PG_CTL="$(find_pg_bin)" || die "PostgreSQL is not installed; run scripts/setup.sh"
PG_BIN="$(dirname "$PG_CTL")"
DB_URL="${DATABASE_URL:-postgresql://$LAPOR_PGUSER@$LAPOR_PGHOST:$LAPOR_PGPORT/$LAPOR_PGDATABASE}"
DB_URL="${DB_URL/#postgis:/postgresql:}"
MEDIA_ROOT="${LAPOR_MEDIA_ROOT:-$ROOT/var/media}"
PRIVATE_ROOT="${LAPOR_PRIVATE_ROOT:-$ROOT/var/private}"  # requests' documents: never public, backed up all the same
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
BASE="$OUT_DIR/lapor-batu-$STAMP"

mkdir -p "$OUT_DIR" "$MEDIA_ROOT" "$PRIVATE_ROOT"
say "dumping the database to $BASE.dump"
"$ROOT/.venv/bin/python" - "$DB_URL" "$PG_BIN/pg_dump" "$BASE.dump" "$BASE.manifest.json" <<'PY'
import json, subprocess, sys
import psycopg
from psycopg import sql

url, pg_dump, dump_path, manifest_path = sys.argv[1:5]
with psycopg.connect(url, autocommit=False) as connection:
    connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    snapshot = connection.execute("SELECT pg_export_snapshot()").fetchone()[0]
    tables = [row[0] for row in connection.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'spatial_ref_sys' ORDER BY 1"
    )]
    counts = {t: connection.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(t))).fetchone()[0]
              for t in tables}
    # pg_dump sees exactly the rows counted above, while this transaction keeps the snapshot alive.
    subprocess.run([pg_dump, "--format=custom", f"--snapshot={snapshot}", "--file", dump_path, url], check=True)
json.dump({"database": url.rsplit("/", 1)[-1], "snapshot": snapshot, "tables": counts}, open(manifest_path, "w"), indent=2)
PY

say "archiving $MEDIA_ROOT to $BASE-media.tar.gz"
tar -C "$MEDIA_ROOT" -czf "$BASE-media.tar.gz" .
MEDIA_FILES="$(tar -tzf "$BASE-media.tar.gz" | grep -cv '/$' || true)"
say "archiving $PRIVATE_ROOT to $BASE-private.tar.gz (keep this file as private as the database)"
tar -C "$PRIVATE_ROOT" -czf "$BASE-private.tar.gz" .
chmod 600 "$BASE-private.tar.gz" "$BASE.dump"
PRIVATE_FILES="$(tar -tzf "$BASE-private.tar.gz" | grep -cv '/$' || true)"
"$ROOT/.venv/bin/python" - "$BASE.manifest.json" "$MEDIA_FILES" "$BASE" "$PRIVATE_FILES" <<'PY'
import json, os, sys
path, files, base, private = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
manifest = json.load(open(path))
manifest.update(media_files=files, dump=os.path.basename(base + ".dump"), media=os.path.basename(base + "-media.tar.gz"),
                private_files=private, private=os.path.basename(base + "-private.tar.gz"))
json.dump(manifest, open(path, "w"), indent=2)
PY
say "backup done: $(du -h "$BASE.dump" | cut -f1) database, $MEDIA_FILES media files, $PRIVATE_FILES private documents"
echo "$BASE.manifest.json"
