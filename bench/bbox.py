"""A bbox page: the first 100 public reports in a box through the app's report list (GeoJSON with
count and next link) against tipg's OGC API Features items (also with numberMatched) for the same
box and page size.

    .venv/bin/python bench/bbox.py [--requests 200] [--size 0.01]

Boxes of `size` degrees (0.01 is about 1.1 km) centred on random reports. No target is set.
"""

import argparse

from _setup import VIEW, alternate, app_server, django_setup, summary, table, tipg_server, write


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--size", type=float, default=0.01)
    parser.add_argument("--page", type=int, default=100)
    # One worker, like the SQL side's one connection (see _setup.app_server).
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers")
    args = parser.parse_args()
    django_setup()

    import httpx
    from django.db import connection

    from geo_reports.models import Report

    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.23)")
        cursor.execute(
            f"SELECT ST_X(location), ST_Y(location) FROM {Report._meta.db_table} TABLESAMPLE SYSTEM (1) LIMIT %s",
            [args.requests],
        )
        half = args.size / 2
        boxes = [f"{x - half:.6f},{y - half:.6f},{x + half:.6f},{y + half:.6f}" for x, y in cursor.fetchall()]
    turn = {"app": 0, "tipg": 0}
    matched = {"app": 0, "tipg": 0}

    def page(side, url, params, count_key):
        def call():
            box = boxes[turn[side] % len(boxes)]
            turn[side] += 1
            response = http.get(url, params={**params, "bbox": box})
            response.raise_for_status()
            body = response.json()
            assert len(body["features"]) == min(args.page, body[count_key])
            matched[side] += body[count_key]

        return call

    with app_server(workers=args.workers) as app, tipg_server() as tipg, httpx.Client(timeout=60) as http:
        samples = alternate(
            {
                "app /api/reports/": page("app", f"{app.url}/api/reports/", {"page_size": args.page}, "count"),
                "tipg items": page(
                    "tipg", f"{tipg.url}/collections/public.{VIEW}/items", {"limit": args.page}, "numberMatched"
                ),
            },
            args.requests,
        )
    rows = [{"what": name, **summary(values)} for name, values in samples.items()]
    ratio = rows[0]["median_ms"] / rows[1]["median_ms"]
    # Every call counts what it matched, the untimed warm-up included.
    matched_per_box = {side: total / (args.requests + 1) for side, total in matched.items()}
    print(f"A page of {args.page} reports in a {args.size} degree box, {args.requests} boxes\n")
    print(table(rows, ["what", "n", "median_ms", "p95_ms"]))
    print(f"\nratio (median): {ratio:.2f}x (no target set); reports matched per box: app "
          f"{matched_per_box['app']:.0f}, tipg {matched_per_box['tipg']:.0f}")  # fmt: skip
    write("bbox", rows, {"ratio_median": ratio, "page": args.page, "box_degrees": args.size,
                         "matched_per_box": matched_per_box})  # fmt: skip


if __name__ == "__main__":
    main()
