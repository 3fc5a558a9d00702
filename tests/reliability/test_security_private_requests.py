"""Issue #19, findings 1 and 11: a private service request stays private.

- Finding 1: a permit application (DPMPTSP, a category that is not public) re-routed by the office's
  operator to the public category "lainnya" stays private: anonymous callers get 404 for it from the
  REST API, the report page, Open311 and the OGC API and for its photo, and find neither its
  description nor its answers in any list; its requester still reads it through the private link;
  the staff page's re-route form says that it stays private.
- Finding 11: marking a report as a duplicate of another agency's private request is refused (400, in
  the request's language, nothing written), so Open311's extensions never name that request as the
  parent; a public original, or one of the same agency, is still accepted.
- /lacak/ answers a private request's code exactly as it answers an unknown code.
"""

import io
import json
import re

import httpx
import pytest
from PIL import Image

from tests import images
from tests.conftest import STAFF_PASSWORD

from . import records
from .conftest import BATU, auth, file_report, row_counts

pytestmark = pytest.mark.django_db

PERMIT_OPERATOR = "privacy-dpmptsp"
DESCRIPTION = "Permohonan gudang Kenanga-Sembunyi untuk usaha keluarga"
OBJECT_NAME = "Gudang Kenanga-Sembunyi Jalan Anggrek Tersembunyi"
UNKNOWN_CODE = "ZZZZ-ZZZZ"  # never made: tracking codes mix letters and digits at random
REFUSED_EN = "The original must be a report the public can see, or one of the same agency."


def pdf() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (420, 594), "white").save(out, "PDF")
    return out.getvalue()


@pytest.fixture(scope="module")
def permit_operator(committed) -> str:
    """An operator of DPMPTSP (the permit office), with a password for the staff pages; API token."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from districts.models import Agency, Membership

    with committed():
        user, created = get_user_model().objects.get_or_create(username=PERMIT_OPERATOR)
        if created:
            user.set_password(STAFF_PASSWORD)
            user.save()
        Membership.objects.get_or_create(user=user, agency=Agency.objects.get(code="dpmptsp"), role="operator")
        return Token.objects.get_or_create(user=user)[0].key


def file_permit(server: str, description: str = DESCRIPTION, object_name: str = OBJECT_NAME) -> dict:
    """A permit application with a photo and a plan, as the form sends it; the requester's answer."""
    response = httpx.post(
        f"{server}/api/reports/",
        data={
            "category": "izin-bangunan",
            "geometry": json.dumps({"type": "Point", "coordinates": BATU}),
            "answers": json.dumps({"permit_type": "pbg", "applicant": "person", "object_name": object_name}),
            "description": description,
        },
        files=[
            ("photos", ("denah.jpg", images.phone_photo(), "image/jpeg")),
            ("documents", ("rencana.pdf", pdf(), "application/pdf")),
        ],
        timeout=60,
    )
    assert response.status_code == 201, response.text
    return response.json()["properties"]


def as_requester(server: str, filed: dict) -> httpx.Response:
    """The request through its private link (the token as a query parameter and as a header)."""
    token = filed["reporter_token"]
    return httpx.get(
        f"{server}/api/reports/track/{filed['tracking_code']}/",
        params={"t": token},
        headers={"X-Reporter-Token": token},
        timeout=60,
    )


def reroute(server: str, filed: dict, token: str, category: str = "lainnya") -> httpx.Response:
    return httpx.post(
        f"{server}/api/reports/{filed['id']}/reroute/",
        json={"version": filed["version"], "category": category, "message": "Bukan izin, laporan umum."},
        headers=auth(token),
        timeout=60,
    )


def anonymous_answers(server: str, filed: dict, photo_urls: list[str]) -> dict[str, httpx.Response]:
    """What anyone gets for the request itself, by every address that names it."""
    pk, code = filed["id"], filed["tracking_code"]
    paths = [
        f"/api/reports/{pk}/",
        f"/api/reports/track/{code}/",
        f"/laporan/{code}/",
        f"/en/laporan/{code}/",
        f"/open311/v2/requests/{pk}.json?extensions=true",
        f"/open311/v2/requests/{pk}.xml?extensions=true",
        f"/open311/v2/tokens/{code}.json",
        f"/ogcapi/collections/reports/items/{pk}",
        *photo_urls,
    ]
    with httpx.Client(base_url=server, timeout=60) as client:
        return {path: client.get(path, headers={"Accept": "application/json"}) for path in paths}


PUBLIC_LISTS = [
    "/api/reports/?page_size=1000",
    "/api/reports/export.csv",
    "/api/reports/export.geojson",
    "/api/reports/?q=Kenanga-Sembunyi",
    "/open311/v2/requests.json?extensions=true",
    "/open311/v2/servicerequestupdates.json",
    "/ogcapi/collections/reports/items?limit=10000",
    "/laporan-selesai/rss/",
]


def test_a_request_rerouted_to_a_public_category_stays_private(server, permit_operator, staff_users):
    filed = file_permit(server)
    mine = as_requester(server, filed)
    assert mine.status_code == 200, mine.text
    photo_urls = [
        url for photo in mine.json()["properties"]["photos"] for url in (photo["url"], photo["thumbnail_url"])
    ]
    assert len(photo_urls) == 2

    moved = reroute(server, filed, permit_operator)
    assert moved.status_code == 200, moved.text
    assert moved.json()["properties"]["category"]["code"] == "lainnya"  # now under a public category

    answers = anonymous_answers(server, filed, photo_urls)
    exposed = {path: r.status_code for path, r in answers.items() if r.status_code != 404}
    leaks = []
    with httpx.Client(base_url=server, timeout=60) as client:
        for path in PUBLIC_LISTS:
            response = client.get(path, headers={"Accept": "application/json"})
            assert response.status_code == 200, (path, response.text[:200])
            leaks += [
                (path, text) for text in (DESCRIPTION, OBJECT_NAME, filed["tracking_code"]) if text in response.text
            ]
    records.note(
        __name__,
        rerouted_addresses_checked=len(answers),
        rerouted_addresses_answering=len(exposed),
        rerouted_lists_checked=len(PUBLIC_LISTS),
        rerouted_texts_found=len(leaks),
    )
    assert exposed == {}
    assert leaks == []

    # Its requester still reads all of it through the private link, under its new category.
    mine = as_requester(server, filed)
    assert mine.status_code == 200
    assert mine.json()["properties"]["description"] == DESCRIPTION
    assert mine.json()["properties"]["category"]["code"] == "lainnya"

    # The staff page's re-route form says that the request stays private.
    with httpx.Client(base_url=server, timeout=60, follow_redirects=False) as client:
        client.get("/masuk/")
        signed = client.post(
            "/masuk/",
            data={
                "username": "admin-test",
                "password": STAFF_PASSWORD,
                "csrfmiddlewaretoken": client.cookies["csrftoken"],
            },
            headers={"Referer": server + "/masuk/"},
        )
        assert signed.status_code == 302, signed.text[:300]
        page = client.get(f"/en/petugas/laporan/{filed['tracking_code']}/")
    assert page.status_code == 200
    assert re.search(r'id="reroute-private">This request is private and stays private whatever category', page.text)


def transition(server: str, report: dict, token: str, original: str, language: str = "id") -> httpx.Response:
    return httpx.post(
        f"{server}/api/reports/{report['id']}/transition/",
        json={"status": "duplicate", "version": report["version"], "duplicate_of": original},
        headers={**auth(token), "Accept-Language": language},
        timeout=60,
    )


def open311_parent(server: str, report: dict) -> str | None:
    response = httpx.get(f"{server}/open311/v2/requests/{report['id']}.json", params={"extensions": "true"})
    assert response.status_code == 200, response.text
    return response.json()[0]["extended_attributes"]["parent_service_request_id"]


def test_a_duplicate_cannot_name_another_agencys_private_request(server, staff_users, permit_operator):
    permit = file_permit(server, "Permohonan reklame toko", "Papan reklame toko")
    complaint = file_report(server)  # waste: routed to DLH
    dlh = staff_users["dlh-operator"]

    before = row_counts()
    refusals = [transition(server, complaint, dlh, permit["tracking_code"], language) for language in ("id", "en")]
    for response in refusals:
        records.count(__name__, f"duplicate_answers_{response.status_code}")
        assert response.status_code == 400, response.text
        body = response.json()
        assert body["errors"]["duplicate_of"] == [body["detail"]]
        assert len(body["detail"]) > 20
    assert refusals[1].json()["detail"] == REFUSED_EN
    assert row_counts() == before  # nothing written
    assert open311_parent(server, complaint) is None

    # A public original is named, and Open311 shows it as the parent.
    original = file_report(server)
    accepted = transition(server, complaint, dlh, original["tracking_code"])
    assert accepted.status_code == 200, accepted.text
    assert open311_parent(server, complaint) == str(original["id"])

    # Within one agency a private original may be named: the permit office merges two applications.
    again = file_permit(server, "Permohonan reklame toko lagi", "Papan reklame toko")
    merged = transition(server, again, permit_operator, permit["tracking_code"])
    assert merged.status_code == 200, merged.text
    assert merged.json()["properties"]["status"] == "duplicate"


def normalized(page: str, code: str) -> str:
    """The page without what differs by itself: the code typed, a nonce, a CSRF token."""
    page = page.replace(code, "CODE")
    page = re.sub(r'nonce="[^"]*"', 'nonce=""', page)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


def test_track_answers_a_private_code_as_an_unknown_one(server, permit_operator):
    permit = file_permit(server, "Permohonan izin keramaian", "Panggung acara")
    assert httpx.get(f"{server}/api/reports/track/{UNKNOWN_CODE}/").status_code == 404  # unknown indeed
    compared = 0
    with httpx.Client(base_url=server, timeout=60, follow_redirects=False) as client:
        for prefix in ("", "/en"):
            answers = {}
            for kind, code in (("private", permit["tracking_code"]), ("unknown", UNKNOWN_CODE)):
                response = client.get(f"{prefix}/lacak/", params={"kode": code})
                answers[kind] = (
                    response.status_code,
                    response.headers.get("Location"),
                    normalized(response.text, code),
                )
            assert answers["unknown"][0] == 200
            assert answers["private"] == answers["unknown"]
            compared += 1
        # A public report's code still leads to its page.
        public = file_report(server)
        found = client.get("/lacak/", params={"kode": public["tracking_code"]})
        assert found.status_code == 302 and found.headers["Location"].endswith(f"/laporan/{public['tracking_code']}/")
    records.note(__name__, track_pages_compared=compared)
