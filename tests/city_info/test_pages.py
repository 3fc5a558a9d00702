"""The public information pages in real Chromium at 360 px, through the real server, without map tiles:
the map shows the features, the list says the same, English titles under /en/, no serious axe-core
findings. Screenshots land in var/test-artifacts/screenshots/info-*.png."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from city_info import selectors
from city_info.models import Announcement, Commodity, Event, JobVacancy, Market, Price

from .conftest import axe_violations, screenshot, wider_than_the_phone

pytestmark = [pytest.mark.django_db, pytest.mark.browser]


def features_on_map(page) -> int:
    """How many features the map shows, once the desa and kota outlines (the map's context when tiles
    do not load) are drawn too."""
    page.wait_for_function("() => document.body.dataset.featuresShown !== undefined")
    page.wait_for_function("() => document.body.dataset.outlinesDrawn === '2'")
    return int(page.evaluate("document.body.dataset.featuresShown"))


def no_tiles(page) -> bool:
    """No outside raster tile was drawn (the context blocks them): the map is the app's own basemap."""
    return page.locator("img.leaflet-tile-loaded").count() == 0


def switch_to_english(page, server, path):
    page.get_by_role("link", name="EN", exact=True).click()
    expect(page).to_have_url(server + "/en" + path)


def test_events_map_and_list(phone, server, city_info_demo):
    upcoming = list(selectors.event_upcoming())
    phone.goto(server + "/info/acara/")
    expect(phone.locator("h1")).to_have_text("Acara di Kota Batu")
    items = phone.locator("#event-list > li")
    expect(items).to_have_count(len(upcoming))
    expect(items.first).to_contain_text(upcoming[0].title)
    expect(phone.locator("#event-list")).not_to_contain_text("Pasar Murah Sembako")  # ended
    festival = phone.locator("#event-list > li", has_text="Festival Apel Kota Batu")
    expect(festival).to_contain_text("Alun-alun Kota Batu")
    expect(festival).to_contain_text("Dinas Koperasi, Usaha Mikro dan Perdagangan Kota Batu")
    expect(festival.locator(".badge.demo")).to_have_text("demo")
    assert features_on_map(phone) == len(upcoming)
    expect(phone.locator(".leaflet-marker-icon.marker-events")).to_have_count(len(upcoming))
    expect(phone.locator(".leaflet-overlay-pane path")).not_to_have_count(0)  # the city's outline
    assert no_tiles(phone)
    assert wider_than_the_phone(phone) == []
    expect(phone.locator(".info-tabs [aria-current=page]")).to_have_text("Acara")
    screenshot(phone, "info-events-phone")
    assert axe_violations(phone) == []

    # A marker's popup (opened with the keyboard: markers are buttons) names the event and links to its page.
    marker = phone.locator(".leaflet-marker-icon.marker-events[title='Festival Apel Kota Batu']")
    marker.focus()
    marker.press("Enter")
    popup = phone.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Festival Apel Kota Batu")
    popup.get_by_role("link", name="Rincian").click()
    expect(phone).to_have_url(re.compile(r"/info/acara/\d+/$"))
    expect(phone.locator("#item-title")).to_have_text("Festival Apel Kota Batu")
    expect(phone.locator("#event-when")).to_contain_text(" – ")
    assert features_on_map(phone) == 1
    expect(phone.locator("#edit-link")).to_have_count(0)
    screenshot(phone, "info-event-detail-phone")

    phone.goto(server + "/info/acara/")
    switch_to_english(phone, server, "/info/acara/")
    expect(phone.locator("h1")).to_have_text("Events in Kota Batu")
    expect(phone.locator("#event-list")).to_contain_text("Kota Batu Apple Festival")
    expect(phone.locator("#event-list")).not_to_contain_text("Festival Apel Kota Batu")
    # No English title written: the Indonesian one stands in.
    expect(phone.locator("#event-list")).to_contain_text("Kerja Bakti Bersih Sumber Brantas")
    assert features_on_map(phone) == len(upcoming)
    assert wider_than_the_phone(phone) == []
    screenshot(phone, "info-events-phone-en")
    assert axe_violations(phone) == []


def test_food_prices_table_comparison_and_trend(phone, server, city_info_demo):
    markets = list(Market.objects.filter(is_active=True).order_by("name"))
    priced = Commodity.objects.filter(prices__isnull=False).distinct().count()
    phone.goto(server + "/info/harga/")
    expect(phone.locator("h1")).to_have_text("Harga pangan")
    table = phone.locator("#latest-prices")
    expect(table.locator("tbody tr")).to_have_count(priced)
    expect(table.locator("thead th")).to_have_count(1 + len(markets))
    besar = Market.objects.get(name="Pasar Besar Batu")
    rice = Price.objects.filter(market=besar, commodity__code="beras-medium").latest("date")
    column = 1 + [m.pk for m in markets].index(besar.pk)
    cell = table.locator("tr[data-commodity=beras-medium] td").nth(column - 1)
    expect(cell).to_have_text(f"{rice.price:,}".replace(",", "."))
    expect(table.locator("tr[data-commodity=minyak-goreng] th")).to_contain_text("/liter")

    phone.select_option("#commodity", "cabai-rawit")
    phone.locator("#commodity-form button").click()
    expect(phone).to_have_url(re.compile(r"komoditas=cabai-rawit"))
    expect(phone.locator("#compare-title")).to_contain_text("Cabai rawit merah")
    rows = phone.locator("#comparison tbody tr")
    expect(rows).to_have_count(len(markets))
    expected = sorted(
        (Price.objects.filter(market=m, commodity__code="cabai-rawit").latest("date").price, m.name) for m in markets
    )
    expect(rows.first).to_contain_text(expected[0][1])
    expect(rows.first).to_contain_text("termurah")
    expect(rows.first).to_contain_text("Rp " + f"{expected[0][0]:,}".replace(",", "."))
    expect(rows.last).to_contain_text(expected[-1][1])
    expect(rows.last).to_contain_text("+" + f"{expected[-1][0] - expected[0][0]:,}".replace(",", "."))

    phone.wait_for_function("() => document.body.dataset.chartDrawn !== undefined")
    assert phone.evaluate("document.body.dataset.chartDrawn") == str(len(markets))
    box = phone.locator("#trend-chart").bounding_box()
    assert box["width"] > 250 and box["height"] > 200
    assert features_on_map(phone) == len(markets)
    labels = phone.locator(".info-marker.price-label")
    expect(labels).to_have_count(len(markets))
    expect(labels.filter(has_text="Rp " + f"{expected[0][0]:,}".replace(",", "."))).to_have_count(1)
    phone.locator(".chart-data summary").click()
    expect(phone.locator("#trend-table tbody tr").first).to_contain_text(timezone.localdate().strftime("%-d"))
    assert no_tiles(phone)
    assert wider_than_the_phone(phone) == []
    screenshot(phone, "info-prices-phone")
    assert axe_violations(phone) == []

    switch_to_english(phone, server, "/info/harga/?komoditas=cabai-rawit")
    expect(phone.locator("h1")).to_have_text("Food prices")
    expect(phone.locator("#compare-title")).to_contain_text("Bird's eye chilli")
    expect(phone.locator("#latest-prices")).to_contain_text("Rice, medium grade")
    expect(rows.first).to_contain_text("Rp " + f"{expected[0][0]:,}")
    phone.wait_for_function("() => document.body.dataset.chartDrawn !== undefined")
    assert features_on_map(phone) == len(markets)
    assert wider_than_the_phone(phone) == []
    screenshot(phone, "info-prices-phone-en")
    assert axe_violations(phone) == []


def test_job_vacancies_map_list_and_search(phone, server, city_info_demo):
    open_jobs = list(selectors.job_open())
    phone.goto(server + "/info/lowongan/")
    expect(phone.locator("h1")).to_have_text("Lowongan kerja")
    items = phone.locator("#job-list > li")
    expect(items).to_have_count(len(open_jobs))
    expect(phone.locator("#job-list")).not_to_contain_text("Juru Masak")  # closed three days ago
    expect(phone.locator("#job-list > li", has_text="Staf Gudang dan Pengemasan")).to_contain_text("Ditutup hari ini")
    assert features_on_map(phone) == len(open_jobs)
    expect(phone.locator(".leaflet-marker-icon.marker-jobs")).to_have_count(len(open_jobs))
    assert no_tiles(phone)
    assert wider_than_the_phone(phone) == []
    screenshot(phone, "info-jobs-phone")
    assert axe_violations(phone) == []

    phone.fill("#job-search", "perawat")
    phone.locator("#job-search").press("Enter")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text("Klinik pratama di Junrejo")
    assert features_on_map(phone) == 1
    items.first.get_by_role("link").click()
    expect(phone.locator("#item-title")).to_have_text("Perawat")
    expect(phone.locator("#how-to-apply")).to_contain_text("STR")
    expect(phone.locator("#closed-notice")).to_have_count(0)
    screenshot(phone, "info-job-detail-phone")

    closed = JobVacancy.objects.get(position="Juru Masak")
    phone.goto(server + f"/info/lowongan/{closed.pk}/")
    expect(phone.locator("#closed-notice")).to_have_text("Lowongan ini sudah ditutup.")

    phone.goto(server + "/info/lowongan/")
    switch_to_english(phone, server, "/info/lowongan/")
    expect(phone.locator("h1")).to_have_text("Job vacancies")
    expect(phone.locator("#job-list")).to_contain_text("Apple Harvest Worker (seasonal)")
    expect(phone.locator("#job-list > li", has_text="Warehouse and Packing Staff")).to_contain_text("Closes today")
    assert features_on_map(phone) == len(open_jobs)
    assert wider_than_the_phone(phone) == []
    screenshot(phone, "info-jobs-phone-en")
    assert axe_violations(phone) == []


def test_announcements_list_map_and_kinds(phone, server, city_info_demo):
    public = list(selectors.announcement_public())
    placed = [a for a in public if a.has_place]
    phone.goto(server + "/info/pengumuman/")
    expect(phone.locator("h1")).to_have_text("Pengumuman dan berita")
    items = phone.locator("#announcement-list > li")
    expect(items).to_have_count(len(public))
    expect(items.first).to_contain_text(public[0].title)
    assert features_on_map(phone) == len(placed)
    # Points as markers, areas as outlines.
    with_point = [a for a in placed if a.location is not None]
    expect(phone.locator(".leaflet-marker-icon.marker-announcements")).to_have_count(len(with_point))
    water = phone.locator("#announcement-list > li", has_text="Gangguan aliran air di Kelurahan Temas")
    expect(water).to_contain_text("Wilayah: Kel. Temas")
    expect(water.locator(".badge.kind-announcement")).to_have_text("Pengumuman")
    assert no_tiles(phone)
    assert wider_than_the_phone(phone) == []
    screenshot(phone, "info-announcements-phone")
    assert axe_violations(phone) == []

    phone.get_by_role("link", name="Berita", exact=True).click()
    news = [a for a in public if a.kind == Announcement.Kind.NEWS]
    expect(items).to_have_count(len(news))
    expect(phone.locator("#announcement-list .badge.kind-announcement")).to_have_count(0)

    road = Announcement.objects.get(title="Penutupan jalan sementara di Desa Tulungrejo")
    phone.goto(server + f"/info/pengumuman/{road.pk}/")
    expect(phone.locator("#item-title")).to_have_text(road.title)
    expect(phone.locator("#item-text")).to_contain_text("perbaikan jembatan")
    assert features_on_map(phone) == 1
    screenshot(phone, "info-announcement-detail-phone")
    no_place = Announcement.objects.get(title="Jadwal pengangkutan sampah selama libur akhir tahun")
    phone.goto(server + f"/info/pengumuman/{no_place.pk}/")
    expect(phone.locator("#map")).to_have_count(0)

    phone.goto(server + "/info/pengumuman/")
    switch_to_english(phone, server, "/info/pengumuman/")
    expect(phone.locator("h1")).to_have_text("Announcements and news")
    expect(phone.locator("#announcement-list")).to_contain_text("Water supply interruption in Kelurahan Temas")
    expect(phone.locator("#announcement-list")).to_contain_text("Area: Kel. Temas")
    assert features_on_map(phone) == len(placed)
    assert wider_than_the_phone(phone) == []
    screenshot(phone, "info-announcements-phone-en")
    assert axe_violations(phone) == []


def test_the_pages_link_to_each_other_and_work_with_the_keyboard(desktop, server, city_info_demo):
    desktop.goto(server + "/info/acara/")
    tabs = desktop.locator(".info-tabs a")
    expect(tabs).to_have_count(4)
    for name, path in (
        ("Harga pangan", "/info/harga/"),
        ("Lowongan", "/info/lowongan/"),
        ("Pengumuman", "/info/pengumuman/"),
    ):
        desktop.locator(".info-tabs").get_by_role("link", name=name).click()
        expect(desktop).to_have_url(server + path)
    # Tab to the first list entry and open it with Enter.
    desktop.goto(server + "/info/lowongan/")
    first = JobVacancy.objects.filter(pk__in=[j.pk for j in selectors.job_open()]).order_by("closes_on", "id").first()
    link = desktop.locator("#job-list > li").first.get_by_role("link")
    link.focus()
    desktop.keyboard.press("Enter")
    expect(desktop.locator("#item-title")).to_have_text(first.position)
    screenshot(desktop, "info-job-detail-desktop")
    desktop.goto(server + "/info/harga/")
    desktop.wait_for_function("() => document.body.dataset.chartDrawn !== undefined")
    screenshot(desktop, "info-prices-desktop")


def test_an_unknown_item_is_404(api, city_info_demo):
    last = max(Event.objects.order_by("-pk").values_list("pk", flat=True)[:1] or [0])
    assert api.get(f"/info/acara/{last + 1000}/").status_code == 404
    assert api.get("/info/lowongan/999999/").status_code == 404
    assert api.get("/info/pengumuman/999999/").status_code == 404
