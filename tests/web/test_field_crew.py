"""A field crew member on a phone: the nearest tickets in distance order, start work, resolve with a
camera photo; the citizen's page then shows "Selesai" with that photo."""

import httpx
import pytest
from playwright.sync_api import expect

from districts.models import Asset
from tests import images
from tests.conftest import STAFF_PASSWORD
from tests.places import beside, moved

from .conftest import screenshot

pytestmark = [pytest.mark.django_db, pytest.mark.browser]


def sign_in(page, server, username):
    """Signed in, on the page the role starts on: a field crew's nearest tickets, anyone else's inbox."""
    page.goto(server + "/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", STAFF_PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(server + ("/petugas/terdekat/" if username.endswith("-crew") else "/petugas/"))


def test_a_crew_member_resolves_the_nearest_ticket_with_a_photo(new_phone, server, staff_users):
    lights = list(Asset.objects.filter(layer__code="street_lights").order_by("external_id")[900:903])
    here = moved(beside(lights[0], 0.0), 25, 200)  # the crew stands 25 m from the first light
    codes = []
    for light in lights:
        pin = beside(light, 1.0)
        body = {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [pin.x, pin.y]},
            "properties": {"category": "pju-mati", "answers": {"problem": "out"}, "description": "Gelap total."},
        }
        codes.append(httpx.post(f"{server}/api/reports/", json=body).json()["properties"]["tracking_code"])

    page = new_phone(geolocation={"longitude": here.x, "latitude": here.y}, permissions=["geolocation"])
    sign_in(page, server, "dishub-crew")  # straight to the tickets nearest to where the crew stands
    page.wait_for_function("() => document.body.dataset.ticketsLoaded !== undefined")
    tickets = page.locator("#tickets li")
    distances = [float(d) for d in tickets.evaluate_all("items => items.map(i => i.dataset.distance)")]
    assert distances == sorted(distances) and len(distances) >= 3
    listed = tickets.evaluate_all("items => items.map(i => i.dataset.code)")
    assert listed.index(codes[0]) < listed.index(codes[2])
    first = page.locator(f"#tickets li[data-code='{codes[0]}']")
    expect(first).to_contain_text("m")
    assert "google.com/maps/dir" in first.get_by_role("link", name="Petunjuk arah").get_attribute("href")
    screenshot(page, "crew-nearby-phone")

    first.get_by_role("button", name="Mulai kerjakan").click()
    page.wait_for_function(
        "code => document.querySelector(`#tickets li[data-code='${code}']`)?.textContent.includes('Ditindaklanjuti')",
        arg=codes[0],
    )
    first = page.locator(f"#tickets li[data-code='{codes[0]}']")
    first.locator("input[type=file]").set_input_files(
        files=[{"name": "sesudah.jpg", "mimeType": "image/jpeg", "buffer": images.phone_photo()}]
    )
    expect(page.locator(f"#tickets li[data-code='{codes[0]}']")).to_have_count(0)  # resolved: no longer open

    citizen = new_phone()
    citizen.goto(f"{server}/laporan/{codes[0]}/")
    expect(citizen.locator("#status-badge")).to_have_text("Selesai")
    last = citizen.locator("#timeline li").last
    expect(last).to_contain_text("Selesai")
    expect(last).to_contain_text("Sudah diperbaiki di lapangan oleh petugas.")
    expect(last.locator(".gallery img")).to_have_count(1)
    assert "dishub-crew" not in citizen.content()
    screenshot(citizen, "report-resolved-phone")


def test_a_staff_member_works_a_report_on_a_desktop(chromium, server, staff_users):
    from .conftest import DESKTOP, _context

    light = Asset.objects.filter(layer__code="street_lights").order_by("external_id")[950]
    pin = beside(light, 1.0)
    body = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [pin.x, pin.y]},
        "properties": {"category": "pju-mati", "answers": {"problem": "pole"}, "reporter": {"name": "Ibu Pelapor"}},
    }
    code = httpx.post(f"{server}/api/reports/", json=body).json()["properties"]["tracking_code"]
    context = _context(chromium, server, DESKTOP)
    page = context.new_page()
    sign_in(page, server, "dishub-operator")
    page.goto(f"{server}/petugas/laporan/{code}/")
    expect(page.locator("#contact")).to_contain_text("Ibu Pelapor")
    page.locator("#status-form input[value=verified]").check()
    page.fill("#status-message", "Laporan telah diterima, dijadwalkan Kamis.")
    page.click("#status-form button[type=submit]")
    expect(page.locator("#status-badge")).to_have_text("Diverifikasi")
    page.fill("#comment-message", "Cek apakah tiang milik PLN.")
    page.locator("#comment-form input[value=true]").check()
    page.click("#comment-form button[type=submit]")
    expect(page.locator("#timeline li.internal")).to_contain_text("Cek apakah tiang milik PLN.")
    page.select_option("#assignee", "dishub-crew")
    page.click("#assign-form button[type=submit]")
    expect(page.locator("#assigned-to")).to_have_text("dishub-crew (Petugas lapangan Dishub)")
    screenshot(page, "staff-report-desktop")
    public = httpx.get(f"{server}/laporan/{code}/").text
    assert "dijadwalkan Kamis" in public and "tiang milik PLN" not in public and "Ibu Pelapor" not in public
    context.close()
