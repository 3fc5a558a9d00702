"""Bad input to POST /api/reports/ and /api/routing/preview/: 400, a message on the field at fault in
Indonesian (default) and English, and nothing written."""

import json

import pytest

from geo_reports.models import IdempotencyKey, Report, ReportPhoto, ReportUpdate
from tests import images

pytestmark = pytest.mark.django_db

BATU = [112.5290, -7.8763]  # inside Kelurahan Sisir
ANSWERS = {"problem": "dumping"}


def report(geometry=None, **properties):
    properties = {"category": "sampah", "answers": ANSWERS, **properties}
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": BATU} if geometry is None else geometry,
        "properties": properties,
    }


def ring(points):
    return [[*p] for p in points]


SQUARE = ring([[112.529, -7.876], [112.530, -7.876], [112.530, -7.877], [112.529, -7.877], [112.529, -7.876]])
BOW_TIE = ring([[112.529, -7.876], [112.530, -7.877], [112.530, -7.876], [112.529, -7.877], [112.529, -7.876]])
MANY = [[112.52 + i * 1e-6, -7.87 + (i % 2) * 1e-6] for i in range(5001)]

# (case, request body, field, Indonesian message, English message)
CASES = [
    (
        "missing category",
        report(category=None),
        "category",
        "Pilih kategori.",
        "Choose a category.",
    ),
    (
        "unknown category",
        report(category="ufo-landing"),
        "category",
        "Kategori ufo-landing tidak dikenal.",
        "Unknown category ufo-landing.",
    ),
    (
        "no geometry",
        {"type": "Feature", "properties": {"category": "sampah", "answers": ANSWERS}},
        "geometry",
        "Lokasi (geometri) wajib diisi: tandai titik di peta.",
        "The location (geometry) is required: place a pin on the map.",
    ),
    (
        "empty geometry",
        report({"type": "Point", "coordinates": []}),
        "geometry",
        "Geometri kosong: tidak ada koordinatnya.",
        "The geometry is empty: it has no coordinates.",
    ),
    (
        "self-intersecting polygon",
        report({"type": "Polygon", "coordinates": [BOW_TIE]}),
        "geometry",
        "Geometri tidak valid (Self-intersection): garis dan tepi poligon tidak boleh memotong dirinya sendiri.",
        "The geometry is not valid (Self-intersection): lines and polygon edges must not cross themselves.",
    ),
    (
        "unclosed ring",
        report({"type": "Polygon", "coordinates": [[*SQUARE[:-1], [112.5291, -7.876]]]}),
        "geometry",
        "Cincin poligon harus berakhir di titik awalnya (cincin tidak tertutup).",
        "A polygon ring must end where it starts (the ring is not closed).",
    ),
    (
        "unsupported type",
        report({"type": "MultiPoint", "coordinates": [BATU]}),
        "geometry",
        "Jenis geometri MultiPoint tidak diterima; gunakan Point, LineString, atau Polygon.",
        "Geometry type MultiPoint is not accepted; use Point, LineString or Polygon.",
    ),
    (
        "3D coordinates",
        report({"type": "Point", "coordinates": [*BATU, 880.0]}),
        "geometry",
        "Hanya bujur dan lintang yang diterima: hapus ketinggian atau ukuran (koordinat 3D/M).",
        "Only longitude and latitude are accepted: remove the height or measure (3D/M coordinates).",
    ),
    (
        "longitude out of range",
        report({"type": "Point", "coordinates": [212.5, -7.87]}),
        "geometry",
        "Bujur harus di antara -180 dan 180.",
        "Longitude must be between -180 and 180.",
    ),
    (
        "latitude out of range",
        report({"type": "Point", "coordinates": [112.5, -97.87]}),
        "geometry",
        "Lintang harus di antara -90 dan 90.",
        "Latitude must be between -90 and 90.",
    ),
    (
        "huge number",
        report({"type": "Point", "coordinates": [1e308, -7.87]}),
        "geometry",
        "Bujur harus di antara -180 dan 180.",
        "Longitude must be between -180 and 180.",
    ),
    (
        "text coordinates",
        report({"type": "Point", "coordinates": ["112.5", "-7.8"]}),
        "geometry",
        "Koordinat harus berupa angka.",
        "Coordinates must be numbers.",
    ),
    (
        "outside Kota Batu",
        report({"type": "Point", "coordinates": [112.6302, -7.9666]}),  # Kota Malang
        "geometry",
        "Lokasi di luar wilayah Kota Batu.",
        "The location is outside Kota Batu.",
    ),
    (
        "latitude and longitude swapped",
        report({"type": "Point", "coordinates": [BATU[1], BATU[0]]}),
        "geometry",
        "Lokasi di luar wilayah Kota Batu, tetapi bila bujur dan lintang ditukar lokasinya berada di dalam: "
        "koordinat GeoJSON adalah [bujur, lintang].",
        "The location is outside Kota Batu, but with longitude and latitude swapped it would be inside: "
        "GeoJSON coordinates are [longitude, latitude].",
    ),
    (
        "a line for a point-only category",
        report(
            {"type": "LineString", "coordinates": [BATU, [112.530, -7.877]]},
            category="pohon-tumbang",
            answers={"blocking": "no"},
        ),
        "geometry",
        "Kategori Pohon tumbang hanya menerima titik, bukan garis.",
        "The category Fallen tree accepts only a point, not a line.",
    ),
    (
        "more than 5,000 vertices",
        report({"type": "LineString", "coordinates": MANY}),
        "geometry",
        "Geometri memiliki lebih dari 5000 titik sudut; sederhanakan.",
        "The geometry has more than 5000 vertices; simplify it.",
    ),
    (
        "description too long",
        report(description="x" * 4001),
        "description",
        "Uraian paling panjang 4.000 karakter.",
        "The description can be at most 4,000 characters.",
    ),
    (
        "control characters in the description",
        report(description="lampu\x07mati\x1b[31m"),
        "description",
        "Uraian berisi karakter kontrol atau pengatur arah teks; hapus karakter itu.",
        "The description contains control or text-direction characters; remove them.",
    ),
    (
        "a NUL character in the description",
        report(description="lampu\x00mati"),
        "description",
        "Karakter null tidak diizinkan.",
        "Null characters are not allowed.",
    ),
    (
        "right-to-left override in the description",
        report(description="sampah \u202egnaruk"),
        "description",
        "Uraian berisi karakter kontrol atau pengatur arah teks; hapus karakter itu.",
        "The description contains control or text-direction characters; remove them.",
    ),
    (
        "missing required answer",
        report(answers={}),
        "answers.problem",
        "Jawab pertanyaan: Apa masalahnya?",
        "Answer the question: What is wrong?",
    ),
    (
        "answer not among the choices",
        report(answers={"problem": "aliens"}),
        "answers.problem",
        "Pilih salah satu jawaban yang tersedia.",
        "Choose one of the offered answers.",
    ),
    (
        "bad email",
        report(reporter={"email": "bukan-email"}),
        "reporter",
        "Masukkan alamat email yang valid.",
        "Enter a valid email address.",
    ),
    (
        "not a Feature",
        {"type": "Point", "coordinates": BATU},
        "non_field_errors",
        "Kirim laporan sebagai GeoJSON Feature dengan geometry dan properties",
        "Send the report as a GeoJSON Feature with a geometry and properties",
    ),
]


def _message(errors, field):
    value = errors[field]
    if isinstance(value, dict):  # nested serializer, e.g. reporter.email
        value = next(iter(value.values()))
    return value[0]


def _counts():
    return (
        Report.objects.count(),
        ReportUpdate.objects.count(),
        ReportPhoto.objects.count(),
        IdempotencyKey.objects.count(),
    )


@pytest.mark.parametrize(("case", "body", "field", "indonesian", "english"), CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("endpoint", ["/api/reports/", "/api/routing/preview/"])
def test_bad_report_input(api, endpoint, case, body, field, indonesian, english):
    before = _counts()
    if endpoint == "/api/routing/preview/" and field.startswith("answers."):
        # The preview needs only the place and the category; answers are checked on sending.
        assert api.post(endpoint, json=body).status_code == 200
        assert _counts() == before
        return
    response = api.post(endpoint, json=body, headers={"Idempotency-Key": f"bad-{case}-{endpoint}"})
    assert response.status_code == 400, (case, response.text)
    assert _message(response.json()["errors"], field).startswith(indonesian)
    in_english = api.post(endpoint, json=body, headers={"Accept-Language": "en"})
    assert in_english.status_code == 400
    assert _message(in_english.json()["errors"], field).startswith(english)
    assert _counts() == before
    assert api.get("/healthz").status_code == 200


@pytest.mark.parametrize(
    ("raw", "content_type"),
    [
        (b'{"type": "Feature", "geometry": ', "application/json"),
        (
            b'{"type": "Feature", "geometry": {"type": "Point", "coordinates": [NaN, -7.87]}}',
            "application/json",
        ),
        (
            b'{"type": "Feature", "geometry": {"type": "Point", "coordinates": [Infinity, -7.87]}}',
            "application/json",
        ),
        (b"\xff\xfe\x00garbage", "application/json"),
    ],
)
def test_malformed_json_is_a_400_with_a_message(api, raw, content_type):
    before = _counts()
    response = api.post("/api/reports/", content=raw, headers={"Content-Type": content_type})
    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON tidak valid")
    english = api.post("/api/reports/", content=raw, headers={"Content-Type": content_type, "Accept-Language": "en"})
    assert english.json()["detail"].startswith("The request body is not valid JSON")
    assert _counts() == before


@pytest.mark.parametrize(
    ("geometry_text", "message"),
    [
        (
            '{"type": "Point", "coordinates": [NaN, -7.87]}',
            "Koordinat harus berupa angka terhingga (NaN dan Infinity tidak diterima).",
        ),
        (
            '{"type": "Point", "coordinates": [112.5, 1e400]}',
            "Koordinat harus berupa angka terhingga (NaN dan Infinity tidak diterima).",
        ),
        ("not json at all", "Geometri bukan JSON yang valid."),
    ],
)
def test_non_finite_coordinates_in_a_multipart_geometry(api, geometry_text, message):
    before = _counts()
    response = api.post(
        "/api/reports/",
        data={"category": "sampah", "geometry": geometry_text, "answers": json.dumps(ANSWERS)},
    )
    assert response.status_code == 400
    assert response.json()["errors"]["geometry"] == [message]
    assert _counts() == before


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            ("catatan.jpg", b"this is not a jpeg", "image/jpeg"),
            "Berkas ini bukan foto yang dapat dibaca. Kirim gambar JPEG, PNG, atau WebP.",
        ),
        (
            ("potong.jpg", images.truncated_jpeg(), "image/jpeg"),
            "Berkas ini bukan foto yang dapat dibaca. Kirim gambar JPEG, PNG, atau WebP.",
        ),
        (
            ("gambar.svg", images.SVG_WITH_SCRIPT, "image/svg+xml"),
            "Berkas ini bukan foto yang dapat dibaca. Kirim gambar JPEG, PNG, atau WebP.",
        ),
        (
            ("bom.png", images.decompression_bomb(), "image/png"),
            "Foto memiliki terlalu banyak piksel; batasnya 40 megapiksel.",
        ),
        (
            ("besar.jpg", b"\xff\xd8\xff" + b"\x00" * (11 * 1024 * 1024), "image/jpeg"),
            "Foto terlalu besar (11.0 MB); batasnya 10 MB.",
        ),
    ],
)
def test_bad_photos_are_refused_and_nothing_is_written(api, upload, message):
    before = _counts()
    response = api.post(
        "/api/reports/",
        data={
            "category": "sampah",
            "geometry": json.dumps({"type": "Point", "coordinates": BATU}),
            "answers": json.dumps(ANSWERS),
        },
        files=[("photos", upload)],
    )
    assert response.status_code == 400, response.text
    assert response.json()["errors"]["photos"] == [message]
    assert _counts() == before
    assert api.get("/healthz").status_code == 200


def test_moments_with_far_offsets_are_compared_in_utc(api):
    """Python takes time-zone offsets up to ±24 h, PostgreSQL only ±16 h: the filters convert to UTC
    first, and a moment before the first one Python can hold in UTC is refused, not a 500."""
    far = api.get("/api/reports/", params={"since": "2026-01-01T00:00:00+18:02", "until": "6521-02-03T09:41:45-21:58"})
    assert far.status_code == 200, far.text
    assert far.json()["count"] == api.get("/api/reports/", params={"since": "2025-12-31T05:58:00Z"}).json()["count"]
    early = api.get("/api/reports/", params={"until": "0001-01-01T00:00:00+01:00"}, headers={"Accept-Language": "en"})
    assert early.status_code == 400
    assert early.json()["errors"]["until"] == ["The date is out of range."]
    assert api.get("/healthz").status_code == 200
