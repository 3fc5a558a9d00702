"""Moderation keeps its promises: personal data a citizen writes (in the description, or in the message
when they reopen a report) is masked on arrival in every public output and kept for staff; a report
staff hide is on no public page, list, map, tile, count, feed or interface, while its reporter's
private link still shows it; a photo staff hide is served to staff only.

Reports are filed and moderated through the real server, then every public output is crawled
(tests/reliability/public_outputs.py, as for the reporters' contacts) for the hidden texts.
"""

import math

import httpx
import pytest

from geo_reports.personal_data import MASK
from tests import images
from tests.conftest import STAFF_PASSWORD
from tests.mvt import decode

from . import records
from .conftest import auth
from .public_outputs import public_paths

pytestmark = pytest.mark.django_db

PHONE = "0812 5550 7731"
EMAIL = "moderasi.7731@contoh-warga.id"
NIK = "3579 0111 2233 7731"
DESCRIPTION = f"Lampu mati sejak Senin. Hubungi {PHONE} atau {EMAIL}, NIK {NIK}."
REOPEN_PHONE = "0813-5550-8842"
HIDDEN_TEXT = "Laporan uji tersembunyi HID7731"
# Pins of their own, near each other (on the same tiles) and away from other tests' reports.
PINS = {"masked": (112.5312, -7.8841), "hidden": (112.5313, -7.8842), "photo": (112.5311, -7.8840)}


def file(api, pin, description: str, photos=()) -> dict:
    response = api.post(
        "/api/reports/",
        data={
            "category": "pju-mati",
            "geometry": f'{{"type": "Point", "coordinates": [{pin[0]}, {pin[1]}]}}',
            "answers": '{"problem": "out"}',
            "description": description,
        },
        files=[("photos", ("lampu.jpg", photo, "image/jpeg")) for photo in photos] or None,
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 201, response.text
    return response.json()["properties"]


def count(api) -> int:
    """Public street-light reports in every status: counted from the map's kept cells."""
    return api.get("/api/reports/count/", params={"category": "pju-mati"}).json()["count"]


@pytest.fixture(scope="module")
def moderated(server, staff_users) -> dict:
    """A report with personal data in its description, reopened by its reporter with a phone number in
    the message; a report staff hid from the public; a report with a photo staff hid."""
    admin, operator = auth(staff_users["admin-test"]), auth(staff_users["dishub-operator"])
    with httpx.Client(base_url=server, timeout=60) as api:
        masked = file(api, PINS["masked"], DESCRIPTION)
        base = f"/api/reports/{masked['id']}"
        for version, status in enumerate(("verified", "in_progress", "resolved"), start=1):
            moved = api.post(f"{base}/transition/", json={"status": status, "version": version}, headers=admin)
            assert moved.status_code == 200, moved.text
        reopened = api.post(
            f"{base}/reporter/",
            json={"token": masked["reporter_token"], "action": "reopen", "message": f"Masih mati. Telp {REOPEN_PHONE}"},
        )
        assert reopened.status_code == 200, reopened.text

        hidden = file(api, PINS["hidden"], HIDDEN_TEXT)
        before = count(api)
        hide = api.post(
            f"/api/reports/{hidden['id']}/visibility/",
            json={"version": 1, "hidden": True, "reason": "test", "note": "Uji coba petugas"},
            headers=operator,
        )
        assert hide.status_code == 200, hide.text
        after = count(api)

        photographed = file(api, PINS["photo"], "Tiang lampu miring.", photos=[images.phone_photo()])
        photo = photographed["photos"][0]
        staff_view = api.get(f"/api/staff/reports/{photographed['id']}/", headers=operator).json()["properties"]
        photo_id = staff_view["photos"][0]["id"]
        hidden_photo = api.post(
            f"/api/reports/{photographed['id']}/photos/{photo_id}/visibility/",
            json={"public": False, "reason": "Wajah warga terlihat"},
            headers=operator,
        )
        assert hidden_photo.status_code == 200, hidden_photo.text
        public = [api.get(f"/api/reports/{r['id']}/").json()["properties"] for r in (masked, photographed)]
    return {
        "masked": masked,
        "hidden": hidden,
        "photographed": photographed,
        "photo": photo,
        "public": public,
        "counts": (before, after),
    }


def secrets(moderated) -> list[str]:
    return [
        PHONE,
        PHONE.replace(" ", ""),
        "5550 7731",
        EMAIL,
        "moderasi.7731",
        NIK,
        NIK.replace(" ", ""),
        REOPEN_PHONE,
        "5550-8842",
        HIDDEN_TEXT,
        "HID7731",
        moderated["hidden"]["tracking_code"],
        moderated["photo"]["url"].rsplit("/", 1)[1].split(".")[0],  # the hidden photo's file name
    ]


def test_the_reporter_is_told_and_the_public_text_is_masked(moderated):
    masked = moderated["masked"]
    assert masked["notice"] == (
        "What looks like personal data (a phone number, an e-mail address or an ID number) is hidden from the "
        "public version of your report; the agency still sees it."
    )
    assert moderated["hidden"]["notice"] is None  # nothing was masked there
    public = moderated["public"][0]
    assert public["description"] == f"Lampu mati sejak Senin. Hubungi {MASK} atau {MASK}, NIK {MASK}."
    reopen = next(entry for entry in public["timeline"] if entry["status"] == "reopened")
    assert reopen["message"] == f"Masih mati. Telp {MASK}"


def test_the_reporters_own_page_says_what_was_hidden(api, moderated):
    masked, hidden = moderated["masked"], moderated["hidden"]
    own = api.get(f"/en/laporan/{masked['tracking_code']}/", params={"t": masked["reporter_token"]}).text
    assert 'id="personal-data-notice"' in own and "is hidden from the public version of your report" in own
    assert 'id="personal-data-notice"' not in api.get(f"/en/laporan/{masked['tracking_code']}/").text
    assert (
        'id="personal-data-notice"'
        not in api.get(f"/en/laporan/{hidden['tracking_code']}/", params={"t": hidden["reporter_token"]}).text
    )


def test_staff_keep_what_the_reporter_wrote(api, moderated, staff_users):
    staff = api.get(
        f"/api/staff/reports/{moderated['masked']['id']}/", headers=auth(staff_users["dishub-operator"])
    ).json()["properties"]
    assert staff["description"] == DESCRIPTION
    assert MASK in staff["public_description"] and PHONE not in staff["public_description"]
    assert staff["needs_review"] is True
    created = staff["timeline"][0]
    assert created["kind"] == "created" and set(created["data"]["masked"]) == {"email", "nik", "phone"}
    reopen = next(entry for entry in staff["timeline"] if entry["status"] == "reopened")
    assert reopen["message"] == f"Masih mati. Telp {REOPEN_PHONE}"
    assert reopen["data"]["masked"] == ["phone"]


def test_no_public_output_holds_masked_or_hidden_data(api, moderated):
    checked, leaks = [], []
    for path, headers in public_paths(api, moderated["public"], searches=[PHONE, EMAIL, HIDDEN_TEXT]):
        response = api.get(path, headers=dict(headers), follow_redirects=True)
        if response.status_code != 200:
            continue
        leaks += [(path, secret) for secret in secrets(moderated) if secret in response.text]
        checked.append(path)
    records.note(__name__, secrets=len(secrets(moderated)), outputs_read=len(checked), secrets_found=len(leaks))
    assert leaks == []
    assert len(checked) >= 90, len(checked)
    # The crawl read the masked report itself, where the mask shows.
    assert MASK in api.get(f"/laporan/{moderated['masked']['tracking_code']}/").text


def test_a_hidden_report_leaves_maps_and_counts_but_not_its_reporter(api, moderated, staff_users):
    hidden = moderated["hidden"]
    before, after = moderated["counts"]
    assert after == before - 1  # the map's kept counts (triggers) left it out at once
    for path in (f"/laporan/{hidden['tracking_code']}/", f"/api/reports/{hidden['id']}/"):
        assert api.get(path).status_code == 404, path
    assert api.get(f"/api/reports/track/{hidden['tracking_code']}/").status_code == 404
    private = api.get(f"/laporan/{hidden['tracking_code']}/", params={"t": hidden["reporter_token"]})
    assert private.status_code == 200 and HIDDEN_TEXT in private.text
    staff = api.get(f"/api/staff/reports/{hidden['id']}/", headers=auth(staff_users["dishub-operator"]))
    assert staff.json()["properties"]["is_hidden"] is True and staff.json()["properties"]["hidden_reason"] == "test"
    # At street level the tile shows the reports one by one: the others, not the hidden one.
    lon, lat = PINS["hidden"]
    z = 18
    x = int((lon + 180) / 360 * 2**z)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * 2**z)
    codes = {feature.get("code") for feature in decode(api.get(f"/api/tiles/reports/{z}/{x}/{y}.pbf").content, z, x, y)}
    assert moderated["masked"]["tracking_code"] in codes and hidden["tracking_code"] not in codes


def test_a_hidden_photo_is_served_to_staff_only(server, api, moderated):
    url = moderated["photo"]["url"]
    assert moderated["public"][1]["photos"] == []
    assert api.get(url).status_code == 404
    staff = httpx.Client(base_url=server, timeout=60)
    staff.get("/masuk/")
    staff.post(
        "/masuk/",
        data={
            "username": "dishub-operator",
            "password": STAFF_PASSWORD,
            "csrfmiddlewaretoken": staff.cookies["csrftoken"],
        },
        headers={"Referer": server + "/masuk/"},
    )
    seen = staff.get(url)
    assert seen.status_code == 200 and seen.headers["content-type"] == "image/jpeg"
    assert "no-store" in seen.headers["cache-control"] and "public" not in seen.headers["cache-control"]
    dlh = httpx.Client(base_url=server, timeout=60)  # another agency's staff: not theirs to see
    dlh.get("/masuk/")
    dlh.post(
        "/masuk/",
        data={"username": "dlh-operator", "password": STAFF_PASSWORD, "csrfmiddlewaretoken": dlh.cookies["csrftoken"]},
        headers={"Referer": server + "/masuk/"},
    )
    assert dlh.get(url).status_code == 404


def test_review_publishes_as_written_or_keeps_it_masked(api, staff_users):
    operator = auth(staff_users["dishub-operator"])
    published = file(api, (112.5314, -7.8843), "Tolong cek, saya di 0812 5550 9911.")
    kept = file(api, (112.5315, -7.8844), "Tolong cek, saya di 0812 5550 9922.")
    for report, publish in ((published, True), (kept, False)):
        answer = api.post(
            f"/api/reports/{report['id']}/review/", json={"version": 1, "publish": publish}, headers=operator
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["properties"]["needs_review"] is False
    assert "0812 5550 9911" in api.get(f"/api/reports/{published['id']}/").json()["properties"]["description"]
    assert api.get(f"/api/reports/{kept['id']}/").json()["properties"]["description"] == f"Tolong cek, saya di {MASK}."
    redacted = api.post(
        f"/api/reports/{published['id']}/public-text/",
        json={"version": 2, "description": "Tolong cek.", "reason": "Nomor warga"},
        headers=operator,
    )
    assert redacted.status_code == 200, redacted.text
    assert redacted.json()["properties"]["description"] == "Tolong cek, saya di 0812 5550 9911."  # kept for staff
    assert api.get(f"/api/reports/{published['id']}/").json()["properties"]["description"] == "Tolong cek."
