"""GET requests (query, one request, tokens), extensions and FixMyStreet's servicerequestupdates."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from geo_reports.models import Report

from .helpers import (
    FORMATS,
    INTERNAL_NOTE,
    INTERNAL_NOTE_2,
    PUBLIC_REPLY,
    VERIFIED_MESSAGE,
    created_id,
    parse,
    post_request,
    request_form,
    url,
    xml_root,
)

pytestmark = pytest.mark.django_db

REQUEST_FIELDS = [
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
    "address", "address_id", "zipcode", "lat", "long", "media_url",
]  # fmt: skip
EXTENSION_FIELDS = [*REQUEST_FIELDS, "attributes", "extended_attributes", "notes"]


def local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def ids(api, fmt="json", **params) -> list[str]:
    response = api.get(url("requests", fmt), params=params)
    assert response.status_code == 200, response.text
    return [entry["service_request_id"] for entry in parse(response, fmt)]


def staff_transition(api, token: str, report_id: str, status: str, version: int, message: str) -> None:
    response = api.post(
        f"/api/reports/{report_id}/transition/",
        json={"status": status, "version": version, "message": message},
        headers={"Authorization": f"Token {token}"},
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("fmt", FORMATS)
def test_one_request_reads_back_in_the_spec_field_order(api, api_key, fmt):
    report_id = created_id(
        post_request(api, "json", request_form(description="Bau menyengat."), api_key=api_key), "json"
    )
    response = api.get(url(f"requests/{report_id}", fmt))
    assert response.status_code == 200
    (shown,) = parse(response, fmt)  # the same list shape as the query
    assert list(shown) == REQUEST_FIELDS
    report = Report.objects.select_related("agency").get(pk=int(report_id))
    expected = {
        "service_request_id": report_id,
        "status": "open",
        "status_notes": "",
        "service_name": "Sampah",
        "service_code": "sampah",
        "description": "Bau menyengat.",
        "agency_responsible": report.agency.name,
        "service_notice": report.routing_explanation,
        "requested_datetime": local(report.created_at),
        "updated_datetime": local(report.updated_at),
        "expected_datetime": local(report.resolve_due),
        "address": "Kel. Sisir, Kec. Batu, Kota Batu",
        "address_id": None,
        "zipcode": None,
        "lat": -7.8763,
        "long": 112.529,
        "media_url": "",
    }
    if fmt == "xml":
        assert xml_root(response).tag == "service_requests"
        expected = {k: "" if v is None else str(v) for k, v in expected.items()}
    assert shown == expected
    assert shown["requested_datetime"].endswith("+07:00")


def test_the_query_filters_by_service_status_and_dates(api, api_key, admin_token, multi_category):
    form = request_form(multi_category, **{"attribute[hazards][]": "glass"})
    first, second, third = (created_id(post_request(api, "json", form, api_key=api_key), "json") for _ in range(3))
    staff_transition(api, admin_token, third, "rejected", 1, "Bukan kewenangan kota.")
    ours = {first, second, third}

    in_category = ids(api, service_code=multi_category)
    assert ours <= set(in_category)
    assert [i for i in in_category if i in ours] == [third, second, first]  # newest first
    two_services = api.get(url("requests", "json"), params={"service_code": f" {multi_category} ,lainnya"}).json()
    assert ours <= {shown["service_request_id"] for shown in two_services}
    assert {shown["service_code"] for shown in two_services} <= {multi_category, "lainnya"}
    assert ids(api, service_code="no-such-service") == []

    closed = set(ids(api, "xml", service_code=multi_category, status="closed"))
    assert third in closed and not {first, second} & closed
    opened = set(ids(api, service_code=multi_category, status="open"))
    assert {first, second} <= opened and third not in opened
    assert ours <= set(ids(api, service_code=multi_category, status="open,closed"))
    (rejected,) = api.get(url(f"requests/{third}", "json")).json()
    assert rejected["status"] == "closed" and rejected["status_notes"] == "Bukan kewenangan kota."

    # service_request_id overrides every other argument.
    assert ids(api, service_request_id=f"{first}, {third}", service_code="lainnya", status="open") == [third, first]

    times = {
        i: dt.datetime.fromisoformat(api.get(url(f"requests/{i}", "json")).json()[0]["requested_datetime"])
        for i in ours
    }
    one_second = dt.timedelta(seconds=1)
    window = {"service_code": multi_category}
    after = (times[third] + one_second).isoformat()
    before = (times[first] - one_second).isoformat()
    assert not ours & set(ids(api, **window, start_date=after))
    assert not ours & set(ids(api, **window, end_date=before))
    assert ours <= set(ids(api, **window, start_date=before, end_date=after))
    in_utc = (times[first] - one_second).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ours <= set(ids(api, **window, start_date=in_utc))


def test_the_default_window_is_the_last_90_days(api, old_report):
    old = str(old_report)
    assert old not in ids(api, service_code="lainnya")
    (shown,) = parse(api.get(url(f"requests/{old}", "xml")), "xml")
    requested = dt.datetime.fromisoformat(shown["requested_datetime"])
    assert dt.timedelta(days=119) < timezone.now() - requested < dt.timedelta(days=121)
    around = {
        "start_date": (requested - dt.timedelta(days=1)).isoformat(),
        "end_date": (requested + dt.timedelta(days=1)).isoformat(),
    }
    assert old in ids(api, service_code="lainnya", **around)
    assert old in ids(api, start_date=around["start_date"])  # 90 days on from the start
    assert old not in ids(api, end_date=(requested - dt.timedelta(days=1)).isoformat())
    assert ids(api, service_request_id=old) == [old]  # ids are not limited to the window


def test_empty_parameters_count_as_absent(api, api_key):
    created_id(post_request(api, "json", request_form("lainnya"), api_key=api_key), "json")
    empty = dict.fromkeys(
        ["jurisdiction_id", "service_request_id", "service_code", "start_date", "end_date", "status", "page",
         "page_size", "extensions"],
        "",
    )  # fmt: skip
    for fmt in FORMATS:
        reference = api.get(url("requests", fmt))
        with_empties = api.get(url("requests", fmt), params=empty)
        assert with_empties.status_code == 200
        assert parse(with_empties, fmt) == parse(reference, fmt) != []


def test_a_range_of_exactly_90_days_is_allowed(api):
    for fmt in FORMATS:
        response = api.get(
            url("requests", fmt),
            params={"start_date": "2026-01-01T00:00:00+07:00", "end_date": "2026-04-01T00:00:00+07:00"},
        )
        assert response.status_code == 200, response.text


def test_pages_are_cut_in_the_database_in_order(api, api_key):
    for _ in range(4):
        created_id(post_request(api, "json", request_form("lainnya"), api_key=api_key), "json")
    everything = ids(api, service_code="lainnya", page_size=4)
    assert len(everything) == 4
    first_page = ids(api, service_code="lainnya", page_size=2)
    second_page = ids(api, "xml", service_code="lainnya", page_size=2, page=2)
    assert first_page + second_page == everything
    assert ids(api, service_code="lainnya", page_size=2, page=1) == first_page
    assert ids(api, service_code="lainnya", page=5000) == []
    empty = api.get(url("requests", "xml"), params={"page": 5000})
    assert xml_root(empty).tag == "service_requests" and len(xml_root(empty)) == 0
    assert api.get(url("requests", "json"), params={"page": 5000}).json() == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_token_is_a_tracking_code(api, timeline_report, fmt):
    code = timeline_report["tracking_code"]
    for asked in (code, code.lower().replace("-", "")):
        response = api.get(url(f"tokens/{asked}", fmt))
        assert response.status_code == 200
        assert parse(response, fmt) == [{"service_request_id": str(timeline_report["id"]), "token": code}]
    if fmt == "xml":
        assert xml_root(response).tag == "service_requests"


@pytest.mark.parametrize("fmt", FORMATS)
def test_extensions_show_answers_photos_and_the_public_timeline_only(api, timeline_report, fmt):
    report = Report.objects.get(pk=timeline_report["id"])
    plain = api.get(url(f"requests/{report.pk}", fmt))
    assert list(parse(plain, fmt)[0]) == REQUEST_FIELDS
    assert parse(plain, fmt)[0]["status_notes"] == VERIFIED_MESSAGE
    response = api.get(url(f"requests/{report.pk}", fmt), params={"extensions": "true"})
    for secret in (INTERNAL_NOTE, INTERNAL_NOTE_2, "CATATAN-INTERNAL"):
        assert secret not in response.text
    if fmt == "json":
        (shown,) = response.json()
        assert list(shown) == EXTENSION_FIELDS
        attributes, extended, notes = shown["attributes"], shown["extended_attributes"], shown["notes"]
    else:
        (request,) = xml_root(response)
        assert [child.tag for child in request] == EXTENSION_FIELDS
        attributes = [{f.tag: f.text for f in a} for a in request.find("attributes")]
        assert all(a.tag == "attribute" for a in request.find("attributes"))
        extended = {f.tag: f.text for f in request.find("extended_attributes")}
        extended["photos"] = []
        extended["x"], extended["y"] = float(extended["x"]), float(extended["y"])
        extended["duplicate"] = extended["duplicate"] == "true"
        notes = [{f.tag: f.text or "" for f in n} for n in request.find("notes")]
        assert all(n.tag == "note" for n in request.find("notes"))
    assert attributes == [{"label": "Apa masalahnya?", "name": "TPS penuh", "value": "depot_full", "code": "problem"}]
    assert extended == {
        "channel": "open311",
        "tracking_code": report.tracking_code,
        "x": 112.529,
        "y": -7.8763,
        "photos": [],
        "duplicate": False,
        "parent_service_request_id": None,
    }
    assert [(n["type"], n["summary"], n["description"]) for n in notes] == [
        ("created", "Laporan diterima", report.routing_explanation),
        ("status", "Diverifikasi", VERIFIED_MESSAGE),
        ("comment", "Balasan publik", PUBLIC_REPLY),
    ]
    assert all(n["datetime"].endswith("+07:00") for n in notes)
    english = api.get(url(f"requests/{report.pk}", "json"), params={"extensions": "true", "lang": "en"}).json()[0]
    assert [n["summary"] for n in english["notes"]] == ["Report received", "Verified", "Public reply"]
    assert english["attributes"][0]["name"] == "Waste depot full"


def test_a_staff_transition_shows_in_notes_and_in_the_updates(api, api_key, admin_token):
    report_id = created_id(post_request(api, "json", request_form(), api_key=api_key), "json")
    staff_transition(api, admin_token, report_id, "in_progress", 1, "Petugas menuju lokasi.")
    (shown,) = api.get(url(f"requests/{report_id}", "json"), params={"extensions": "true"}).json()
    assert shown["status"] == "open" and shown["status_notes"] == "Petugas menuju lokasi."
    assert (
        shown["notes"][-1]["summary"] == "Ditindaklanjuti"
        and shown["notes"][-1]["description"] == "Petugas menuju lokasi."
    )
    staff_transition(api, admin_token, report_id, "resolved", 2, "Sudah diangkut.")
    updates = [u for u in api.get(url("servicerequestupdates", "json")).json() if u["service_request_id"] == report_id]
    assert [(u["status"], u["external_status_code"], u["description"]) for u in updates] == [
        ("IN_PROGRESS", "in_progress", "Petugas menuju lokasi."),
        ("FIXED", "resolved", "Sudah diangkut."),
    ]
    (closed,) = api.get(url(f"requests/{report_id}", "json")).json()
    assert closed["status"] == "closed"


@pytest.mark.parametrize("fmt", FORMATS)
def test_updates_carry_public_status_changes_and_replies(api, timeline_report, fmt):
    response = api.get(url("servicerequestupdates", fmt))
    assert response.status_code == 200
    for secret in (INTERNAL_NOTE, INTERNAL_NOTE_2):
        assert secret not in response.text
    if fmt == "xml":
        root = xml_root(response)
        assert root.tag == "service_request_updates"
        assert {child.tag for child in root} == {"request_update"}
    fields = [
        "update_id",
        "service_request_id",
        "status",
        "updated_datetime",
        "description",
        "media_url",
        "external_status_code",
    ]
    entries = [u for u in parse(response, fmt) if u["service_request_id"] == str(timeline_report["id"])]
    assert all(list(u) == fields for u in entries)
    assert [(u["status"], u["description"], u["external_status_code"]) for u in entries] == [
        ("INVESTIGATING", VERIFIED_MESSAGE, "verified"),
        ("INVESTIGATING", PUBLIC_REPLY, "verified"),  # a reply carries the status of its moment
    ]
    assert all(u["update_id"].isdigit() and u["updated_datetime"].endswith("+07:00") for u in entries)
    moment = dt.datetime.fromisoformat(entries[0]["updated_datetime"])
    later = {
        "start_date": (moment + dt.timedelta(seconds=2)).isoformat(),
        "end_date": (moment + dt.timedelta(days=1)).isoformat(),
    }
    assert not [
        u
        for u in parse(api.get(url("servicerequestupdates", fmt), params=later), fmt)
        if u["service_request_id"] == str(timeline_report["id"])
    ]
    around = {
        "start_date": (moment - dt.timedelta(seconds=2)).isoformat(),
        "end_date": (moment + dt.timedelta(seconds=2)).isoformat(),
    }
    assert (
        len(
            [
                u
                for u in parse(api.get(url("servicerequestupdates", fmt), params=around), fmt)
                if u["service_request_id"] == str(timeline_report["id"])
            ]
        )
        == 2
    )


def test_reports_of_a_private_category_are_filed_but_never_shown(api, api_key, private_category):
    report_id = created_id(post_request(api, "json", request_form(private_category), api_key=api_key), "json")
    report = Report.objects.get(pk=int(report_id))
    assert api.get(url(f"requests/{report_id}", "json")).status_code == 404
    assert api.get(url(f"tokens/{report.tracking_code}", "xml")).status_code == 404
    assert report_id not in ids(api)
    assert ids(api, service_request_id=report_id) == []
    assert ids(api, service_code=private_category) == []


def test_a_page_costs_the_same_number_of_queries_whatever_its_size(client, api, api_key, admin_token):
    from tests import images

    made = []
    for n in range(3):
        files = [("media", ("foto.png", images.png(20 + n, 20), "image/png"))]
        report_id = created_id(post_request(api, "json", request_form(), api_key=api_key, files=files), "json")
        staff_transition(api, admin_token, report_id, "verified", 1, f"Diverifikasi {n}.")
        made.append(report_id)

    def queries(asked: list[str]) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url("requests", "xml"), {"service_request_id": ",".join(asked), "extensions": "true"})
        assert response.status_code == 200
        assert response.content.count(b"<request>") == len(asked)
        return len(captured.captured_queries)

    assert queries(made[:1]) == queries(made)
