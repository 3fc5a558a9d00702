"""Promise 4: private stays private.

Reports are filed with a distinctive name, phone and email, phone photos whose EXIF holds a GPS
position, a camera serial and an owner's name, and staff add an internal note and an assignee; two more
are filed in chats, by a WhatsApp number and a Telegram chat id; a permit application (a private
service request) is re-routed by staff to a public category, and stays private (issue #19). Then
every public output is crawled (pages in both languages, the REST API including exports, statistics,
the routing preview's duplicates and the answer to someone else's submission, Open311 in XML and JSON
with extensions, every OGC API collection in JSON and HTML, and any GET operation of the OpenAPI schema
that needs no parameters, so a new public endpoint is crawled without being listed here) and none of
those secrets may appear. Photo files are downloaded: no EXIF, no XMP, and none of the GPS values.
"""

import io
import json
import math
import struct
from fractions import Fraction

import httpx
import pytest
from PIL import Image

from tests import images
from tests.chat.platforms import TelegramCitizen, WhatsAppCitizen, whatsapp_text
from tests.conftest import run_worker

from . import records
from .conftest import auth
from .public_outputs import public_paths

pytestmark = pytest.mark.django_db

NAME = "Sulastri Privasi-Rahasia-7731"
PHONE = "0813 7731 0199"
EMAIL = "rahasia.7731@privasi-contoh.id"
NOTE = "Catatan internal rahasia 7731: pelapor kerabat kepala dinas"
# Where the crawl's photos were taken: a position of its own (other tests pin reports at the default
# photo position, tests/images.GPS, on purpose), sought as text at the 7 decimals locations use.
GPS = {1: "S", 2: (7.0, 53.0, 12.34), 3: "E", 4: (112.0, 32.0, 7.77)}
GPS_TEXT = [f"-{7 + 53 / 60 + 12.34 / 3600:.7f}", f"{112 + 32 / 60 + 7.77 / 3600:.7f}"]
PINS = [(112.5246, -7.8712), (112.5251, -7.8716)]
# The chats' reporters: a WhatsApp number (its chat id; 0813 5550 1234 written locally), a Telegram chat id.
CHAT_PHONE = "6281355501234"
TELEGRAM_CHAT_ID = 5550123987
CHAT_PINS = [(112.52485, -7.8714), (112.5247, -7.8713)]  # between the two pins, on the same tiles
# The re-routed permit application's own words: its description and its answer naming the object.
REQUEST_DESCRIPTION = "Permohonan izin gudang Melati-Rahasia-4410 milik keluarga"
REQUEST_OBJECT = "Gudang Melati-Rahasia-4410"


def secrets() -> list[str]:
    return [
        NAME,
        "Privasi-Rahasia",
        PHONE,
        PHONE.replace(" ", ""),
        "7731 0199",
        EMAIL,
        "rahasia.7731",
        NOTE,
        "kerabat kepala dinas",
        images.OWNER,
        images.SERIAL,
        "dishub-crew",  # the assignee: a person's name stays inside the agency
        *GPS_TEXT,
        CHAT_PHONE,
        CHAT_PHONE[2:],
        "5550 1234",
        str(TELEGRAM_CHAT_ID),
        REQUEST_DESCRIPTION,
        REQUEST_OBJECT,
        "Melati-Rahasia",
    ]


def gps_rational_bytes() -> list[tuple[bytes, bytes]]:
    """The GPS degrees, minutes and seconds as EXIF stores them: unsigned rationals, (little, big endian)."""
    found = []
    for triple in (GPS[2], GPS[4]):
        for value in triple:
            fraction = Fraction(value).limit_denominator(1_000_000)
            found.append(tuple(struct.pack(f"{order}II", fraction.numerator, fraction.denominator) for order in "<>"))
    return found


def chat_reports(server, app_env, graph_api, bot_api, admin) -> list[dict]:
    """A street-light report filed by WhatsApp and one by Telegram (offered the seeded ones for +1,
    they file new ones), each a whole conversation through the webhooks, then the worker."""
    whatsapp, telegram = WhatsAppCitizen(server, CHAT_PHONE), TelegramCitizen(server, TELEGRAM_CHAT_ID)
    (wa_lon, wa_lat), (tg_lon, tg_lat) = CHAT_PINS
    for message in (whatsapp.text("halo"), whatsapp.location(wa_lon, wa_lat), whatsapp.row("cat:pju-mati")):
        whatsapp.send(message)
    for update in (telegram.text("halo"), telegram.location(tg_lon, tg_lat), telegram.press("cat:pju-mati")):
        telegram.send(update)
    for choice in ("new", "ans:out", "skip", "skip", "send"):
        whatsapp.send(whatsapp.button(choice))
        telegram.send(telegram.press(choice))
    run_worker(app_env)
    codes = [
        whatsapp_text(graph_api.to(CHAT_PHONE)[-1]).split(" kode ")[1][:9],
        bot_api.to(TELEGRAM_CHAT_ID)[-1]["text"].split(" kode ")[1][:9],
    ]
    filed = [httpx.get(f"{server}/api/reports/track/{code}/", timeout=60).json()["properties"] for code in codes]
    private = httpx.get(f"{server}/api/staff/reports/{filed[0]['id']}/", headers=admin, timeout=60).json()
    assert private["properties"]["contact"]["phone"] == f"+{CHAT_PHONE}"  # there to be found
    assert private["properties"]["channel"] == "whatsapp"
    return filed


@pytest.fixture(scope="module")
def seeded(server, staff_users, app_env, graph_api, bot_api) -> list[dict]:
    """Two street-light reports (Dishub) with contact and EXIF photos, an internal note, an assignee,
    a public reply; and two filed in chats; committed through the real server."""
    reports = []
    admin = auth(staff_users["admin-test"])
    for lon, lat in PINS:
        response = httpx.post(
            f"{server}/api/reports/",
            data={
                "category": "pju-mati",
                "geometry": json.dumps({"type": "Point", "coordinates": [lon, lat]}),
                "answers": json.dumps({"problem": "out"}),
                "description": "Lampu jalan mati, uji privasi.",
                "reporter_name": NAME,
                "reporter_phone": PHONE,
                "reporter_email": EMAIL,
            },
            files=[
                ("photos", ("IMG_0001.jpg", images.phone_photo(gps=GPS), "image/jpeg")),
                ("photos", ("IMG_0002.webp", images.phone_photo(image_format="WEBP", gps=GPS), "image/webp")),
            ],
            timeout=60,
        )
        assert response.status_code == 201, response.text
        report = response.json()["properties"]
        base = f"{server}/api/reports/{report['id']}"
        for body in ({"message": NOTE, "internal": True}, {"message": "Akan kami periksa.", "internal": False}):
            assert httpx.post(f"{base}/comments/", json=body, headers=admin, timeout=60).status_code == 200
        assigned = httpx.post(f"{base}/assign/", json={"version": 1, "assignee": "dishub-crew"}, headers=admin)
        assert assigned.status_code == 200, assigned.text
        reports.append(httpx.get(f"{server}/api/reports/{report['id']}/", timeout=60).json()["properties"])
    return reports + chat_reports(server, app_env, graph_api, bot_api, admin)


@pytest.fixture(scope="module")
def rerouted(server, staff_users) -> dict:
    """A permit application (DPMPTSP, not public) with a photo and a plan, which staff re-route to the
    public category "lainnya"; what its requester reads through the private link (id, code, location)."""
    plan = io.BytesIO()
    Image.new("RGB", (420, 594), "white").save(plan, "PDF")
    response = httpx.post(
        f"{server}/api/reports/",
        data={
            "category": "izin-bangunan",
            "geometry": json.dumps({"type": "Point", "coordinates": list(PINS[1])}),
            "answers": json.dumps({"permit_type": "pbg", "applicant": "business", "object_name": REQUEST_OBJECT}),
            "description": REQUEST_DESCRIPTION,
        },
        files=[
            ("photos", ("IMG_0003.jpg", images.phone_photo(gps=GPS), "image/jpeg")),
            ("documents", ("denah.pdf", plan.getvalue(), "application/pdf")),
        ],
        timeout=60,
    )
    assert response.status_code == 201, response.text
    filed = response.json()["properties"]
    moved = httpx.post(
        f"{server}/api/reports/{filed['id']}/reroute/",
        json={"version": filed["version"], "category": "lainnya"},
        headers=auth(staff_users["admin-test"]),
        timeout=60,
    )
    assert moved.status_code == 200, moved.text
    token = filed["reporter_token"]
    own = httpx.get(
        f"{server}/api/reports/track/{filed['tracking_code']}/",
        params={"t": token},
        headers={"X-Reporter-Token": token},
        timeout=60,
    )
    assert own.status_code == 200, own.text
    assert REQUEST_DESCRIPTION in own.text and own.json()["properties"]["category"]["code"] == "lainnya"
    return own.json()["properties"]


def test_the_secrets_are_stored(seeded, api, staff_users):
    """Otherwise a crawl finding nothing would prove nothing."""
    private = api.get(f"/api/staff/reports/{seeded[0]['id']}/", headers=auth(staff_users["admin-test"])).json()
    assert private["properties"]["contact"] == {"name": NAME, "phone": PHONE, "email": EMAIL}
    assert NOTE in json.dumps(private, ensure_ascii=False)
    assert private["properties"]["assigned_to"] == "dishub-crew"
    assert len(seeded[0]["photos"]) == 2


def test_no_public_output_reveals_the_reporter_or_internal_work(api, seeded, rerouted):
    checked, leaks = [], []
    crawled = public_paths(api, [*seeded, rerouted], searches=[NAME, "Melati-Rahasia"])
    assert f"/api/reports/{rerouted['id']}/" in {path for path, _headers in crawled}  # the request is crawled
    for path, headers in crawled:
        response = api.get(path, headers=dict(headers), follow_redirects=True)
        if response.status_code != 200:
            continue  # e.g. an operation that needs staff: not a public output
        leaks += [(path, secret) for secret in secrets() if secret in response.text]
        checked.append(path)
    records.note(__name__, secrets=len(secrets()), outputs_read=len(checked), secrets_found=len(leaks))
    assert leaks == []
    # The crawl really read the reports and the interfaces, not only error pages.
    assert len(checked) >= 90, len(checked)
    for needed in (
        "/api/reports/export.csv",
        "/open311/v2/requests.xml?extensions=true",
        f"/laporan/{seeded[0]['tracking_code']}/",
    ):
        assert needed in checked
    detail = api.get(f"/api/reports/{seeded[0]['id']}/").json()
    assert "Akan kami periksa." in json.dumps(detail, ensure_ascii=False)  # the public reply is public


def test_duplicate_suggestions_reveal_nothing(api, seeded):
    """The routing preview and a new submission show others' nearby reports: public fields only."""
    body = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": list(PINS[0])},
        "properties": {"category": "pju-mati", "answers": {"problem": "out"}},
    }
    preview = api.post("/api/routing/preview/", json=body)
    created = api.post("/api/reports/", json=body)
    for response in (preview, created):
        assert response.status_code in (200, 201), response.text
        assert seeded[0]["tracking_code"] in response.text  # the nearby report is offered
        for secret in secrets():
            assert secret not in response.text, secret


def test_photo_files_carry_no_exif_and_no_gps(api, seeded):
    downloaded = 0
    for report in seeded:
        for photo in report["photos"]:
            for url in (photo["url"], photo["thumbnail_url"]):
                response = api.get(url)
                assert response.status_code == 200, url
                data = response.content
                image = Image.open(io.BytesIO(data))
                assert not image.getexif(), url
                assert "exif" not in image.info and "xmp" not in image.info, url
                for marker in (
                    b"Exif\x00\x00",
                    b"http://ns.adobe.com/xap",
                    images.OWNER.encode(),
                    images.SERIAL.encode(),
                ):
                    assert marker not in data, (url, marker)
                for rational in (encoded for pair in gps_rational_bytes() for encoded in pair):
                    assert rational not in data, (url, rational)
                downloaded += 1
    records.note(__name__, photo_files=downloaded)
    assert downloaded == 8
    # The same rationals are in the original: the check can see them.
    original = images.phone_photo(gps=GPS)
    assert all(little in original or big in original for little, big in gps_rational_bytes())


def test_map_tiles_carry_no_reporter_data(api, seeded):
    """The vector tiles around the seeded pins, from the city-wide cells down to single points:
    decoded with GDAL, their attributes hold none of the secrets, and neither do their bytes."""
    from tests.mvt import decode

    codes = {report["tracking_code"] for report in seeded}
    seen_codes = set()
    lon, lat = PINS[0]
    for z in (12, 16, 17):
        n = 2**z
        x = int((lon + 180) / 360 * n)
        y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
        response = api.get(f"/api/tiles/reports/{z}/{x}/{y}.pbf")
        assert response.status_code == 200, (z, response.text[:200])
        features = decode(response.content, z, x, y)
        assert features, z
        text = json.dumps(features, default=str) + response.content.decode("latin-1")
        for secret in secrets():
            assert secret not in text, (z, secret)
        seen_codes |= {f.get("code") for f in features} & codes
        records.count(__name__, "tiles_decoded")
    # At street level the tile shows the seeded reports themselves: the check looked at them.
    assert seen_codes == codes
