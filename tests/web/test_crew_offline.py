"""A field crew without a signal (real Chromium, its offline emulation, the real server): after one
online visit the nearest tickets open from the phone with their thumbnails and map; start work and
resolve with a photo made offline wait on the phone and land in the order made when the signal
returns (a start and a resolve of the same ticket both); a change someone else overtook is shown
with both states and is applied or dropped as the crew member chooses; staff data stays off the
shared caches, and signing out clears what the phone kept for the crew member."""

import httpx
import pytest
from playwright.sync_api import expect

from districts.models import Asset
from geo_reports.models import Report, ReportPhoto, ReportUpdate
from tests import images
from tests.conftest import STAFF_PASSWORD
from tests.places import beside, distance_m, moved

from .conftest import axe_violations, screenshot

pytestmark = [pytest.mark.django_db, pytest.mark.browser]

NEARBY = "/petugas/terdekat/"
OPERATOR_MESSAGE = "Dijadwalkan besok pagi bersama PLN."


def sign_in(page, server) -> None:
    page.goto(server + "/masuk/")
    page.fill("#id_username", "dishub-crew")
    page.fill("#id_password", STAFF_PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(server + NEARBY)


def file_report(server, pin, description: str, photo: bool = False) -> dict:
    data = {
        "category": "pju-mati",
        "geometry": f'{{"type": "Point", "coordinates": [{pin.x}, {pin.y}]}}',
        "answers": '{"problem": "out"}',
        "description": description,
    }
    files = [("photos", ("lampu.jpg", images.phone_photo(), "image/jpeg"))] if photo else None
    response = httpx.post(f"{server}/api/reports/", data=data, files=files, timeout=60)
    assert response.status_code == 201, response.text
    return response.json()["properties"]


def street_lights(first: int, count: int) -> list[Asset]:
    return list(Asset.objects.filter(layer__code="street_lights").order_by("external_id")[first : first + count])


def crew_member_near(new_phone, server, first_light: int, count: int):
    """`count` street-light reports of Dishub around one spot, and the crew's phone standing there."""
    lights = street_lights(first_light, count)
    tickets = [
        file_report(server, beside(light, 1.0), f"Lampu mati, tiket {index + 1}.", photo=index == 0)
        for index, light in enumerate(lights)
    ]
    here = moved(beside(lights[0], 0.0), 25, 200)
    page = new_phone(geolocation={"longitude": here.x, "latitude": here.y}, permissions=["geolocation"])
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page, tickets, errors, here


def installed_and_saved(page) -> None:
    """The service worker controls the page, and the page has saved itself and its list for offline."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=30_000)
    page.wait_for_function("() => document.body.dataset.crewSaved !== undefined", timeout=30_000)
    page.wait_for_function(
        """async () => {
            if (!(await caches.has('lapor-crew'))) return false;
            const paths = (await (await caches.open('lapor-crew')).keys()).map(r => new URL(r.url).pathname);
            return paths.includes('/petugas/terdekat/') && paths.some(p => p.startsWith('/api/tiles/basemap-staff/'));
        }""",
        timeout=30_000,
    )


def cached_paths(page) -> dict[str, list[str]]:
    return page.evaluate(
        """async () => {
            const out = {};
            for (const name of await caches.keys()) {
                out[name] = (await (await caches.open(name)).keys()).map(r => new URL(r.url).pathname);
            }
            return out;
        }"""
    )


def crew_database(page) -> dict[str, int]:
    """How many records each store of the crew's IndexedDB holds."""
    return page.evaluate(
        """async () => {
          if (!(await indexedDB.databases()).some(db => db.name === 'lapor-crew')) return {};
          return await new Promise((resolve, reject) => {
            const request = indexedDB.open('lapor-crew');
            request.onerror = () => reject(request.error);
            request.onsuccess = () => {
                const db = request.result, names = [...db.objectStoreNames], counts = {};
                if (!names.length) { db.close(); resolve(counts); return; }
                const tx = db.transaction(names, 'readonly');
                names.forEach(name => { tx.objectStore(name).count().onsuccess = e => { counts[name] = e.target.result; }; });
                tx.oncomplete = () => { db.close(); resolve(counts); };
            };
          });
        }"""
    )


def card(page, ticket):
    return page.locator(f"#tickets li[data-code='{ticket['tracking_code']}']")


def queue_line(page, waiting: int, deciding: int = 0) -> None:
    line = page.locator("#crew-queue")
    expect(line).to_have_attribute("data-waiting", str(waiting), timeout=30_000)
    expect(line).to_have_attribute("data-deciding", str(deciding), timeout=30_000)


def operator_verifies(server, staff_users, ticket) -> dict:
    response = httpx.post(
        f"{server}/api/reports/{ticket['id']}/transition/",
        json={"status": "verified", "version": ticket["version"], "message": OPERATOR_MESSAGE},
        headers={"Authorization": f"Token {staff_users['dishub-operator']}"},
    )
    assert response.status_code == 200, response.text
    return response.json()["properties"]


def crew_updates(ticket) -> list[ReportUpdate]:
    return list(
        ReportUpdate.objects.filter(
            report_id=ticket["id"], kind=ReportUpdate.Kind.STATUS, actor__username="dishub-crew"
        )
    )


def test_changes_made_offline_land_in_order_and_a_conflict_waits_for_the_crews_choice(
    new_phone, server, app_server, staff_users
):
    page, (a, b, c, d), errors, here = crew_member_near(new_phone, server, 1100, 4)
    # E: assigned to this crew member, across town (beyond the 5 km of the list).
    far = next(light for light in street_lights(380, 60) if distance_m(light.geom, here) > 6000)
    e = file_report(server, beside(far, 1.0), "Lampu mati di ujung kota.")
    assigned = httpx.post(
        f"{server}/api/reports/{e['id']}/assign/",
        json={"version": e["version"], "assignee": "dishub-crew"},
        headers={"Authorization": f"Token {staff_users['dishub-operator']}"},
    )
    assert assigned.status_code == 200, assigned.text
    sign_in(page, server)  # the one online visit
    page.wait_for_function("() => Number(document.body.dataset.ticketsLoaded) >= 4")
    expect(card(page, e)).to_have_count(0)  # not near
    installed_and_saved(page)
    kept = cached_paths(page)
    thumbnail = card(page, a).locator(".ticket-photos img").first.get_attribute("src")
    assert thumbnail.startswith("/media/photos/") and thumbnail in kept["lapor-crew"]
    # Staff data only in the crew's own cache: never the list, the staff basemap or a staff page's photo.
    shared = [path for name, paths in kept.items() if name != "lapor-crew" for path in paths]
    assert not [p for p in shared if p.startswith(("/api/reports/nearby/", "/api/tiles/basemap-staff/", "/media/"))]
    assert not [p for p in shared if p.startswith("/petugas/")]

    # No signal: the page, its list, thumbnails and map come from the phone.
    page.context.set_offline(True)
    mark = app_server.access_mark()
    response = page.reload()
    assert response.from_service_worker
    page.wait_for_function("() => document.body.dataset.ticketsFrom === 'phone'")
    assert not [row for row in app_server.requests_since(mark) if row[1].startswith("/petugas/")]
    for ticket in (a, b, c, d, e):
        expect(card(page, ticket)).to_be_visible()
    expect(card(page, e)).to_have_attribute("data-mine", "true")
    page.wait_for_function(
        "code => document.querySelector(`#tickets li[data-code='${code}'] .ticket-photos img`)?.naturalWidth > 0",
        arg=a["tracking_code"],
    )
    assert page.locator("#map .ticket-marker").count() == page.locator("#tickets > li").count()
    expect(page.locator("#crew-queue")).to_be_visible()
    queue_line(page, 0)

    # Start A; start B and resolve it with a big camera photo; start C and D: all wait on the phone.
    card(page, a).get_by_role("button", name="Mulai kerjakan").click()
    queue_line(page, 1)
    card(page, b).get_by_role("button", name="Mulai kerjakan").click()
    queue_line(page, 2)
    card(page, b).locator("input[type=file]").set_input_files(
        files=[{"name": "sesudah.jpg", "mimeType": "image/jpeg", "buffer": images.phone_photo(2400, 1800)}]
    )
    queue_line(page, 3)
    card(page, c).get_by_role("button", name="Mulai kerjakan").click()
    queue_line(page, 4)
    card(page, d).get_by_role("button", name="Mulai kerjakan").click()
    queue_line(page, 5)
    # Kept across a reload: each ticket marked, the line says how many wait.
    page.reload()
    page.wait_for_function("() => document.body.dataset.ticketsFrom === 'phone'")
    queue_line(page, 5)
    expect(page.locator("#crew-queue")).to_contain_text("5")
    for ticket in (a, b, c, d):
        expect(card(page, ticket)).to_have_attribute("data-queue", "waiting")
        expect(card(page, ticket).locator(".badge.waiting")).to_be_visible()
    expect(card(page, b).locator(".queued-change")).to_have_count(2)
    expect(card(page, b).locator("input[type=file]")).to_have_count(0)  # resolved on the phone: nothing more to do
    screenshot(page, "crew-offline-waiting-phone")
    assert axe_violations(page) == []
    assert Report.objects.get(pk=a["id"]).status == "submitted" and not crew_updates(b)

    # Meanwhile an operator in the office verifies C and D: their version moves on.
    verified = {ticket["id"]: operator_verifies(server, staff_users, ticket)["version"] for ticket in (c, d)}
    assert verified[c["id"]] == c["version"] + 1

    # The signal returns: sent in the order made; C and D answer 409 and wait for a decision.
    page.context.set_offline(False)
    queue_line(page, 0, deciding=2)
    started_a, started_b, resolved_b = crew_updates(a) + crew_updates(b)
    assert [u.new_status for u in (started_a, started_b, resolved_b)] == ["in_progress", "in_progress", "resolved"]
    assert started_a.created_at < started_b.created_at < resolved_b.created_at
    assert started_a.pk < started_b.pk < resolved_b.pk
    after_photo = ReportPhoto.objects.get(update=resolved_b)
    assert max(after_photo.width, after_photo.height) == 1600  # made smaller on the phone (photos.js)
    assert Report.objects.get(pk=b["id"]).status == "resolved"
    assert not crew_updates(c) and not crew_updates(d)

    conflict = card(page, c).locator(".decision[data-state=conflict]")
    expect(conflict).to_be_visible()
    expect(conflict.locator(".state.mine")).to_contain_text("Mulai kerjakan")
    expect(conflict.locator(".state.theirs")).to_contain_text("Diverifikasi")
    expect(conflict.locator(".state.theirs")).to_contain_text(OPERATOR_MESSAGE)
    expect(conflict.locator(".state.theirs")).to_contain_text("dishub-operator")
    expect(card(page, b)).to_have_count(0)  # resolved: no longer an open ticket
    conflict.scroll_into_view_if_needed()
    screenshot(page, "crew-conflict-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(page) == []
    for button in conflict.locator("button").all():
        box = button.bounding_box()
        assert box["height"] >= 44 and box["x"] + box["width"] <= 360

    # C: "apply mine anyway" sends it again on the server's version; D: "keep theirs" drops mine.
    conflict.locator("button[data-choice=mine]").click()
    queue_line(page, 0, deciding=1)
    card(page, d).locator(".decision button[data-choice=theirs]").click()
    queue_line(page, 0, deciding=0)
    expect(page.locator("#crew-queue")).to_be_hidden()
    c_now, d_now = Report.objects.get(pk=c["id"]), Report.objects.get(pk=d["id"])
    assert (c_now.status, c_now.version) == ("in_progress", verified[c["id"]] + 1)
    assert [u.new_status for u in c_now.updates.filter(kind=ReportUpdate.Kind.STATUS)] == ["verified", "in_progress"]
    assert (d_now.status, d_now.version) == ("verified", verified[d["id"]]) and not crew_updates(d)
    expect(card(page, c)).to_contain_text("Ditindaklanjuti")
    assert errors == []


def test_signing_out_clears_what_the_phone_kept_for_the_crew(new_phone, server, staff_users):
    page, _tickets, errors, _here = crew_member_near(new_phone, server, 1110, 2)
    sign_in(page, server)
    page.wait_for_function("() => Number(document.body.dataset.ticketsLoaded) >= 2")
    installed_and_saved(page)
    assert crew_database(page)["tickets"] == 1

    # Signing out from another staff page (the inbox, without the crew's script): the worker clears.
    page.goto(server + "/petugas/")
    page.locator("form.signed-in").get_by_role("button", name="Keluar").click()
    expect(page).to_have_url(server + "/")
    page.wait_for_function("async () => !(await caches.has('lapor-crew'))")
    assert crew_database(page) == {"queue": 0, "tickets": 0, "meta": 0}
    assert not [p for paths in cached_paths(page).values() for p in paths if p.startswith(("/petugas/", "/media/"))]

    # Offline, the page is no longer on the phone: the offline page says so.
    page.context.set_offline(True)
    page.goto(server + NEARBY)
    expect(page.locator(".offline-page")).to_be_visible()
    expect(page.locator("#tickets")).to_have_count(0)
    page.context.set_offline(False)
    assert errors == []
