"""Intake: report submissions per second and latency with 32 clients posting at once for 60 s, on
loopback, to the app under gunicorn (the production application server); afterwards every report
the server acknowledged (201 with a tracking code) must be in the database.

    .venv/bin/python bench/intake.py [--clients 32] [--seconds 60] [--workers 5]

The clients are asyncio tasks of one process sharing the machine's two cores with the server and
PostgreSQL, so the figures are a floor. Each report is a real one: a point inside the city, a
public category, its required questions answered, routed by the server.
"""

import argparse
import asyncio
import random
import time

from _setup import app_server, django_setup, summary, table, write


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
            response = await http.post("/api/reports/", json=body)
        except Exception as exc:  # a dropped request is counted, not fatal
            failures[type(exc).__name__] = failures.get(type(exc).__name__, 0) + 1
            continue
        latencies.append(time.perf_counter() - start)
        if response.status_code == 201:
            codes.append(response.json()["properties"]["tracking_code"])
        else:
            failures[str(response.status_code)] = failures.get(str(response.status_code), 0) + 1


async def run(url, clients, seconds, bodies):
    import httpx

    latencies, codes, failures = [], [], {}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as http:
        start = time.monotonic()
        deadline = start + seconds
        await asyncio.gather(*(client(http, deadline, bodies, latencies, codes, failures) for _ in range(clients)))
        elapsed = time.monotonic() - start
    return latencies, codes, failures, elapsed


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
        bodies = itertools.cycle(
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
        )
        latencies, codes, failures, elapsed = asyncio.run(run(app.url, args.clients, args.seconds, bodies))
    stored = Report.objects.filter(tracking_code__in=codes).count()
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
        }
    ]
    print(f"Intake: {args.clients} clients for {args.seconds:.0f} s, gunicorn with {args.workers} workers\n")
    print(table(rows, list(rows[0])))
    print(f"\nfailures: {failures or 'none'}; every acknowledged report stored: {stored == len(codes)}")
    write("intake", rows, {"workers": args.workers, "failures": failures, "all_stored": stored == len(codes)})
    if stored != len(codes):
        raise SystemExit(f"{len(codes) - stored} acknowledged reports are missing from the database")


if __name__ == "__main__":
    main()
