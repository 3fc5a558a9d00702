"""The citizen's pages in real Chromium through the real server: report, see it on the map, track it,
+1 instead of a duplicate, filters, languages, errors, escaping."""

import re

import httpx
import pytest
from playwright.sync_api import expect

from districts.models import Asset
from tests import images
from tests.places import asset_where, beside, moved

from .conftest import screenshot, tap_map_at

pytestmark = [pytest.mark.django_db, pytest.mark.browser]


def _pipe_point():
    pipe = asset_where("water_pipes", pipe_type="distribution")
    return pipe, beside(pipe, 6.0, fraction=0.55)


def map_ready(page) -> None:
    """The public map has counted the reports and drawn every visible tile."""
    page.wait_for_function(
        "() => document.body.dataset.reportsLoaded !== undefined && document.body.dataset.tilesLoaded !== undefined"
    )


def drawn_group(page, code: str, point, zoom: int = 17) -> str | None:
    """The status group the public map draws a report with, after zooming to it (or None)."""
    map_ready(page)
    page.evaluate(
        "([lat, lon, z]) => window.leafletmapmap.setView([lat, lon], z, {animate: false})", [point.y, point.x, zoom]
    )
    page.wait_for_function("() => document.body.dataset.tilesLoaded !== undefined")
    page.wait_for_timeout(300)  # the tiles at the new zoom
    page.wait_for_function("code => Object.keys(window.Lapor.renderedReports).length > 0", arg=code)
    return page.evaluate("code => window.Lapor.renderedReports[code] || null", code)


def _send(page) -> str:
    page.click("#submit")
    expect(page.locator("#success")).to_be_visible()
    return page.locator("#tracking-code").inner_text()


def _file_report(page, server, point, category, answer=None, photo=True, description="Air menyembur dari pipa."):
    page.goto(server + "/lapor/")
    tap_map_at(page, point.x, point.y)
    expect(page.locator("#location-text")).to_contain_text("Lokasi:")
    page.locator(f"label[for=category-{category}]").click()
    if answer:
        page.locator(f"input[name=answer-{answer[0]}][value={answer[1]}]").check()
    page.fill("#description", description)
    if photo:
        page.set_input_files(
            "#photos", files=[{"name": "bocor.jpg", "mimeType": "image/jpeg", "buffer": images.phone_photo()}]
        )
    return page


def test_a_citizen_reports_a_leaking_pipe_from_a_phone(phone, new_phone, server):
    pipe, point = _pipe_point()
    phone.goto(server + "/")
    expect(phone.locator("h1")).to_have_text("Lapor Batu")
    expect(phone.locator("h2.visually-hidden")).to_have_text("Laporan di Kota Batu pada peta")
    phone.get_by_role("link", name=re.compile("Lapor")).last.click()
    expect(phone).to_have_url(server + "/lapor/")
    _file_report(phone, server, point, "pipa-bocor", ("flow", "gushing"))
    expect(phone.locator("#photo-previews img")).to_have_count(1)
    # The preview names the water utility, and why, before anything is sent.
    expect(phone.locator("#preview-agency")).to_have_text("Perumda Air Minum Among Tirta Kota Batu")
    expect(phone.locator("#preview-sentence")).to_contain_text(f"pipa {pipe.external_id} berjarak 6 m")
    # ... and the map highlights that pipe near the pin, with its id and distance.
    expect(phone.locator("path.routed-asset")).to_have_count(1)
    expect(phone.locator(".routed-asset-label")).to_have_text(f"{pipe.external_id} · berjarak 6 m")
    screenshot(phone, "report-form-phone")
    phone.click("#submit")
    expect(phone.locator("#success")).to_be_visible()
    code = phone.locator("#tracking-code").inner_text()
    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}", code)
    expect(phone.locator("#success-routing")).to_contain_text("Perumda Air Minum Among Tirta")
    private = phone.locator("#private-link").get_attribute("href")
    assert "?t=" in private
    screenshot(phone, "report-sent-phone")

    # Its page: status, routing sentence, timeline, photo.
    phone.click("#report-link")
    expect(phone.locator("#report-code")).to_have_text(code)
    expect(phone.locator("#status-badge")).to_have_text("Diterima")
    expect(phone.locator("#routing-sentence")).to_contain_text(f"pipa {pipe.external_id} berjarak 6 m")
    expect(phone.locator("#timeline li")).to_have_count(1)
    expect(phone.locator(".gallery img")).to_have_count(1)
    screenshot(phone, "report-page-phone")

    # The track page finds it by its code, typed loosely.
    phone.goto(server + "/lacak/")
    phone.fill("#tracking-code-input", code.lower().replace("-", " "))
    phone.click("#track-form button")
    expect(phone).to_have_url(re.compile(f"/laporan/{code}/$"))

    # On the public map, with the colour of an open report.
    phone.goto(server + "/")
    screenshot(phone, "home-phone")
    assert drawn_group(phone, code, point) == "open"

    # The private link lets the reporter act; nobody else sees those controls.
    phone.goto(private)
    expect(phone.locator("#reporter-actions")).to_be_visible()
    other = new_phone()  # the reporter's own browser keeps the link's cookie; another has none
    other.goto(server + f"/laporan/{code}/")
    expect(other.locator("#reporter-actions")).to_have_count(0)


def test_a_second_citizen_nearby_is_offered_plus_one_instead(phone, new_phone, server):
    pipe, _point = _pipe_point()
    first = _file_report(phone, server, beside(pipe, 4.0, fraction=0.2), "pipa-bocor", ("flow", "seep"), photo=False)
    code = _send(first)

    second = new_phone()
    second.goto(server + "/lapor/")
    tap_map_at(second, *moved(beside(pipe, 4.0, fraction=0.2), 12, 90).coords)
    second.locator("label[for=category-pipa-bocor]").click()
    entry = second.locator(f"#duplicate-list li[data-code='{code}']")
    expect(entry).to_be_visible()
    expect(second.locator("#duplicates-title")).to_have_text("Sudah dilaporkan?")
    screenshot(second, "duplicate-offered-phone")
    entry.get_by_role("button").click()
    expect(entry.get_by_role("button")).to_have_text("Tercatat. Terima kasih.")
    expect(entry).to_contain_text("+1")
    assert httpx.get(f"{server}/api/reports/track/{code}/").json()["properties"]["support_count"] == 1


def test_filters_change_what_the_map_shows_and_the_language_switch_works(desktop, server, staff_token):
    from geo_reports.models import Report

    light = Asset.objects.filter(layer__code="street_lights").order_by("external_id")[200]
    pin = beside(light, 3)
    body = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [pin.x, pin.y]},
        "properties": {"category": "pju-mati", "answers": {"problem": "out"}},
    }
    created = httpx.post(f"{server}/api/reports/", json=body).json()
    auth = {"Authorization": f"Token {staff_token}"}
    for version, status in ((1, "verified"), (2, "resolved")):
        url = f"{server}/api/reports/{created['id']}/transition/"
        httpx.post(url, json={"status": status, "version": version}, headers=auth).raise_for_status()
    made = Report.objects.select_related("desa").get(pk=created["id"])

    def shown(page):
        map_ready(page)
        return int(page.evaluate("document.body.dataset.reportsLoaded"))

    def has(page, code):
        map_ready(page)
        page.wait_for_timeout(300)
        return page.evaluate("code => code in window.Lapor.renderedReports", code)

    desktop.goto(server + "/")
    map_ready(desktop)
    desktop.evaluate("([lat, lon]) => window.leafletmapmap.setView([lat, lon], 17, {animate: false})", [pin.y, pin.x])
    desktop.click("#filters summary")
    # By default the map shows what still needs doing: open and in progress, of any age.
    still_to_do = shown(desktop)
    assert not has(desktop, made.tracking_code)
    desktop.check("input[name=status][value=resolved]")
    everything = shown(desktop)
    assert everything > still_to_do
    assert has(desktop, made.tracking_code)
    desktop.uncheck("input[name=status][value=resolved]")
    assert shown(desktop) == still_to_do
    assert not has(desktop, made.tracking_code)
    desktop.check("input[name=status][value=resolved]")
    desktop.select_option("#filter-category", "pju-mati")
    assert shown(desktop) <= everything
    assert has(desktop, made.tracking_code)
    desktop.select_option("#filter-category", "sampah")
    shown(desktop)
    assert not has(desktop, made.tracking_code)
    desktop.select_option("#filter-category", "")
    desktop.select_option("#filter-area", made.desa.code)
    shown(desktop)
    assert has(desktop, made.tracking_code)
    expect(desktop.locator("#summary")).to_contain_text("laporan ditampilkan")
    desktop.check("#show-desa")
    screenshot(desktop, "home-filters-desktop")

    desktop.get_by_role("link", name="EN", exact=True).click()
    expect(desktop).to_have_url(server + "/en/")
    expect(desktop.locator(".site-nav")).to_contain_text("Map")
    expect(desktop.locator(".site-nav")).to_contain_text("Track")
    expect(desktop.locator("#summary")).to_contain_text("reports shown")
    desktop.get_by_role("link", name="ID", exact=True).click()
    expect(desktop).to_have_url(server + "/")
    expect(desktop.locator(".site-nav")).to_contain_text("Peta")


@pytest.mark.parametrize(
    ("prefix", "message"),
    [("", "Lokasi di luar wilayah Kota Batu."), ("/en", "The location is outside Kota Batu.")],
)
def test_a_report_outside_kota_batu_is_refused_readably(phone, server, prefix, message):
    before = httpx.get(f"{server}/api/reports/", params={"page_size": 1}).json()["count"]
    phone.goto(server + prefix + "/lapor/")
    tap_map_at(phone, 112.6302, -7.9666, zoom=15)  # Kota Malang
    phone.locator("label[for=category-sampah]").click()
    expect(phone.locator("#preview-body")).to_contain_text(message)
    phone.locator("input[name=answer-problem][value=dumping]").check()
    phone.click("#submit")
    expect(phone.locator("#error-geometry")).to_have_text(message)
    assert httpx.get(f"{server}/api/reports/", params={"page_size": 1}).json()["count"] == before
    screenshot(phone, f"outside-city{prefix.replace('/', '-')}")


def test_api_errors_appear_next_to_their_fields_in_the_page_language(phone, server):
    _, point = _pipe_point()
    for prefix, expected in (("", "Masukkan alamat email yang valid."), ("/en", "Enter a valid email address.")):
        phone.goto(server + prefix + "/lapor/")
        tap_map_at(phone, point.x, point.y)
        phone.locator("label[for=category-pipa-bocor]").click()
        phone.fill("#reporter-email", "bukan-email")
        phone.click("#submit")
        expect(phone.locator("#error-reporter-email")).to_have_text(expected)
        # The required question is named next to itself as well.
        expect(phone.locator("#error-answers-flow")).not_to_be_empty()


def test_user_text_is_shown_as_text_never_run(desktop, server):
    hostile = '<img src=x onerror="document.body.dataset.pwned=1"><script>document.body.dataset.pwned=2</script>'
    dialogs = []
    desktop.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    light = Asset.objects.filter(layer__code="street_lights").order_by("external_id")[300]
    point = beside(light, 2)
    _file_report(desktop, server, point, "pju-mati", ("problem", "out"), photo=False, description=hostile)
    code = _send(desktop)
    desktop.goto(server + f"/laporan/{code}/")
    expect(desktop.locator("#description")).to_have_text(hostile)
    # The report form's duplicate list shows the same description as text.
    desktop.goto(server + "/lapor/")
    tap_map_at(desktop, *moved(point, 8, 0).coords)
    desktop.locator("label[for=category-pju-mati]").click()
    expect(desktop.locator(f"#duplicate-list li[data-code='{code}']")).to_contain_text("<img src=x")
    # And the map popup: click the report's circle.
    desktop.goto(server + "/")
    assert drawn_group(desktop, code, point) == "open"
    spot = desktop.evaluate(
        "([lat, lon]) => { const p = window.leafletmapmap.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }",
        [point.y, point.x],
    )
    box = desktop.locator("#map").bounding_box()
    desktop.mouse.click(box["x"] + spot[0], box["y"] + spot[1])
    expect(desktop.locator(".leaflet-popup-content")).to_contain_text("Lampu PJU mati")
    expect(desktop.locator(".leaflet-popup-content")).to_contain_text(code)
    assert desktop.evaluate("document.body.dataset.pwned") is None
    assert desktop.locator("img[src=x]").count() == 0
    assert dialogs == []


def test_the_place_search_and_my_location_place_the_pin(new_phone, server):
    page = new_phone(geolocation={"longitude": 112.5240, "latitude": -7.8317}, permissions=["geolocation"])
    page.goto(server + "/lapor/")
    page.wait_for_function("() => !!window.leafletmapmap")
    page.click("#locate-me")
    expect(page.locator("#location-text")).to_have_text("Lokasi: Desa Punten, Kec. Bumiaji")
    page.fill("#place-search", "Tlekung")
    page.get_by_role("button", name="Desa Tlekung, Kec. Junrejo, Kota Batu").click()
    expect(page.locator("#location-text")).to_have_text("Lokasi: Desa Tlekung, Kec. Junrejo")


def test_a_line_can_be_drawn_for_a_category_that_allows_it(desktop, server):
    road = asset_where("roads", road_class="national")
    desktop.goto(server + "/lapor/")
    desktop.locator("label[for=category-jalan-rusak]").click()
    desktop.locator("#draw-tools [data-mode=LineString]").click()
    for fraction in (0.3, 0.6):
        tap_map_at(desktop, *beside(road, 3, fraction=fraction).coords, zoom=17)
    expect(desktop.locator("#preview-agency")).to_have_text("Balai Besar Pelaksanaan Jalan Nasional Jawa Timur - Bali")
    desktop.locator("#draw-tools [data-mode=Point]").click()
    assert desktop.locator("#draw-tools").is_visible()
    desktop.locator("label[for=category-pohon-tumbang]").click()  # points only: the drawing tools go
    expect(desktop.locator("#draw-tools")).to_be_hidden()


def test_the_category_choice_works_from_the_keyboard(desktop, server):
    desktop.goto(server + "/lapor/")
    desktop.focus("#category-jalan-rusak")
    desktop.keyboard.press("Space")
    assert desktop.is_checked("#category-jalan-rusak")
    desktop.keyboard.press("ArrowRight")
    assert desktop.is_checked("#category-lalu-lintas")
    expect(desktop.locator("#questions legend")).to_contain_text("Apa masalahnya?")
