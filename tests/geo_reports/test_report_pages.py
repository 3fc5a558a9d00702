"""The report list's pages (GET /api/reports/) and the crews' nearby tickets, both written by
PostgreSQL as JSON: keyset pages that give every match once and in order while reports are added,
a count exact up to its limit and estimated (and said so) beyond it, features equal to what the
serializer writes, the nearby answer equal to what it was, and queries that do not grow with the
rows."""

import datetime as dt
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from rest_framework.test import APIClient, APIRequestFactory

from common.pagination import NewestFirstFeaturePagination
from districts.models import Agency, Membership
from districts.spatial import GeographyDistance, GeographyDWithin, GeographyKnn, Latitude, Longitude, lonlat_point
from geo_reports import selectors
from geo_reports.models import CategoryQuestion, Report, ReportCoHandler, ReportPhoto
from geo_reports.serializers.outputs import ReportFeatureSerializer
from geo_reports.services.bulk import reports_generate
from geo_reports.workflow import OPEN_STATUSES

pytestmark = pytest.mark.django_db

TOWN_BOX = (112.50, -7.90, 112.56, -7.85)  # central Batu, where the generator puts most reports


@pytest.fixture
def client():
    return APIClient()


@pytest.fixture
def generated() -> list[int]:
    before = set(Report.objects.values_list("pk", flat=True))
    reports_generate(count=400, batch=400, rebuild_indexes=False)
    made = sorted(set(Report.objects.values_list("pk", flat=True)) - before)
    # Equal submission times, so that pages end inside a run of them.
    first = Report.objects.filter(pk__in=made).order_by("-created_at").values_list("created_at", flat=True)[5]
    Report.objects.filter(pk__in=made[:40]).update(created_at=first)
    return made


def copies(reports, *, now: bool) -> list[int]:
    """New reports like `reports`, submitted now or at their times (shifted by a second)."""
    made = []
    for number, report in enumerate(reports):
        created_at = report.created_at + dt.timedelta(seconds=1)
        report.pk, report.tracking_code = None, f"UJI{number:02d}-{'N' if now else 'T'}"
        report.save()
        if not now:
            Report.objects.filter(pk=report.pk).update(created_at=created_at)
        made.append(report.pk)
    return made


def bbox_text(box) -> str:
    return ",".join(str(v) for v in box)


def expected_order(**filters) -> list[int]:
    """Every public report matching, newest first, equal times by id: what the pages must give."""
    reports = selectors.report_public()
    if "bbox" in filters:
        from django.contrib.gis.geos import Polygon

        reports = reports.filter(location__within=Polygon.from_bbox(filters["bbox"]))
    return list(reports.order_by("-created_at", "-pk").values_list("pk", flat=True))


def walk(client, params: dict, *, between=None) -> list[int]:
    """The ids of every page, following `next`; `between(page_number)` runs after each page."""
    ids, url, number = [], "/api/reports/", 0
    while url:
        response = client.get(url, params) if number == 0 else client.get(url)
        assert response.status_code == 200, response.content[:300]
        body = response.json()
        ids += [feature["id"] for feature in body["features"]]
        number += 1
        url = body["next"]
        if url:
            assert "cursor" in parse_qs(urlsplit(url).query) and "page" not in parse_qs(urlsplit(url).query)
        if between:
            between(number)
    return ids


@pytest.mark.parametrize("params", [{"bbox": bbox_text(TOWN_BOX)}, {}], ids=["in a bbox", "whole city"])
def test_keyset_pages_give_every_match_once_in_order_while_reports_are_added(client, generated, params):
    before = expected_order(**({"bbox": TOWN_BOX} if params else {}))
    assert len(before) > 100
    added = []

    def add_reports(number):
        if number in (1, 3):  # the newest of all, and others among those already shown and still to come
            added.extend(copies(Report.objects.filter(pk__in=generated[:12]), now=number == 1))

    ids = walk(client, {**params, "page_size": 37}, between=add_reports)
    assert len(ids) == len(set(ids)), "a report was given twice"
    assert set(before) <= set(ids), "a report that matched from the start was left out"
    assert set(ids) <= set(before) | set(added)
    order = {
        pk: (created_at, pk) for pk, created_at in Report.objects.filter(pk__in=ids).values_list("pk", "created_at")
    }
    keys = [order[pk] for pk in ids]
    assert keys == sorted(keys, reverse=True), "the pages are not newest first"
    assert [pk for pk in ids if pk in set(before)] == before


def test_offset_pages_still_work_and_a_bad_cursor_is_refused_with_a_message(client, generated):
    everything = expected_order()
    first = client.get("/api/reports/", {"page": 1, "page_size": 25}).json()
    second = client.get("/api/reports/", {"page": 2, "page_size": 25}).json()
    assert [f["id"] for f in first["features"] + second["features"]] == everything[:50]
    assert parse_qs(urlsplit(second["next"]).query)["page"] == ["3"]
    assert "page" not in parse_qs(urlsplit(second["previous"]).query)
    assert client.get("/api/reports/", {"page": 10_000}).status_code == 404
    # A page beyond any table (the fuzzer's 12123416346764488704 once overflowed PostgreSQL's OFFSET).
    for page in ("12123416346764488704", "-3", "0"):
        far = client.get("/api/reports/", {"page": page}, HTTP_ACCEPT_LANGUAGE="en")
        assert far.status_code == 404 and far.json()["detail"] == "Invalid page.", page
    bad = client.get("/api/reports/", {"cursor": "bukan-kursor"}, HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400
    assert bad.json()["errors"]["cursor"] == ["The cursor is not one this list gave: follow the `next` link as it is."]
    both = client.get("/api/reports/", {"cursor": "x", "page": 2}, HTTP_ACCEPT_LANGUAGE="en")
    assert both.status_code == 400
    assert both.json()["errors"]["cursor"] == ["Give either cursor or page, not both."]


def test_the_count_is_exact_up_to_the_limit_and_estimated_beyond_it(client, generated, monkeypatch):
    monkeypatch.setattr(NewestFirstFeaturePagination, "exact_count_up_to", 60)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE geo_reports_report")  # the estimate comes from the statistics
    everything = len(expected_order())
    body = client.get("/api/reports/", {"page_size": 5}).json()
    assert body["count_exact"] is False
    # Stated tolerance: within 50 % here (a few hundred reports); the benchmark measures it at a million.
    assert body["count"] >= 61 and abs(body["count"] - everything) <= 0.5 * everything, (body["count"], everything)
    in_town = len(expected_order(bbox=TOWN_BOX))
    town = client.get("/api/reports/", {"page_size": 5, "bbox": bbox_text(TOWN_BOX)}).json()
    assert town["count_exact"] is False and abs(town["count"] - in_town) <= 0.5 * in_town, (town["count"], in_town)
    # Below the limit: exact, and said so.
    some = Report.objects.get(pk=generated[100])
    box = (some.location.x - 0.002, some.location.y - 0.002, some.location.x + 0.002, some.location.y + 0.002)
    small = client.get("/api/reports/", {"bbox": bbox_text(box)}).json()
    assert len(expected_order(bbox=box)) <= 60
    assert small["count_exact"] is True and small["count"] == len(expected_order(bbox=box)) == len(small["features"])
    assert small["next"] is None


def test_the_pages_query_count_does_not_grow_with_the_matches(client, generated):
    def queries(params) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/reports/", params).status_code == 200
        return len(captured)

    # The public categories, the page's keys (and the reports of its last time, when the page is full),
    # the count (and its estimate), the features: whatever the page's size and the matches' number.
    for params in ({"page_size": 2}, {"page_size": 300}, {"page_size": 1000}):
        assert queries({**params, "bbox": bbox_text(TOWN_BOX)}) <= 6
        assert queries(params) <= 6


def comparable(value):
    """JSON values as the serializer and PostgreSQL may each write them: times as instants (one writes
    microseconds' trailing zeros, the other not), numbers as numbers."""
    if isinstance(value, dict):
        return {key: comparable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [comparable(item) for item in value]
    if isinstance(value, str) and len(value) >= 20 and value[4] == "-" and value[10] == "T":
        return dt.datetime.fromisoformat(value)
    return value


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_features_are_what_the_serializer_writes(client, generated, language):
    reports = Report.objects.filter(pk__in=generated[:30])
    # What lists also show: co-handling agencies, photos (hidden ones left out), answers of public and
    # staff-only questions (only public ones shown), a hidden and an overdue report.
    first, second, third = selectors.report_public().filter(pk__in=generated[:30]).values_list("pk", flat=True)[:3]
    agencies = list(Agency.objects.order_by("code")[:2])
    for agency in agencies:
        ReportCoHandler.objects.create(report_id=first, agency=agency)
    for index, public in enumerate((True, False, True)):
        ReportPhoto.objects.create(
            report_id=first, image=f"photos/ab/foto{index}.jpg", thumbnail=f"photos/ab/foto{index}-thumb.jpg",
            width=640, height=480, is_public=public,
        )  # fmt: skip
    report = Report.objects.get(pk=second)
    questions = list(CategoryQuestion.objects.filter(category=report.category))
    report.answers = {question.code: "jawaban" for question in questions} | {"gone": "x"}
    report.status, report.resolve_due = "verified", timezone.now() - dt.timedelta(days=2)
    report.save(update_fields=["answers", "status", "resolve_due"])
    Report.objects.filter(pk=third).update(is_hidden=True)
    # A decision by a rule, as the routing function stores it (the generator stores the rule's id only,
    # which the serializer cannot read).
    rule = {"id": 7, "area": "35.79.01", "asset_condition": {"road_class": "local"}, "priority": 10, "note": "Uji"}
    for row in reports:
        row.routing = {**row.routing, "rule": rule if row.pk == first else None}
        row.save(update_fields=["routing"])
    shown = selectors.report_public().filter(pk__in=generated[:30])
    keys = list(shown.order_by("-created_at", "-pk").values_list("pk", flat=True))
    assert first in keys and second in keys and third not in keys
    request = APIRequestFactory().get("/api/reports/")
    with translation.override(language):
        built = [
            json.loads(text) for text in selectors.report_public_features(keys, absolute=request.build_absolute_uri)
        ]
        from rest_framework.request import Request

        context = {"request": Request(request)}
        written = [
            json.loads(json.dumps(ReportFeatureSerializer(row, context=context).data))
            for row in sorted(selectors.report_public_list().filter(pk__in=keys), key=lambda r: keys.index(r.pk))
        ]
    assert [feature["id"] for feature in built] == keys
    shown = built[keys.index(first)]["properties"]
    assert len(shown["photos"]) == 2 and len(shown["co_handling_agencies"]) == 2
    assert set(built[keys.index(second)]["properties"]["answers"]) == {
        question.code for question in questions if question.visibility == CategoryQuestion.Visibility.PUBLIC
    }
    assert [feature["id"] for feature in written] == keys
    for ours, theirs in zip(built, written, strict=True):
        # Coordinates: PostgreSQL writes 7 decimals (about 1 cm), GEOS every digit.
        assert ours["geometry"]["coordinates"] == pytest.approx(theirs["geometry"]["coordinates"], abs=1e-7)
        ours.pop("geometry"), theirs.pop("geometry")
        assert comparable(ours) == comparable(theirs)
    assert [f["id"] for f in client.get("/api/reports/", {"page_size": 1000}).json()["features"]].count(third) == 0


# --- nearby tickets ---------------------------------------------------------------------------------


def nearby_as_it_was(*, agencies, point, radius_m, limit, user, assigned_only=False) -> dict:
    """The answer as the API wrote it before #20 (rows from the ORM, dicts in Python, DRF): the oracle."""
    candidates = Report.objects.filter(status__in=OPEN_STATUSES)
    if agencies is not None:
        candidates = candidates.filter(agency__in=agencies)
    if assigned_only:
        candidates = candidates.filter(assigned_to=user)
    nearest = candidates.annotate(knn=GeographyKnn("location", point)).order_by("knn").values("pk")[:limit]
    rows = list(
        Report.objects.filter(pk__in=nearest)
        .filter(GeographyDWithin("location", point, radius_m))
        .annotate(distance_m=GeographyDistance("location", point), lon=Longitude("location"), lat=Latitude("location"))
        .order_by("distance_m")
        .values_list(
            "pk", "tracking_code", "status", "category__code", "category__name", "category__name_en",
            "description", "description_original", "lon", "lat", "distance_m", "resolve_due", "version",
            "agency__code", "assigned_to_id",
        )
    )  # fmt: skip
    thumbnails = selectors.report_thumbnail_urls([row[0] for row in rows])
    now = timezone.now()
    tickets = [
        {
            "id": pk, "tracking_code": code, "status": status,
            "category": {"code": category, "name": name, "name_en": name_en},
            "description": (original or description)[:300], "location": [round(lon, 7), round(lat, 7)],
            "distance_m": round(distance, 1), "resolve_due": due.isoformat() if due else None,
            "overdue": bool(due and due < now), "version": version, "agency": agency,
            "assigned_to_me": bool(user is not None and assignee == user.pk), "thumbnails": thumbnails.get(pk, []),
        }
        for (
            pk, code, status, category, name, name_en, description, original, lon, lat, distance, due, version,
            agency, assignee,
        ) in rows
    ]  # fmt: skip
    return {"count": len(tickets), "radius_m": float(radius_m), "reports": tickets}


def busy_count(user) -> int:
    return Report.objects.filter(agency__in=user.memberships.values("agency"), status__in=OPEN_STATUSES).count()


@pytest.fixture
def crew(generated):
    open_reports = Report.objects.filter(pk__in=generated, status__in=OPEN_STATUSES)
    busiest = open_reports.values("agency").annotate(n=Count("pk")).order_by("-n")[0]
    agency = busiest["agency"]
    Report.objects.filter(pk__in=generated[200:220]).update(agency_id=agency, status="verified")  # a busy crew
    user = get_user_model().objects.create_user("kru-dekat-uji", password="x-pass-123")
    Membership.objects.create(user=user, agency_id=agency, role=Membership.Role.CREW)
    mine = Report.objects.filter(pk__in=generated, agency_id=agency, status__in=OPEN_STATUSES)
    Report.objects.filter(pk__in=list(mine.values_list("pk", flat=True)[:3])).update(assigned_to=user)
    some = mine.first()
    ReportPhoto.objects.create(report=some, image="photos/cd/a.jpg", thumbnail="photos/cd/a-thumb.jpg")
    Report.objects.filter(pk=some.pk).update(description_original="Kata pelapor sendiri", resolve_due=timezone.now())
    return user


@pytest.mark.parametrize(("limit", "mine"), [(50, False), (5, False), (200, True)])
def test_the_nearby_answer_is_what_it_was(client, crew, limit, mine):
    agencies = [membership.agency for membership in crew.memberships.all()]
    centre = Report.objects.filter(agency__in=agencies, status__in=OPEN_STATUSES).first().location
    params = {"lon": centre.x, "lat": centre.y, "radius": 20000, "limit": limit, "mine": str(mine).lower()}
    client.force_authenticate(crew)
    response = client.get("/api/reports/nearby/", params)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    point = lonlat_point(centre.x, centre.y)
    expected = nearby_as_it_was(
        agencies=agencies, point=point, radius_m=20000, limit=limit, user=crew, assigned_only=mine
    )
    assert expected["count"] == (3 if mine else min(limit, busy_count(crew)))
    assert comparable(response.json()) == comparable(expected)


def test_the_nearby_answer_takes_one_query_whatever_the_number_of_tickets(client, crew):
    centre = Report.objects.filter(agency__in=crew.memberships.values("agency"), status__in=OPEN_STATUSES)
    centre = centre.first().location
    client.force_authenticate(crew)

    def queries(limit: int) -> tuple[int, int]:
        params = {"lon": centre.x, "lat": centre.y, "radius": 20000, "limit": limit}
        client.get("/api/reports/nearby/", params)  # the statement is compiled once per process and shape
        with CaptureQueriesContext(connection) as captured:
            body = client.get("/api/reports/nearby/", params).json()
        return len(captured), body["count"]

    (few, one), (many, lots) = queries(1), queries(200)
    assert one == 1 and lots == busy_count(crew) >= 20
    assert few == many  # the memberships, and the one statement
    selectors.report_nearby_for_staff(agencies=None, point=centre, radius_m=20000, limit=200)
    with CaptureQueriesContext(connection) as captured:
        selectors.report_nearby_for_staff(agencies=None, point=centre, radius_m=20000, limit=200)
    assert len(captured) == 1


def test_no_agency_and_no_assignee_find_no_tickets(crew):
    point = Report.objects.first().location
    for answer in (
        selectors.report_nearby_for_staff(agencies=[], point=point, radius_m=500),
        selectors.report_nearby_for_staff(agencies=None, point=point, radius_m=500, assigned_only=True),
    ):
        assert json.loads(answer) == {"count": 0, "radius_m": 500.0, "reports": []}
