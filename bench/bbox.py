"""A bbox page: the first 100 public reports in a box through the app's report list (GeoJSON with
count and next link) against tipg's OGC API Features items (also with numberMatched) for the same
box and page size.

    .venv/bin/python bench/bbox.py [--requests 200] [--size 0.01]

Boxes of `size` degrees (0.01 is about 1.1 km) centred on random reports. Target (#20): the app's
median at most tipg's. What the two pages promise differs: tipg's is any `page` matches in index order
with an exact numberMatched; the app's is the newest `page` (a cursor in `next` continues after them)
with `count` exact up to 1,000 and PostgreSQL's estimate beyond (`count_exact: false`). The estimates
are compared with tipg's exact numbers for the same boxes (`estimate_error`: median and largest
relative error, and how many boxes were estimated).
"""

import argparse
import statistics

from _setup import VIEW, alternate, app_server, django_setup, summary, table, tipg_server, write

TARGETS = {"ratio": 1.0}


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
    by_box = {"app": {}, "tipg": {}}  # box -> (count, exact)

    def page(side, url, params, count_key):
        def call():
            box = boxes[turn[side] % len(boxes)]
            turn[side] += 1
            response = http.get(url, params={**params, "bbox": box})
            response.raise_for_status()
            body = response.json()
            assert len(body["features"]) == min(args.page, body[count_key])
            matched[side] += body[count_key]
            by_box[side][box] = (body[count_key], body.get("count_exact", True))

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
    errors = [
        abs(count - by_box["tipg"][box][0]) / by_box["tipg"][box][0]
        for box, (count, exact) in by_box["app"].items()
        if not exact and by_box["tipg"].get(box, (0,))[0]
    ]
    estimate_error = {
        "estimated_boxes": len(errors),
        "boxes": len(by_box["app"]),
        "median": statistics.median(errors) if errors else None,
        "max": max(errors) if errors else None,
    }
    exact_wrong = sum(
        1
        for box, (count, exact) in by_box["app"].items()
        if exact and box in by_box["tipg"] and count != by_box["tipg"][box][0]
    )
    # Every call counts what it matched, the untimed warm-up included.
    matched_per_box = {side: total / (args.requests + 1) for side, total in matched.items()}
    print(f"A page of {args.page} reports in a {args.size} degree box, {args.requests} boxes\n")
    print(table(rows, ["what", "n", "median_ms", "p95_ms"]))
    print(f"\nratio (median): {ratio:.2f}x (target <= {TARGETS['ratio']}x); reports matched per box: app "
          f"{matched_per_box['app']:.0f}, tipg {matched_per_box['tipg']:.0f}")  # fmt: skip
    if errors:
        print(f"estimated counts: {len(errors)} of {len(by_box['app'])} boxes, off by {estimate_error['median']:.0%} "
              f"(median), at most {estimate_error['max']:.0%}")  # fmt: skip
    print(f"exact counts differing from tipg's: {exact_wrong}")
    write("bbox", rows, {"ratio_median": ratio, "page": args.page, "box_degrees": args.size,
                         "matched_per_box": matched_per_box, "estimate_error": estimate_error,
                         "exact_counts_differing": exact_wrong}, TARGETS)  # fmt: skip


if __name__ == "__main__":
    main()
