"""Export: GeoJSON of every public report through the app (streamed by gunicorn) against
`ogr2ogr -f GeoJSON` reading the same rows, with the same properties, from the same PostGIS.

    .venv/bin/python bench/export.py [--runs 3]

Runs alternate (app, ogr2ogr, app, ...). Memory is the peak resident size: of the app's one
gunicorn worker (VmHWM, which includes Django itself), and of ogr2ogr. Targets: the app no slower
than ogr2ogr, its worker's peak under 300 MB.
"""

import argparse
import re
import resource
import statistics
import subprocess
import time
from pathlib import Path

from _setup import app_server, django_setup, table, write

TARGETS = {"ratio": 1.0, "peak_mb": 300}

# The properties of the app's GeoJSON (analytics.exports.PUBLIC_PROPERTIES, in its order) as
# columns, for ogr2ogr.
COLUMNS = {
    "tracking_code": "r.tracking_code",
    "status": "r.status",
    "category": "c.code",
    "category_name": "c.name",
    "agency": "a.code",
    "agency_name": "a.name",
    "desa": "d.name",
    "desa_code": "d.code",
    "kecamatan": "k.name",
    "description": "r.description",
    "support_count": "r.support_count",
    "created_at": "r.created_at",
    "resolve_due": "r.resolve_due",
    "first_response_at": "r.first_response_at",
    "resolved_at": "r.resolved_at",
    "closed_at": "r.closed_at",
    "asset": "r.routing -> 'asset'",
    "routing": "r.routing_explanation",
}


def ogr_sql() -> str:
    """What the app exports, read by ogr2ogr from the app's own tables."""
    from analytics.exports import PUBLIC_PROPERTIES
    from districts.models import Agency, Area
    from geo_reports.models import Category, Report

    if list(COLUMNS) != list(PUBLIC_PROPERTIES):
        raise SystemExit(f"COLUMNS differ from analytics.exports.PUBLIC_PROPERTIES: {list(PUBLIC_PROPERTIES)}")
    columns = ", ".join(f"{expression} AS {name}" for name, expression in COLUMNS.items())
    area = Area._meta.db_table
    return f"""
SELECT r.id, {columns}, r.geometry
FROM {Report._meta.db_table} r
JOIN {Category._meta.db_table} c ON c.id = r.category_id
LEFT JOIN {Agency._meta.db_table} a ON a.id = r.agency_id
LEFT JOIN {area} d ON d.id = r.desa_id
LEFT JOIN {area} k ON k.id = r.kecamatan_id
WHERE c.is_public
ORDER BY r.id
"""


# A feature's type member, however the writer spaces it (PostgreSQL's json_build_object puts a space
# before the colon, ogr2ogr does not).
FEATURE = re.compile(rb'"type"\s{0,2}:\s{0,2}"Feature"')
LONGEST_FEATURE_MARK = 32  # bytes kept from one chunk to the next, more than a match can span


def consume(chunks) -> tuple[int, int]:
    """(bytes, features) of a GeoJSON stream, counted as it passes and then discarded."""
    size = features = 0
    tail = b""
    for chunk in chunks:
        size += len(chunk)
        window = tail + chunk
        features += len(FEATURE.findall(window)) - len(FEATURE.findall(tail))
        tail = window[-LONGEST_FEATURE_MARK:]
    return size, features


def download(http, url: str) -> tuple[float, int, int]:
    """(seconds, bytes, features) of one streamed download."""
    start = time.perf_counter()
    # Uncompressed, as ogr2ogr writes it (the app gzips for clients that ask, which httpx does by default).
    with http.stream("GET", url, headers={"Accept-Encoding": "identity"}) as response:
        response.raise_for_status()
        size, features = consume(response.iter_raw(1 << 16))
    return time.perf_counter() - start, size, features


def ogr2ogr(connection_string: str, sql: str) -> tuple[float, int, int, int]:
    """(seconds, bytes, features, peak RSS in bytes) of ogr2ogr writing GeoJSON to a pipe, with the
    app's coordinate precision."""
    from common.geojson_sql import COORDINATE_DECIMALS

    start = time.perf_counter()
    process = subprocess.Popen(
        ["ogr2ogr", "-f", "GeoJSON", "/vsistdout/", connection_string, "-sql", sql,
         "-lco", f"COORDINATE_PRECISION={COORDINATE_DECIMALS}", "-lco", "RFC7946=YES"],
        stdout=subprocess.PIPE,
    )  # fmt: skip
    size, features = consume(iter(lambda: process.stdout.read(1 << 16), b""))
    process.wait()
    seconds = time.perf_counter() - start
    if process.returncode:
        raise RuntimeError(f"ogr2ogr failed ({process.returncode})")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return seconds, size, features, peak


def worker_peak(app) -> int:
    """The largest peak resident size (VmHWM) among the app's worker processes, in bytes."""
    peaks = []
    for pid in app.pids()[1:]:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) * 1024)
    return max(peaks)


def median(runs) -> float:
    return statistics.median(run[0] for run in runs)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    django_setup()

    import httpx
    from django.db import connection

    db = connection.settings_dict
    pg = f"PG:host={db['HOST']} port={db['PORT']} dbname={db['NAME']} user={db['USER']}"
    sql = ogr_sql()
    app_runs, ogr_runs = [], []
    with app_server(workers=1) as app, httpx.Client(base_url=app.url, timeout=600) as http:
        http.get("/api/reports/export.geojson?bbox=112.5,-7.9,112.51,-7.89").raise_for_status()
        baseline = worker_peak(app)
        for _ in range(args.runs):
            app_runs.append(download(http, "/api/reports/export.geojson"))
            ogr_runs.append(ogr2ogr(pg, sql))
        app_peak = worker_peak(app)
    app_best = min(app_runs)
    ogr_best = min(ogr_runs)
    mb = 1024 * 1024
    rows = [
        {"what": "app /api/reports/export.geojson", "best_s": app_best[0], "median_s": median(app_runs),
         "mb": app_best[1] / mb, "features": app_best[2], "peak_rss_mb": app_peak / mb},
        {"what": "ogr2ogr -f GeoJSON", "best_s": ogr_best[0], "median_s": median(ogr_runs),
         "mb": ogr_best[1] / mb, "features": ogr_best[2], "peak_rss_mb": ogr_best[3] / mb},
    ]  # fmt: skip
    ratio = rows[0]["median_s"] / rows[1]["median_s"]
    print(f"Export of every public report as GeoJSON ({args.runs} runs each)\n")
    print(table(rows, ["what", "median_s", "best_s", "mb", "features", "peak_rss_mb"]))
    print(f"\nratio (median): {ratio:.2f}x (target <= {TARGETS['ratio']}); app worker peak {app_peak / mb:.0f} MB "
          f"(of which {baseline / mb:.0f} MB before the export; target < {TARGETS['peak_mb']} MB)")  # fmt: skip
    write("export", rows, {"ratio_median": ratio, "worker_baseline_mb": baseline / mb}, TARGETS)


if __name__ == "__main__":
    main()
