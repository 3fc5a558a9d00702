"""POST requests: filing a report as an Open311 client does, in XML and JSON."""

import datetime as dt

import pytest

from geo_reports.models import Report, ReporterContact, ReportPhoto
from tests import images

from .helpers import CONTACT, FORMATS, created_id, parse, post_request, request_form, url, xml_root

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt", FORMATS)
def test_posting_a_request_files_a_routed_report(api, api_key, fmt):
    form = request_form(
        description="Sampah dibuang di tepi sungai.\nSudah seminggu.",
        first_name=CONTACT["first_name"],
        last_name=CONTACT["last_name"],
        email=CONTACT["email"],
        phone=CONTACT["phone"],
        device_id="device-123",
        account_id="account-456",
        media_url="https://example.org/photo.jpg",
        jurisdiction_id="batukota.go.id",
    )
    response = post_request(api, fmt, form, api_key=api_key)
    assert response.status_code == 201, response.text
    body = parse(response, fmt)
    assert len(body) == 1
    assert list(body[0]) == ["service_request_id", "service_notice"]
    report_id = body[0]["service_request_id"]
    assert isinstance(report_id, str) and report_id.isdigit()
    if fmt == "xml":
        root = xml_root(response)
        assert root.tag == "service_requests" and [child.tag for child in root] == ["request"]

    report = Report.objects.select_related("category", "desa", "agency").get(pk=int(report_id))
    assert body[0]["service_notice"] == report.routing_explanation
    assert body[0]["service_notice"].startswith("Diteruskan ke Dinas Lingkungan Hidup Kota Batu")
    assert report.category.code == "sampah"
    assert report.channel == "open311"
    assert report.description == "Sampah dibuang di tepi sungai.\nSudah seminggu."
    assert report.answers == {"problem": "dumping"}
    assert (round(report.location.x, 6), round(report.location.y, 6)) == (112.529, -7.8763)
    assert report.desa.name == "Sisir"
    contact = ReporterContact.objects.get(report=report)
    assert (contact.name, contact.email, contact.phone) == (CONTACT["name"], CONTACT["email"], CONTACT["phone"])
    assert not report.photos.exists()  # a remote media_url is not fetched or stored


def test_the_service_notice_follows_the_language(api, api_key):
    response = post_request(api, "json", request_form(), api_key=api_key, headers={"Accept-Language": "en"})
    assert response.status_code == 201
    (created,) = response.json()
    assert created["service_notice"].startswith("Routed to Dinas Lingkungan Hidup Kota Batu")
    assert created["service_notice"] == Report.objects.get(pk=int(created["service_request_id"])).routing_explanation_en


def test_api_key_and_jurisdiction_may_come_in_the_query_string(api, api_key):
    response = api.post(
        url("requests", "json"),
        params={"api_key": api_key, "jurisdiction_id": "batukota.go.id"},
        data=request_form("lainnya"),
    )
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("fmt", FORMATS)
def test_attributes_of_every_kind_are_stored(api, api_key, multi_category, fmt):
    form = request_form(
        multi_category,
        **{
            "attribute[hazards][]": ["glass", "water"],
            "attribute[count]": "12",
            "attribute[since]": "2026-11-20T06:30:00+07:00",
        },
    )
    report_id = created_id(post_request(api, fmt, form, api_key=api_key), fmt)
    report = Report.objects.get(pk=int(report_id))
    assert report.answers == {"hazards": ["glass", "water"], "count": 12, "since": "2026-11-20T06:30:00+07:00"}


def test_a_single_value_for_a_multivaluelist_is_a_list_of_one(api, api_key, multi_category):
    form = request_form(multi_category, **{"attribute[hazards]": "smoke", "attribute[count]": ""})
    report_id = created_id(post_request(api, "json", form, api_key=api_key), "json")
    assert Report.objects.get(pk=int(report_id)).answers == {"hazards": ["smoke"]}


def test_an_address_string_is_found_in_the_gazetteer(api, api_key):
    form = request_form(lat=None, lon=None, address_string="Sisir")
    report_id = created_id(post_request(api, "xml", form, api_key=api_key), "xml")
    report = Report.objects.select_related("desa").get(pk=int(report_id))
    assert report.desa.name == "Sisir"
    (shown,) = api.get(url(f"requests/{report_id}", "json")).json()
    assert shown["address"] == "Kel. Sisir, Kec. Batu, Kota Batu"


def test_lat_and_long_win_over_an_address(api, api_key):
    form = request_form(address_string="Punten", address_id="#NOTPINPOINTED#")
    report_id = created_id(post_request(api, "json", form, api_key=api_key), "json")
    assert Report.objects.select_related("desa").get(pk=int(report_id)).desa.name == "Sisir"


@pytest.mark.parametrize("fmt", FORMATS)
def test_photos_come_as_multipart_files(api, server, api_key, fmt):
    files = [
        ("media", ("kamera.jpg", images.phone_photo(), "image/jpeg")),
        ("photo1", ("satu.png", images.png(48, 32), "image/png")),
    ]
    response = post_request(api, fmt, request_form(), api_key=api_key, files=files)
    report_id = created_id(response, fmt)
    photos = list(ReportPhoto.objects.filter(report_id=int(report_id)).order_by("id"))
    assert len(photos) == 2
    (shown,) = api.get(url(f"requests/{report_id}", "json"), params={"extensions": "true"}).json()
    assert shown["media_url"] == f"{server}{photos[0].image.url}"
    served = api.get(shown["media_url"])
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
    assert images.SERIAL.encode() not in served.content  # re-encoded by the reports app, EXIF gone
    listed = shown["extended_attributes"]["photos"]
    assert [(p["width"], p["height"]) for p in listed] == [(photos[0].width, photos[0].height), (48, 32)]
    assert [p["title"] for p in listed] == ["Foto 1", "Foto 2"]
    assert all(p["media_url"].startswith("http://") and p["created_at"].endswith("+07:00") for p in listed)


def test_a_retry_with_the_same_idempotency_key_returns_the_first_request(api, api_key):
    key = {"Idempotency-Key": f"open311-retry-{dt.datetime.now().timestamp()}"}
    form = request_form(description="Sekali saja.")
    before = Report.objects.count()
    first = post_request(api, "json", form, api_key=api_key, headers=key)
    again = post_request(api, "json", form, api_key=api_key, headers=key)
    assert first.status_code == 201 and again.status_code == 200
    assert first.json() == again.json()
    assert Report.objects.count() == before + 1
    other = post_request(api, "xml", request_form(description="Laporan lain."), api_key=api_key, headers=key)
    assert other.status_code == 422
    assert "Idempotency-Key ini sudah dipakai untuk laporan lain." in other.text
    assert Report.objects.count() == before + 1
