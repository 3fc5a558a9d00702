"""Routing over the real Batu boundaries and the demo layers: pin (or line, or area) → desa, agency,
asset, and the reason, as data and as a sentence."""

import pytest
from django.contrib.gis.geos import Point, Polygon

from geo_reports.models import Category, RoutingRule
from geo_reports.routing import RoutingError, route
from tests.places import (
    asset_where,
    beside,
    distance_m,
    far_from_layer,
    junction,
    near_desa_boundary,
    parallel_line,
    square_around,
)

pytestmark = pytest.mark.django_db


def category(code: str) -> Category:
    return Category.objects.get(code=code)


@pytest.mark.parametrize(
    ("case", "category_code", "layer", "attributes", "agency", "reason"),
    [
        ("city road", "jalan-rusak", "roads", {"road_class": "city"}, "dpupr", "asset"),
        ("national road", "jalan-rusak", "roads", {"road_class": "national"}, "bbpjn", "asset"),
        (
            "provincial road",
            "jalan-rusak",
            "roads",
            {"road_class": "provincial"},
            "pu-bina-marga-jatim",
            "asset",
        ),
        (
            "village road in Junrejo (asset rule)",
            "jalan-rusak",
            "roads",
            {"road_class": "village", "kecamatan": "Junrejo"},
            "kec-junrejo",
            "asset_rule",
        ),
        (
            "village road in Bumiaji (asset rule)",
            "jalan-rusak",
            "roads",
            {"road_class": "village", "kecamatan": "Bumiaji"},
            "kec-bumiaji",
            "asset_rule",
        ),
        ("PDAM main", "pipa-bocor", "water_pipes", {"pipe_type": "main"}, "pdam", "asset"),
        (
            "PDAM distribution pipe",
            "pipa-bocor",
            "water_pipes",
            {"pipe_type": "distribution"},
            "pdam",
            "asset",
        ),
        ("street light", "pju-mati", "street_lights", {}, "dishub", "asset"),
    ],
)
def test_a_pin_beside_an_asset_goes_to_its_owner(case, category_code, layer, attributes, agency, reason):
    asset = asset_where(layer, **attributes)
    assert asset is not None, case
    pin = beside(asset, 5.0, fraction=0.37)
    decision = route(category=category(category_code), geometry=pin)
    assert decision.asset == asset, case
    assert decision.agency.code == agency, case
    assert decision.reason == reason, case
    assert decision.distance_m == pytest.approx(5.0, abs=0.05)
    assert decision.desa is not None and decision.kecamatan is not None
    assert decision.desa.parent_id == decision.kecamatan.pk
    data = decision.as_data()
    assert data["layer"] == layer
    assert data["asset"] == asset.external_id
    assert data["distance_m"] == pytest.approx(5.0, abs=0.1)
    assert data["agency"] == agency
    if reason == "asset_rule":
        assert data["rule"]["asset_condition"] == {"road_class": "village"}
        assert data["rule"]["area"] == decision.kecamatan.code


def test_the_sentence_names_agency_asset_distance_and_place_in_both_languages():
    pipe = asset_where("water_pipes", pipe_type="main")
    decision = route(category=category("pipa-bocor"), geometry=beside(pipe, 6.0))
    place = f"{decision.desa.label}, {decision.kecamatan.label}"
    assert decision.explanation == (
        f"Diteruskan ke Perumda Air Minum Among Tirta Kota Batu: pipa {pipe.external_id} berjarak 6 m; {place}."
    )
    assert decision.explanation_en == (
        f"Routed to Perumda Air Minum Among Tirta Kota Batu: pipe {pipe.external_id} is 6 m away; {place}."
    )


def test_no_asset_in_reach_falls_back_to_the_default_agency_and_says_so():
    pin = far_from_layer("street_lights", "Tlekung", 60)
    decision = route(category=category("pju-mati"), geometry=pin)
    assert decision.asset is None
    assert decision.reason == "default"
    assert decision.agency.code == "dishub"
    assert "no_asset_in_reach" in decision.flags
    assert decision.desa.name == "Tlekung"
    assert decision.explanation.endswith("(tidak ada lampu PJU dalam 40 m).")
    assert decision.explanation_en.endswith("(no street light within 40 m).")


def test_a_pin_near_a_desa_boundary_is_flagged_with_the_neighbour_kept():
    pin = near_desa_boundary("Sisir", "Temas", 4.0)
    decision = route(category=category("sampah"), geometry=pin)
    assert decision.desa.name == "Sisir"
    assert "near_area_boundary" in decision.flags
    neighbours = {a["name"]: a["distance_m"] for a in decision.nearby_areas}
    assert "Temas" in neighbours
    assert neighbours["Temas"] <= 10
    assert decision.as_data()["alternatives"]["areas"] == decision.nearby_areas


def test_a_pin_well_inside_a_desa_is_not_flagged():
    pin = near_desa_boundary("Sisir", "Temas", 60.0)
    decision = route(category=category("sampah"), geometry=pin)
    assert "near_area_boundary" not in decision.flags
    assert decision.nearby_areas == []


def test_a_pin_between_two_owners_is_flagged_with_the_alternative_kept():
    point, national, city = junction("roads", "national", "city")
    decision = route(category=category("jalan-rusak"), geometry=point)
    assert "asset_owner_ambiguous" in decision.flags
    chosen = decision.asset.owner.code
    alternatives = {(a["external_id"], a["owner"]) for a in decision.asset_alternatives}
    other = city if decision.asset == national else national
    assert (other.external_id, other.owner.code) in alternatives
    assert other.owner.code != chosen


def test_one_owner_alone_is_not_ambiguous():
    light = asset_where("street_lights")
    decision = route(category=category("pju-mati"), geometry=beside(light, 1.0))
    assert "asset_owner_ambiguous" not in decision.flags


def test_a_line_report_takes_the_road_it_overlaps_most():
    road = asset_where("roads", road_class="national")
    line = parallel_line(road, 4.0)
    decision = route(category=category("jalan-rusak"), geometry=line)
    assert decision.asset == road
    assert decision.agency.code == "bbpjn"
    assert decision.point.geom_type == "Point"
    assert distance_m(decision.point, road.geom) == pytest.approx(4.0, abs=0.5)


def test_a_polygon_report_takes_the_road_it_covers_or_the_default_agency():
    road = asset_where("roads", road_class="provincial")
    area = square_around(beside(road, 0.0), 15)
    damage = route(category=category("jalan-rusak"), geometry=area)
    assert damage.asset == road
    assert damage.agency.code == "pu-bina-marga-jatim"
    assert damage.point.within(area)
    no_water = route(category=category("air-mati"), geometry=area)
    assert (no_water.agency.code, no_water.reason, no_water.asset) == ("pdam", "default", None)


def test_an_area_rule_beats_the_default_agency():
    bumiaji = far_from_layer("roads", "Bumiaji", 10)
    batu = far_from_layer("roads", "Sisir", 10)
    trees = category("pohon-tumbang")
    in_bumiaji = route(category=trees, geometry=bumiaji)
    assert (in_bumiaji.agency.code, in_bumiaji.reason) == ("bpbd", "rule")
    assert in_bumiaji.rule.area.name == "Bumiaji"
    assert in_bumiaji.explanation.startswith(
        "Diteruskan ke Badan Penanggulangan Bencana Daerah Kota Batu, yang menangani Pohon tumbang di Kec. Bumiaji;"
    )
    in_batu = route(category=trees, geometry=batu)
    assert (in_batu.agency.code, in_batu.reason) == ("dlh", "default")


def test_the_most_specific_rule_wins():
    trees = category("pohon-tumbang")
    pin = far_from_layer("roads", "Bumiaji", 10)
    from districts.models import Agency, Area

    desa_rule = RoutingRule.objects.create(
        category=trees,
        area=Area.objects.get(name="Bumiaji", kind="desa"),
        agency=Agency.objects.get(code="kec-bumiaji"),
    )
    city_rule = RoutingRule.objects.create(
        category=trees,
        area=Area.objects.get(code="35.79"),
        agency=Agency.objects.get(code="dlh"),
        priority=99,
    )
    decision = route(category=trees, geometry=pin)
    assert decision.rule == desa_rule  # desa beats kecamatan beats city, whatever the priority
    desa_rule.is_active = False
    desa_rule.save()
    decision = route(category=trees, geometry=pin)
    assert decision.rule.area.name == "Bumiaji" and decision.rule.area.kind == "kecamatan"
    assert decision.rule != city_rule


def test_no_rule_and_no_default_goes_to_triage():
    pin = far_from_layer("roads", "Punten", 10)
    decision = route(category=category("lainnya"), geometry=pin)
    assert (decision.agency.code, decision.reason) == ("diskominfo", "triage")
    assert decision.explanation.startswith(
        "Diteruskan ke Dinas Komunikasi dan Informatika Kota Batu untuk dipilah (triase)"
    )


def test_every_desa_test_point_gets_its_desa_and_kecamatan(desa_test_points):
    water = category("air-mati")
    for feature in desa_test_points:
        lon, lat = feature["geometry"]["coordinates"]
        decision = route(category=water, geometry=Point(lon, lat, srid=4326))
        assert decision.desa.code == feature["properties"]["expected_desa_code"]
        assert decision.kecamatan.name == feature["properties"]["expected_kecamatan"]
        assert decision.explanation.endswith(f"{decision.desa.label}, {decision.kecamatan.label}.")


@pytest.mark.parametrize(
    ("geometry", "code"),
    [
        (Point(112.70, -7.98, srid=4326), "outside_city"),  # Kota Malang
        (Point(-7.8763, 112.529, srid=4326), "outside_city_swapped"),  # [lat, lon] written for a Batu pin
        (Point(106.8272, -6.1754, srid=4326), "outside_city"),  # Jakarta
    ],
)
def test_outside_the_city_is_refused(geometry, code):
    with pytest.raises(RoutingError) as raised:
        route(category=category("sampah"), geometry=geometry)
    assert raised.value.code == code
    assert raised.value.field == "geometry"


def test_swapped_coordinates_are_recognised():
    from django.utils import translation

    from districts.selectors import swapped_coordinates_hint

    inside = Point(112.529, -7.8763, srid=4326)
    with translation.override("en"):
        assert "with longitude and latitude swapped" in swapped_coordinates_hint(inside)
    assert swapped_coordinates_hint(Point(112.70, -7.98, srid=4326)) is None


def test_a_geometry_type_the_category_does_not_allow_is_refused():
    light = asset_where("street_lights")
    line = parallel_line(asset_where("roads", road_class="city"), 3)
    with pytest.raises(RoutingError) as raised:
        route(category=category("pju-mati"), geometry=line)
    assert raised.value.code == "geometry_type_not_allowed"
    assert "hanya menerima titik, bukan garis" in str(raised.value.message)
    assert route(category=category("pju-mati"), geometry=beside(light, 2)).agency.code == "dishub"


def test_an_area_larger_than_the_limit_is_refused():
    huge = Polygon.from_bbox((112.45, -7.95, 112.62, -7.72))
    huge.srid = 4326
    with pytest.raises(RoutingError) as raised:
        route(category=category("sampah"), geometry=huge)
    assert raised.value.code == "geometry_too_large"


def test_a_line_reaching_outside_the_city_is_routed_inside_and_flagged():
    from geo_reports.models import Category as C

    road = asset_where("roads", road_class="national")
    start = beside(road, 2, fraction=0.5)
    outside = Point(112.70, -7.98, srid=4326)
    from django.contrib.gis.geos import LineString

    line = LineString(start.coords, outside.coords, srid=4326)
    decision = route(category=C.objects.get(code="drainase-banjir"), geometry=line)
    assert "partly_outside_city" in decision.flags
    assert decision.desa is not None
