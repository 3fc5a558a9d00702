"""Issue #19, finding 5: a Content-Security-Policy on every page, and no page breaks it.

Real Chromium visits every kind of page through the real server: the citizen's (map, report form with a
photo preview and a map tap, a report page and its private link, tracking, statistics, the city's
information, the text pages, "Laporan saya", the offline page), the staff's (inbox, a report, the nearest
tickets, the city information pages and a form with its map), the Django admin (a list and a change form
with its map), the API documentation and the OGC API's HTML pages. Each page's response must carry the
policy (scripts from the site or with the request's nonce, no eval, no inline event handlers), and the
page must raise no `securitypolicyviolation` event and log no "Content Security Policy" message, which
would mean something it needs was blocked. A control proves the listener hears a violation when one
happens: a script without the nonce, added by the page, is refused and counted.
"""

import re
from urllib.parse import urlsplit

import pytest

from tests import images
from tests.conftest import STAFF_PASSWORD
from tests.web.conftest import _context, tap_map_at

from . import records
from .conftest import file_report

pytestmark = [pytest.mark.django_db, pytest.mark.browser]

ADMIN_USER = "csp-superuser"
# Report what the page's policy refused to the test (survives navigations, unlike a page variable).
LISTEN = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolation({directive: e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile,
                         line: e.lineNumber, sample: e.sample, page: location.href});
});
"""


def policy_of(header: str) -> dict[str, list[str]]:
    """A Content-Security-Policy header as directive → sources."""
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


class Visitor:
    """A desktop browser whose pages' CSP violations, CSP console messages and policies are recorded."""

    def __init__(self, chromium, server):
        self.server = server
        self.context = _context(chromium, server, {"width": 1280, "height": 900})
        self.violations: list[dict] = []
        self.console: list[str] = []
        self.errors: list[str] = []
        self.pages: list[str] = []
        self.with_nonce = 0
        self.context.expose_function("__cspViolation", lambda violation: self.violations.append(violation))
        self.context.add_init_script(LISTEN)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.documents = []  # the responses of the main frame's navigations, the last one last
        self.page.on("response", self._response)

    def _response(self, response):
        if response.request.is_navigation_request() and response.request.frame == self.page.main_frame:
            self.documents.append(response)

    def _console(self, message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(message.text)

    def visit(self, path: str, ready: str | None = None) -> None:
        response = self.page.goto(self.server + path)
        assert response is not None and response.status == 200, (path, response and response.status)
        self.page.wait_for_load_state("networkidle")
        if ready:
            self.page.wait_for_function(ready)
        self.check_policy(path, response.headers.get("content-security-policy"))
        self.settle()

    def check_policy(self, path: str, header: str | None) -> None:
        """The policy is there, strict for scripts, and every inline script carries its nonce."""
        records.count(__name__, "pages")
        self.pages.append(path)
        assert header, f"{path}: no Content-Security-Policy header"
        policy = policy_of(header)
        scripts = policy.get("script-src", policy.get("default-src", []))
        assert "'unsafe-eval'" not in scripts and "'unsafe-inline'" not in scripts, (path, header)
        assert "'self'" in scripts, (path, header)
        assert policy.get("object-src") == ["'none'"] and policy.get("frame-ancestors") == ["'none'"], (path, header)
        assert policy.get("base-uri") == ["'self'"] and policy.get("form-action") == ["'self'"], (path, header)
        nonces = [source[len("'nonce-") : -1] for source in scripts if source.startswith("'nonce-")]
        inline = self.page.evaluate(
            """() => Array.from(document.scripts)
                .filter((s) => !s.src && !/json/.test(s.type))
                .map((s) => s.nonce)"""
        )
        if inline:
            assert len(nonces) == 1 and all(nonce == nonces[0] for nonce in inline), (path, nonces, inline)
            self.with_nonce += 1
        handlers = self.page.evaluate(
            """() => Array.from(document.querySelectorAll("*")).flatMap((e) =>
                Array.from(e.attributes).filter((a) => /^on/i.test(a.name)).map((a) => e.tagName + " " + a.name))"""
        )
        assert handlers == [], (path, handlers)

    def settle(self) -> None:
        self.page.wait_for_timeout(250)  # violations are reported asynchronously

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visitor(chromium, server):
    opened = []

    def make():
        opened.append(Visitor(chromium, server))
        return opened[-1]

    yield make
    for browser in opened:
        browser.close()


@pytest.fixture(scope="module")
def superuser(committed):
    from django.contrib.auth import get_user_model

    with committed():
        user, created = get_user_model().objects.get_or_create(
            username=ADMIN_USER, defaults={"email": "csp@contoh.go.id", "is_staff": True, "is_superuser": True}
        )
        if created:
            user.set_password(STAFF_PASSWORD)
            user.save()
    return ADMIN_USER


@pytest.fixture(scope="module")
def report(server) -> dict:
    return file_report(server, description="Sampah menumpuk di tepi jalan, sudah tiga hari.")


def finish(browser: Visitor) -> None:
    records.count(__name__, "violations", len(browser.violations))
    records.count(__name__, "console_messages", len(browser.console))
    records.count(__name__, "pages_with_nonce", browser.with_nonce)
    assert browser.violations == [], browser.violations
    assert browser.console == [], browser.console
    assert browser.errors == [], browser.errors


def test_citizen_pages_break_no_policy(visitor, server, report, city_info_demo):
    from city_info.models import Announcement, Event, JobVacancy

    browser = visitor()
    browser.visit("/", ready="() => document.body.dataset.reportsLoaded !== undefined")
    # A map interaction and a photo preview (a blob: image) on the report form.
    browser.visit("/lapor/")
    tap_map_at(browser.page, 112.5290, -7.8763)
    browser.page.locator("label[for=category-sampah]").click()
    browser.page.set_input_files(
        "#photos", files=[{"name": "x.jpg", "mimeType": "image/jpeg", "buffer": images.phone_photo()}]
    )
    browser.page.wait_for_selector("#photo-previews img")
    assert browser.page.locator("#photo-previews img").first.get_attribute("src").startswith("blob:")
    browser.settle()
    browser.visit("/layanan/")
    browser.visit("/layanan/izin-bangunan/")
    code, token = report["tracking_code"], report["reporter_token"]
    browser.visit(f"/laporan/{code}/", ready="() => !!window.leafletmapmap")
    # The private link: whatever way it leads on to the report page (a redirect or a page that forwards),
    # the page it ends on is checked too.
    first = browser.page.goto(f"{server}/laporan/{code}/?t={token}")
    assert first is not None and first.headers.get("content-security-policy"), "private link: no policy"
    browser.page.wait_for_url(re.compile(rf"/laporan/{code}/$"))
    browser.page.wait_for_load_state("networkidle")
    browser.page.wait_for_function("() => !!window.leafletmapmap")
    browser.check_policy("the private link's report page", browser.documents[-1].headers.get("content-security-policy"))
    browser.settle()
    browser.visit(f"/en/laporan/{code}/")
    browser.visit(f"/lacak/?kode={code}")
    browser.visit("/statistik/", ready="() => document.body.dataset.statsLoaded !== undefined")
    browser.page.select_option("#period", "90")  # submits the form from a listener, not an onchange attribute
    browser.page.wait_for_url(re.compile(r"period=90"))
    browser.page.wait_for_load_state("networkidle")
    browser.settle()
    for path in ("/tentang/", "/privasi/", "/ketentuan/", "/laporan-saya/", "/offline/"):
        browser.visit(path)
    for path in ("/info/acara/", "/info/harga/", "/info/lowongan/", "/info/pengumuman/"):
        browser.visit(path)
    browser.visit(f"/info/acara/{Event.objects.order_by('pk').first().pk}/")
    browser.visit(f"/info/lowongan/{JobVacancy.objects.order_by('pk').first().pk}/")
    browser.visit(f"/info/pengumuman/{Announcement.objects.order_by('pk').first().pk}/")
    for path in (
        "/ogcapi/?f=html",
        "/ogcapi/collections?f=html",
        "/ogcapi/collections/reports?f=html",
        "/ogcapi/collections/reports/items?f=html&limit=5",
        f"/ogcapi/collections/reports/items/{report['id']}?f=html",
    ):
        browser.visit(path)
    browser.visit("/api/docs/", ready="() => !!document.querySelector('.swagger-ui .opblock')")
    records.note(__name__, citizen_pages=len(browser.pages))
    finish(browser)


def test_staff_pages_break_no_policy(visitor, server, report, staff_users, city_info_demo):
    from city_info.models import Event

    browser = visitor()
    browser.page.context.grant_permissions(["geolocation"])
    browser.page.context.set_geolocation({"longitude": 112.5290, "latitude": -7.8763})
    browser.visit("/masuk/")
    browser.page.fill("#id_username", "admin-test")
    browser.page.fill("#id_password", STAFF_PASSWORD)
    browser.page.click("button[type=submit]")
    browser.page.wait_for_url(lambda url: "/masuk/" not in url)
    browser.visit("/petugas/")
    browser.visit(f"/petugas/laporan/{report['tracking_code']}/", ready="() => !!window.leafletmapmap")
    browser.visit("/petugas/terdekat/", ready="() => !!window.leafletmapmap")
    browser.visit("/petugas/info/")
    browser.visit("/petugas/info/harga/")
    browser.visit("/petugas/info/acara/baru/", ready="() => !!window.leafletmapplacemap")
    browser.visit(f"/petugas/info/acara/{Event.objects.order_by('pk').first().pk}/")
    records.note(__name__, staff_pages=len(browser.pages))
    finish(browser)


def test_admin_pages_break_no_policy(visitor, server, report, superuser):
    browser = visitor()
    browser.visit("/admin/login/")
    browser.page.fill("#id_username", superuser)
    browser.page.fill("#id_password", STAFF_PASSWORD)
    browser.page.click("input[type=submit]")
    browser.page.wait_for_url(lambda url: "/login/" not in url)
    browser.visit("/admin/")
    browser.visit("/admin/geo_reports/report/")
    browser.visit(
        f"/admin/geo_reports/report/{report['id']}/change/",
        ready="() => !!document.querySelector('.leaflet-container')",
    )
    browser.visit("/admin/geo_reports/category/")
    records.note(__name__, admin_pages=len(browser.pages))
    finish(browser)


def test_a_script_without_the_nonce_is_refused_and_heard(visitor, server):
    """The control: the listener above is not deaf. A script the page adds without the nonce is refused
    (it does not run) and reported once."""
    browser = visitor()
    browser.visit("/")
    browser.page.evaluate(
        """() => { const s = document.createElement("script"); s.textContent = "window.__ran = true";
                   document.body.appendChild(s); }"""
    )
    browser.settle()
    assert browser.page.evaluate("() => window.__ran === undefined")
    assert [v["directive"] for v in browser.violations] == ["script-src-elem"], browser.violations
    records.note(__name__, control_violations_heard=len(browser.violations))


def test_the_policy_names_the_outside_tile_origin_only_when_set():
    """img-src and connect-src allow the optional outside raster layer's origin, and nothing else outside."""
    from config.settings import _tile_origin

    assert _tile_origin("") == []
    assert _tile_origin("https://tile.openstreetmap.org/{z}/{x}/{y}.png") == ["https://tile.openstreetmap.org"]
    assert _tile_origin("https://{s}.tile.example.id:8443/{z}/{x}/{y}.png") == ["https://*.tile.example.id:8443"]
    assert _tile_origin("javascript:alert(1)//{z}") == []
    assert urlsplit(_tile_origin("http://peta.batukota.go.id/t/{z}/{x}/{y}.png")[0]).path == ""
