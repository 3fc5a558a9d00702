"""OGC API - Features Part 3 through the real server: the queryables, and `filter` in CQL2 text
selecting exactly the rows the database holds, dates read as whole days in WIB; a 400 with one
message for anything else."""

import datetime as dt

import pytest
from django.db.models import Q
from django.utils import timezone

from districts.models import Area, Asset
from geo_reports.models import OPEN_STATUSES, Report, Status
from geo_reports.selectors import report_public

from .conftest import get_json, link, walk, wib

pytestmark = pytest.mark.django_db

QUERYABLES_REL = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
GDAL_ACCEPT = "application/geo+json, application/json"
REPORT_QUERYABLES = [
    "id", "tracking_code", "status", "category_code", "agency_code", "agency_name", "desa_code", "desa_name",
    "kecamatan_code", "kecamatan_name", "support_count", "created_at", "updated_at", "resolve_due",
    "first_response_at", "resolved_at", "closed_at", "overdue", "asset_layer", "asset_external_id",
]  # fmt: skip
# 10 June 2025 in WIB, its first and last microsecond.
DAY_START, DAY_END = wib(2025, 6, 10), wib(2025, 6, 10, 23, 59, 59, 999999)


def filtered_ids(api, filter_text: str, collection: str = "reports", **params) -> set[int]:
    body = get_json(api, f"/ogcapi/collections/{collection}/items", filter=filter_text, limit=10000, **params)
    assert body["numberMatched"] == body["numberReturned"] == len(body["features"])
    return {feature["id"] for feature in body["features"]}


def stored_ids(condition: Q) -> set[int]:
    return set(report_public().filter(condition).values_list("pk", flat=True))


def test_the_queryables_are_a_json_schema_of_what_a_filter_may_name(api, server):
    response = api.get("/ogcapi/collections/reports/queryables")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/schema+json; charset=utf-8"
    body = response.json()
    assert body["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert body["$id"] == f"{server}/ogcapi/collections/reports/queryables"
    assert body["type"] == "object" and body["additionalProperties"] is False
    assert list(body["properties"]) == REPORT_QUERYABLES
    properties = body["properties"]
    assert properties["status"] == {"title": "Status", "type": "string", "enum": list(Status.values)}
    assert properties["support_count"]["type"] == "integer"
    assert properties["overdue"]["type"] == "boolean"
    for name in ("created_at", "updated_at", "resolve_due", "first_response_at", "resolved_at", "closed_at"):
        assert (properties[name]["type"], properties[name]["format"]) == ("string", "date-time")
    # What `datetime` selects on (OGC API - Features Part 5's role), and nothing else has a role.
    assert [name for name, schema in properties.items() if "x-ogc-role" in schema] == ["created_at"]
    assert properties["created_at"]["x-ogc-role"] == "primary-instant"
    # The names again in the form of Part 3's drafts, which GDAL's OAPIF driver reads.
    assert [item["id"] for item in body["queryables"]] == REPORT_QUERYABLES
    # The description (free text, masked by moderation) is not for filters.
    assert "description" not in properties


def test_a_client_asking_for_json_gets_the_queryables_as_json(api):
    as_json = api.get("/ogcapi/collections/reports/queryables", headers={"Accept": GDAL_ACCEPT})
    assert as_json.headers["content-type"] == "application/json; charset=utf-8"
    schema = api.get("/ogcapi/collections/reports/queryables", headers={"Accept": "application/schema+json"})
    assert schema.headers["content-type"] == "application/schema+json; charset=utf-8"
    assert as_json.json() == schema.json()
    page = api.get("/ogcapi/collections/reports/queryables", params={"f": "html"})
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    for name in REPORT_QUERYABLES:
        assert f">{name}</th>" in page.text
    assert api.get("/ogcapi/collections/nope/queryables").status_code == 404


def test_areas_and_asset_layers_have_queryables_too(api):
    areas = get_json(api, "/ogcapi/collections/areas/queryables")
    assert list(areas["properties"]) == ["code", "name", "kind", "parent_code"]
    assert areas["properties"]["kind"]["enum"] == list(Area.Kind.values)
    pipes = get_json(api, "/ogcapi/collections/water_pipes/queryables")
    assert list(pipes["properties"]) == ["external_id", "name", "owner_code"]
    assert filtered_ids(api, "kind = 'kecamatan'", "areas") == set(
        Area.objects.filter(kind="kecamatan").values_list("pk", flat=True)
    )
    assert filtered_ids(api, "parent_code = '35.79.01' AND name LIKE 'S%'", "areas") == set(
        Area.objects.filter(parent__code="35.79.01", name__startswith="S").values_list("pk", flat=True)
    )
    owner = Asset.objects.filter(layer__code="roads").values_list("owner__code", flat=True).first()
    assert filtered_ids(api, f"owner_code = '{owner}'", "roads") == set(
        Asset.objects.filter(layer__code="roads", owner__code=owner).values_list("pk", flat=True)
    )


def test_dates_are_whole_days_in_wib(api, timeline_reports):
    """10 June in WIB runs from 9 June 17:00 to 10 June 17:00 in UTC: a day read in UTC would take
    `next_day` and drop `first_moment`."""
    ids = timeline_reports
    on_the_day = filtered_ids(api, "updated_at = DATE('2025-06-10')")
    assert {ids["first_moment"], ids["last_moment"]} <= on_the_day
    assert ids["next_day"] not in on_the_day and ids["day_before"] not in on_the_day
    assert on_the_day == stored_ids(Q(updated_at__gte=DAY_START, updated_at__lte=DAY_END))
    assert ids["next_day"] in filtered_ids(api, "updated_at > DATE('2025-06-10')")
    assert ids["last_moment"] not in filtered_ids(api, "updated_at > DATE('2025-06-10')")
    assert ids["day_before"] in filtered_ids(api, "updated_at < DATE('2025-06-10')")
    assert ids["first_moment"] not in filtered_ids(api, "updated_at < DATE('2025-06-10')")


LAST_MOMENT = "TIMESTAMP('2025-06-10T16:59:59.999999Z')"


@pytest.mark.parametrize(
    ("filter_text", "condition"),
    [
        ("status = 'resolved'", Q(status="resolved")),
        ("'resolved' <> status", ~Q(status="resolved")),
        ("status IN ('resolved', 'closed')", Q(status__in=["resolved", "closed"])),
        ("status NOT IN ('resolved', 'closed')", ~Q(status__in=["resolved", "closed"])),
        ("support_count >= 0 AND support_count < 1", Q(support_count=0)),
        ("support_count BETWEEN 0 AND 3", Q(support_count__range=(0, 3))),
        ("resolved_at IS NULL", Q(resolved_at__isnull=True)),
        ("closed_at IS NOT NULL", Q(closed_at__isnull=False)),
        # A comparison with a missing value is false; NOT makes it true (as Django's exclude does).
        ("NOT (resolved_at < DATE('2025-06-10'))", ~Q(resolved_at__lt=DAY_START)),
        ("resolved_at <> DATE('2025-06-10')", Q(resolved_at__lt=DAY_START) | Q(resolved_at__gt=DAY_END)),
        ("updated_at = DATE('2025-06-10')", Q(updated_at__range=(DAY_START, DAY_END))),
        ("updated_at <> DATE('2025-06-10')", ~Q(updated_at__range=(DAY_START, DAY_END))),
        ("updated_at < DATE('2025-06-10')", Q(updated_at__lt=DAY_START)),
        ("updated_at <= DATE('2025-06-10')", Q(updated_at__lte=DAY_END)),
        ("updated_at > DATE('2025-06-10')", Q(updated_at__gt=DAY_END)),
        ("updated_at >= DATE('2025-06-10')", Q(updated_at__gte=DAY_START)),
        ("DATE('2025-06-10') <= updated_at", Q(updated_at__gte=DAY_START)),
        (f"updated_at = {LAST_MOMENT}", Q(updated_at=DAY_END)),
        (f"updated_at >= {LAST_MOMENT}", Q(updated_at__gte=DAY_END)),
        ("updated_at > TIMESTAMP('2025-06-10T23:59:59.999999+07:00')", Q(updated_at__gt=DAY_END)),
        # GDAL's OAPIF driver writes a date as '2025-06-10T', a time without seconds as '…T17:00Z'.
        ("updated_at >= '2025-06-10T'", Q(updated_at__gte=DAY_START)),
        ("updated_at >= '2025-06-10'", Q(updated_at__gte=DAY_START)),
        ("updated_at = '2025-06-10T'", Q(updated_at__range=(DAY_START, DAY_END))),
        ("updated_at >= '2025-06-10T17:00Z'", Q(updated_at__gte=dt.datetime(2025, 6, 10, 17, tzinfo=dt.UTC))),
        ("updated_at < '2025-06-10T17Z'", Q(updated_at__lt=dt.datetime(2025, 6, 10, 17, tzinfo=dt.UTC))),
        ("T_BEFORE(updated_at, DATE('2025-06-10'))", Q(updated_at__lt=DAY_START)),
        ("T_AFTER(updated_at, DATE('2025-06-10'))", Q(updated_at__gt=DAY_END)),
        ("T_EQUALS(updated_at, DATE('2025-06-10'))", Q(updated_at__range=(DAY_START, DAY_END))),
        (
            "T_DURING(created_at, INTERVAL('2025-06-02', '2025-06-05'))",
            Q(created_at__gt=wib(2025, 6, 2), created_at__lt=wib(2025, 6, 5, 23, 59, 59, 999999)),
        ),
        ("T_INTERSECTS(created_at, INTERVAL('2025-06-02', '..'))", Q(created_at__gte=wib(2025, 6, 2))),
        ("T_DISJOINT(closed_at, INTERVAL('..', '2025-06-09'))", Q(closed_at__gt=wib(2025, 6, 9, 23, 59, 59, 999999))),
        ("T_AFTER(created_at, INTERVAL('2025-06-01', '..'))", Q(pk__in=[])),
        (
            "created_at BETWEEN DATE('2025-06-02') AND DATE('2025-06-04')",
            Q(created_at__gte=wib(2025, 6, 2), created_at__lte=wib(2025, 6, 4, 23, 59, 59, 999999)),
        ),
        ("tracking_code LIKE '%'", Q()),
        # The timeline's lamps are in Desa Beji, Kec. Junrejo.
        ("kecamatan_name ILIKE 'jUnReJo'", Q(kecamatan__name__iexact="junrejo")),
        ("desa_name LIKE 'B_j%'", Q(desa__name__regex=r"^B.j.*$")),
        (
            "(status = 'resolved' OR status = 'closed') AND first_response_at IS NOT NULL",
            Q(status__in=["resolved", "closed"], first_response_at__isnull=False),
        ),
        ("agency_code = 'dishub' AND NOT status = 'closed'", Q(agency__code="dishub") & ~Q(status="closed")),
        ("asset_layer = 'street_lights'", Q(asset__layer__code="street_lights")),
        ("TRUE", Q()),
        ("NOT TRUE", Q(pk__in=[])),
        ("FALSE OR status = 'closed'", Q(status="closed")),
    ],
)
def test_a_filter_selects_the_reports_the_database_holds(api, timeline_reports, filter_text, condition):
    found = filtered_ids(api, filter_text)
    assert found == stored_ids(condition)
    assert found or condition == Q(pk__in=[]), "a filter that selects nothing proves little"


def test_overdue_is_open_and_past_the_deadline(api, timeline_reports):
    overdue = Q(status__in=sorted(OPEN_STATUSES), resolve_due__lt=timezone.now())
    assert timeline_reports["next_day"] in filtered_ids(api, "overdue = TRUE") == stored_ids(overdue)
    not_overdue = filtered_ids(api, "overdue = FALSE")
    assert {timeline_reports[name] for name in ("rejected", "no_deadline", "day_before")} <= not_overdue
    assert not_overdue == stored_ids(~overdue)
    # GDAL writes a boolean field's values as 1 and 0.
    assert filtered_ids(api, "overdue = 1") == stored_ids(overdue)
    assert filtered_ids(api, "overdue <> 1") == stored_ids(~overdue)


def test_a_report_and_its_asset_are_found_by_their_ids(api, timeline_reports):
    report = Report.objects.select_related("asset").get(pk=timeline_reports["first_moment"])
    assert filtered_ids(api, f"id = {report.pk}") == {report.pk}
    by_asset = filtered_ids(api, f"asset_external_id = '{report.asset.external_id}'")
    assert report.pk in by_asset == stored_ids(Q(asset__external_id=report.asset.external_id))
    prefix = report.asset.external_id[:-2]
    assert filtered_ids(api, f"asset_external_id LIKE '{prefix}%'") == stored_ids(
        Q(asset__external_id__startswith=prefix)
    )


def test_next_links_keep_the_filter_and_bbox_and_datetime_still_apply(api, timeline_reports):
    filter_text = "updated_at >= DATE('2025-06-01')"
    features, pages = walk(api, "/ogcapi/collections/reports/items", filter=filter_text, limit=2)
    expected = stored_ids(Q(updated_at__gte=wib(2025, 6, 1)))
    assert {feature["id"] for feature in features} == expected and len(pages) > 2
    assert all(page["numberMatched"] == len(expected) for page in pages)
    assert "filter=updated_at+%3E%3D+DATE%28%272025-06-01%27%29" in link(pages[0], "next")
    # With filter-lang as GDAL sends it, and the other parameters beside it.
    both = filtered_ids(api, filter_text, **{"filter-lang": "cql-text", "datetime": "2025-06-03/2025-06-04"})
    created = (wib(2025, 6, 3), wib(2025, 6, 4, 23, 59, 59, 999999))
    assert both == stored_ids(Q(updated_at__gte=wib(2025, 6, 1), created_at__range=created))
    assert both == {timeline_reports["next_day"], timeline_reports["day_before"]}
    body = get_json(
        api, "/ogcapi/collections/reports/items", filter=filter_text, limit=1, **{"filter-lang": "cql-text"}
    )
    assert "filter-lang=cql-text" in link(body, "next")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"filter": "colour = 'red'"},
            "filter: colour is not a queryable property of reports; these are: " + ", ".join(REPORT_QUERYABLES) + ".",
        ),
        ({"filter": "description LIKE '%'"}, "filter: description is not a queryable property of reports"),
        ({"filter": "support_count = 'many'"}, "filter: support_count holds integer values; 'many' is not one."),
        ({"filter": "support_count = 1.5"}, "filter: support_count holds integer values; 1.5 is not one."),
        ({"filter": "status = 3"}, "filter: status holds string values; 3 is not one."),
        ({"filter": "overdue = 2"}, "filter: overdue holds boolean values; 2 is not one."),
        ({"filter": "overdue < TRUE"}, "filter: < does not apply to overdue (boolean)."),
        ({"filter": "support_count LIKE '1%'"}, "filter: LIKE does not apply to support_count (integer)."),
        ({"filter": "T_AFTER(status, DATE('2025-06-10'))"}, "filter: T_AFTER does not apply to status (string)."),
        (
            {"filter": "status = tracking_code"},
            "filter: a comparison names one queryable property and one value, not status = tracking_code.",
        ),
        ({"filter": "1 = 1"}, "filter: a comparison names one queryable property and one value, not 1 = 1."),
        ({"filter": "'x' LIKE 'x'"}, "filter: LIKE applies to a queryable property, not to 'x'."),
        (
            {"filter": "updated_at > 'yesterday'"},
            "filter: 'yesterday' is not a date (2026-12-01) or a time with its time zone (2026-12-01T08:00:00Z) to compare updated_at with.",
        ),
        ({"filter": "updated_at > 5"}, "filter: updated_at holds date-time values; 5 is not one."),
        (
            {"filter": "updated_at = INTERVAL('2025-06-01', '..')"},
            "filter: INTERVAL('2025-06-01', '..') is an interval; compare updated_at with it using T_DURING, T_INTERSECTS, T_BEFORE, T_AFTER or T_DISJOINT.",
        ),
        (
            {"filter": "T_DURING(created_at, INTERVAL('2025-06-05', '2025-06-01'))"},
            "filter: INTERVAL('2025-06-05', '2025-06-01') ends before it starts.",
        ),
        (
            {"filter": "T_BEFORE(DATE('2025-06-10'), updated_at)"},
            "filter: T_BEFORE takes a date-time property first and then a TIMESTAMP, DATE or INTERVAL.",
        ),
        ({"filter": "status = 'resolved' AND"}, "filter ends too early: a property name or a value is missing."),
        (
            {"filter": "status = 'x'", "filter-lang": "cql2-json"},
            "filter-lang must be cql2-text (the only filter language of this API).",
        ),
        (
            {"filter": "status = 'x'", "filter-crs": "http://www.opengis.net/def/crs/EPSG/0/4326"},
            "filter-crs must be http://www.opengis.net/def/crs/OGC/1.3/CRS84 (longitude and latitude in WGS84).",
        ),
    ],
)
def test_a_bad_filter_is_a_400_with_one_message(api, params, message):
    response = api.get("/ogcapi/collections/reports/items", params=params, headers={"Accept-Language": "en"})
    assert response.status_code == 400, response.text[:300]
    body = response.json()
    assert body["code"] == "InvalidParameterValue"
    assert body["description"].startswith(message)


def test_a_filter_names_only_the_collections_own_queryables(api):
    response = api.get("/ogcapi/collections/areas/items", params={"filter": "status = 'resolved'"})
    assert response.status_code == 400
    assert "kind" in response.json()["description"]  # the areas' own queryables are named
