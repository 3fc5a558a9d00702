"""The tile cache (maps.tile_cache): a kept tile is the fresh tile byte for byte; every write path
removes exactly the kept tiles whose content it changes (read back from the cache table) and no
tile is ever served stale; filters are kept apart; a category made non-public empties the report
tiles; the bound holds; a tile rendered while a write is under way is not kept; the basemap's kept
tiles follow edits of what it draws."""

import math
import secrets

import pytest
from django.conf import settings
from django.contrib.gis.db.models.functions import Translate
from django.contrib.gis.geos import Point
from django.db import connection
from django.test import Client

from districts.models import Area, Asset, Place
from geo_reports.models import Category, Report
from geo_reports.services.bulk import reports_generate
from geo_reports.services.handling import report_reroute, report_transition
from geo_reports.services.intake import report_create
from geo_reports.services.moderation import report_visibility_set
from geo_reports.services.reporter import report_support
from maps import basemap, tile_cache, tiles
from maps.models import CachedTile

pytestmark = pytest.mark.django_db

# An eighth of a tile around it: what a report tile reads beyond its edges (its buffer and the ring
# of grid cells). The triggers may remove a little more (they round up): never less.
MUST_REACH, MAY_REACH = 0.125, 0.13
FINE_ZOOMS = (16, 17, 18)  # the 3x3 tiles around the centre
COARSE_ZOOMS = (10, 12, 14)  # the centre's tile only


@pytest.fixture(autouse=True)
def no_kept_tiles():
    """Tiles kept by the server in earlier tests (committed) are not this test's: removed here, in
    the test's transaction."""
    CachedTile.objects.all().delete()


@pytest.fixture
def client():
    return Client()


def tile_of(point: Point, z: int) -> tuple[int, int, int]:
    fx, fy = fraction(point, z)
    return z, int(fx), int(fy)


def fraction(point: Point, z: int) -> tuple[float, float]:
    """The point in tile units at zoom z (x east, y south)."""
    n = 2**z
    return (point.x + 180) / 360 * n, (1 - math.asinh(math.tan(math.radians(point.y))) / math.pi) / 2 * n


def reaches(point: Point, tile: tuple[int, int, int], margin: float) -> bool:
    z, x, y = tile
    fx, fy = fraction(point, z)
    return x - margin <= fx <= x + 1 + margin and y - margin <= fy <= y + 1 + margin


def report_tile_url(tile) -> str:
    return "/api/tiles/reports/{}/{}/{}.pbf".format(*tile)


def get(client, url: str, **params) -> bytes:
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:300]
    return response.content


def fresh(client, url: str, **params) -> bytes:
    """The tile as rendered now, the cache turned off for the request."""
    kept = settings.LAPOR_TILE_CACHE_MAX_TILES
    settings.LAPOR_TILE_CACHE_MAX_TILES = 0
    try:
        return get(client, url, **params)
    finally:
        settings.LAPOR_TILE_CACHE_MAX_TILES = kept


def kept(layer: str = tile_cache.REPORTS) -> set[tuple[int, int, int]]:
    return {(t.z, t.x, t.y) for t in CachedTile.objects.filter(layer=layer)}


def town() -> Point:
    return Area.objects.get(kind="kecamatan", name="Batu").geom.point_on_surface


def grid_reports(centre: Point, half: float, step: float, category: Category) -> list[Report]:
    """Reports on a grid around `centre`, written straight to the table."""
    count = int(2 * half / step) + 1
    reports = []
    for i in range(count):
        for j in range(count):
            point = Point(centre.x - half + i * step, centre.y - half + j * step, srid=settings.LAPOR_SRID)
            reports.append(
                Report(
                    tracking_code=f"C{secrets.token_hex(5).upper()}"[:12],
                    category=category,
                    geometry=point,
                    location=point,
                    status="submitted",
                    reporter_token_hash=secrets.token_hex(32),
                )
            )
    return Report.objects.bulk_create(reports)


@pytest.fixture
def scene(client):
    """Reports every ~65 m over 2.6 km around the town centre (so the tiles around it are not empty:
    empty tiles are not kept), a few more 8 km away, and the tiles to warm: the 3x3 around the
    centre at zoom 16-18, the centre's tile at zoom 10, 12 and 14, the far place's at 14-18."""
    centre = town()
    waste = Category.objects.get(code="sampah")
    grid_reports(centre, 0.012, 0.0006, waste)
    far = Point(centre.x + 0.07, centre.y + 0.03, srid=settings.LAPOR_SRID)
    grid_reports(far, 0.001, 0.0005, waste)
    warm = [tile_of(centre, z) for z in COARSE_ZOOMS]
    for z in FINE_ZOOMS:
        _z, cx, cy = tile_of(centre, z)
        warm += [(z, cx + dx, cy + dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)]
    warm += [tile_of(far, z) for z in (14, 15, 16, 17, 18)]
    return {"centre": centre, "far": far, "tiles": warm, "client": client}


def warm_up(scene) -> set:
    CachedTile.objects.filter(layer=tile_cache.REPORTS).delete()
    for tile in scene["tiles"]:
        get(scene["client"], report_tile_url(tile))
    assert kept() == set(scene["tiles"]), "every warmed tile holds reports and is kept"
    return kept()


def assert_removed_exactly(before: set, places: list[Point]) -> None:
    removed = before - kept()
    must = {tile for tile in before if any(reaches(p, tile, MUST_REACH) for p in places)}
    may = {tile for tile in before if any(reaches(p, tile, MAY_REACH) for p in places)}
    assert must <= removed, f"still kept though changed: {sorted(must - removed)}"
    assert removed <= may, f"removed though unchanged: {sorted(removed - may)}"


def assert_nothing_stale(scene) -> None:
    """Every tile served (kept or not) is the tile rendered afresh."""
    for tile in scene["tiles"]:
        url = report_tile_url(tile)
        assert get(scene["client"], url) == fresh(scene["client"], url), f"stale tile {tile}"


def test_a_kept_tile_is_the_fresh_tile_and_is_what_is_served(client):
    centre = town()
    grid_reports(centre, 0.004, 0.0004, Category.objects.get(code="sampah"))
    for z in (13, 17):  # grid cells at 13 (over POINTS_UP_TO reports), single reports at 17
        tile = tile_of(centre, z)
        url = report_tile_url(tile)
        first = get(client, url)
        row = CachedTile.objects.get(layer=tile_cache.REPORTS, z=z, x=tile[1], y=tile[2])
        assert bytes(row.tile) == first == fresh(client, url) == get(client, url)
        assert len(first) > 100
    # What is served is the kept row (were it not, this could not come back).
    CachedTile.objects.filter(z=17).update(tile=b"kept")
    assert get(client, report_tile_url(tile_of(centre, 17))) == b"kept"


def test_empty_tiles_and_tiles_by_text_box_or_asset_are_not_kept(client):
    grid_reports(town(), 0.003, 0.0005, Category.objects.get(code="sampah"))
    get(client, "/api/tiles/reports/12/100/100.pbf")  # the middle of the Atlantic
    z, x, y = tile_of(town(), 12)
    get(client, report_tile_url((z, x, y)), q="lampu")
    get(client, report_tile_url((z, x, y)), bbox="112.5,-7.9,112.6,-7.8")
    get(client, report_tile_url((z, x, y)), asset="roads:X")
    assert not CachedTile.objects.exists()
    get(client, report_tile_url((z, x, y)))
    assert CachedTile.objects.count() == 1


def test_each_write_path_removes_exactly_the_tiles_it_changes(scene, client):
    centre, waste = scene["centre"], Category.objects.get(code="sampah")
    here = Point(centre.x + 0.0003, centre.y + 0.0002, srid=settings.LAPOR_SRID)

    # A new report (the one submission service).
    before = warm_up(scene)
    report = report_create(category=waste, geometry=here).report
    assert_removed_exactly(before, [here])
    assert len(before - kept()) < len(before) / 2
    assert_nothing_stale(scene)

    # A "+1" changes nothing a tile shows: everything stays.
    before = warm_up(scene)
    assert report_support(report=report, supporter_key="device-1")
    assert kept() == before

    # A status change by staff.
    before = warm_up(scene)
    report = report_transition(report_id=report.pk, new_status="verified", role="operator", expected_version=None)
    assert_removed_exactly(before, [here])
    assert_nothing_stale(scene)

    # Moved by staff: the old and the new place.
    there = Point(centre.x - 0.004, centre.y - 0.003, srid=settings.LAPOR_SRID)
    before = warm_up(scene)
    report = report_reroute(report_id=report.pk, role="operator", expected_version=None, geometry=there)
    assert_removed_exactly(before, [here, there])
    assert_nothing_stale(scene)

    # Hidden by moderation, then shown again.
    for hidden in (True, False):
        before = warm_up(scene)
        report = report_visibility_set(
            report_id=report.pk,
            actor=None,
            role="admin",
            actor_agency=None,
            expected_version=None,
            hidden=hidden,
            reason="personal_data" if hidden else "",
        )
        assert_removed_exactly(before, [there])
        assert_nothing_stale(scene)

    # Made private (filed under a service request's category).
    before = warm_up(scene)
    permit = Category.objects.get(code="izin-bangunan")
    report = report_reroute(report_id=report.pk, role="operator", expected_version=None, category=permit)
    assert Report.objects.get(pk=report.pk).is_private
    assert_removed_exactly(before, [there])
    assert_nothing_stale(scene)

    # Deleted (a report without a timeline; many at once in one statement).
    before = warm_up(scene)
    doomed = list(Report.objects.filter(location__distance_lte=(scene["far"], 0.0006)).order_by("pk")[:3])
    Report.objects.filter(pk__in=[r.pk for r in doomed]).delete()
    assert_removed_exactly(before, [r.location for r in doomed])
    assert len(before - kept()) >= 3
    assert_nothing_stale(scene)


def test_a_report_in_a_tiles_buffer_removes_that_neighbour_too(scene):
    """Near the east edge of a zoom-17 tile a report is drawn in the next tile's buffer too: both go;
    the tiles it does not reach stay."""
    z, x, y = tile_of(scene["centre"], 17)
    # 97 % across the tile (within an eighth of its east neighbour), half-way down.
    lon = (x + 0.97) / 2**z * 360 - 180
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * (y + 0.5) / 2**z))))
    edge = Point(lon, lat, srid=settings.LAPOR_SRID)
    neighbour = report_tile_url((z, x + 1, y))
    before = warm_up(scene)
    drawn_before = fresh(scene["client"], neighbour)
    report_create(category=Category.objects.get(code="sampah"), geometry=edge)
    assert (z, x, y) not in kept() and (z, x + 1, y) not in kept()
    assert {(z, x - 1, y), (z, x, y - 1), (z, x, y + 1)} <= kept()
    assert_removed_exactly(before, [edge])
    assert fresh(scene["client"], neighbour) != drawn_before  # the neighbour did change


def test_filters_are_kept_apart(client):
    centre = town()
    grid_reports(centre, 0.003, 0.0005, Category.objects.get(code="sampah"))
    lights = grid_reports(centre, 0.002, 0.0007, Category.objects.get(code="pju-mati"))
    Report.objects.filter(pk__in=[r.pk for r in lights[::2]]).update(status="resolved")
    url = report_tile_url(tile_of(centre, 15))
    asked = [{}, {"status": "open"}, {"status": "resolved"}, {"category": "pju-mati"}, {"since": "2020-01-01T00:00Z"}]
    served = [get(client, url, **params) for params in asked]
    assert len(set(served) - {served[0], served[4]}) == 3  # open, resolved and lights differ
    assert CachedTile.objects.filter(layer=tile_cache.REPORTS).values("filters").distinct().count() == len(asked)
    for params, tile in zip(asked, served, strict=True):
        assert get(client, url, **params) == tile == fresh(client, url, **params)


def test_a_category_made_non_public_empties_the_report_tiles(client):
    centre = town()
    grid_reports(centre, 0.003, 0.0005, Category.objects.get(code="sampah"))
    url = report_tile_url(tile_of(centre, 15))
    before = get(client, url)
    assert get(client, url, category="sampah")
    z, x, y = tile_of(centre, 15)
    basemap.basemap_tile_cached(z=z, x=x, y=y)
    assert kept() and kept(tile_cache.BASEMAP)

    waste = Category.objects.get(code="sampah")
    waste.order += 1  # not shown on the map: nothing goes
    waste.save()
    assert CachedTile.objects.filter(layer=tile_cache.REPORTS).count() == 2

    waste.is_public = False
    waste.save()
    assert not kept()
    assert kept(tile_cache.BASEMAP)  # the basemap does not draw reports
    # Reports of other categories that earlier tests committed here may remain: the waste ones go.
    after = get(client, url)
    assert after == fresh(client, url) and after != before
    assert get(client, url, category="sampah") == b""


def test_reports_generated_in_bulk_empty_the_report_tiles(scene):
    warm_up(scene)
    reports_generate(count=30)
    assert not kept()
    assert_nothing_stale(scene)


def test_the_bound_holds(client, settings):
    settings.LAPOR_TILE_CACHE_MAX_TILES = 10
    centre = town()
    grid_reports(centre, 0.003, 0.0005, Category.objects.get(code="sampah"))
    url = report_tile_url(tile_of(centre, 15))
    for day in range(1, 29):  # 28 different filters, each a tile worth keeping
        get(client, url, since=f"2020-02-{day:02d}T00:00Z")
        assert CachedTile.objects.count() <= 10
    # The newest stay.
    newest = tile_cache.report_filters_key({"since": "2020-02-28T00:00Z"}, filter_names=(), code=tiles.DRAWING)
    assert CachedTile.objects.filter(filters=newest).exists()


def test_a_tile_rendered_while_a_write_is_under_way_is_served_but_not_kept(client):
    """A writer holds the layer's lock shared until it commits (the triggers take it): a request
    then renders without keeping what it read."""
    centre = town()
    grid_reports(centre, 0.003, 0.0005, Category.objects.get(code="sampah"))
    url = report_tile_url(tile_of(centre, 15))
    writer = connection.get_new_connection(connection.get_connection_params())
    try:
        writer.autocommit = True
        with writer.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock_shared(%s)", [tile_cache.LOCKS[tile_cache.REPORTS]])
        tile = get(client, url)
        assert tile and not CachedTile.objects.exists()
        with writer.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock_shared(%s)", [tile_cache.LOCKS[tile_cache.REPORTS]])
    finally:
        writer.close()
    assert get(client, url) == tile
    assert CachedTile.objects.count() == 1


# The basemap --------------------------------------------------------------------------------------

TOWN = Point(112.5246, -7.8712, srid=4326)  # Alun-alun Batu


def basemap_tiles(z: int) -> list[tuple[int, int, int]]:
    _z, cx, cy = tile_of(TOWN, z)
    return [(z, cx + dx, cy + dy) for dx in range(-2, 3) for dy in range(-2, 3)]


def warm_basemap(zooms=(14, 16)) -> set:
    CachedTile.objects.filter(layer__startswith="basemap").delete()
    for z in zooms:
        for _z, x, y in basemap_tiles(z):
            basemap.basemap_tile_cached(z=z, x=x, y=y)
            basemap.basemap_tile_cached(z=z, x=x, y=y, staff=True)
    return kept(tile_cache.BASEMAP)


def box_reaches(shape, tile, margin) -> bool:
    z, x, y = tile
    west, south, east, north = shape.extent
    fx0, fy1 = fraction(Point(west, south), z)
    fx1, fy0 = fraction(Point(east, north), z)
    return fx1 >= x - margin and fx0 <= x + 1 + margin and fy1 >= y - margin and fy0 <= y + 1 + margin


def assert_basemap_removed_exactly(before: set, shapes: list) -> None:
    removed = before - kept(tile_cache.BASEMAP)
    must = {tile for tile in before if any(box_reaches(s, tile, 64 / 4096) for s in shapes)}
    may = {tile for tile in before if any(box_reaches(s, tile, 0.02) for s in shapes)}
    assert must and must <= removed, f"still kept though changed: {sorted(must - removed)}"
    assert removed <= may, f"removed though unchanged: {sorted(removed - may)}"
    assert kept(tile_cache.BASEMAP_STAFF) == kept(tile_cache.BASEMAP)
    for z, x, y in before:
        for staff in (False, True):
            assert basemap.basemap_tile_cached(z=z, x=x, y=y, staff=staff) == basemap.basemap_tile(
                z=z, x=x, y=y, staff=staff
            )


def test_the_basemap_keeps_tiles_until_what_they_draw_changes():
    z, x, y = tile_of(TOWN, 16)
    first = basemap.basemap_tile_cached(z=z, x=x, y=y)
    assert first == basemap.basemap_tile(z=z, x=x, y=y) == basemap.basemap_tile_cached(z=z, x=x, y=y)
    assert kept(tile_cache.BASEMAP) == {(z, x, y)}
    assert basemap.basemap_tile_cached(z=9, x=0, y=0) == b"" and kept(tile_cache.BASEMAP) == {(z, x, y)}

    # A road renamed: the tiles its box meets go, at both zooms, public and staff; the rest stay.
    road = Asset.objects.filter(layer__code="roads", geom__intersects=TOWN.buffer(0.01)).order_by("external_id").first()
    before = warm_basemap()
    road.name = road.name + " Baru"
    road.save()
    assert_basemap_removed_exactly(before, [road.geom])
    assert len(kept(tile_cache.BASEMAP)) > 0

    # A place added, then removed.
    before = warm_basemap()
    place = Place.objects.create(name="Pasar Uji", kind="market", location=Point(TOWN.x + 0.003, TOWN.y, srid=4326))
    assert_basemap_removed_exactly(before, [place.location])
    before = warm_basemap()
    place.delete()
    assert_basemap_removed_exactly(before, [place.location])

    # A road's geometry moved (one UPDATE statement): its old and new boxes.
    before = warm_basemap()
    Asset.objects.filter(pk=road.pk).update(geom=Translate("geom", 0.004, 0.002))
    assert_basemap_removed_exactly(before, [road.geom, Asset.objects.get(pk=road.pk).geom])


def test_the_basemap_version_is_kept_and_follows_every_drawn_change():
    version = basemap.basemap_version()
    assert CachedTile.objects.filter(layer=tile_cache.BASEMAP_VERSION).count() == 1
    CachedTile.objects.filter(layer=tile_cache.BASEMAP_VERSION).update(tile=b"kept state")
    kept_version = basemap.basemap_version()
    assert kept_version != version  # made from the kept row (were it not, this could not change)

    # Anywhere in the city, whatever is drawn: the kept state goes and the version is made afresh.
    place = Place.objects.create(name="Pasar Uji", kind="market", location=Point(112.6, -7.8, srid=4326))
    assert not CachedTile.objects.filter(layer=tile_cache.BASEMAP_VERSION).exists()
    with_place = basemap.basemap_version()
    assert with_place not in (version, kept_version)
    place.delete()
    assert basemap.basemap_version() == version


def test_a_kept_tile_goes_compressed_to_clients_that_take_gzip(client):
    import gzip

    centre = town()
    grid_reports(centre, 0.004, 0.0004, Category.objects.get(code="sampah"))
    url = report_tile_url(tile_of(centre, 17))
    plain = get(client, url)  # rendered, kept
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip, br")
    assert response["Content-Encoding"] == "gzip" and "Accept-Encoding" in response["Vary"]
    assert gzip.decompress(response.content) == plain
    assert response["ETag"].startswith('W/"')
    again = client.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert "Content-Encoding" not in client.get(url)  # and as it is to those that do not
