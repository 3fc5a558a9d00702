"""manage.py import_osm with a small hand-written extract (tests/data/batu_small.osm) read by GDAL's
OSM driver: roads classed by the rule table, street lamps, the gazetteer; clipping to the city,
idempotence, replace, synthetic layers, and reports routed by the imported roads."""

import importlib
import json
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import translation

from districts.geocoding import search_places
from districts.models import Agency, Asset, AssetLayer, Place, RoadClassRule
from districts.services.assets import SYNTHETIC
from districts.services.osm import osm_import
from geo_reports.models import Category
from geo_reports.services.intake import report_create
from tests.conftest import BASE_DIR, DATA
from tests.places import beside

pytestmark = pytest.mark.django_db

EXTRACT = DATA / "batu_small.osm"
TRUNK_OUTSIDE_NODE = Point(112.5920, -7.9120, srid=4326)  # node 1001, in Kabupaten Malang
TRUNK_BUFFER_NODE = Point(112.5850, -7.9100, srid=4326)  # node 1002, 97 m outside the city


def _import(path: Path = EXTRACT, *args: str) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("import_osm", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def _osm_assets(layer: str) -> dict[str, Asset]:
    return {
        asset.external_id: asset
        for asset in Asset.objects.filter(layer__code=layer, attributes__source="osm").select_related("owner")
    }


def _without(tmp_path: Path, *elements: str) -> Path:
    """A copy of the extract without the given elements, e.g. 'way id="106"' or 'node id="3010"'."""
    text = EXTRACT.read_text()
    for element in elements:
        kind = element.split()[0]
        start = text.index(f"<{element}")
        end = text.index(f"</{kind}>", start) + len(f"</{kind}>")
        text = text[:start] + text[end:]
    path = tmp_path / "batu_edited.osm"
    path.write_text(text)
    return path


def test_counts_and_skip_reasons_are_reported():
    output = _import()
    assert "road class rules" not in output  # the demo set-up already seeded them
    assert "roads: 8 imported, 0 updated, 0 unchanged, 0 removed, 4 skipped" in output
    assert "  skipped 1: rule highway=footway → not imported" in output
    assert "  skipped 1: rule highway=construction → not imported" in output
    assert "  skipped 1: rule highway=service, access ~ ^(private|no)$ → not imported" in output
    assert "  skipped 1: outside the city" in output  # Jalan Tlogomas, in Kota Malang
    assert "street_lights: 3 imported, 0 updated, 0 unchanged, 0 removed, 1 skipped" in output
    assert "places: 11 imported, 0 updated, 0 unchanged, 0 removed, 2 skipped" in output
    assert "  skipped 1: no name" in output  # an unnamed mosque
    assert (
        "batu_small.osm: features read: points 15, lines 13, multilinestrings 0, multipolygons 3, other_relations 0"
        in output
    )

    assert set(_osm_assets("roads")) == {"w101", "w102", "w103", "w104", "w105", "w106", "w107", "w111"}
    assert set(_osm_assets("street_lights")) == {"n2001", "n2002", "n2003"}
    assert _osm_assets("street_lights")["n2001"].attributes == {
        "source": "osm",
        "highway": "street_lamp",
        "ref": "PJU-001",
    }
    places = {place.external_id: (place.name, place.kind) for place in Place.objects.filter(source="osm")}
    assert places == {
        "n3001": ("Punten", "village"),
        "n3002": ("Pasar Besar Batu", "market"),
        "w120": ("Pasar Besar Batu", "market"),
        "n3003": ("Masjid Agung An-Nur", "mosque"),
        "n3004": ("Jatim Park 1", "attraction"),
        "n3005": ("Puskesmas Batu", "health"),
        "n3006": ("Balai Kota Among Tani", "office"),
        "n3008": ("GKJW Batu", "worship"),
        "n3010": ("Dusun Jantur", "hamlet"),
        "w121": ("SMA Negeri 1 Batu", "school"),
        "r201": ("Rumah Sakit Baptis Batu", "health"),  # a multipolygon relation
    }


def test_a_closed_way_gives_its_representative_point():
    _import()
    school = Place.objects.get(source="osm", external_id="w121")
    assert 112.5288 < school.location.x < 112.5292
    assert -7.8772 < school.location.y < -7.8768
    assert school.attributes == {"amenity": "school"}


def test_road_classes_and_owners_follow_the_rules():
    _import()
    roads = _osm_assets("roads")
    classes = {external_id: (a.attributes["road_class"], a.owner.code) for external_id, a in roads.items()}
    assert classes == {
        "w101": ("national", "bbpjn"),  # trunk, with a national route number
        "w102": ("provincial", "pu-bina-marga-jatim"),  # primary
        "w103": ("city", "dpupr"),  # secondary
        "w104": ("village", "dpupr"),  # residential (the kecamatan office by routing rule, below)
        "w105": ("village", "dpupr"),
        "w106": ("village", "dpupr"),
        "w107": ("village", "dpupr"),  # track
        "w111": ("village", "dpupr"),  # a public service alley
    }
    trunk = roads["w101"]
    assert trunk.name == "Jalan Raya Dadaprejo"
    assert trunk.attributes == {"source": "osm", "road_class": "national", "highway": "trunk", "ref": "N23"}
    assert roads["w107"].name == ""


def test_a_rule_on_operator_or_ref_outranks_the_highway_class(tmp_path):
    text = EXTRACT.read_text().replace(
        '<tag k="name" v="Jalan Diponegoro"/>',
        '<tag k="name" v="Jalan Diponegoro"/><tag k="operator" v="Dinas PU Bina Marga Provinsi Jawa Timur"/>',
    )
    path = tmp_path / "operator.osm"
    path.write_text(text)
    _import(path)
    street = _osm_assets("roads")["w103"]
    assert street.attributes["road_class"] == "provincial"
    assert street.owner.code == "pu-bina-marga-jatim"


def test_an_edited_rule_changes_the_class_on_the_next_run():
    _import()
    RoadClassRule.objects.filter(highway="secondary", road_class="city").update(road_class="provincial")
    output = _import()
    assert "roads: 0 imported, 1 updated, 7 unchanged, 0 removed, 4 skipped" in output
    street = _osm_assets("roads")["w103"]
    assert street.attributes["road_class"] == "provincial"
    assert street.owner.code == "pu-bina-marga-jatim"


def test_a_road_crossing_the_boundary_is_cut_100_m_beyond_it():
    _import()
    trunk = _osm_assets("roads")["w101"]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT ST_CoveredBy(a.geom, ST_Buffer(c.geom::geography, 100.5)::geometry),
                   ST_CoveredBy(a.geom, c.geom),
                   ST_Length(ST_Difference(a.geom, c.geom)::geography)
            FROM districts_asset a, districts_area c WHERE a.id = %s AND c.code = '35.79'
            """,
            [trunk.pk],
        )
        within_buffer, within_city, outside_m = cursor.fetchone()
    assert within_buffer
    assert not within_city  # the part just beyond the boundary is kept...
    assert outside_m > 0
    assert trunk.geom.distance(TRUNK_BUFFER_NODE) < 1e-9  # ...with the node 97 m outside
    assert trunk.geom.distance(TRUNK_OUTSIDE_NODE) > 0.003  # ...but not the one in Malang


def test_a_second_run_changes_nothing():
    _import()
    before = dict(Asset.objects.filter(attributes__source="osm").values_list("external_id", "updated_at"))
    output = _import()
    assert "roads: 0 imported, 0 updated, 8 unchanged, 0 removed, 4 skipped" in output
    assert "street_lights: 0 imported, 0 updated, 3 unchanged, 0 removed, 1 skipped" in output
    assert "places: 0 imported, 0 updated, 11 unchanged, 0 removed, 2 skipped" in output
    assert "synthetic" not in output
    after = dict(Asset.objects.filter(attributes__source="osm").values_list("external_id", "updated_at"))
    assert after == before


def test_replace_removes_only_what_an_earlier_import_brought_and_the_extract_lost(tmp_path):
    _import()
    roads = AssetLayer.objects.get(code="roads")
    surveyed = Asset.objects.create(
        layer=roads,
        external_id="DPUPR-7",
        name="Jalan survei",
        geom=beside(_osm_assets("roads")["w105"], 200),
        attributes={"road_class": "city"},
        owner=Agency.objects.get(code="dpupr"),
    )
    edited = _without(tmp_path, 'way id="106"', 'node id="3010"')

    kept = _import(edited)
    assert "roads: 0 imported, 0 updated, 7 unchanged, 0 removed, 4 skipped" in kept
    assert "w106" in _osm_assets("roads")

    replaced = _import(edited, "--replace")
    assert "roads: 0 imported, 0 updated, 7 unchanged, 1 removed, 4 skipped" in replaced
    assert "places: 0 imported, 0 updated, 10 unchanged, 1 removed, 2 skipped" in replaced
    assert "w106" not in _osm_assets("roads")
    assert not Place.objects.filter(external_id="n3010").exists()
    assert Asset.objects.filter(pk=surveyed.pk).exists()  # not OpenStreetMap's to remove


def test_the_layer_records_its_source_and_licence_and_is_no_longer_synthetic():
    _import()
    for code in ("roads", "street_lights"):
        layer = AssetLayer.objects.get(code=code)
        assert layer.source.startswith("OpenStreetMap contributors, extract batu_small.osm, 20")
        assert layer.licence == "ODbL-1.0"
        assert not layer.is_synthetic
    pipes = AssetLayer.objects.get(code="water_pipes")
    assert pipes.is_synthetic and pipes.licence == ""


def test_synthetic_features_give_way_only_in_layers_the_extract_fills(tmp_path):
    synthetic_pipes = Asset.objects.filter(SYNTHETIC, layer__code="water_pipes").count()
    synthetic_roads = Asset.objects.filter(SYNTHETIC, layer__code="roads").count()
    assert synthetic_roads > 200

    no_lamps = _without(tmp_path, 'node id="2001"', 'node id="2002"', 'node id="2003"', 'node id="2004"')
    output = _import(no_lamps)
    assert f"  {synthetic_roads} synthetic demo features removed" in output
    assert "street_lights: the extract has nothing for it inside the city; left as it is" in output
    assert not Asset.objects.filter(SYNTHETIC, layer__code="roads").exists()
    assert Asset.objects.filter(SYNTHETIC, layer__code="street_lights").count() > 1000
    assert AssetLayer.objects.get(code="street_lights").is_synthetic
    assert Asset.objects.filter(SYNTHETIC, layer__code="water_pipes").count() == synthetic_pipes


def _report_beside(asset: Asset, metres: float = 5):
    return report_create(category=Category.objects.get(code="jalan-rusak"), geometry=beside(asset, metres)).report


def test_reports_on_imported_roads_go_to_their_owners():
    _import()
    roads = _osm_assets("roads")

    on_trunk = _report_beside(roads["w101"])
    assert on_trunk.asset == roads["w101"]
    assert on_trunk.agency.code == "bbpjn"
    assert on_trunk.routing["reason"] == "asset"

    on_street = _report_beside(roads["w104"])  # Jalan Dewi Sartika, Kecamatan Batu
    assert on_street.kecamatan.name == "Batu"
    assert on_street.asset == roads["w104"]
    assert on_street.agency.code == "kec-batu"  # the routing rule for village roads
    assert on_street.routing["reason"] == "asset_rule"
    assert on_street.routing["rule"]["asset_condition"] == {"road_class": "village"}


def test_a_report_keeps_its_routing_when_its_street_is_removed(tmp_path):
    _import()
    report = _report_beside(_osm_assets("roads")["w104"])
    routed = (report.agency_id, report.asset_distance_m, report.routing, report.routing_explanation)
    assert report.routing["asset"] == "w104"

    output = _import(_without(tmp_path, 'way id="104"'), "--replace")
    assert "1 removed" in output
    report.refresh_from_db()
    assert report.asset is None
    assert (report.agency_id, report.asset_distance_m, report.routing, report.routing_explanation) == routed
    assert report.agency.code == "kec-batu"


def test_place_search_finds_the_gazetteer_once_and_never_outside_the_city():
    _import()
    markets = search_places("Pasar Besar")
    assert [(p.name, p.kind) for p in markets] == [("Pasar Besar Batu, Kel. Sisir", "market")]  # point and area: one
    assert abs(markets[0].lon - 112.5265) < 0.0002 and abs(markets[0].lat + 7.8748) < 0.0002
    assert [p.kind for p in search_places("Masjid Agung")] == ["mosque"]
    assert search_places("Pujon") == []


def test_place_search_shows_no_internal_ids_no_duplicates_and_no_utility_networks():
    # The synthetic demo layers: roads named "Jalan kota B3", cut into segments with ids RD-0160...
    roads = search_places("Jalan kota")
    assert roads
    assert all("RD-" not in place.name and "(" not in place.name for place in roads)
    assert len({place.name for place in roads}) == len(roads)
    assert search_places("Pipa transmisi") == []  # water_pipes is not a public layer


def test_progress_counts_the_features_read_per_osm_layer():
    seen = []
    osm_import(path=EXTRACT, progress=seen.append)
    assert seen[-1] == {"points": 15, "lines": 13, "multilinestrings": 0, "multipolygons": 3, "other_relations": 0}


def test_the_command_shows_progress_on_stderr():
    quiet, err = StringIO(), StringIO()
    call_command("import_osm", str(EXTRACT), stdout=StringIO(), stderr=quiet)
    assert quiet.getvalue() == ""  # a small extract is read in a moment
    with translation.override("en"):
        call_command("import_osm", str(EXTRACT), "--progress", stdout=StringIO(), stderr=err)
    assert err.getvalue() == (
        "\r  features read: points 15, lines 13, multilinestrings 0, multipolygons 3, other_relations 0\n"
    )


def test_the_rules_are_seeded_from_the_fixture_when_the_table_is_empty():
    RoadClassRule.objects.all().delete()
    output = _import()
    rows = json.loads((BASE_DIR / "fixtures" / "osm_road_classes.json").read_text())
    assert f"road class rules: {len(rows)} created from the defaults" in output
    assert RoadClassRule.objects.count() == len(rows)
    assert _osm_assets("roads")["w101"].attributes["road_class"] == "national"


def _state() -> tuple:
    return (
        Asset.objects.count(),
        Asset.objects.filter(SYNTHETIC).count(),
        Place.objects.count(),
        list(AssetLayer.objects.order_by("code").values_list("source", "licence", "is_synthetic")),
    )


def test_bad_input_is_a_clear_error_and_writes_nothing(tmp_path):
    before = _state()
    with pytest.raises(CommandError, match=r"nothing was imported: .*absent\.osm\.pbf: no such file"):
        _import(tmp_path / "absent.osm.pbf")
    notes = tmp_path / "notes.osm"
    notes.write_text("Catatan rapat: jalan berlubang di Jalan Diponegoro.\n")
    with pytest.raises(CommandError, match=r"nothing was imported: .*notes\.osm: GDAL cannot read it"):
        _import(notes)
    csv = tmp_path / "roads.csv"
    csv.write_text("name,highway\nJalan Diponegoro,secondary\n")
    with pytest.raises(CommandError, match=r"not an OpenStreetMap file \(GDAL reads it as CSV\)"):
        _import(csv)
    broken = tmp_path / "broken.osm"
    broken.write_text(EXTRACT.read_text()[:6000])  # cut off in the middle of the ways
    with pytest.raises(CommandError, match="could not be read to the end"):
        _import(broken)
    assert _state() == before


def test_no_city_boundary_is_a_clear_error(settings):
    settings.LAPOR_CITY_CODE = "99.99"
    before = _state()
    with pytest.raises(CommandError, match=r"no city boundary \(area 99.99\) is loaded"):
        _import()
    assert _state() == before


def test_a_rule_pattern_must_be_a_regular_expression():
    rule = RoadClassRule(highway="primary", ref_pattern="(N[0-9", road_class="national")
    with pytest.raises(ValidationError, match="Bukan ekspresi reguler yang sah"), translation.override("id"):
        rule.full_clean()


def test_the_admin_lists_the_rules_and_the_places(admin_client):
    _import()
    rules = admin_client.get(reverse("admin:districts_roadclassrule_changelist"))
    assert rules.status_code == 200
    assert b"bus_guideway" in rules.content
    places = admin_client.get(reverse("admin:districts_place_changelist"))
    assert places.status_code == 200
    assert "Pasar Besar Batu" in places.content.decode()


def test_the_data_migration_hides_an_existing_water_pipes_layer():
    migration = importlib.import_module("districts.migrations.0004_osm_import")
    AssetLayer.objects.filter(code="water_pipes").update(is_public=True)
    migration.water_pipes_not_public(apps, None)
    assert not AssetLayer.objects.get(code="water_pipes").is_public
    assert AssetLayer.objects.get(code="roads").is_public
