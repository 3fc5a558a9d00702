"""The public map's vector tiles at scale: the counts the database keeps per map cell stay equal to
the reports through inserts, changes and deletes; crowded tiles are cells whose counts add up, from
the kept counts and from the reports alike; sparse tiles are one point per report; the HTTP side
(filters, ETag, Cache-Control, bad tiles); and the indexes the scale queries rely on (EXPLAIN)."""

import math
import secrets

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import connection

from districts.models import Area
from geo_reports.models import Category, Report
from geo_reports.selectors import report_public
from geo_reports.services.bulk import reports_generate
from geo_reports.workflow import MAP_GROUPS
from maps import tiles
from maps.models import CELL_ZOOM_OFFSET, MAP_CELL_ZOOMS, MapCell
from tests.mvt import decode
from tests.places import far_from_layer

pytestmark = pytest.mark.django_db
HALF = tiles.WEB_MERCATOR_HALF

# What MapCell must hold: the reports counted per cell of every kept zoom, straight from the table.
EXPECTED_CELLS = f"""
SELECT z, floor((ST_X(g) + {HALF}) / ({2 * HALF} / 2 ^ (z + {CELL_ZOOM_OFFSET})))::int AS cx,
       floor(({HALF} - ST_Y(g)) / ({2 * HALF} / 2 ^ (z + {CELL_ZOOM_OFFSET})))::int AS cy,
       category_id, status, count(*)
FROM (SELECT ST_Transform(location, 3857) AS g, category_id, status FROM geo_reports_report WHERE NOT (is_hidden OR is_private)) r,
     generate_series({MAP_CELL_ZOOMS.start}, {MAP_CELL_ZOOMS[-1]}) z
GROUP BY 1, 2, 3, 4, 5
"""
KEPT_CELLS = "SELECT z, cx, cy, category_id, status, sum(n) FROM maps_mapcell GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0"


def _rows(sql: str) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {tuple(row[:5]): row[5] for row in cursor.fetchall()}


def _assert_kept_counts_match_reports():
    expected, kept = _rows(EXPECTED_CELLS), _rows(KEPT_CELLS)
    assert kept == expected, f"{len(set(kept.items()) ^ set(expected.items()))} cells differ"


def _tile_at(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    n = 2**z
    return z, int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)


def _tile_lonlat(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    def lat(row):
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / 2**z))))

    return x / 2**z * 360 - 180, lat(y + 1), (x + 1) / 2**z * 360 - 180, lat(y)


def _town_centre() -> Point:
    return Area.objects.get(kind="kecamatan", name="Batu").geom.point_on_surface


def _bare_reports(count: int, around: Point, category: Category, status: str = "submitted") -> list[Report]:
    """Reports written straight to the table (no timeline), so that they may also be deleted."""
    reports = []
    for index in range(count):
        angle, distance = index * 2.399, 0.00012 * math.sqrt(index)  # a sunflower of points, about 13 m apart
        point = Point(
            around.x + distance * math.cos(angle), around.y + distance * math.sin(angle), srid=settings.LAPOR_SRID
        )
        reports.append(
            Report(
                tracking_code=f"T{secrets.token_hex(4).upper()}"[:12],
                category=category,
                geometry=point,
                location=point,
                status=status,
                reporter_token_hash=secrets.token_hex(32),
            )
        )
    return Report.objects.bulk_create(reports)


def _public_reports():
    return report_public()


ALL_STATUSES = tiles.CellScope(statuses=sorted(status for group in MAP_GROUPS.values() for status in group))


def test_kept_counts_follow_inserts_changes_and_deletes_and_survive_merging():
    reports_generate(count=400)
    _assert_kept_counts_match_reports()
    light, road = Category.objects.get(code="pju-mati"), Category.objects.get(code="jalan-rusak")
    bare = _bare_reports(30, _town_centre(), light)
    _assert_kept_counts_match_reports()

    # Changes of status, category and place, one by one and many at once.
    Report.objects.filter(pk__in=[r.pk for r in bare[:10]]).update(status="in_progress")
    Report.objects.filter(pk__in=[r.pk for r in bare[10:15]]).update(category=road)
    moved = bare[15]
    moved.location = moved.geometry = Point(moved.location.x + 0.03, moved.location.y, srid=settings.LAPOR_SRID)
    moved.save()
    Report.objects.filter(pk=bare[16].pk).update(support_count=3)  # not a map change: nothing added
    _assert_kept_counts_match_reports()

    # Reports staff hide from the public leave the counts, and come back when shown again.
    Report.objects.filter(pk__in=[r.pk for r in bare[:12]]).update(is_hidden=True)
    _assert_kept_counts_match_reports()
    Report.objects.filter(pk__in=[r.pk for r in bare[:3]]).update(is_hidden=False, status="verified")
    _assert_kept_counts_match_reports()

    Report.objects.filter(pk__in=[r.pk for r in bare[20:]]).delete()
    _assert_kept_counts_match_reports()
    unmerged = MapCell.objects.filter(merged=False).count()
    assert unmerged > 0

    assert tiles.map_cells_merge() == unmerged
    assert not MapCell.objects.filter(merged=False).exists()
    assert not MapCell.objects.filter(n=0).exists()
    _assert_kept_counts_match_reports()
    # One row per key after merging.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT 1 FROM maps_mapcell "
            "GROUP BY z, cx, cy, category_id, status HAVING count(*) > 1) d"
        )
        assert cursor.fetchone()[0] == 0


@pytest.mark.parametrize("zoom", [8, 11, 13, 15])
def test_a_crowded_tile_is_cells_and_the_kept_counts_give_the_same_cells_as_the_reports(zoom):
    centre = _town_centre()
    _bare_reports(tiles.POINTS_UP_TO + 60, centre, Category.objects.get(code="sampah"))
    reports_generate(count=300)
    z, x, y = _tile_at(centre.x, centre.y, zoom)

    kept = decode(tiles.report_tile(reports=_public_reports(), z=z, x=x, y=y, scope=ALL_STATUSES), z, x, y)
    counted = decode(tiles.report_tile(reports=_public_reports(), z=z, x=x, y=y, scope=None), z, x, y)

    assert kept and all("count" in feature and "code" not in feature for feature in kept)
    assert sorted((f["count"], round(f["lon"], 5), round(f["lat"], 5)) for f in kept) == sorted(
        (f["count"], round(f["lon"], 5), round(f["lat"], 5)) for f in counted
    )
    # Each cell's counts per status group add up to its count, and its colour is its largest group.
    for feature in kept:
        groups = {g: feature.get(g) or 0 for g in ("open", "in_progress", "resolved", "dismissed")}
        assert sum(groups.values()) == feature["count"]
        assert groups[feature["group"]] == max(groups.values())
    # Every report inside the tile is in one of its cells (cells just beyond its edges are there too).
    inside = _public_reports().filter(location__within=_box(*_tile_lonlat(z, x, y))).count()
    assert inside <= sum(f["count"] for f in kept) <= _public_reports().count()


def _box(west, south, east, north):
    from django.contrib.gis.geos import Polygon

    return Polygon.from_bbox((west, south, east, north))


def test_a_sparse_tile_is_one_point_per_report_with_its_code_category_and_group():
    place = far_from_layer("roads", "Tulungrejo", 5)
    made = _bare_reports(5, place, Category.objects.get(code="pohon-tumbang"), status="resolved")
    z, x, y = _tile_at(place.x, place.y, 15)
    features = decode(tiles.report_tile(reports=_public_reports(), z=z, x=x, y=y, scope=ALL_STATUSES), z, x, y)
    mine = {f["code"]: f for f in features if f["code"] in {r.tracking_code for r in made}}
    assert set(mine) == {r.tracking_code for r in made}
    for report in made:
        feature = mine[report.tracking_code]
        assert feature["category"] == "pohon-tumbang" and feature["group"] == "resolved"
        assert feature["mvt_id"] == report.pk
        assert abs(feature["lon"] - report.location.x) < 1e-5 and abs(feature["lat"] - report.location.y) < 1e-5


def test_status_and_category_filters_apply_to_the_kept_counts():
    centre = _town_centre()
    waste = Category.objects.get(code="sampah")
    _bare_reports(350, centre, waste, status="verified")
    _bare_reports(40, centre, Category.objects.get(code="drainase-banjir"), status="closed")
    z, x, y = _tile_at(centre.x, centre.y, 14)
    only_open_waste = tiles.CellScope(statuses=sorted(MAP_GROUPS["open"]), categories=["sampah"])
    features = decode(tiles.report_tile(reports=_public_reports(), z=z, x=x, y=y, scope=only_open_waste), z, x, y)
    assert sum(f["count"] for f in features) == 350
    assert {f["group"] for f in features} == {"open"}
    assert (
        tiles.report_count(reports=_public_reports(), scope=only_open_waste)
        == Report.objects.filter(category=waste, status__in=MAP_GROUPS["open"]).count()
    )


def test_private_categories_are_never_counted_on_the_map():
    centre = _town_centre()
    z, x, y = _tile_at(centre.x, centre.y, 13)

    def shown():
        tile = tiles.report_tile(reports=_public_reports(), z=z, x=x, y=y, scope=ALL_STATUSES)
        return sorted(sorted(f.items()) for f in decode(tile, z, x, y)), tiles.report_count(
            reports=_public_reports(), scope=ALL_STATUSES
        )

    before = shown()
    hidden = Category.objects.get(code="sampah")
    Category.objects.filter(pk=hidden.pk).update(is_public=False)
    after_hiding = shown()
    _bare_reports(400, centre, hidden)
    assert shown() == after_hiding
    assert after_hiding[1] <= before[1]


def _explain(sql: str, params=()) -> str:
    with connection.cursor() as cursor:
        # The test database is small, where a sequential scan always wins; forbid it to see
        # whether an index serves the query at all.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _sql(queryset) -> tuple[str, tuple]:
    return queryset.query.sql_with_params()


def test_the_scale_queries_use_their_indexes():
    from django.test.utils import CaptureQueriesContext

    from geo_reports import selectors

    point = _town_centre()
    # The crews' nearby tickets walk the partial index of open reports.
    with CaptureQueriesContext(connection) as queries:
        selectors.report_nearby_for_staff(agencies=None, point=point, radius_m=2000)
    (nearest,) = [q["sql"] for q in queries if 'FROM "geo_reports_report"' in q["sql"]]  # (then their thumbnails)
    assert "report_open_location_gist" in _explain(nearest)
    # A zoomed-out tile reads the kept counts by cell.
    z, x, y = _tile_at(point.x, point.y, 12)
    cells, params = tiles._kept_cells(ALL_STATUSES, z, x, y)
    assert "mapcell_cell_idx" in _explain(cells, params)
    # The list's bbox, status and category filters, and an agency's inbox.
    reports = Report.objects.order_by()
    plans = {
        "bbox": _explain(*_sql(reports.filter(location__bboverlaps=_box(112.5, -7.9, 112.55, -7.85)))),
        "status": _explain(*_sql(reports.filter(status="submitted").order_by("-created_at")[:50])),
        "category": _explain(*_sql(reports.filter(category_id=1).order_by("-created_at")[:50])),
        "agency": _explain(*_sql(reports.filter(agency_id=1, status="submitted"))),
    }
    # Either spatial index: the location's, or the location's and time's (the list's pages in a bbox).
    assert "geo_reports_report_location" in plans["bbox"] or "report_location_created_gist" in plans["bbox"]
    # The newest of a status: by the index of status and time, or, where the status is most rows
    # (the planner's call, from the table's statistics), by walking the time index backwards.
    assert "report_status_created_idx" in plans["status"] or "Index Scan Backward" in plans["status"]
    assert "report_category_created_idx" in plans["category"]
    assert "report_agency_status_idx" in plans["agency"]


# Through the server -------------------------------------------------------------------------------


def _post(api, point, category="pju-mati", answers=None):
    body = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [point.x, point.y]},
        "properties": {"category": category, "answers": answers or {"problem": "out"}, "description": "Uji peta."},
    }
    response = api.post("/api/reports/", json=body)
    assert response.status_code == 201, response.text
    return response.json()["properties"]["tracking_code"]


def test_tiles_over_http_carry_the_reports_and_are_cacheable(api):
    place = far_from_layer("roads", "Pesanggrahan", 5)
    code = _post(api, place)
    z, x, y = _tile_at(place.x, place.y, 17)
    response = api.get(f"/api/tiles/reports/{z}/{x}/{y}.pbf")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/vnd.mapbox-vector-tile"
    assert "max-age=60" in response.headers["Cache-Control"]
    assert code in {f.get("code") for f in decode(response.content, z, x, y)}

    again = api.get(f"/api/tiles/reports/{z}/{x}/{y}.pbf", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""

    # Filters: a status group the report is not in leaves it out; its own keeps it.
    resolved = api.get(f"/api/tiles/reports/{z}/{x}/{y}.pbf", params={"status": "resolved"})
    assert code not in {f.get("code") for f in decode(resolved.content, z, x, y)}
    opened = api.get(f"/api/tiles/reports/{z}/{x}/{y}.pbf", params={"status": "open", "category": "pju-mati"})
    assert code in {f.get("code") for f in decode(opened.content, z, x, y)}


def test_bad_tile_requests_are_refused_clearly(api):
    assert api.get("/api/tiles/reports/21/0/0.pbf").status_code == 404
    assert api.get("/api/tiles/reports/3/8/0.pbf").status_code == 404
    bad = api.get("/api/tiles/reports/12/3276/2138.pbf", params={"status": "hilang"})
    assert bad.status_code == 400
    assert "hilang" in bad.text
    assert api.get("/healthz").status_code == 200


def test_the_count_is_the_same_from_kept_counts_and_from_the_reports(api):
    _post(api, far_from_layer("roads", "Sumberejo", 5))
    kept = api.get("/api/reports/count/", params={"status": "open,in_progress,resolved"}).json()["count"]
    counted = api.get(
        "/api/reports/count/", params={"status": "open,in_progress,resolved", "since": "2000-01-01T00:00:00Z"}
    ).json()["count"]
    assert kept == counted > 0
