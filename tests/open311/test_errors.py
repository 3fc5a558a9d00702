"""Every way a request can be wrong: the spec's status code and error document in XML and JSON, a
description in Indonesian (default) and English, and nothing written."""

from urllib.parse import quote

import pytest
from django.utils import translation

from geo_reports.models import IdempotencyKey, Report, ReporterContact, ReportPhoto, ReportUpdate
from tests import images

from .helpers import FORMATS, MALANG, errors, post_request, request_form, url

pytestmark = pytest.mark.django_db

LANGUAGES = ("id", "en")
LOCATION_REQUIRED = (
    "Lokasi wajib diisi: kirim lat dan long, atau address_string.",
    "A location is required: send lat and long, or address_string.",
)

# (case, form, which api key, HTTP status, Indonesian descriptions, English descriptions)
POST_CASES = [
    (
        "no api key",
        request_form(),
        None,
        403,
        ["api_key wajib disertakan untuk mengirim permintaan layanan."],
        ["An api_key is required to post a service request."],
    ),
    ("wrong api key", request_form(), "wrong", 403, ["api_key ini tidak berlaku."], ["This api_key is not valid."]),
    (
        "inactive api key",
        request_form(),
        "inactive",
        403,
        ["api_key ini tidak berlaku."],
        ["This api_key is not valid."],
    ),
    (
        "unknown jurisdiction",
        request_form(jurisdiction_id="malangkota.go.id"),
        "valid",
        404,
        ["jurisdiction_id malangkota.go.id tidak dikenal: server ini melayani batukota.go.id."],
        ["Unknown jurisdiction_id malangkota.go.id: this server serves batukota.go.id."],
    ),
    (
        "missing service_code",
        request_form(service_code=""),
        "valid",
        400,
        ["service_code wajib diisi."],
        ["service_code is required."],
    ),
    (
        "unknown service_code",
        request_form("ufo-mendarat"),
        "valid",
        404,
        ["service_code ufo-mendarat tidak dikenal."],
        ["Unknown service_code ufo-mendarat."],
    ),
    ("no location", request_form(lat=None, lon=None), "valid", 400, [LOCATION_REQUIRED[0]], [LOCATION_REQUIRED[1]]),
    ("empty location", request_form(lat="", lon=" "), "valid", 400, [LOCATION_REQUIRED[0]], [LOCATION_REQUIRED[1]]),
    (
        "lat without long",
        request_form(lon=None),
        "valid",
        400,
        ["Kirim lat dan long sekaligus."],
        ["Send both lat and long."],
    ),
    (
        "lat not a number",
        request_form(lat="minus tujuh"),
        "valid",
        400,
        ["lat harus berupa angka dalam derajat desimal (WGS84)."],
        ["lat must be a number in decimal degrees (WGS84)."],
    ),
    (
        "long not finite",
        request_form(lon="NaN"),
        "valid",
        400,
        ["long harus berupa angka dalam derajat desimal (WGS84)."],
        ["long must be a number in decimal degrees (WGS84)."],
    ),
    (
        "latitude out of range",
        request_form(lat="-97.5"),
        "valid",
        400,
        ["Lintang harus di antara -90 dan 90."],
        ["Latitude must be between -90 and 90."],
    ),
    (
        "longitude out of range",
        request_form(lon="1e999"),
        "valid",
        400,
        ["Bujur harus di antara -180 dan 180."],
        ["Longitude must be between -180 and 180."],
    ),
    (
        "lat and long swapped",
        request_form(lat="112.5290", lon="-7.8763"),
        "valid",
        400,
        ["lat dan long tampaknya tertukar: lat adalah lintang (sekitar -7,9 di Kota Batu), long adalah bujur."],
        ["lat and long look swapped: lat is the latitude (about -7.9 in Kota Batu), long the longitude."],
    ),
    (
        "outside Kota Batu",
        request_form(lon=MALANG[0], lat=MALANG[1]),
        "valid",
        400,
        ["Lokasi di luar wilayah Kota Batu."],
        ["The location is outside Kota Batu."],
    ),
    (
        "address_id only",
        request_form(lat=None, lon=None, address_id="#NOTPINPOINTED#"),
        "valid",
        400,
        ["address_id tidak didukung: kirim lat dan long, atau address_string."],
        ["address_id is not supported: send lat and long, or address_string."],
    ),
    (
        "unknown address",
        request_form(lat=None, lon=None, address_string="Atlantis"),
        "valid",
        400,
        [
            "Tidak ada tempat di Kota Batu yang cocok dengan address_string Atlantis: kirim lat dan long sebagai gantinya."
        ],
        ["No place in Kota Batu matches address_string Atlantis: send lat and long instead."],
    ),
    (
        "address with a control character",
        request_form(lat=None, lon=None, address_string="Sisir\x00"),
        "valid",
        400,
        ["address_string berisi karakter kontrol atau pengatur arah teks; hapus karakter itu."],
        ["address_string contains control or text-direction characters; remove them."],
    ),
    (
        "required attribute missing",
        request_form(**{"attribute[problem]": None}),
        "valid",
        400,
        ["attribute[problem]: Jawab pertanyaan: Apa masalahnya?"],
        ["attribute[problem]: Answer the question: What is wrong?"],
    ),
    (
        "attribute value not offered",
        request_form(**{"attribute[problem]": "ufo"}),
        "valid",
        400,
        ["attribute[problem]: Pilih salah satu jawaban yang tersedia."],
        ["attribute[problem]: Choose one of the offered answers."],
    ),
    (
        "unknown attribute",
        request_form(**{"attribute[warna]": "hijau"}),
        "valid",
        400,
        ["attribute[warna]: Kategori Sampah tidak memiliki pertanyaan warna."],
        ["attribute[warna]: The category Waste has no question warna."],
    ),
    (
        "bad email",
        request_form(email="bukan-email"),
        "valid",
        400,
        ["email: Masukkan alamat email yang valid."],
        ["email: Enter a valid email address."],
    ),
    (
        "bad phone",
        request_form(phone="telepon saya"),
        "valid",
        400,
        ["phone: Masukkan nomor telepon berupa angka, misalnya 0812 3456 7890."],
        ["phone: Enter a phone number of digits, e.g. 0812 3456 7890."],
    ),
    (
        "description too long",
        request_form(description="x" * 4001),
        "valid",
        400,
        ["Uraian paling panjang 4.000 karakter."],
        ["The description can be at most 4,000 characters."],
    ),
    (
        "description with a NUL character",
        request_form(description="Bocor\x00"),
        "valid",
        400,
        ["Karakter null tidak diizinkan."],
        ["Null characters are not allowed."],
    ),
    (
        "description with a text-direction override",
        request_form(description="Bocor \u202egnaлaj"),
        "valid",
        400,
        ["Uraian berisi karakter kontrol atau pengatur arah teks; hapus karakter itu."],
        ["The description contains control or text-direction characters; remove them."],
    ),
    (
        "several faults at once",
        request_form(lat=None, lon=None, email="bukan-email", **{"attribute[problem]": None}),
        "valid",
        400,
        [
            LOCATION_REQUIRED[0],
            "email: Masukkan alamat email yang valid.",
            "attribute[problem]: Jawab pertanyaan: Apa masalahnya?",
        ],
        [
            LOCATION_REQUIRED[1],
            "email: Enter a valid email address.",
            "attribute[problem]: Answer the question: What is wrong?",
        ],
    ),
]

MULTI_CASES = [
    (
        "multivaluelist value not offered",
        {"attribute[hazards][]": ["glass", "ufo"]},
        ["attribute[hazards]: Pilih di antara jawaban yang tersedia."],
        ["attribute[hazards]: Choose among the offered answers."],
    ),
    (
        "number not a number",
        {"attribute[hazards][]": "glass", "attribute[count]": "banyak"},
        ["attribute[count]: Masukkan angka."],
        ["attribute[count]: Enter a number."],
    ),
]


@pytest.fixture
def nothing_written():
    """Asserts, after the test, that no report (or any of its parts) was stored."""
    models = (Report, ReporterContact, ReportPhoto, ReportUpdate, IdempotencyKey)
    before = [model.objects.count() for model in models]
    yield
    assert [model.objects.count() for model in models] == before


def key_for(which, api_key, inactive_api_key):
    return {"valid": api_key, "inactive": inactive_api_key, "wrong": "not-a-key-" + "x" * 20, None: None}[which]


def check(response, fmt, status, descriptions):
    assert response.status_code == status, response.text
    assert errors(response, fmt) == [(str(status), description) for description in descriptions]
    if fmt == "json":
        assert all(isinstance(entry["code"], int) for entry in response.json())


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("case", "form", "which_key", "status", "indonesian", "english"), POST_CASES, ids=[c[0] for c in POST_CASES]
)
def test_a_bad_post_is_refused_and_writes_nothing(
    api, api_key, inactive_api_key, nothing_written, fmt, case, form, which_key, status, indonesian, english
):
    key = key_for(which_key, api_key, inactive_api_key)
    check(
        post_request(api, fmt, form, api_key=key, headers={"Idempotency-Key": f"bad-{case}"}), fmt, status, indonesian
    )
    check(post_request(api, fmt, form, api_key=key, headers={"Accept-Language": "en"}), fmt, status, english)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("case", "answers", "indonesian", "english"), MULTI_CASES, ids=[c[0] for c in MULTI_CASES])
def test_bad_answers_of_other_datatypes_are_refused(
    api, api_key, multi_category, nothing_written, fmt, case, answers, indonesian, english
):
    form = request_form(multi_category, **answers)
    check(post_request(api, fmt, form, api_key=api_key), fmt, 400, indonesian)
    check(post_request(api, fmt, form, api_key=api_key, params={"lang": "en"}), fmt, 400, english)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_file_that_is_not_a_photo_is_refused(api, api_key, nothing_written, fmt):
    files = [("photo1", ("script.svg", images.SVG_WITH_SCRIPT, "image/svg+xml"))]
    check(
        post_request(api, fmt, request_form(), api_key=api_key, files=files),
        fmt,
        400,
        ["media: Berkas ini bukan foto yang dapat dibaca. Kirim gambar JPEG, PNG, atau WebP."],
    )


def test_a_jurisdiction_in_the_query_string_is_checked_too(api, api_key, nothing_written):
    response = api.post(
        url("requests", "xml"), params={"jurisdiction_id": "sfgov.org"}, data={**request_form(), "api_key": api_key}
    )
    check(response, "xml", 404, ["jurisdiction_id sfgov.org tidak dikenal: server ini melayani batukota.go.id."])


def test_a_body_too_large_is_refused(api, api_key, nothing_written):
    """Refused from its Content-Length, before it is read (common.request_limits): 413."""
    response = post_request(api, "json", request_form(description="x" * (9 * 1024 * 1024)), api_key=api_key)
    size = int(response.request.headers["Content-Length"]) / (1024 * 1024)
    with translation.override("id"):
        message = translation.gettext(
            "The request is too large (%(size).1f MB); at most %(limit).1f MB is accepted here."
        ) % {"size": size, "limit": 8.0}
    check(response, "json", 413, [message])


RANGE = "Jarak start_date dan end_date paling lama 90 hari."
DATE_FORMAT = "{} harus berupa tanggal dan waktu dengan zona waktu, misalnya 2026-01-31T08:00:00+07:00."

# (case, resource, query, HTTP status, Indonesian descriptions, English descriptions)
GET_CASES = [
    ("start_date not a date", "requests", {"start_date": "kemarin"}, 400, [DATE_FORMAT.format("start_date")],
     ["start_date must be a date and time with a time zone, e.g. 2026-01-31T08:00:00+07:00."]),
    ("end_date without a time zone", "requests", {"end_date": "2026-11-01T08:00:00"}, 400, [DATE_FORMAT.format("end_date")],
     ["end_date must be a date and time with a time zone, e.g. 2026-01-31T08:00:00+07:00."]),
    ("impossible date", "requests", {"start_date": "2026-02-30T00:00:00Z"}, 400, [DATE_FORMAT.format("start_date")],
     ["start_date must be a date and time with a time zone, e.g. 2026-01-31T08:00:00+07:00."]),
    ("range over 90 days", "requests", {"start_date": "2026-01-01T00:00:00+07:00", "end_date": "2026-04-01T00:00:01+07:00"}, 400,
     [RANGE], ["start_date and end_date may be at most 90 days apart."]),
    ("end before start", "requests", {"start_date": "2026-03-01", "end_date": "2026-02-01"}, 400,
     ["end_date tidak boleh sebelum start_date."], ["end_date must not be before start_date."]),
    ("dates out of range", "requests", {"end_date": "0001-01-02T00:00:00Z"}, 400, ["Tanggal di luar jangkauan."], ["The dates are out of range."]),
    ("a moment before the calendar", "requests", {"end_date": "0001-01-01T00:00:00+01:00"}, 400, ["Tanggal di luar jangkauan."], ["The dates are out of range."]),
    ("dates past the calendar", "requests", {"start_date": "9999-12-01T00:00:00Z"}, 400, ["Tanggal di luar jangkauan."], ["The dates are out of range."]),
    ("unknown status", "requests", {"status": "open,pending"}, 400,
     ["Status pending tidak dikenal: gunakan open, closed, atau keduanya."], ["Unknown status pending: use open, closed or both."]),
    ("page_size zero", "requests", {"page_size": "0"}, 400, ["page_size harus di antara 1 dan 1000."], ["page_size must be between 1 and 1000."]),
    ("page_size too large", "requests", {"page_size": "5000"}, 400, ["page_size harus di antara 1 dan 1000."], ["page_size must be between 1 and 1000."]),
    ("page_size not a number", "requests", {"page_size": "semua"}, 400, ["page_size harus berupa bilangan bulat."], ["page_size must be a whole number."]),
    ("page negative", "requests", {"page": "-1"}, 400, ["page harus berupa bilangan bulat."], ["page must be a whole number."]),
    ("page too far", "requests", {"page": "100001"}, 400, ["page harus di antara 1 dan 100000."], ["page must be between 1 and 100000."]),
    ("extensions not a boolean", "requests", {"extensions": "ya"}, 400, ["extensions harus true atau false."], ["extensions must be true or false."]),
    ("service_request_id not numbers", "requests", {"service_request_id": "12,abc"}, 400,
     ["service_request_id harus berupa satu angka atau lebih, dipisahkan koma."],
     ["service_request_id must be one or more numbers separated by commas."]),
    ("several faults at once", "requests", {"start_date": "kemarin", "page_size": "0", "status": "x"}, 400,
     [DATE_FORMAT.format("start_date"), "Status x tidak dikenal: gunakan open, closed, atau keduanya.", "page_size harus di antara 1 dan 1000."],
     ["start_date must be a date and time with a time zone, e.g. 2026-01-31T08:00:00+07:00.", "Unknown status x: use open, closed or both.", "page_size must be between 1 and 1000."]),
    ("updates with a bad date", "servicerequestupdates", {"start_date": "2026-13-01T00:00:00Z", "end_date": "2026-11-01T00:00:00Z"}, 400,
     [DATE_FORMAT.format("start_date")], ["start_date must be a date and time with a time zone, e.g. 2026-01-31T08:00:00+07:00."]),
    ("updates over 90 days", "servicerequestupdates", {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-12-01T00:00:00Z"}, 400,
     [RANGE], ["start_date and end_date may be at most 90 days apart."]),
    ("unknown jurisdiction", "services", {"jurisdiction_id": "sfgov.org"}, 404,
     ["jurisdiction_id sfgov.org tidak dikenal: server ini melayani batukota.go.id."], ["Unknown jurisdiction_id sfgov.org: this server serves batukota.go.id."]),
    ("unknown jurisdiction on a query", "requests", {"jurisdiction_id": "sfgov.org"}, 404,
     ["jurisdiction_id sfgov.org tidak dikenal: server ini melayani batukota.go.id."], ["Unknown jurisdiction_id sfgov.org: this server serves batukota.go.id."]),
    ("unknown service", "services/ufo-mendarat", {}, 404, ["service_code ufo-mendarat tidak dikenal."], ["Unknown service_code ufo-mendarat."]),
    ("service code with markup", "services/%3Cx%3E", {}, 404, ["service_code <x> tidak dikenal."], ["Unknown service_code <x>."]),
    ("unknown request", "requests/987654321", {}, 404, ["Tidak ada permintaan layanan dengan id 987654321."], ["No service request has the id 987654321."]),
    ("request id not a number", "requests/abc", {}, 404, ["Tidak ada permintaan layanan dengan id abc."], ["No service request has the id abc."]),
    ("request id too long", "requests/" + "9" * 30, {}, 404, [f"Tidak ada permintaan layanan dengan id {'9' * 30}."], [f"No service request has the id {'9' * 30}."]),
    ("unknown token", "tokens/ZZZZ-ZZZZ", {}, 404, ["Tidak ada permintaan layanan dengan token ZZZZ-ZZZZ."], ["No service request has the token ZZZZ-ZZZZ."]),
]  # fmt: skip


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("case", "resource", "query", "status", "indonesian", "english"), GET_CASES, ids=[c[0] for c in GET_CASES]
)
def test_a_bad_query_gets_the_spec_error(api, fmt, case, resource, query, status, indonesian, english):
    check(api.get(url(resource, fmt), params=query), fmt, status, indonesian)
    check(
        api.get(url(resource, fmt), params=query, headers={"Accept-Language": "en-US,en;q=0.9"}), fmt, status, english
    )


def test_an_unknown_resource_or_format_gets_a_404_document(api):
    check(
        api.get("/open311/v2/requests.csv"),
        "xml",
        404,
        ["Sumber daya requests.csv tidak ada di sini; mulailah dari discovery.xml atau services.xml."],
    )
    check(
        api.get("/open311/v2/reports.json", params={"lang": "en"}),
        "json",
        404,
        ["There is no resource reports.json here; start from discovery.xml or services.xml."],
    )


def test_a_wrong_method_is_refused(api, api_key, nothing_written):
    response = api.post(url("services", "xml"), data={"api_key": api_key})
    check(response, "xml", 405, ["Gunakan GET untuk sumber daya ini."])
    assert response.headers["allow"] == "GET, HEAD"
    response = api.delete(url("requests", "json"), headers={"Accept-Language": "en"})
    check(response, "json", 405, ["Use GET, POST for this resource."])


def test_too_many_photos_are_refused(api, api_key, nothing_written):
    files = [(f"photo{n}", (f"{n}.png", images.png(16, 16), "image/png")) for n in range(1, 7)]
    check(
        post_request(api, "xml", request_form(), api_key=api_key, files=files),
        "xml",
        400,
        ["media: Kirim paling banyak 5 foto."],
    )


def test_a_malformed_multipart_body_is_refused(api, api_key, nothing_written):
    response = api.post(
        url("requests", "json"),
        params={"api_key": api_key},
        content=b"--x\r\nnot a part",
        headers={"Content-Type": "multipart/form-data"},
    )
    check(response, "json", 400, ["Isi permintaan terlalu besar atau tidak tersusun dengan benar."])


HOSTILE = ["\x00", "<x>&amp;", "'\"", "é" * 300, "9" * 40, "-1", "1e309", "%00", "\u202e", " "]


def test_hostile_values_never_cause_a_server_error(api, api_key):
    """Every parameter of every endpoint, filled with awkward values: always a spec answer, never 500.
    (Some posts are valid: a hostile value in a field another one overrides, or a harmless one.)"""
    for value in HOSTILE:
        for fmt in FORMATS:
            for resource in ("requests", "servicerequestupdates", "services", "discovery"):
                for name in ("jurisdiction_id", "service_request_id", "service_code", "start_date", "end_date",
                             "status", "page", "page_size", "extensions", "lang"):  # fmt: skip
                    response = api.get(url(resource, fmt), params={name: value})
                    assert response.status_code in (200, 400, 404), (resource, name, value, response.text)
                    parse_any(response, fmt)
            for resource in ("services/{}", "requests/{}", "tokens/{}"):
                response = api.get(url(resource.format(quote(value, safe="")), fmt))
                assert response.status_code in (200, 404), (resource, value, response.text)
                parse_any(response, fmt)
            for name in ("service_code", "lat", "long", "address_string", "address_id", "description", "email",
                         "first_name", "last_name", "phone", "attribute[problem]", f"attribute[{value}]",
                         "attribute[problem][]", "jurisdiction_id", "api_key"):  # fmt: skip
                form = {**request_form(description="Coba."), name: value}
                response = post_request(api, fmt, form, api_key=form.pop("api_key", api_key))
                assert response.status_code in (201, 400, 403, 404), (name, value, response.text)
                parse_any(response, fmt)


def parse_any(response, fmt):
    if fmt == "json":
        return response.json()
    import xml.etree.ElementTree as ET

    return ET.fromstring(response.content)
