"""What the media say, on the announcements page in real Chromium at 360 px through the real server:
the outlets' items in their own clearly labelled list, filtered by area and outlet, and whatever markup
a feed carries shown as text or dropped, never run. The usage panel of /statistik/ on the same phone.
Screenshots: var/test-artifacts/screenshots/info-media-*.png and statistics-usage-phone.png."""

import re

import pytest
from playwright.sync_api import expect

from city_info.models import NewsSource
from city_info.news.services import news_source_fetch
from districts.models import Area

from .conftest import axe_violations, screenshot, wider_than_the_phone
from .news_server import ATOM_FEED, RSS_FEED

pytestmark = [pytest.mark.django_db, pytest.mark.browser]


@pytest.fixture(scope="module")
def media(committed, feed_server, city_info_demo):
    """Two outlets' items (committed), fetched from the feed server; removed after the module."""
    feed_server.serve("/page/rss.xml", RSS_FEED)
    feed_server.serve("/page/atom.xml", ATOM_FEED, content_type="application/atom+xml")
    with committed():
        radar = NewsSource.objects.create(name="Radar Uji Peramban", url=feed_server.url + "/page/rss.xml")
        warta = NewsSource.objects.create(name="Warta Uji Peramban", url=feed_server.url + "/page/atom.xml")
        for source in (radar, warta):
            assert not news_source_fetch(source=source).error
    yield {"radar": radar, "warta": warta}
    with committed():
        NewsSource.objects.filter(pk__in=[radar.pk, warta.pk]).delete()


def test_media_coverage_is_listed_apart_and_its_markup_is_inert(phone, server, media):
    dialogs = []
    phone.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    phone.goto(server + "/info/pengumuman/")
    heading = phone.locator("#media-title")
    expect(heading).to_contain_text("(5)")
    items = phone.locator("#media-list > li")
    expect(items).to_have_count(5)
    # Newest first, each with its outlet, its date and a link out to the article.
    expect(items.first).to_contain_text("Warta Uji Peramban")
    expect(items.first).to_contain_text("2 Desember 2026")
    expect(items.first.get_by_role("link")).to_have_attribute("href", "https://warta.contoh.id/air-bersih-sisir")
    expect(items.first.get_by_role("link")).to_have_attribute("rel", "external nofollow noopener")

    marked = phone.locator("#media-list > li", has_text="Warga Kota Batu")
    expect(marked).to_contain_text("Radar Uji Peramban")
    # The title as text, then "(on the outlet's site)" for screen readers.
    expect(marked.locator("h3")).to_have_text(re.compile(r"^Warga Kota Batu & DPRD <b>tebal</b> \(.+\)$"))
    expect(marked.locator(".excerpt")).to_have_text("Rapat di Kelurahan Sisir & Temas <script>alert(2)</script>")
    expect(marked.locator("h3 a")).to_have_attribute("href", "https://radar.contoh.id/2026/12/markup")
    assert phone.locator("#media-list :is(script, img, iframe, b, style)").count() == 0
    assert phone.evaluate("[...document.scripts].filter(s => s.textContent.includes('alert(')).length") == 0
    assert phone.evaluate("document.querySelectorAll('[onerror], iframe').length") == 0
    assert dialogs == []
    assert "diretas" not in phone.title()
    # The city's own announcements stay in their own list.
    assert phone.locator("#announcement-list").get_by_text("Radar Uji Peramban").count() == 0

    assert wider_than_the_phone(phone) == []
    screenshot(phone, "info-media-phone")
    assert axe_violations(phone) == []

    # By area: Desa Punten's road works, and the kecamatan's own items.
    phone.locator("#filter-area").select_option("35.79.02.2001")
    phone.locator("#announcement-filters button[type=submit]").click()
    expect(phone).to_have_url(server + "/info/pengumuman/?wilayah=35.79.02.2001&sumber=")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text("Pemkot Batu perbaiki jalan rusak di Desa Punten")
    expect(items.first).to_contain_text("Kec. Bumiaji, Desa Punten")
    phone.locator("#filter-area").select_option("35.79.01")  # Kec. Batu: Sisir and Temas are in it
    phone.locator("#filter-source").select_option(str(media["warta"].pk))
    phone.locator("#announcement-filters button[type=submit]").click()
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text("DPRD Kota Batu bahas air bersih di Kelurahan Sisir")
    expect(phone.locator("#filter-source")).to_have_value(str(media["warta"].pk))
    # The kinds of the city's own items keep the chosen filters.
    phone.locator(".chips").get_by_role("link", name="Berita", exact=True).click()
    expect(phone.locator("#filter-area")).to_have_value("35.79.01")
    expect(items).to_have_count(1)
    assert wider_than_the_phone(phone) == []
    screenshot(phone, "info-media-filtered-phone")
    assert dialogs == []


def test_the_media_list_in_english(phone, server, media):
    phone.goto(server + "/en/info/pengumuman/")
    expect(phone.locator("#media-title")).to_contain_text("What the media say")
    expect(phone.locator("#media-list > li").first).to_contain_text("2 December 2026")
    screenshot(phone, "info-media-phone-en")


def test_the_usage_panel_fits_a_phone(phone, server, api):
    # Two reports through the API (committed), from one person who wrote her phone number two ways.
    punten = Area.objects.get(code="35.79.02.2001").geom.point_on_surface
    for phone_number in ("0812 5555 0001", "+62 812-5555-0001"):
        body = {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [punten.x, punten.y]},
            "properties": {
                "category": "pohon-tumbang",
                "answers": {"blocking": "yes"},
                "reporter": {"phone": phone_number},
            },
        }
        assert api.post("/api/reports/", json=body).status_code == 201
    phone.goto(server + "/statistik/")
    panel = phone.locator("#usage")
    expect(panel.locator("#usage-channels tbody tr[data-channel=api]")).to_be_visible()
    expect(panel.locator("#usage-months tbody tr").first).to_be_visible()
    expect(panel.locator("#usage-visits-off")).to_be_visible()  # the city has not switched counting on
    expect(phone.locator("#follow-resolved")).to_be_visible()
    phone.locator("#follow-resolved summary").click()
    expect(phone.locator("#follow-resolved").get_by_role("link", name="Desa Punten")).to_have_attribute(
        "href", "/laporan-selesai/35.79.02.2001/rss/"
    )
    assert wider_than_the_phone(phone) == []
    panel.scroll_into_view_if_needed()
    screenshot(phone, "statistics-usage-phone")
    assert axe_violations(phone) == []
