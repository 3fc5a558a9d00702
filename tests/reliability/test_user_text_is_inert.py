"""Promise 6: user text never runs, in real Chromium, on every page that shows it.

Payloads (a <script>, an <img onerror>, an <svg onload>, an element with a marker id, a
javascript: link, attribute break-outs) go into every field a citizen or staff member can write:
the description, a text answer, the reporter's name, a public reply, an internal note, a referral
message and a rejection reason, and the search boxes (tracking code, place search, the list's `q`).
Then each page that shows them is opened: the report page (both languages), the map and its popup,
the form's duplicates list, tracking, statistics, the staff inbox, the staff report page, the crew's
nearest tickets, and the OGC API's HTML pages. On every page: no dialog opens, no marker element
exists, no script set its flag, and no request leaves for the attacker's host; and the payload is
shown as text where the page shows that field (so the check is not vacuous).
"""

import json
from urllib.parse import urlsplit

import httpx
import pytest

from tests import images
from tests.conftest import STAFF_PASSWORD
from tests.web.conftest import _context, tap_map_at

from . import records
from .conftest import auth

pytestmark = [pytest.mark.django_db, pytest.mark.browser]

ATTACKER = "attacker.example"
# A point no other test reports at: the crew's nearest list and the form's duplicates list show the
# nearest reports first, and fifty others at the same spot would push these out of the list.
PIN = (112.5303, -7.8752)


PLANTED: set[str] = set()  # the payloads' tags, for the record


def payload(tag: str, short: bool = False) -> str:
    """Markup that would run, add an element or call the attacker if it were ever interpreted."""
    PLANTED.add(tag)
    if short:  # for fields of at most 120 characters
        return f'"><img src=//{ATTACKER}/{tag} onerror=alert(1) id=xss-{tag}>'
    return (
        f'Sampah <b id="xss-{tag}">{tag}</b>"\'><img src="https://{ATTACKER}/{tag}.png" '
        f"onerror=\"window.__xss='{tag}';alert('{tag}')\"><script>window.__xss='{tag}'</script>"
        f"<svg onload=\"alert('{tag}')\"></svg><a href=\"javascript:alert('{tag}')\">klik</a>"
    )


@pytest.fixture(scope="module")
def hostile(server, staff_users) -> dict:
    """Reports and staff entries carrying payloads, committed through the real server."""
    admin = auth(staff_users["admin-test"])

    def create(category, answers, description, reporter=None):
        properties = {"category": category, "answers": answers, "description": description}
        if reporter:
            properties["reporter"] = reporter
        body = {"type": "Feature", "geometry": {"type": "Point", "coordinates": list(PIN)}, "properties": properties}
        response = httpx.post(f"{server}/api/reports/", json=body, timeout=60)
        assert response.status_code == 201, response.text
        return response.json()["properties"]

    main = create(
        "pipa-bocor",
        {"flow": "seep", "customer_number": payload("staff-answer")[:250]},
        payload("description"),
        {"name": payload("name", short=True)},
    )
    for body in ({"message": payload("reply"), "internal": False}, {"message": payload("note"), "internal": True}):
        response = httpx.post(f"{server}/api/reports/{main['id']}/comments/", json=body, headers=admin, timeout=60)
        assert response.status_code == 200, response.text
    referred = create("pipa-bocor", {"flow": "seep"}, payload("referred-description"))
    response = httpx.post(
        f"{server}/api/reports/{referred['id']}/transition/",
        json={"status": "referred", "version": 1, "agency": "dpupr", "message": payload("referral")},
        headers=admin,
        timeout=60,
    )
    assert response.status_code == 200, response.text
    rejected = create("pipa-bocor", {"flow": "seep"}, payload("rejected-description"))
    response = httpx.post(
        f"{server}/api/reports/{rejected['id']}/transition/",
        json={"status": "rejected", "version": 1, "message": payload("rejection")},
        headers=admin,
        timeout=60,
    )
    assert response.status_code == 200, response.text
    # A text answer its reader sees: the name of what a permit is asked for (a request, with a document,
    # read through its private link).
    response = httpx.post(
        f"{server}/api/reports/",
        data={
            "category": "izin-bangunan",
            "geometry": json.dumps({"type": "Point", "coordinates": list(PIN)}),
            "answers": json.dumps(
                {"permit_type": "reklame", "applicant": "person", "object_name": payload("answer")[:250]}
            ),
            "description": "Permohonan izin reklame di depan toko",
        },
        files=[("documents", ("denah.jpg", images.phone_photo(), "image/jpeg"))],
        timeout=60,
    )
    assert response.status_code == 201, response.text
    answered = response.json()["properties"]
    return {"main": main, "referred": referred, "rejected": rejected, "answered": answered}


class Watch:
    """A browser page whose dialogs and requests to the attacker are recorded."""

    def __init__(self, chromium, server, **options):
        self.context = _context(chromium, server, {"width": 1280, "height": 900}, **options)
        self.dialogs: list[str] = []
        self.attacker_requests: list[str] = []
        self.errors: list[str] = []
        self.context.on("request", self._request)
        self.page = self.context.new_page()
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _request(self, request):
        if urlsplit(request.url).hostname == ATTACKER:
            self.attacker_requests.append(request.url)

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def visit(self, url: str, shows: tuple[str, ...] = ()):
        self.page.goto(url)
        self.page.wait_for_load_state("networkidle")
        self.assert_inert(url, shows)

    def assert_inert(self, where: str, shows: tuple[str, ...] = ()):
        self.page.wait_for_timeout(300)  # let onerror/onload handlers fire if they ever could
        injected = self.page.evaluate("() => Array.from(document.querySelectorAll('[id^=xss-]')).map(e => e.id)")
        flag = self.page.evaluate("() => window.__xss === undefined ? null : String(window.__xss)")
        records.count(__name__, "page_checks")
        records.count(__name__, "dialogs", len(self.dialogs))
        records.count(__name__, "injected_elements", len(injected))
        records.count(__name__, "attacker_requests", len(self.attacker_requests))
        records.note(__name__, payloads=len(PLANTED))
        assert injected == [], (where, injected)
        assert flag is None, (where, flag)
        assert self.dialogs == [], (where, self.dialogs)
        assert self.attacker_requests == [], (where, self.attacker_requests)
        text = self.page.evaluate("() => document.body.innerText")
        for tag in shows:
            assert f'id="xss-{tag}"' in text or f"id=xss-{tag}" in text, (where, tag)  # shown, as text

    def sign_in(self, server, username):
        self.page.goto(server + "/masuk/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", STAFF_PASSWORD)
        self.page.locator("form button[type=submit], form input[type=submit]").first.click()
        self.page.wait_for_url(lambda url: "/masuk/" not in url)

    def close(self):
        self.context.close()


@pytest.fixture
def watch(chromium, server):
    opened = []

    def make(**options):
        opened.append(Watch(chromium, server, **options))
        return opened[-1]

    yield make
    for watched in opened:
        watched.close()


def test_citizen_pages_show_payloads_as_text(watch, server, hostile):
    browser = watch()
    main, referred, rejected = hostile["main"], hostile["referred"], hostile["rejected"]
    browser.visit(f"{server}/laporan/{main['tracking_code']}/", shows=("description", "reply"))
    assert "xss-staff-answer" not in browser.page.content()  # a PDAM customer number is for staff only
    browser.visit(f"{server}/en/laporan/{main['tracking_code']}/", shows=("description", "reply"))
    answered = hostile["answered"]
    browser.visit(f"{server}/laporan/{answered['tracking_code']}/?t={answered['reporter_token']}", shows=("answer",))
    browser.visit(f"{server}/laporan/{referred['tracking_code']}/", shows=("referred-description", "referral"))
    browser.visit(f"{server}/laporan/{rejected['tracking_code']}/", shows=("rejection",))
    assert "xss-note" not in browser.page.content()  # internal notes are not on public pages at all
    browser.visit(f"{server}/lacak/?kode=" + payload("track", short=True).replace("#", ""))
    browser.visit(f"{server}/statistik/")
    browser.visit(f"{server}/ogcapi/collections/reports/items?f=html&limit=10000", shows=("description",))
    browser.visit(f"{server}/ogcapi/collections/reports/items/{main['id']}?f=html", shows=("description",))
    assert browser.errors == []


def test_the_map_and_its_popup(watch, server, hostile):
    browser = watch()
    browser.visit(f"{server}/")
    page = browser.page
    page.wait_for_function("() => document.body.dataset.reportsLoaded !== undefined")
    code = hostile["main"]["tracking_code"]
    opened = page.evaluate(
        """(code) => new Promise((resolve) => {
            const layer = window.Lapor.reportLayer;  // the clustered markers' map, where there is one
            if (!layer || !layer.getLayers) return resolve(null);
            const marker = layer.getLayers().find((m) => m.feature && m.feature.properties.code === code);
            if (!marker) return resolve(false);
            layer.zoomToShowLayer(marker, () => { marker.openPopup(); resolve(true); });
        })""",
        code,
    )
    if opened is None:  # the vector-tile map: zoom onto the pin and tap its circle
        page.evaluate(
            "([lat, lon]) => { delete document.body.dataset.tilesLoaded;"
            " window.leafletmapmap.setView([lat, lon], 19, {animate: false}); }",
            [PIN[1], PIN[0]],
        )
        page.wait_for_function("() => document.body.dataset.tilesLoaded !== undefined")
        box = page.locator("#map").bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        opened = True
    assert opened
    page.wait_for_selector(".leaflet-popup-content")
    browser.assert_inert("map popup")


def test_the_report_forms_duplicates_and_place_search(watch, server, hostile):
    browser = watch()
    browser.visit(f"{server}/lapor/")
    tap_map_at(browser.page, *PIN)
    browser.page.locator("label[for=category-pipa-bocor]").click()
    browser.page.wait_for_selector("#duplicate-list li")
    browser.assert_inert("duplicates list")
    assert "xss-description" in browser.page.locator("#duplicate-list").inner_text()
    search = browser.page.locator("input[type=search]").first
    search.fill(payload("search", short=True))
    search.press("Enter")
    browser.page.wait_for_timeout(500)
    browser.assert_inert("place search")
    browser.visit(f"{server}/api/reports/?q=" + payload("q", short=True).replace("#", ""))


def test_staff_pages_show_payloads_as_text(watch, server, hostile):
    browser = watch(geolocation={"longitude": PIN[0], "latitude": PIN[1]}, permissions=["geolocation"])
    browser.sign_in(server, "admin-test")
    main = hostile["main"]
    browser.visit(f"{server}/petugas/")
    browser.visit(f"{server}/petugas/?status=submitted,referred,rejected&order=newest")
    browser.visit(
        f"{server}/petugas/laporan/{main['tracking_code']}/",
        shows=("description", "name", "reply", "note", "staff-answer"),
    )
    browser.visit(f"{server}/petugas/laporan/{hostile['referred']['tracking_code']}/", shows=("referral",))
    browser.visit(f"{server}/petugas/terdekat/")
    browser.page.wait_for_selector("#tickets li")
    browser.assert_inert("nearest tickets", shows=("description",))
    assert browser.errors == []


def test_payloads_were_stored_verbatim(api, hostile, staff_users):
    """The pages above showed the real payloads, not something the API had already cleaned."""
    private = api.get(f"/api/staff/reports/{hostile['main']['id']}/", headers=auth(staff_users["admin-test"])).json()
    assert private["properties"]["description"] == payload("description")
    assert private["properties"]["contact"]["name"] == payload("name", short=True)
    messages = {entry["message"] for entry in private["properties"]["timeline"]}
    assert {payload("note"), payload("reply")} <= messages
