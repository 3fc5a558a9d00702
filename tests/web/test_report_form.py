"""The report form on a phone, in the order a citizen meets it: the pin, the category and at once its
questions, nearby reports and where the report will go, then the details; after a +1 the citizen may
stop; after sending, the heading in view, the private link to keep (copy, share, WhatsApp, e-mail)
and when to expect an answer. Real Chromium, real server, every outside request blocked."""

import re
import urllib.parse

import httpx
import pytest
from playwright.sync_api import expect

from notifications.models import Notification
from tests.places import asset_where, beside, moved

from .conftest import axe_violations, screenshot, tap_map_at

pytestmark = [pytest.mark.django_db, pytest.mark.browser]
HEADER = 56


def _pipe_point(metres=6.0, fraction=0.55):
    pipe = asset_where("water_pipes", pipe_type="distribution")
    return beside(pipe, metres, fraction=fraction)


def _top(page, selector: str) -> float:
    """Where an element starts on the page (not in the viewport)."""
    return page.evaluate(f"document.querySelector('{selector}').getBoundingClientRect().top + scrollY")


def test_the_questions_follow_the_category_at_once_then_nearby_reports_and_the_routing(phone, server):
    point = _pipe_point()
    phone.goto(server + "/lapor/")
    tap_map_at(phone, point.x, point.y)
    expect(phone.locator("#location-text")).to_contain_text("Lokasi: ")
    phone.locator("label[for=category-pipa-bocor]").tap()

    questions = phone.locator("#questions")
    expect(questions).to_be_visible()
    expect(phone.locator("#questions-title")).to_have_text("Tentang masalahnya: Pipa PDAM bocor")
    # In view below the sticky header, and the first answer has the focus.
    phone.wait_for_function(
        f"() => {{ const top = document.getElementById('questions').getBoundingClientRect().top;"
        f" return top >= {HEADER} && top < 200; }}"
    )
    assert phone.evaluate("document.activeElement.id") == "answer-flow-0"
    # The customer number is staff-only, and says so.
    badge = phone.locator("label[for=answer-customer_number] .staff-only-badge")
    expect(badge).to_have_text("Hanya petugas")
    expect(phone.locator("#answer-customer_number-help")).to_contain_text("tidak pernah ditampilkan di publik")
    screenshot(phone, "form-questions-phone")

    # The order on the page: category, questions, nearby reports and routing, details, contact, send.
    order = ["#categories", "#questions", "#check-step", "#description", "#photos-field", "#reporter-name", "#submit"]
    tops = [_top(phone, selector) for selector in order]
    assert tops == sorted(tops), dict(zip(order, tops, strict=True))
    expect(phone.locator("#check-step #preview-agency")).to_have_text("Perumda Air Minum Among Tirta Kota Batu")
    expect(phone.locator("#step-check")).to_have_text(re.compile("Sudah dilaporkan\\? Ke mana laporan ini\\?"))


def test_after_a_plus_one_the_citizen_may_stop_or_still_send_a_different_problem(phone, new_phone, server):
    point = _pipe_point(4.0, 0.3)
    first = httpx.post(
        f"{server}/api/reports/",
        json={
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [point.x, point.y]},
            "properties": {"category": "pipa-bocor", "answers": {"flow": "seep"}, "description": "Rembes."},
        },
    ).json()
    code = first["properties"]["tracking_code"]

    page = new_phone()
    page.goto(server + "/lapor/")
    tap_map_at(page, *moved(point, 10, 45).coords)
    page.locator("label[for=category-pipa-bocor]").tap()
    entry = page.locator(f"#duplicate-list li[data-code='{code}']")
    entry.get_by_role("button").tap()
    supported = page.locator("#supported")
    expect(supported).to_contain_text(f"+1 Anda tercatat pada laporan {code}.")
    expect(supported).to_contain_text("Anda tidak perlu mengirim masalah yang sama lagi")
    expect(supported.get_by_role("link", name="Lihat laporan itu")).to_have_attribute("href", f"/laporan/{code}/")
    expect(supported).to_contain_text("Masalah Anda berbeda?")
    screenshot(page, "form-supported-phone")

    # A different problem at the same spot can still be sent.
    page.locator("label[for=category-air-mati]").tap()
    page.fill("#description", "Air tidak mengalir sejak pagi.")
    page.click("#submit")
    expect(page.locator("#success")).to_be_visible()
    assert page.locator("#tracking-code").inner_text() != code
    assert httpx.get(f"{server}/api/reports/track/{code}/").json()["properties"]["support_count"] == 1


def test_the_success_screen_keeps_the_private_link_and_says_when_to_expect_an_answer(new_phone, server):
    page = new_phone(permissions=["clipboard-read", "clipboard-write"])
    # The phone's share sheet (the Web Share API), recorded instead of opened.
    page.add_init_script(
        "window.shared = []; navigator.share = (data) => { window.shared.push(data); return Promise.resolve(); };"
    )
    point = _pipe_point(5.0, 0.7)
    page.goto(server + "/lapor/")
    tap_map_at(page, point.x, point.y)
    page.locator("label[for=category-pipa-bocor]").tap()
    page.locator("label[for=answer-flow-1]").tap()
    page.fill("#reporter-phone", "0812-3456-7890")
    page.fill("#reporter-email", "warga.sukses@contoh.id")
    page.click("#submit")
    success = page.locator("#success")
    expect(success).to_be_visible()

    # The heading is in view, below the sticky header, not under it.
    heading = page.locator("#success-title").bounding_box()
    assert HEADER <= heading["y"] < 640 - heading["height"], heading
    expect(page.locator("#success-title")).to_have_text("Terima kasih, laporan Anda telah diterima")
    code = page.locator("#tracking-code").inner_text()
    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}", code)
    # Pipe leaks: an answer within 6 hours, fixed within 2 days (the category's deadlines), in words.
    expect(page.locator("#success-expectation")).to_contain_text("Instansi menanggapi dalam 6 jam (paling lambat ")
    expect(page.locator("#success-expectation")).to_contain_text("menargetkan masalah selesai dalam 2 hari")
    screenshot(page, "form-success-phone")
    assert axe_violations(page) == []

    private = page.locator("#private-link").get_attribute("href")
    assert re.fullmatch(re.escape(server) + f"/laporan/{code}/\\?t=[\\w-]+", private)
    page.get_by_role("button", name="Salin tautan").tap()
    expect(page.locator("#link-message")).to_have_text("Tautan disalin.")
    assert page.evaluate("navigator.clipboard.readText()") == private

    page.get_by_role("button", name="Bagikan").tap()
    shared = page.evaluate("window.shared")
    assert shared == [{"title": f"Lapor Batu {code}", "text": shared[0]["text"], "url": private}]
    assert code in shared[0]["text"]

    whatsapp = page.get_by_role("link", name="Kirim ke WhatsApp saya").get_attribute("href")
    assert whatsapp.startswith("https://wa.me/6281234567890?text=")
    assert private in urllib.parse.unquote(whatsapp.split("?text=", 1)[1])

    page.get_by_role("button", name="Kirim tautan ke email saya").tap()
    expect(page.locator("#link-message")).to_have_text("Tautan akan segera dikirim ke warga.sukses@contoh.id.")
    queued = Notification.objects.get(report__tracking_code=code, event="private_link")
    assert queued.payload["to"] == "warga.sukses@contoh.id"

    # The private page it leads to: the reporter's card says what happens next (never empty).
    page.goto(private)
    card = page.locator("#reporter-actions")
    expect(card).to_be_visible()
    expect(card.locator(".reporter-next").first).to_contain_text(
        "Perumda Air Minum Among Tirta Kota Batu telah menerimanya dan menanggapi paling lambat "
    )
    expect(card.locator(".reporter-next").last).to_contain_text("Simpan tautan ini")
    screenshot(page, "report-private-open-phone")


def test_without_an_email_there_is_no_email_button_and_without_a_phone_whatsapp_asks_whom(phone, server):
    point = _pipe_point(5.0, 0.9)
    phone.goto(server + "/en/lapor/")
    tap_map_at(phone, point.x, point.y)
    phone.locator("label[for=category-pipa-bocor]").tap()
    phone.locator("label[for=answer-flow-0]").tap()
    phone.click("#submit")
    expect(phone.locator("#success")).to_be_visible()
    expect(phone.locator("#success-title")).to_have_text("Thank you, your report has been received")
    expect(phone.locator("#success-expectation")).to_contain_text("The agency answers within 6 hours (by ")
    expect(phone.locator("#email-link")).to_be_hidden()
    assert phone.locator("#whatsapp-link").get_attribute("href").startswith("https://wa.me/?text=")
    screenshot(phone, "form-success-phone-en")
    assert axe_violations(phone) == []


def test_numbers_keep_to_their_limits_before_anything_is_sent(phone, server):
    road = asset_where("roads", road_class="city")
    point = beside(road, 3)
    posts = []
    phone.on(
        "request", lambda r: posts.append(r.url) if r.method == "POST" and r.url.endswith("/api/reports/") else None
    )
    phone.goto(server + "/lapor/")
    tap_map_at(phone, point.x, point.y)
    phone.locator("label[for=category-jalan-rusak]").tap()
    phone.locator("label[for=answer-severity-1]").tap()
    phone.fill("#answer-width_m", "-5")
    expect(phone.locator("#error-answers-width-m")).to_have_text("Masukkan angka paling sedikit 0.")
    phone.click("#submit")
    expect(phone.locator("#error-answers-width-m")).to_have_text("Masukkan angka paling sedikit 0.")
    assert phone.evaluate("document.activeElement.id") == "answer-width_m"
    assert posts == []
    phone.fill("#answer-width_m", "120")
    expect(phone.locator("#error-answers-width-m")).to_have_text("Masukkan angka paling banyak 100.")
    phone.fill("#answer-width_m", "2.5")
    expect(phone.locator("#error-answers-width-m")).to_be_empty()
    phone.click("#submit")
    expect(phone.locator("#success")).to_be_visible()
    assert len(posts) == 1


def test_a_line_is_named_by_its_length_and_its_desa(desktop, server):
    road = asset_where("roads", road_class="national")
    desktop.goto(server + "/lapor/")
    desktop.locator("label[for=category-jalan-rusak]").click()
    desktop.locator("#draw-tools [data-mode=LineString]").click()
    for fraction in (0.3, 0.6):
        tap_map_at(desktop, *beside(road, 3, fraction=fraction).coords, zoom=17)
    expect(desktop.locator("#location-text")).to_have_text(
        re.compile(r"^Lokasi: garis sepanjang \d+ m · (Desa|Kel\.) [A-Z][a-z]+, Kec\. [A-Z][a-z]+$")
    )


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_form_with_its_questions_has_no_serious_accessibility_problem(phone, server, prefix):
    found = {}
    for name, path, category in (
        ("complaint", "/lapor/", "pipa-bocor"),
        ("application", "/layanan/pajak-daerah/", None),
    ):
        phone.goto(server + prefix + path)
        phone.wait_for_function("() => !!window.leafletmapmap")
        if category:
            phone.locator(f"label[for=category-{category}]").tap()
        expect(phone.locator("#questions")).to_be_visible()
        violations = axe_violations(phone)
        if violations:
            found[name] = violations
    assert found == {}


def test_the_private_page_clears_an_earlier_error_once_an_action_works(phone, server, staff_token):
    light = asset_where("street_lights")
    pin = beside(light, 3, fraction=0)
    created = httpx.post(
        f"{server}/api/reports/",
        json={
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [pin.x, pin.y]},
            "properties": {"category": "pju-mati", "answers": {"problem": "out"}},
        },
    ).json()
    auth = {"Authorization": f"Token {staff_token}"}
    for version, status in ((1, "verified"), (2, "resolved")):
        url = f"{server}/api/reports/{created['id']}/transition/"
        httpx.post(url, json={"status": status, "version": version}, headers=auth).raise_for_status()
    code, token = created["properties"]["tracking_code"], created["properties"]["reporter_token"]

    phone.goto(f"{server}/laporan/{code}/?t={token}")
    phone.locator("#reopen-form button[type=submit]").tap()  # without saying what is wrong
    expect(phone.locator("#error-reopen")).to_have_text("Sebutkan apa yang masih bermasalah.")
    phone.locator("#confirm-fix").tap()
    expect(phone.locator("#reporter-message")).to_have_text("Terima kasih: laporan ditutup.")
    expect(phone.locator("#error-reopen")).to_be_empty()
    expect(phone.locator("#status-badge")).to_have_text("Ditutup", timeout=10_000)  # the page reloads
    expect(phone.locator(".reporter-next")).to_have_text("Laporan ini sudah ditutup.")
