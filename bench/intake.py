"""Intake: report submissions per second and latency with 32 clients posting at once for 60 s, on
loopback, to the app under gunicorn (the production application server); afterwards every report
the server acknowledged (201 with a tracking code) must be in the database. Then the reference: the
same work as bare SQL statements in a loop, one loop per gunicorn worker, each on its own
connection (the app's routing statement, then INSERTs of the report, its first timeline entry and a
notification row, and COMMIT), so the ratio to that floor is printed.

    .venv/bin/python bench/intake.py [--clients 32] [--seconds 60] [--workers 5]

The clients are asyncio tasks of one process sharing the machine's two cores with the server and
PostgreSQL, so the figures are a floor. Each report is a real one: a point inside the city, a
public category, its required questions answered, routed by the server. The server's SQL per report
is counted once, in-process, and recorded with the figures. Target: at least 200 reports a second,
p99 under 300 ms, every acknowledged report stored, one report in at most 8 queries.
"""

import argparse
import asyncio
import hashlib
import random
import threading
import time

from _setup import app_server, django_setup, summary, table, write

TARGETS = {"per_second": 200, "p99_ms": 300, "queries": 8}


def answers_for(category: dict) -> dict:
    answers = {}
    for question in category["questions"]:
        if not question["required"]:
            continue
        first = question["values"][0]["key"] if question["values"] else None
        answers[question["code"]] = {
            "singlevaluelist": first,
            "multivaluelist": [first],
            "number": 1,
        }.get(question["datatype"], "ya")
    return answers


def city_points(count: int, seed: int) -> list[tuple[float, float]]:
    import shapely
    from django.conf import settings

    from districts.models import Area
    from districts.services.geometry import to_shapely

    city = to_shapely(Area.objects.get(code=settings.LAPOR_CITY_CODE).geom)
    shapely.prepare(city)
    rng = random.Random(seed)
    min_x, min_y, max_x, max_y = city.bounds
    points = []
    while len(points) < count:
        x, y = rng.uniform(min_x, max_x), rng.uniform(min_y, max_y)
        if shapely.contains_xy(city, x, y):
            points.append((x, y))
    return points


async def client(http, deadline, bodies, latencies, codes, failures):
    while time.monotonic() < deadline:
        body = next(bodies)
        start = time.perf_counter()
        try:
            async with http.post("/api/reports/", json=body) as response:
                status = response.status
                answer = await response.json() if status == 201 else await response.read()
        except Exception as exc:  # a dropped request is counted, not fatal
            failures[type(exc).__name__] = failures.get(type(exc).__name__, 0) + 1
            continue
        latencies.append(time.perf_counter() - start)
        if status == 201:
            codes.append(answer["properties"]["tracking_code"])
        else:
            failures[str(status)] = failures.get(str(status), 0) + 1


async def run(url, clients, seconds, bodies):
    """The clients: aiohttp, which costs this process about 0.6 ms of CPU a request where httpx's
    async client costs about 2.3 ms (measured here against /healthz); the load generator shares the
    two cores with the server, so its own cost is recorded with the figures."""
    import aiohttp

    latencies, codes, failures = [], [], {}
    timeout = aiohttp.ClientTimeout(total=60)
    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(base_url=url, timeout=timeout, connector=connector) as http:
        start = time.monotonic()
        deadline = start + seconds
        await asyncio.gather(*(client(http, deadline, bodies, latencies, codes, failures) for _ in range(clients)))
        elapsed = time.monotonic() - start
    return latencies, codes, failures, elapsed


REFERENCE_REPORT = """
INSERT INTO geo_reports_report (
    tracking_code, geometry, location, description, answers, status, channel, routing, routing_explanation,
    routing_explanation_en, support_count, reporter_token_hash, version, created_at, updated_at, agency_id,
    category_id, desa_id, kecamatan_id, answers_original, description_original, hidden_reason, is_hidden,
    needs_review, is_private, acknowledge_due, resolve_due
) VALUES (
    %(code)s, ST_GeomFromEWKB(%(point)s), ST_GeomFromEWKB(%(point)s), %(description)s, %(answers)s, 'submitted', 'demo',
    '{}', '', '', 0, %(token)s, 1, now(), now(), %(agency)s, %(category)s, %(desa)s, %(kecamatan)s, %(answers)s,
    '', '', false, false, false, now() + interval '1 day', now() + interval '7 days'
) RETURNING id
"""
REFERENCE_ENTRY = """
INSERT INTO geo_reports_reportupdate (report_id, created_at, kind, actor_role, agency_id, old_status, new_status,
                                      message, is_internal, data)
VALUES (%(report)s, now(), 'created', 'citizen', %(agency)s, '', 'submitted', '', false, '{}')
"""
REFERENCE_NOTIFICATION = """
INSERT INTO notifications_notification (channel, event, payload, state, attempts, last_error, created_at,
                                        next_attempt_at, agency_id, report_id)
VALUES ('agency_email', 'received', '{}', 'pending', 0, '', now(), now(), %(agency)s, %(report)s)
"""


def reference(bodies: list[dict], workers: int, seconds: float) -> dict:
    """The floor: the same writes as bare SQL, `workers` loops on their own connections."""
    import json

    import psycopg
    from django.conf import settings
    from django.contrib.gis.geos import Point

    from districts.spatial import degrees_for_metres
    from geo_reports.models import Category
    from geo_reports.routing_sql import STATEMENT

    db = settings.DATABASES["default"]
    categories = {c.code: c for c in Category.objects.select_related("asset_layer")}
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    made: list[int] = []
    counts = [0] * workers
    deadline = time.monotonic() + seconds

    errors: list[BaseException] = []

    def loop(worker: int):
        try:
            work(worker)
        except BaseException as exc:  # told after the loops end
            errors.append(exc)

    def work(worker: int):
        rng = random.Random()  # codes unlike any earlier run's
        with psycopg.connect(
            host=db["HOST"], port=db["PORT"], dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"] or None
        ) as conn:
            index = worker
            while time.monotonic() < deadline:
                body = bodies[index % len(bodies)]
                index += workers
                category = categories[body["properties"]["category"]]
                x, y = body["geometry"]["coordinates"]
                point = bytes(Point(x, y, srid=settings.LAPOR_SRID).ewkb)
                layer = category.asset_layer
                params = {
                    "geometry": point, "point": point,
                    "degrees": degrees_for_metres(settings.LAPOR_BOUNDARY_TOLERANCE_M, y) * 1.5,
                    "layer": layer.pk if layer else 0, "snap": float(category.snap_distance_m or 0),
                    "measure": "nearest" if layer else "none", "limit": 8 if layer else 0,
                    "category": category.pk, "default_agency": category.default_agency_id or 0,
                }  # fmt: skip
                areas, candidates, _rules, _agencies, _size = conn.execute(STATEMENT, params).fetchone()
                inside = [a for a in areas if a["distance_m"] == 0]
                desa = next((a["id"] for a in inside if a["kind"] in ("desa", "kelurahan")), None)
                kecamatan = next((a["id"] for a in inside if a["kind"] == "kecamatan"), None)
                agency = candidates[0]["owner_id"] if candidates else category.default_agency_id
                code = "".join(rng.choice(alphabet) for _ in range(8))
                values = {
                    "code": f"{code[:4]}-{code[4:]}", "point": point, "description": body["properties"]["description"],
                    "answers": json.dumps(body["properties"]["answers"]), "agency": agency, "category": category.pk,
                    "desa": desa, "kecamatan": kecamatan, "token": hashlib.sha256(code.encode()).hexdigest(),
                }  # fmt: skip
                (report,) = conn.execute(REFERENCE_REPORT, values).fetchone()
                conn.execute(REFERENCE_ENTRY, {"report": report, "agency": agency})
                conn.execute(REFERENCE_NOTIFICATION, {"report": report, "agency": agency})
                conn.commit()
                made.append(report)
                counts[worker] += 1

    threads = [threading.Thread(target=loop, args=(worker,)) for worker in range(workers)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - start
    if errors:
        raise errors[0]
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"], dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"] or None
    ) as conn:  # the timeline is append-only: the reports stay (as demo data); their notifications go
        conn.execute("DELETE FROM notifications_notification WHERE report_id = ANY(%s)", [made])
    return {"reports": sum(counts), "seconds": round(elapsed, 1), "per_second": sum(counts) / elapsed}


def queries_per_report(body: dict) -> list[str]:
    """The statements the server sends for one report (the first word of each), counted in-process
    through Django's test client (the same view, middleware and services as under gunicorn)."""
    import json

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    address = f"10.8.{random.randrange(256)}.{random.randrange(1, 255)}"  # its own hourly bound
    client.post("/api/reports/", json.dumps(body), content_type="application/json", REMOTE_ADDR=address)  # warm
    with CaptureQueriesContext(connection) as captured:
        response = client.post("/api/reports/", json.dumps(body), content_type="application/json", REMOTE_ADDR=address)
    if response.status_code != 201:
        raise SystemExit(f"the counted report was refused: {response.status_code} {response.content[:300]!r}")
    return [query["sql"].split(None, 1)[0] for query in captured.captured_queries]


# Where a report's time goes in the server, by the functions cProfile charges it to (cumulative):
# (label, file suffix, function name).
PROFILE_PARTS = [
    ("checking the input", "geo_reports/services/intake.py", "submission_validate"),
    ("routing", "geo_reports/routing.py", "route"),
    ("the INSERT", "common/sql_insert.py", "insert_together"),
    ("the commit", "django/db/transaction.py", "__exit__"),
    ("the duplicates search", "geo_reports/selectors.py", "report_duplicate_candidates"),
    ("the answer (serializers)", "rest_framework/serializers.py", "data"),
    ("waiting for PostgreSQL", "psycopg/connection.py", "wait"),
]


def profile(bodies: list[dict], count: int = 200) -> dict:
    """A report's cost in the server's own process: the CPU a report takes (Django's test client, the
    same view, middleware and services as under gunicorn; no profiler), then, under cProfile, the
    share of the time spent in each of PROFILE_PARTS (the waiting for PostgreSQL is also inside the
    others)."""
    import cProfile
    import json
    import pstats

    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")

    def post(index: int):
        body = bodies[index % len(bodies)]
        address = f"10.9.{index // 250 % 256}.{index % 250 + 1}"
        response = client.post("/api/reports/", json.dumps(body), content_type="application/json", REMOTE_ADDR=address)
        if response.status_code != 201:
            raise SystemExit(f"a profiled report was refused: {response.status_code} {response.content[:300]!r}")

    for index in range(20):  # warm: the catalog, the serializers' fields
        post(index)
    cpu, wall = time.process_time(), time.perf_counter()
    for index in range(count):
        post(100 + index)
    cpu, wall = (time.process_time() - cpu) / count * 1000, (time.perf_counter() - wall) / count * 1000
    profiler = cProfile.Profile()
    profiler.enable()
    for index in range(count):
        post(100 + count + index)
    profiler.disable()
    stats = pstats.Stats(profiler).stats
    total = sum(tt for (_file, _line, _name), (_cc, _nc, tt, _ct, _callers) in stats.items())
    shares = {}
    for label, suffix, function in PROFILE_PARTS:
        found = [
            ct
            for (file, _line, name), (*_counts, ct, _c) in stats.items()
            if (name, True) == (function, file.endswith(suffix))
        ]
        spent = max(found, default=0.0)
        shares[label] = round(spent / total, 3)
    calls = sum(nc for (_cc, nc, _tt, _ct, _c) in stats.values()) / count
    return {"python_cpu_ms": cpu, "in_process_ms": wall, "python_calls": round(calls), "shares": shares}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    django_setup()

    import itertools

    import httpx

    from geo_reports.models import Report

    points = city_points(20_000, args.seed)
    with app_server(workers=args.workers) as app:
        categories = [
            c
            for c in httpx.get(f"{app.url}/api/categories/").json()
            if "Point" in c["geometry_kinds"] and not c["documents_required"]  # permits need a PDF
        ]
        rng = random.Random(args.seed)
        bodies = [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [x, y]},
                "properties": {
                    "category": (category := rng.choice(categories))["code"],
                    "answers": answers_for(category),
                    "description": f"Laporan uji beban {index}.",
                },
            }
            for index, (x, y) in enumerate(points)
        ]
        client_cpu = time.process_time()
        latencies, codes, failures, elapsed = asyncio.run(
            run(app.url, args.clients, args.seconds, itertools.cycle(bodies))
        )
        client_cpu = time.process_time() - client_cpu
    stored = Report.objects.filter(tracking_code__in=codes).count()
    print(f"reference: bare SQL in {args.workers} loops for {args.seconds:.0f} s")
    floor = reference(bodies, args.workers, args.seconds)
    statements = queries_per_report(bodies[0])
    costs = profile(bodies)
    stats = summary(latencies)
    ordered = sorted(latencies)
    p99 = ordered[int(0.99 * (len(ordered) - 1))] * 1000
    rows = [
        {
            "clients": args.clients,
            "seconds": round(elapsed, 1),
            "acknowledged": len(codes),
            "per_second": len(codes) / elapsed,
            "median_ms": stats["median_ms"],
            "p99_ms": p99,
            "failed": sum(failures.values()),
            "stored": stored,
            "client_cpu_ms": client_cpu / max(1, len(latencies)) * 1000,
            "reference_per_second": floor["per_second"],
            "queries": len(statements),
        }
    ]
    ratio = floor["per_second"] / rows[0]["per_second"]
    print(f"Intake: {args.clients} clients for {args.seconds:.0f} s, gunicorn with {args.workers} workers\n")
    print(table(rows, list(rows[0])))
    print(f"\nfailures: {failures or 'none'}; every acknowledged report stored: {stored == len(codes)}")
    print(f"reference (bare SQL): {floor['per_second']:.0f} reports/s, {ratio:.2f}x the app's rate")
    print(f"statements per report: {len(statements)} ({', '.join(statements)})")
    print(
        f"in the server's process: {costs['python_cpu_ms']:.1f} ms of CPU a report ({costs['python_calls']:,} "
        f"Python calls); the client {rows[0]['client_cpu_ms']:.1f} ms"
    )
    print("time shares (cProfile): " + ", ".join(f"{k} {v:.0%}" for k, v in costs["shares"].items()))
    extra = {
        "workers": args.workers,
        "failures": failures,
        "all_stored": stored == len(codes),
        "reference": floor,
        "ratio_to_reference": ratio,
        "statements": statements,
        "profile": costs,
    }
    write("intake", rows, extra, TARGETS)
    if stored != len(codes):
        raise SystemExit(f"{len(codes) - stored} acknowledged reports are missing from the database")


if __name__ == "__main__":
    main()
