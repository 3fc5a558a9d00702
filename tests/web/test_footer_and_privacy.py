"""Every page has the footer: "Darurat? Hubungi 112" as a tel: link (and the city's disaster hotline
when it is set), then About, Privacy and Terms. Every public page, in both languages, passes axe-core
without a serious or critical finding, and its footer is usable at 360 px. The privacy notice names
what is collected and the retention period the settings give, and its erase button works.

Screenshots: var/test-artifacts/screenshots/footer-*.png and pages-*.png."""

import re
from html.parser import HTMLParser

import httpx
import pytest
from django.test import override_settings
from playwright.sync_api import expect

from city_info.models import Announcement, Event, JobVacancy
from geo_reports.models import ReporterContact
from geo_reports.selectors import category_service_requests
from tests.places import asset_where, beside

from .conftest import DESKTOP, SCREENSHOTS, axe_violations, screenshot

pytestmark = [pytest.mark.django_db, pytest.mark.browser]
LANGUAGES = ["", "/en"]
NAME, PHONE, EMAIL = "Wulan Footer-Uji", "081255507777", "wulan.footer@contoh.id"


def file_report(server, contact: dict | None = None) -> dict:
    light = asset_where("street_lights")
    pin = beside(light, 2.5, fraction=0)
    properties = {"category": "pju-mati", "answers": {"problem": "out"}, "description": "Lampu mati total."}
    if contact:
        properties["reporter"] = contact
    body = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [pin.x, pin.y]}, "properties": properties}
    response = httpx.post(f"{server}/api/reports/", json=body, timeout=60)
    assert response.status_code == 201, response.text
    return response.json()["properties"]


@pytest.fixture(scope="module")
def public_pages(server, city_info_demo, committed) -> dict[str, str]:
    """Every public page the project has (Indonesian paths; English is /en/ + the same)."""
    with committed():
        event = Event.objects.order_by("pk").first()
        job = JobVacancy.objects.order_by("pk").first()
        announcement = Announcement.objects.order_by("pk").first()
        service = category_service_requests().order_by("code").first()
        code = file_report(server)["tracking_code"]
    return {
        "home": "/",
        "report-form": "/lapor/",
        "report-page": f"/laporan/{code}/",
        "track": "/lacak/",
        "services": "/layanan/",
        "apply": f"/layanan/{service.code}/",
        "statistics": "/statistik/",
        "events": "/info/acara/",
        "event": f"/info/acara/{event.pk}/",
        "prices": "/info/harga/",
        "jobs": "/info/lowongan/",
        "job": f"/info/lowongan/{job.pk}/",
        "announcements": "/info/pengumuman/",
        "announcement": f"/info/pengumuman/{announcement.pk}/",
        "about": "/tentang/",
        "privacy": "/privasi/",
        "terms": "/ketentuan/",
        "sign-in": "/masuk/",
    }


class Footer(HTMLParser):
    """The footer's links (href → text) and whether there is one."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.found = 0
        self.links: dict[str, str] = {}
        self._href = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "footer" and "site-footer" in (attrs.get("class") or ""):
            self.found += 1
            self.depth = 1
        elif self.depth and tag == "footer":
            self.depth += 1
        if self.depth and tag == "a":
            self._href = attrs.get("href")
            self.links[self._href] = ""

    def handle_endtag(self, tag):
        if self.depth and tag == "footer":
            self.depth -= 1
        if tag == "a":
            self._href = None

    def handle_data(self, data):
        if self.depth and self._href is not None and data.strip():
            self.links[self._href] = " ".join(filter(None, [self.links[self._href], data.strip()]))


def footer_of(html: str) -> Footer:
    parser = Footer()
    parser.feed(html)
    return parser


@pytest.mark.parametrize("prefix", LANGUAGES)
def test_every_page_has_the_footer_with_112_first(server, public_pages, staff_users, prefix):
    paths = [prefix + path for path in public_pages.values()]
    with httpx.Client(base_url=server, timeout=60) as client:
        pages = {path: client.get(path) for path in paths}
        pages[prefix + "/tidak-ada/"] = client.get(prefix + "/tidak-ada/")  # the 404 page
        if not prefix:
            pages["/ogcapi/?f=html"] = client.get("/ogcapi/", params={"f": "html"})  # not translated
        signed_in = httpx.Client(base_url=server, timeout=60)
        token = signed_in.get("/masuk/").cookies["csrftoken"]
        signed_in.post(
            "/masuk/",
            data={"username": "dishub-operator", "password": "kata-sandi-uji-2026", "csrfmiddlewaretoken": token},
        )
        for staff_page in ("/petugas/", "/petugas/terdekat/"):  # staff pages have it too
            pages[prefix + staff_page] = signed_in.get(prefix + staff_page)
        signed_in.close()
    wrong = {}
    for path, response in pages.items():
        expected_status = 404 if "tidak-ada" in path else 200
        footer = footer_of(response.text)
        links = list(footer.links)
        problems = []
        if response.status_code != expected_status:
            problems.append(f"status {response.status_code}")
        if footer.found != 1:
            problems.append(f"{footer.found} footers")
        elif links[:1] != ["tel:112"]:
            problems.append(f"the first link is {links[:1]}, not tel:112")
        elif not {f"{prefix}/tentang/", f"{prefix}/privasi/", f"{prefix}/ketentuan/"} <= set(links):
            problems.append(f"links {links}")
        if problems:
            wrong[path] = problems
    assert wrong == {}
    assert len(pages) >= len(public_pages) + 3
    home = footer_of(pages[prefix + "/"].text)
    assert [href for href in home.links if href.startswith("tel:")] == ["tel:112"]  # no hotline unless it is set
    assert home.links["tel:112"].endswith("112")


def test_the_disaster_hotline_shows_when_it_is_set(client):
    """The hotline is a setting (never a made-up default): shown beside 112 when set, as a tel: link."""
    with override_settings(LAPOR_DISASTER_HOTLINE="(0341) 000-000", LAPOR_DISASTER_HOTLINE_NAME="BPBD Kota Batu"):
        for path in ("/", "/en/lacak/", "/ketentuan/"):
            footer = footer_of(client.get(path).content.decode())
            assert list(footer.links)[:2] == ["tel:112", "tel:0341000000"], path
            assert footer.links["tel:0341000000"] == "BPBD Kota Batu (0341) 000-000"
        terms = client.get("/ketentuan/").content.decode()
        assert 'BPBD Kota Batu di <a href="tel:0341000000">(0341) 000-000</a>' in terms
    with override_settings(LAPOR_DISASTER_HOTLINE=""):
        footer = footer_of(client.get("/").content.decode())
        assert [href for href in footer.links if href.startswith("tel:")] == ["tel:112"]


COLLECTED = ["report", "photos", "documents", "contact", "chat", "link", "device", "ip"]


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("/privasi/", ["200 hari setelah laporan ditutup", "paling lama 2 jam", "tanpa metadata", "6 Desember 2026"]),
        (
            "/en/privasi/",
            ["200 days after the report is closed", "within 2 hours", "without metadata", "6 December 2026"],
        ),
    ],
)
def test_the_privacy_notice_names_what_is_collected_and_the_retention_from_the_settings(client, path, says):
    with override_settings(LAPOR_CONTACT_RETENTION_DAYS=200, LAPOR_PRIVACY_CONTACT_EMAIL=""):
        page = client.get(path).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    for kind in COLLECTED:
        assert f'id="collect-{kind}"' in page, kind
    for section in ("pengendali", "data-dikumpulkan", "tujuan", "siapa-melihat", "masa-simpan", "hak", "hapus"):
        assert f'id="{section}"' in page, section
    assert '<span id="retention-days">200</span>' in page
    for phrase in says:
        assert phrase in text, phrase
    assert "UU 27/2022" in text
    assert "mailto:" not in page  # no address is invented while none is set
    with override_settings(LAPOR_PRIVACY_CONTACT_EMAIL="privasi@contoh.go.id"):
        assert 'href="mailto:privasi@contoh.go.id"' in client.get(path).content.decode()


def _settle(page) -> None:
    page.wait_for_load_state("load")
    page.wait_for_function("() => !document.querySelector('#map') || !!window.leafletmapmap")


def _footer_problems(page) -> list[str]:
    """Footer links shorter than 44 px, and anything wider than the 360 px screen."""
    heights = page.eval_on_selector_all(
        "footer.site-footer a",
        "links => links.filter(a => a.offsetParent !== null).map(a => [a.getAttribute('href'), a.getBoundingClientRect().height])",
    )
    problems = [f"{href} is {height:.0f} px tall" for href, height in heights if height < 44]
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > 360:
        problems.append(f"the page is {width} px wide")
    return problems


@pytest.mark.parametrize("prefix", LANGUAGES)
def test_every_public_page_passes_axe_and_its_footer_fits_the_phone(phone, server, public_pages, prefix):
    found = {}
    for name, path in public_pages.items():
        phone.goto(server + prefix + path)
        _settle(phone)
        problems = axe_violations(phone) + _footer_problems(phone)
        if problems:
            found[name] = problems
    phone.goto(server + prefix + "/tidak-ada/")
    problems = axe_violations(phone) + _footer_problems(phone)
    if problems:
        found["404"] = problems
    assert found == {}


def test_the_home_map_keeps_the_screen_and_the_footer_is_one_slim_row(phone, chromium, server):
    phone.goto(server + "/")
    _settle(phone)
    screenshot(phone, "footer-home-phone")
    viewport = phone.viewport_size
    footer = phone.locator("footer.site-footer").bounding_box()
    map_box = phone.locator("#map").bounding_box()
    assert footer["y"] + footer["height"] <= viewport["height"] + 0.5  # in view without scrolling
    assert footer["height"] <= 50, footer
    assert abs(map_box["y"] + map_box["height"] - footer["y"]) <= 1  # the map reaches down to the footer
    assert map_box["height"] >= 0.6 * viewport["height"]
    assert phone.evaluate("document.documentElement.scrollHeight") <= viewport["height"]
    expect(phone.locator("footer .emergency-call").first).to_be_visible()

    context = chromium.new_context(viewport=DESKTOP, locale="id-ID")
    context.route(lambda url: not url.startswith(server), lambda route: route.abort())
    desktop = context.new_page()
    desktop.goto(server + "/en/")
    _settle(desktop)
    assert desktop.evaluate("document.documentElement.scrollHeight") <= DESKTOP["height"]
    screenshot(desktop, "footer-home-desktop")
    context.close()


@pytest.mark.parametrize("prefix", LANGUAGES)
def test_screenshots_of_the_three_pages_and_the_footer_on_the_phone(phone, server, prefix):
    for name, path in (("about", "/tentang/"), ("privacy", "/privasi/"), ("terms", "/ketentuan/")):
        phone.goto(server + prefix + path)
        expect(phone.locator("h1")).to_be_visible()
        screenshot(phone, f"pages-{name}{prefix.replace('/', '-')}")
    phone.goto(server + prefix + "/lacak/")
    phone.locator("footer.site-footer").screenshot(
        path=str(SCREENSHOTS / f"footer-track{prefix.replace('/', '-')}.png")
    )


def test_the_reporter_erases_their_contact_on_the_private_page(phone, server):
    report = file_report(server, {"name": NAME, "phone": PHONE, "email": EMAIL})
    private = f"{server}/laporan/{report['tracking_code']}/?t={report['reporter_token']}"
    phone.goto(private)
    start = phone.locator("#erase-contact-start")
    expect(start).to_be_visible()
    screenshot(phone, "pages-erase-before")
    start.click()
    expect(phone.locator("#erase-contact-confirm")).to_be_visible()
    expect(phone.locator("#erase-contact-yes")).to_be_focused()
    phone.locator("#erase-contact-cancel").click()  # changed their mind: nothing happens
    expect(phone.locator("#erase-contact-confirm")).to_be_hidden()
    assert ReporterContact.objects.filter(report_id=report["id"], email=EMAIL).exists()

    start.click()
    screenshot(phone, "pages-erase-confirm")
    phone.locator("#erase-contact-yes").click()
    done = phone.locator("#erase-contact-done")
    expect(done).to_be_visible()
    expect(done).to_have_text(done.get_attribute("data-done"))
    expect(phone.locator("#erase-contact-ask")).to_be_hidden()
    screenshot(phone, "pages-erase-done")
    assert not ReporterContact.objects.filter(report_id=report["id"]).exists()

    phone.reload()
    expect(phone.locator("#contact-none")).to_be_visible()
    expect(phone.locator("#erase-contact-start")).to_have_count(0)
    public = httpx.get(f"{server}/laporan/{report['tracking_code']}/").text
    assert "erase-contact" not in public  # only behind the private link
