"""A working day for staff, in real Chromium through the real server: an operator on a phone (cards,
confirmations, no preselected status, a second question before rejecting, a referral that ends in the
inbox), a field crew member whose phone gives no location, a planner with the agency column, filters
and exports, the council's figures on a phone, a report co-handled by two agencies, and moderation.

New texts are asserted in English on the /en/ pages (their Indonesian translations are merged into
the catalogue separately); Indonesian pages are asserted on texts the catalogue already has.
"""

import json
import re

import httpx
import pytest
from playwright.sync_api import expect

from districts.models import Asset
from geo_reports.personal_data import MASK
from tests import images
from tests.conftest import STAFF_PASSWORD
from tests.places import beside

from .conftest import DESKTOP, PHONE, _context, axe_violations, screenshot

pytestmark = [pytest.mark.django_db, pytest.mark.browser]


def sign_in(page, server, username, *, lands: str, prefix: str = "/en") -> None:
    page.goto(f"{server}{prefix}/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", STAFF_PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(re.escape(server) + "(/en)?" + re.escape(lands) + "$"))


def light(index: int) -> Asset:
    return Asset.objects.filter(layer__code="street_lights").order_by("external_id")[index]


def file_report(server, pin, *, description="", reporter=None, photo=False) -> dict:
    data = {
        "category": "pju-mati",
        "geometry": json.dumps({"type": "Point", "coordinates": [pin.x, pin.y]}),
        "answers": json.dumps({"problem": "out"}),
        "description": description,
    }
    if reporter:
        data["reporter_name"] = reporter
    files = [("photos", ("lampu.jpg", images.phone_photo(), "image/jpeg"))] if photo else None
    response = httpx.post(f"{server}/api/reports/", data=data, files=files, timeout=60)
    assert response.status_code == 201, response.text
    return response.json()["properties"]


def as_staff(staff_users, who) -> dict:
    return {"Authorization": f"Token {staff_users[who]}"}


def inside_the_screen(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"] + 0.5


def wait_for_basemap(page) -> None:
    page.wait_for_function("() => document.querySelectorAll('#map .basemap-tile path').length > 0")


def messages(page):
    return page.locator("#messages")


def test_an_operator_works_reports_on_a_phone(phone, server, staff_users):
    report = file_report(server, beside(light(1010), 1.0), description="Lampu mati total.", reporter="Ibu Warga")
    finished = file_report(server, beside(light(1011), 1.0))
    rejected = httpx.post(
        f"{server}/api/reports/{finished['id']}/transition/",
        json={"status": "rejected", "version": 1, "message": "Bukan lampu milik kota"},
        headers=as_staff(staff_users, "admin-test"),
    )
    assert rejected.status_code == 200
    code = report["tracking_code"]

    sign_in(phone, server, "dishub-operator", lands="/petugas/")
    expect(phone.locator("#inbox-scope")).to_contain_text("Dishub")
    expect(phone.locator(".counts a[aria-current=true]").first).to_contain_text("open")
    phone.goto(f"{server}/en/petugas/?order=newest")  # the newest first: today's reports of a busy test run
    row = phone.locator(f"#inbox-table tr[data-code='{code}']")
    expect(row).to_be_visible()
    assert phone.locator(f"#inbox-table tr[data-code='{finished['tracking_code']}']").count() == 0  # finished work
    for cell in ("td.due", "td.assignee", "td.agency"):  # a card: every fact on the screen, none off it
        assert inside_the_screen(phone, row.locator(cell)), cell
    expect(row.locator("td.due")).to_have_attribute("data-label", "Resolution due")  # the card's label
    screenshot(phone, "staff-inbox-phone")
    assert axe_violations(phone) == []
    phone.goto(f"{server}/en/petugas/?status=finished&order=newest")
    expect(phone.locator(f"#inbox-table tr[data-code='{finished['tracking_code']}']")).to_be_visible()

    phone.goto(f"{server}/en/petugas/laporan/{code}/")
    assert axe_violations(phone) == []
    assert phone.locator("#status-form input[name=status]:checked").count() == 0  # nothing chosen for them
    phone.locator("#status-form input[value=verified]").check()
    phone.click("#status-form button[type=submit]")
    expect(messages(phone)).to_have_text(f"Report {code} is now: Verified.")
    expect(messages(phone)).to_be_focused()
    expect(phone.locator("#status-badge")).to_have_text("Verified")

    phone.fill("#comment-message", "Petugas datang besok pagi.")
    phone.click("#comment-form button[type=submit]")
    expect(messages(phone)).to_have_text(f"Reply published on report {code}.")
    phone.fill("#comment-message", "Cek kabel di gardu.")
    phone.locator("#comment-form input[value=true]").check()
    phone.click("#comment-form button[type=submit]")
    expect(messages(phone)).to_have_text(f"Internal note added to report {code}. Only staff see it.")
    phone.select_option("#assignee", "dishub-crew")
    phone.click("#assign-form button[type=submit]")
    expect(messages(phone)).to_have_text(f"Report {code} assigned to dishub-crew (Field crew Dishub).")
    expect(phone.locator("#assigned-to")).to_have_text("dishub-crew (Field crew Dishub)")
    expect(phone.locator("#timeline")).to_contain_text("dishub-operator (Operator Dishub)")
    screenshot(phone, "staff-report-phone")

    # Rejecting asks once more; cancelling changes nothing.
    phone.locator("#status-form input[value=rejected]").check()
    phone.fill("#status-message", "Lampu ini milik perumahan, bukan kota.")
    phone.click("#status-form button[type=submit]")
    dialog = phone.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(f"Reject report {code}?")
    screenshot(phone, "staff-report-confirm-reject-phone")
    phone.click("#confirm-no")
    expect(dialog).to_be_hidden()
    expect(phone.locator("#status-badge")).to_have_text("Verified")
    phone.click("#status-form button[type=submit]")
    phone.click("#confirm-yes")
    expect(messages(phone)).to_have_text(f"Report {code} rejected. Its public page gives the reason.")
    expect(phone.locator("#status-badge")).to_have_text("Rejected")


def test_a_referral_ends_in_the_inbox_saying_where_the_report_went(desktop, server, staff_users):
    report = file_report(server, beside(light(1012), 1.0))
    code = report["tracking_code"]
    sign_in(desktop, server, "dishub-operator", lands="/petugas/")
    desktop.goto(f"{server}/en/petugas/laporan/{code}/")
    desktop.locator("#status-form input[value=referred]").check()
    desktop.select_option("#refer-to", "pln")
    desktop.select_option("#refer-category", "listrik-padam")
    desktop.fill("#status-message", "Tiang milik PLN.")
    desktop.click("#status-form button[type=submit]")
    expect(desktop).to_have_url(f"{server}/en/petugas/")
    expect(messages(desktop)).to_have_text(
        f"Report {code} referred to PT PLN (Persero) Unit Pelaksana Pelayanan Pelanggan Malang, filed as Power outage."
    )
    public = httpx.get(f"{server}/api/reports/{report['id']}/", headers={"Accept-Language": "en"}).json()
    assert public["properties"]["category"]["code"] == "listrik-padam"  # the referred report's new category


def test_a_crew_member_without_location_looks_from_the_map_or_a_desa(new_phone, server, staff_users):
    spot = light(1020)
    mine = file_report(server, beside(spot, 1.0), description="Lampu berkedip.")
    other = file_report(server, beside(spot, 4.0))
    assigned = httpx.post(
        f"{server}/api/reports/{mine['id']}/assign/",
        json={"version": 1, "assignee": "dishub-crew"},
        headers=as_staff(staff_users, "dishub-operator"),
    )
    assert assigned.status_code == 200

    page = new_phone()  # no permission to read the location
    sign_in(page, server, "dishub-crew", lands="/petugas/terdekat/")
    page.wait_for_function("() => document.body.dataset.located === 'false'")
    expect(page.locator("#nearby-status")).to_contain_text("Tap the map or choose a desa")
    wait_for_basemap(page)
    screenshot(page, "crew-no-location-phone")
    assert axe_violations(page) == []

    page.evaluate(
        "([lat, lon]) => window.leafletmapmap.setView([lat, lon], 17, {animate: false})", [spot.geom.y, spot.geom.x]
    )
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("() => document.body.dataset.ticketsLoaded !== undefined")
    expect(page.locator("#nearby-status")).to_contain_text("Tickets near the spot you chose on the map.")
    tickets = page.locator("#tickets li")
    codes = tickets.evaluate_all("items => items.map(i => i.dataset.code)")
    assert mine["tracking_code"] in codes and other["tracking_code"] in codes
    mine_card = page.locator(f"#tickets li[data-code='{mine['tracking_code']}']")
    expect(mine_card).to_have_attribute("data-mine", "true")
    expect(mine_card.locator(".badge.mine")).to_have_text("Assigned to you")
    assert page.locator(f"#tickets li[data-code='{other['tracking_code']}'] .badge.mine").count() == 0
    for text in tickets.locator(".ticket-distance").all_inner_texts():
        assert re.fullmatch(r"\d+ m|\d+(\.\d)? km", text), text  # "350 m", "4.2 km" in English
    screenshot(page, "crew-tickets-from-the-map-phone")

    page.evaluate("() => { delete document.body.dataset.ticketsLoaded; }")
    page.check("#nearby-mine")
    page.wait_for_function("() => document.body.dataset.ticketsLoaded !== undefined")
    only_mine = tickets.evaluate_all("items => items.map(i => [i.dataset.code, i.dataset.mine])")
    assert [mine["tracking_code"], "true"] in only_mine and all(flag == "true" for _code, flag in only_mine)
    page.uncheck("#nearby-mine")

    page.evaluate("() => { delete document.body.dataset.ticketsLoaded; }")
    desa = page.locator("#nearby-desa option").nth(1)
    page.select_option("#nearby-desa", desa.get_attribute("value"))
    page.wait_for_function("() => document.body.dataset.ticketsLoaded !== undefined")
    expect(page.locator("#nearby-status")).to_contain_text(f"Tickets near {desa.inner_text()}.")

    # Back at the lamp: start, then resolve with a photo; each says what the ticket is now.
    page.evaluate(
        "([lat, lon]) => window.leafletmapmap.setView([lat, lon], 17, {animate: false})", [spot.geom.y, spot.geom.x]
    )
    page.check("#nearby-mine")
    page.evaluate(
        "([lon, lat]) => window.leafletmapmap.fire('click', {latlng: L.latLng(lat, lon)})", [spot.geom.x, spot.geom.y]
    )
    card = page.locator(f"#tickets li[data-code='{mine['tracking_code']}']")
    card.get_by_role("button", name="Start work").click()
    expect(page.locator("#nearby-status")).to_contain_text(
        f"{mine['tracking_code']}: In progress. You are working on it."
    )
    card = page.locator(f"#tickets li[data-code='{mine['tracking_code']}']")
    card.locator("input[type=file]").set_input_files(
        files=[{"name": "sesudah.jpg", "mimeType": "image/jpeg", "buffer": images.phone_photo()}]
    )
    expect(page.locator("#nearby-status")).to_contain_text(
        f"{mine['tracking_code']}: Resolved, with your photo. It leaves your list of open tickets."
    )
    expect(page.locator(f"#tickets li[data-code='{mine['tracking_code']}']")).to_have_count(0)
    screenshot(page, "crew-ticket-resolved-phone")


def test_a_planner_filters_by_agency_and_downloads_what_they_see(desktop, server, staff_users):
    file_report(server, beside(light(1030), 1.0))
    sign_in(desktop, server, "planner-test", lands="/petugas/")
    expect(desktop.locator("#inbox-scope")).to_have_text(
        "Reports of every agency: you read them all and change nothing."
    )
    expect(desktop.locator("#inbox-table thead")).to_contain_text("Agency")
    desktop.click(".filters-card summary")
    desktop.select_option("#inbox-agency", "dishub")
    desktop.select_option("#inbox-order", "newest")
    desktop.click(".inbox-filters button[type=submit]")
    agencies = set(desktop.locator("#inbox-table td.agency").all_inner_texts())
    assert agencies == {"Dishub"}, agencies
    links = {a.get_attribute("data-format"): a.get_attribute("href") for a in desktop.locator("#exports a").all()}
    assert {"geojson", "csv"} <= set(links)
    for fmt, href in links.items():
        assert href.startswith(f"/api/reports/export.{fmt}?") and "agency=dishub" in href, href
        assert "status=" in href and "in_progress" in href  # open work, as the page shows
    counts = desktop.locator(".counts a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert all("agency=dishub" in href for href in counts), counts  # the counts keep the agency chosen
    exported = httpx.get(server + links["geojson"], headers=as_staff(staff_users, "planner-test"), timeout=60).json()
    assert {f["properties"]["agency"] for f in exported["features"]} == {"dishub"}
    screenshot(desktop, "staff-inbox-planner-desktop")


def test_the_figures_read_on_a_phone(phone, server, staff_users):
    """Two leaks at one pipe (a repeat failure), one of them fixed (so the league has a share on time)."""
    pipe = Asset.objects.filter(layer__code="water_pipes").order_by("external_id")[40]
    leaks = []
    for metres in (2, 3):
        pin = beside(pipe, metres)
        body = {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [pin.x, pin.y]},
            "properties": {"category": "pipa-bocor", "answers": {"flow": "seep"}},
        }
        leaks.append(httpx.post(f"{server}/api/reports/", json=body, timeout=60).json()["properties"])
    for version, status in enumerate(("verified", "resolved"), start=1):
        moved = httpx.post(
            f"{server}/api/reports/{leaks[0]['id']}/transition/",
            json={"status": status, "version": version},
            headers=as_staff(staff_users, "admin-test"),
        )
        assert moved.status_code == 200, moved.text

    phone.goto(f"{server}/en/statistik/?period=")
    first = phone.locator("#league tbody tr").first
    for cell in first.locator("td").all():  # every figure of a card is on the screen
        assert inside_the_screen(phone, cell), cell.get_attribute("data-label")
    expect(first.locator("td").nth(1)).to_contain_text("n=")
    scores = [t.rstrip("%") for t in phone.locator("#league td.score").all_inner_texts()]
    numbers = [int(s) for s in scores if s.isdigit()]
    assert numbers == sorted(numbers, reverse=True)  # ranked by the Wilson lower bound
    links = {a.get_attribute("data-format"): a.get_attribute("href") for a in phone.locator("#exports a").all()}
    assert {"geojson", "csv"} <= set(links) and all("since=" not in href for href in links.values())  # all time
    phone.wait_for_function("() => document.body.dataset.chartDrawn !== undefined")
    labels = phone.evaluate("() => Chart.getChart('months-chart').data.labels")
    assert labels and all(re.fullmatch(r"[A-Z][a-z]+ \d{4}", label) for label in labels), labels  # "March 2026"
    screenshot(phone, "statistics-phone")
    assert axe_violations(phone) == []

    hotspot = phone.locator("#hotspots a", has_text=re.compile("pipe"))
    expect(hotspot.first).to_be_visible()
    hotspot.first.click()
    phone.wait_for_function("() => document.body.dataset.hotspotShown !== undefined")
    shown = phone.locator("#hotspot-status a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert all(re.fullmatch(r"/en/laporan/[A-Z0-9-]+/", href) for href in shown) and shown
    phone.goto(f"{server}/en/statistik/?period=30")
    links = {a.get_attribute("data-format"): a.get_attribute("href") for a in phone.locator("#exports a").all()}
    assert all("since=" in href for href in links.values())


def test_a_co_handled_report_is_worked_by_both_agencies(chromium, server, staff_users):
    report = file_report(server, beside(light(1040), 1.0), description="Pohon tumbang menimpa tiang lampu.")
    code = report["tracking_code"]
    contexts = [_context(chromium, server, DESKTOP), _context(chromium, server, PHONE)]
    dishub, dlh = (context.new_page() for context in contexts)
    try:
        sign_in(dishub, server, "dishub-operator", lands="/petugas/")
        dishub.goto(f"{server}/en/petugas/laporan/{code}/")
        dishub.select_option("#co-handler-agency", "dlh")
        dishub.fill("#co-handler-reason", "Pohon menimpa tiang")
        dishub.click("#co-handler-form button[type=submit]")
        expect(messages(dishub)).to_have_text(
            f"Report {code} copied to Dinas Lingkungan Hidup Kota Batu, which now co-handles it."
        )
        expect(dishub.locator("#co-handler-list")).to_contain_text("Dinas Lingkungan Hidup Kota Batu")
        screenshot(dishub, "staff-report-co-handling-desktop")

        sign_in(dlh, server, "dlh-operator", lands="/petugas/")
        dlh.goto(f"{server}/en/petugas/?order=newest")
        row = dlh.locator(f"#inbox-table tr[data-code='{code}']")
        expect(row).to_have_attribute("data-co-handled", "true")
        expect(row.locator(".badge.co-handling")).to_be_visible()
        row.get_by_role("link", name=code).click()
        expect(dlh.locator("#co-handling-notice")).to_contain_text("Dinas Lingkungan Hidup Kota Batu co-handles")
        assert dlh.locator("#status-form").count() == 0 and dlh.locator("#assign-form").count() == 0
        dlh.fill("#comment-message", "DLH memotong dahan hari Kamis.")
        dlh.click("#comment-form button[type=submit]")
        expect(messages(dlh)).to_have_text(f"Reply published on report {code}.")
        screenshot(dlh, "staff-report-co-handled-phone")
    finally:
        for context in contexts:
            context.close()
    public = httpx.get(f"{server}/en/laporan/{code}/").text
    assert 'id="report-co-handlers">Dinas Lingkungan Hidup Kota Batu</dd>' in public  # who is involved
    assert "DLH memotong dahan hari Kamis." in public
    assert "Pohon menimpa tiang" not in public  # why it was copied stays with staff


def test_an_operator_moderates_a_report_on_a_phone(phone, server, staff_users):
    report = file_report(
        server, beside(light(1050), 1.0), description="Lampu mati. Telp saya 0812 5550 3131.", photo=True
    )
    code = report["tracking_code"]
    assert MASK in report["description"]
    sign_in(phone, server, "dishub-operator", lands="/petugas/")
    phone.goto(f"{server}/en/petugas/laporan/{code}/")
    expect(phone.locator("#review")).to_contain_text("Personal data to review")
    expect(phone.locator("#description")).to_have_text("Lampu mati. Telp saya 0812 5550 3131.")
    expect(phone.locator("#public-description")).to_have_text(f"Lampu mati. Telp saya {MASK}.")
    screenshot(phone, "staff-report-review-phone")
    assert axe_violations(phone) == []
    phone.click("#review-keep")
    expect(messages(phone)).to_have_text(f"Report {code}: the personal data stays hidden from the public.")
    expect(phone.locator("#review")).to_have_count(0)

    phone.locator("#photos [data-photo-action=hide]").click()
    expect(phone.locator("#confirm-dialog")).to_be_visible()
    phone.click("#confirm-yes")
    expect(phone.locator("#confirm-reason-error")).to_have_text("Say why.")
    phone.fill("#confirm-reason", "Wajah orang terlihat")
    phone.click("#confirm-yes")
    expect(messages(phone)).to_have_text(f"The photo of report {code} is hidden from the public. Staff still see it.")
    expect(phone.locator("#photos li.hidden-photo")).to_have_count(1)
    expect(phone.locator("#photos li.hidden-photo img")).to_have_js_property("complete", True)
    assert phone.locator("#photos li.hidden-photo img").evaluate("img => img.naturalWidth") > 0  # staff see it

    phone.select_option("#hidden-reason", "abusive")
    phone.click("#visibility-form button[type=submit]")
    phone.click("#confirm-yes")
    expect(messages(phone)).to_have_text(
        f"Report {code} is hidden from the public. Its reporter and staff still see it."
    )
    expect(phone.locator("#hidden-notice")).to_be_visible()
    expect(phone.locator("#timeline")).to_contain_text("Report hidden from the public")
    screenshot(phone, "staff-report-hidden-phone")
    assert httpx.get(f"{server}/laporan/{code}/").status_code == 404
