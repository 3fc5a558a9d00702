"""Items through the real server: counts and geometry against the database, paging, bbox, datetime,
limit and offset, single features, and the errors for bad input."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from districts.models import Area, Asset
from geo_reports.models import Report
from geo_reports.selectors import report_public

from .conftest import assert_same_coordinates, box, get_json, link, walk

pytestmark = pytest.mark.django_db

REPORT_PROPERTIES = {
    "id", "tracking_code", "status", "category_code", "category_name", "agency_code", "agency_name",
    "desa_code", "desa_name", "kecamatan_code", "kecamatan_name", "description", "support_count",
    "created_at", "updated_at", "resolve_due", "first_response_at", "resolved_at", "closed_at", "overdue",
    "asset_layer", "asset_external_id",
}  # fmt: skip


def rfc3339(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def test_items_are_a_geojson_feature_collection(api, server):
    response = api.get("/ogcapi/collections/street_lights/items")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/geo+json")
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert body["numberMatched"] == Asset.objects.filter(layer__code="street_lights").count() > 1000
    assert body["numberReturned"] == len(body["features"]) == 1000  # the default limit
    stamp = dt.datetime.fromisoformat(body["timeStamp"])
    assert abs(stamp - timezone.now()) < dt.timedelta(minutes=5)
    assert link(body, "self", "application/geo+json") == (
        f"{server}/ogcapi/collections/street_lights/items?limit=1000&offset=0&f=json"
    )
    assert link(body, "alternate", "text/html").endswith("limit=1000&offset=0&f=html")
    assert link(body, "next", "application/geo+json").endswith("limit=1000&offset=1000&f=json")
    assert link(body, "prev") is None
    feature = body["features"][0]
    assert feature["type"] == "Feature" and isinstance(feature["id"], int)
    assert feature["geometry"]["type"] == "Point"


@pytest.mark.parametrize(("collection_id", "limit"), [("areas", 7), ("roads", 50), ("street_lights", 500)])
def test_next_links_walk_every_feature_exactly_once(api, collection_id, limit):
    features, pages = walk(api, f"/ogcapi/collections/{collection_id}/items", limit=limit)
    stored = Area.objects.all() if collection_id == "areas" else Asset.objects.filter(layer__code=collection_id)
    ids = [feature["id"] for feature in features]
    assert len(ids) == len(set(ids)) == stored.count()
    assert set(ids) == set(stored.values_list("pk", flat=True))
    assert all(page["numberMatched"] == stored.count() for page in pages)
    assert [page["numberReturned"] for page in pages[:-1]] == [limit] * (len(pages) - 1)
    assert link(pages[-1], "next") is None
    assert all(link(page, "prev") is not None for page in pages[1:])


def test_reports_walk_every_public_report_exactly_once(api, filed_reports):
    features, _ = walk(api, "/ogcapi/collections/reports/items", limit=2)
    ids = [feature["id"] for feature in features]
    assert len(ids) == len(set(ids))
    assert set(ids) == set(report_public().values_list("pk", flat=True))
    assert {report["id"] for report in filed_reports} <= set(ids)


def test_a_report_has_only_its_public_properties_and_its_point(api, filed_reports):
    filed = filed_reports[0]
    body = get_json(api, f"/ogcapi/collections/reports/items/{filed['id']}")
    assert body["id"] == filed["id"]
    assert set(body["properties"]) == REPORT_PROPERTIES
    stored = Report.objects.select_related("category", "agency", "desa", "kecamatan").get(pk=filed["id"])
    properties = body["properties"]
    assert properties["tracking_code"] == stored.tracking_code
    assert properties["status"] == stored.status
    assert (properties["category_code"], properties["category_name"]) == ("pju-mati", stored.category.name)
    assert (properties["agency_code"], properties["agency_name"]) == (stored.agency.code, stored.agency.name)
    assert (properties["desa_code"], properties["desa_name"]) == (stored.desa.code, stored.desa.name)
    assert (properties["kecamatan_code"], properties["kecamatan_name"]) == (
        stored.kecamatan.code,
        stored.kecamatan.name,
    )
    assert properties["description"] == stored.description
    # Times in WIB, with the offset, as every page shows them; the same instants as stored.
    for name in ("created_at", "updated_at", "resolve_due"):
        assert properties[name].endswith("+07:00"), name
        assert dt.datetime.fromisoformat(properties[name]) == getattr(stored, name)
    assert properties["first_response_at"] is properties["resolved_at"] is properties["closed_at"] is None
    assert properties["overdue"] is False  # just filed: due days from now
    assert (properties["asset_layer"], properties["asset_external_id"]) == (
        stored.asset.layer.code,
        stored.asset.external_id,
    )
    assert body["geometry"]["type"] == "Point"
    assert_same_coordinates(body["geometry"]["coordinates"], stored.location.coords)
    assert {(item["rel"], item["type"]) for item in body["links"]} >= {
        ("self", "application/geo+json"),
        ("alternate", "text/html"),
        ("collection", "application/json"),
    }


def test_an_asset_has_its_attributes_flattened_beside_its_owner(api):
    pipe = Asset.objects.filter(layer__code="water_pipes").select_related("owner").order_by("external_id").first()
    body = get_json(api, f"/ogcapi/collections/water_pipes/items/{pipe.pk}")
    properties = body["properties"]
    assert properties["external_id"] == pipe.external_id
    assert properties["name"] == pipe.name
    assert properties["owner_code"] == pipe.owner.code
    assert properties["synthetic"] is pipe.is_synthetic is True
    for key, value in pipe.attributes.items():
        if key not in ("external_id", "name", "synthetic"):
            assert properties[key] == value, key
    assert_same_coordinates(body["geometry"]["coordinates"], json.loads(pipe.geom.geojson)["coordinates"])


def test_an_area_has_its_code_name_kind_and_parent(api):
    desa = Area.objects.filter(kind__in=["desa", "kelurahan"]).select_related("parent").order_by("code").first()
    body = get_json(api, f"/ogcapi/collections/areas/items/{desa.pk}")
    assert body["properties"] == {
        "code": desa.code,
        "name": desa.name,
        "kind": desa.kind,
        "parent_code": desa.parent.code,
    }
    assert body["geometry"]["type"] == "MultiPolygon"
    assert_same_coordinates(body["geometry"]["coordinates"], desa.geom.coords)


@pytest.mark.parametrize(
    "path",
    [
        "/ogcapi/collections/reports/items/999999999",
        "/ogcapi/collections/reports/items/abc",
        "/ogcapi/collections/reports/items/99999999999999999999999999",
        "/ogcapi/collections/areas/items/-1",
        "/ogcapi/collections/reports/items/%C3%A9",
    ],
)
def test_a_missing_feature_is_a_404_with_a_json_message(api, path):
    response = api.get(path)
    assert response.status_code == 404
    assert response.json()["code"] == "NotFound"


def test_a_feature_of_another_collection_is_not_found(api):
    road = Asset.objects.filter(layer__code="roads").order_by("pk").first()
    assert api.get(f"/ogcapi/collections/roads/items/{road.pk}").status_code == 200
    assert api.get(f"/ogcapi/collections/water_pipes/items/{road.pk}").status_code == 404


@pytest.mark.parametrize("collection_id", ["street_lights", "roads"])
def test_bbox_returns_exactly_the_features_that_intersect_it(api, collection_id):
    bounds = (112.515, -7.89, 112.535, -7.87)
    body = get_json(api, f"/ogcapi/collections/{collection_id}/items", bbox=",".join(map(str, bounds)), limit=10000)
    expected = set(
        Asset.objects.filter(layer__code=collection_id, geom__intersects=box(*bounds)).values_list("pk", flat=True)
    )
    assert 0 < len(expected) < Asset.objects.filter(layer__code=collection_id).count()
    assert {feature["id"] for feature in body["features"]} == expected
    assert body["numberMatched"] == len(expected)
    assert "bbox=112.515%2C-7.89%2C112.535%2C-7.87" in link(body, "self")


def test_bbox_finds_the_filed_reports(api, filed_reports):
    lons = [report["geometry"]["coordinates"][0] for report in filed_reports]
    lats = [report["geometry"]["coordinates"][1] for report in filed_reports]
    bounds = (min(lons) - 0.0001, min(lats) - 0.0001, max(lons) + 0.0001, max(lats) + 0.0001)
    body = get_json(api, "/ogcapi/collections/reports/items", bbox=",".join(map(str, bounds)), limit=1000)
    expected = set(report_public().filter(location__intersects=box(*bounds)).values_list("pk", flat=True))
    assert {feature["id"] for feature in body["features"]} == expected
    assert {report["id"] for report in filed_reports} <= expected
    far = get_json(api, "/ogcapi/collections/reports/items", bbox="100,-5,100.1,-4.9")
    assert far["numberMatched"] == 0 and far["features"] == []


def test_a_bbox_without_width_and_height_is_a_point(api):
    light = Asset.objects.filter(layer__code="street_lights").order_by("external_id").first()
    x, y = light.geom.x, light.geom.y
    body = get_json(api, "/ogcapi/collections/street_lights/items", bbox=f"{x!r},{y!r},{x!r},{y!r}")
    at_that_point = Asset.objects.filter(layer__code="street_lights", geom=light.geom)
    assert {feature["id"] for feature in body["features"]} == set(at_that_point.values_list("pk", flat=True))
    assert light.pk in {feature["id"] for feature in body["features"]}


def test_six_number_bbox_ignores_heights(api):
    four = get_json(api, "/ogcapi/collections/roads/items", bbox="112.515,-7.89,112.535,-7.87")
    six = get_json(api, "/ogcapi/collections/roads/items", bbox="112.515,-7.89,-100,112.535,-7.87,100")
    expected = Asset.objects.filter(layer__code="roads", geom__intersects=box(112.515, -7.89, 112.535, -7.87))
    assert six["numberMatched"] == four["numberMatched"] == expected.count() > 0


@pytest.mark.parametrize(
    ("bbox", "words"),
    [
        ("112.535,-7.89,112.515,-7.87", "reversed"),
        ("112.515,-7.87,112.535,-7.89", "reversed"),
        ("112.515,-7.89,112.535", "four numbers"),
        ("a,b,c,d", "four numbers"),
        ("112.5,-7.9,112.6,-7.8,1", "four numbers"),
        ("nan,-7.9,112.6,-7.8", "four numbers"),
        ("1e999,-7.9,112.6,-7.8", "out of range"),
        ("112.5,-95,112.6,-7.8", "out of range"),
        ("-190,-7.9,112.6,-7.8", "out of range"),
        ("", None),
    ],
)
def test_a_bad_bbox_is_a_400_with_a_json_message(api, bbox, words):
    response = api.get("/ogcapi/collections/roads/items", params={"bbox": bbox}, headers={"Accept-Language": "en"})
    if words is None:  # an empty bbox is no bbox
        assert response.status_code == 200
        return
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "InvalidParameterValue"
    assert "bbox" in body["description"] and words in body["description"]


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.5", "", " ", "1e3", "٣"])
def test_a_bad_limit_is_a_400(api, value):
    response = api.get("/ogcapi/collections/areas/items", params={"limit": value})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "InvalidParameterValue" and "limit" in body["description"]


def test_a_limit_above_the_maximum_is_served_as_the_maximum(api):
    body = get_json(api, "/ogcapi/collections/street_lights/items", limit=25000)
    count = Asset.objects.filter(layer__code="street_lights").count()
    assert body["numberReturned"] == count  # fewer than 10,000 exist
    assert "limit=10000&" in link(body, "self")


@pytest.mark.parametrize("value", ["-1", "x", "1.0", "10000000000000000000000"])
def test_a_bad_offset_is_a_400(api, value):
    response = api.get("/ogcapi/collections/areas/items", params={"offset": value})
    assert response.status_code == 400
    assert "offset" in response.json()["description"]


def test_an_offset_past_the_end_is_an_empty_page_with_the_count(api):
    count = Area.objects.count()
    body = get_json(api, "/ogcapi/collections/areas/items", offset=count + 5)
    assert body["features"] == [] and body["numberReturned"] == 0
    assert body["numberMatched"] == count
    assert link(body, "next") is None and link(body, "prev") is not None


def test_unknown_parameters_are_ignored(api):
    plain = get_json(api, "/ogcapi/collections/areas/items", limit=5)
    extra = get_json(api, "/ogcapi/collections/areas/items", limit=5, colour="blue", resultType="hits")
    assert [f["id"] for f in extra["features"]] == [f["id"] for f in plain["features"]]


def test_datetime_selects_reports_by_the_time_they_were_submitted(api, filed_reports):
    times = [Report.objects.get(pk=report["id"]).created_at for report in filed_reports]
    first, middle, last = times
    assert first < middle < last
    ids = [report["id"] for report in filed_reports]

    def matched(value: str) -> set[int]:
        body = get_json(api, "/ogcapi/collections/reports/items", datetime=value, limit=10000)
        assert body["numberMatched"] == len(body["features"])
        assert "datetime=" in link(body, "self")
        return {feature["id"] for feature in body["features"]}

    def stored(**lookups) -> set[int]:
        return set(report_public().filter(**lookups).values_list("pk", flat=True))

    assert matched(rfc3339(middle)) == {ids[1]} == stored(created_at=middle)
    assert matched(f"{rfc3339(first)}/{rfc3339(middle)}") == stored(created_at__range=(first, middle))
    assert {ids[0], ids[1]} <= matched(f"{rfc3339(first)}/{rfc3339(middle)}")
    assert ids[2] not in matched(f"{rfc3339(first)}/{rfc3339(middle)}")
    assert matched(f"../{rfc3339(first)}") == stored(created_at__lte=first)
    assert matched(f"{rfc3339(last)}/..") == stored(created_at__gte=last) >= {ids[2]}
    assert matched(f"{rfc3339(last)}/") == matched(f"{rfc3339(last)}/..")
    assert matched("../..") == stored()
    # A date is that whole day in the city's time zone; an offset other than Z is understood.
    day = timezone.localtime(middle).date()
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    assert matched(day.isoformat()) == stored(created_at__gte=start, created_at__lt=start + dt.timedelta(days=1))
    jakarta = timezone.localtime(middle).isoformat()
    assert "+07:00" in jakarta and matched(jakarta) == {ids[1]}
    future = timezone.now() + dt.timedelta(days=3650)
    assert matched(f"{rfc3339(future)}/..") == set()


@pytest.mark.parametrize(
    "value",
    [
        "2024-05-01T08:00:00Z/2024-04-01T08:00:00Z",  # reversed
        "2024-05-01T08:00:00",  # no time zone
        "2024-13-01",
        "2024-05-01T25:00:00Z",
        "yesterday",
        "2024-05-01/2024-06-01/2024-07-01",
        "..",
        "2024-W18",
    ],
)
def test_a_bad_datetime_is_a_400(api, value):
    for collection_id in ("reports", "areas"):
        response = api.get(f"/ogcapi/collections/{collection_id}/items", params={"datetime": value})
        assert response.status_code == 400, value
        body = response.json()
        assert body["code"] == "InvalidParameterValue" and "datetime" in body["description"]


def test_datetime_is_ignored_by_collections_without_time(api):
    everything = get_json(api, "/ogcapi/collections/areas/items")
    in_the_past = get_json(api, "/ogcapi/collections/areas/items", datetime="2000-01-01T00:00:00Z/2000-01-02T00:00:00Z")
    assert in_the_past["numberMatched"] == everything["numberMatched"] == Area.objects.count()
