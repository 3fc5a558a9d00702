"""The "Semua layanan" page and a service request in real Chromium through the real server: a permit
application filed from a phone with a PDF, followed through the private link, its document downloaded;
the services page in both languages, without serious accessibility problems."""

import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from tests.conftest import STAFF_PASSWORD
from tests.geo_reports.test_documents import BATU, pdf

from .conftest import axe_violations, screenshot, tap_map_at

pytestmark = [pytest.mark.django_db, pytest.mark.browser]

# (link id, Indonesian title, English title, path after the language prefix)
SERVICES = [
    ("service-report", "Laporkan masalah", "Report a problem", "/lapor/"),
    ("service-izin-bangunan", "Permohonan izin", "Permit application", "/layanan/izin-bangunan/"),
    ("service-pajak-daerah", "Pertanyaan pajak daerah", "Local tax question", "/layanan/pajak-daerah/"),
    ("service-track", "Lacak laporan", "Track a report", "/lacak/"),
    ("service-events", "Acara", "Events", "/info/acara/"),
    ("service-prices", "Harga pangan", "Food prices", "/info/harga/"),
    ("service-jobs", "Lowongan kerja", "Job vacancies", "/info/lowongan/"),
    ("service-announcements", "Pengumuman", "Announcements", "/info/pengumuman/"),
    ("service-statistics", "Angka", "Figures", "/statistik/"),
]


@pytest.mark.parametrize(("prefix", "language"), [("", "id"), ("/en", "en")])
def test_the_services_page_lists_every_service_in_both_languages(phone, server, prefix, language):
    phone.goto(server + prefix + "/layanan/")
    expect(phone.locator("h1")).to_have_text("Semua layanan" if language == "id" else "All services")
    expect(phone.locator("html")).to_have_attribute("lang", language)
    expect(phone.locator(".service")).to_have_count(len(SERVICES))
    for link_id, indonesian, english, path in SERVICES:
        link = phone.locator(f"#{link_id}")
        expect(link).to_have_text(indonesian if language == "id" else english)
        assert link.get_attribute("href") == prefix + path
    # Phone first: the cards fit the screen, one under the other, and the whole card is the link.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    boxes = [phone.locator(f"#{link_id}").locator("xpath=ancestor::li").bounding_box() for link_id, *_ in SERVICES]
    assert all(box["width"] > 300 and box["height"] >= 44 for box in boxes)
    assert axe_violations(phone) == []
    screenshot(phone, f"services-phone{prefix.replace('/', '-')}")

    # Every service is there: each link leads to a page that answers.
    for _link_id, _id, _en, path in SERVICES:
        response = phone.request.get(server + prefix + path)
        assert response.status == 200, path


def test_the_services_page_on_a_desktop(desktop, server):
    desktop.goto(server + "/layanan/")
    first, second = (desktop.locator(".service").nth(n).bounding_box() for n in (0, 1))
    assert first["y"] == second["y"]  # side by side on a wide screen
    assert axe_violations(desktop) == []
    screenshot(desktop, "services-desktop")


def test_the_map_and_the_navigation_lead_to_the_services(phone, server):
    phone.goto(server + "/")
    link = phone.get_by_role("link", name="Semua layanan")
    expect(link).to_be_visible()
    fab = phone.locator(".fab").bounding_box()
    box = link.bounding_box()
    assert box["y"] + box["height"] <= fab["y"]  # above the report button, not over it
    assert box["x"] + box["width"] <= 360
    screenshot(phone, "home-services-link-phone")
    link.click()
    expect(phone).to_have_url(server + "/layanan/")
    nav = phone.locator(".site-nav").get_by_role("link", name="Layanan")
    expect(nav).to_have_attribute("aria-current", "page")
    # On a phone every link of the navigation fits on one line.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    header = phone.locator(".site-header").bounding_box()
    assert header["height"] <= 60


def test_a_permit_application_from_a_phone_with_a_pdf(phone, server):
    plans = pdf(pages=2, colour=(235, 245, 255))
    phone.goto(server + "/")
    phone.get_by_role("link", name="Semua layanan").click()
    phone.locator("#service-izin-bangunan").click()
    # An application of its own, not the complaint form: its words, the documents before the rest.
    expect(phone).to_have_url(server + "/layanan/izin-bangunan/")
    expect(phone).to_have_title(re.compile("^Permohonan izin"))
    expect(phone.locator("#location-text")).to_have_text(
        "Ketuk peta untuk menandai tempat yang dimaksud dalam permohonan Anda."
    )
    expect(phone.locator("#step-category")).to_have_text(re.compile("Apa yang Anda ajukan\\?"))
    expect(phone.get_by_text("Apa masalahnya?")).to_have_count(0)
    # Only the service requests are offered; the permit is chosen already; its questions follow.
    expect(phone.locator("input[name=category]")).to_have_count(2)
    expect(phone.locator("#category-izin-bangunan")).to_be_checked()
    expect(phone.locator("#questions-title")).to_have_text("Tentang permohonan Anda: Permohonan izin")
    expect(phone.locator("input[name=answer-permit_type]")).to_have_count(5)
    expect(phone.locator("#documents-field")).to_be_visible()
    expect(phone.locator("#documents-required")).to_be_visible()
    expect(phone.locator("#documents-hint")).to_contain_text("KTP pemohon")
    expect(phone.locator("#documents-hint")).to_contain_text("paling besar 5 MB")
    expect(phone.locator("label[for=description]")).to_have_text("Jelaskan permohonan Anda")
    steps = [
        phone.evaluate(f"document.querySelector('{s}').getBoundingClientRect().top + scrollY")
        for s in ("#questions", "#documents-field", "#check-step", "#description", "#reporter-name")
    ]
    assert steps == sorted(steps)
    # The cards fit a 360 px phone: nothing wider than the screen, no card's text overflowing it.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert phone.evaluate(
        "[...document.querySelectorAll('.category-option label')].every(l => l.scrollWidth <= l.clientWidth + 1)"
    )
    expect(phone.locator("#submit")).to_have_text("Kirim permohonan")
    # Old links to the complaint form with a service request's code still lead here.
    assert phone.request.get(server + "/lapor/?kategori=izin-bangunan").url == server + "/layanan/izin-bangunan/"

    tap_map_at(phone, *BATU)
    expect(phone.locator("#location-text")).to_contain_text("Lokasi:")
    phone.locator("label[for=answer-permit_type-0]").click()  # PBG
    phone.locator("label[for=answer-applicant-0]").click()
    phone.fill("#answer-object_name", "Rumah tinggal Jl. Diponegoro 12")
    phone.fill("#answer-area_m2", "120")
    phone.fill("#description", "Permohonan PBG untuk rumah tinggal dua lantai.")
    expect(phone.locator("#preview-agency")).to_have_text(
        "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kota Batu"
    )

    # Without a document the server says what is missing, next to the field.
    phone.click("#submit")
    expect(phone.locator("#error-documents")).to_have_text(
        "Lampirkan paling sedikit satu dokumen (PDF atau foto) untuk Permohonan izin."
    )
    phone.set_input_files(
        "#documents", files=[{"name": "Gambar rencana.pdf", "mimeType": "application/pdf", "buffer": plans}]
    )
    expect(phone.locator("#document-list li")).to_have_count(1)
    expect(phone.locator("#document-list")).to_contain_text("Gambar rencana.pdf")
    screenshot(phone, "permit-form-phone")

    phone.click("#submit")
    expect(phone.locator("#success")).to_be_visible()
    expect(phone.get_by_role("heading", name="Terima kasih, permohonan Anda telah diterima")).to_be_visible()
    expect(phone.locator("#success-expectation")).to_contain_text("dalam 2 hari kerja")
    expect(phone.locator("#success-expectation")).to_contain_text("menargetkan keputusan dalam 28 hari kerja")
    expect(phone.locator("#success-routing")).to_contain_text("Dinas Penanaman Modal")
    code = phone.locator("#tracking-code").inner_text()
    private = phone.locator("#private-link").get_attribute("href")
    assert "?t=" in private
    # The request is not public: "View" opens the private page.
    assert phone.locator("#report-link").get_attribute("href") == private
    screenshot(phone, "permit-sent-phone")

    phone.click("#report-link")
    expect(phone.locator("#report-code")).to_have_text(code)
    expect(phone.locator("#reporter-title")).to_be_visible()
    documents = phone.locator("#document-files li")
    expect(documents).to_have_count(1)
    expect(documents).to_contain_text("Gambar rencana.pdf")
    expect(documents).to_contain_text("2 halaman")
    expect(phone.locator(".facts").first).to_contain_text("Persetujuan Bangunan Gedung (PBG)")
    expect(phone.locator("#timeline li")).to_have_count(1)  # the upload entry is internal
    screenshot(phone, "permit-page-phone")
    with phone.expect_download() as download:
        documents.get_by_role("link").click()
    assert download.value.suggested_filename == "Gambar rencana.pdf"
    assert Path(download.value.path()).read_bytes() == plans

    # Without the private link (and the cookie this phone was given for it) there is nothing to see.
    assert httpx.get(f"{server}/laporan/{code}/", timeout=30).status_code == 404
    link = documents.get_by_role("link").get_attribute("href")
    assert "t=" not in link  # the phone downloads with its cookie; no token in an address
    assert httpx.get(server + link.split("?")[0], timeout=30).status_code == 404


@pytest.fixture(scope="session")
def dpmptsp_operator(committed) -> str:
    """An operator of DPMPTSP, the permit office, who signs in with STAFF_PASSWORD."""
    from django.contrib.auth import get_user_model

    from districts.models import Agency, Membership

    with committed():
        user, _ = get_user_model().objects.get_or_create(username="dpmptsp-petugas")
        user.set_password(STAFF_PASSWORD)
        user.save()
        Membership.objects.get_or_create(user=user, agency=Agency.objects.get(code="dpmptsp"), role="operator")
    return "dpmptsp-petugas"


def test_the_permit_office_sees_and_downloads_the_documents(desktop, server, dpmptsp_operator):
    plans = pdf(pages=1)
    created = desktop.request.post(
        server + "/api/reports/",
        multipart={
            "category": "izin-bangunan",
            "geometry": '{"type": "Point", "coordinates": [112.529, -7.8763]}',
            "answers": '{"permit_type": "reklame", "applicant": "business", "object_name": "Papan reklame Toko Apel"}',
            "documents": {"name": "desain reklame.pdf", "mimeType": "application/pdf", "buffer": plans},
        },
    )
    assert created.status == 201, created.text()
    code = created.json()["properties"]["tracking_code"]

    desktop.goto(server + "/masuk/")
    desktop.fill("#id_username", dpmptsp_operator)
    desktop.fill("#id_password", STAFF_PASSWORD)
    desktop.click("button[type=submit]")
    expect(desktop).to_have_url(server + "/petugas/")
    desktop.goto(server + f"/petugas/laporan/{code}/")
    documents = desktop.locator("#document-files li")
    expect(documents).to_have_count(1)
    expect(documents).to_contain_text("desain reklame.pdf")
    expect(desktop.locator("#answers")).to_contain_text("Izin reklame")
    expect(desktop.locator("#timeline")).to_contain_text("Dokumen dilampirkan")
    screenshot(desktop, "permit-staff-desktop")
    with desktop.expect_download() as download:
        documents.get_by_role("link").click()
    assert Path(download.value.path()).read_bytes() == plans
