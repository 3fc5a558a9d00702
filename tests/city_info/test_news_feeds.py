"""Our own feeds (announcements and news, upcoming events, newly resolved reports per desa) read back
with the same parser the news sources are read with; the pages link them; and the usage panel's numbers
on a small hand-made fixture, page visits counted only when the city enables it. In this process
(Django's test client), each test in a transaction that is rolled back."""

import datetime as dt
import html
import io
import re
from zoneinfo import ZoneInfo

import feedparser
import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from analytics.statistics import app_usage
from city_info import services
from city_info.models import Announcement, Event, PageVisit
from city_info.selectors import page_visit_totals
from districts.models import Agency, Area
from geo_reports.models import Category, Report, Status
from geo_reports.services.handling import report_transition
from geo_reports.services.intake import report_create

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")


def read_feed(client, path: str, kind: str):
    """The feed at `path`, parsed back with feedparser: well formed, of the expected kind."""
    response = client.get(path)
    assert response.status_code == 200, path
    assert response["Content-Type"].startswith(f"application/{kind}+xml"), response["Content-Type"]
    parsed = feedparser.parse(io.BytesIO(response.content))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == {"rss": "rss20", "atom": "atom10"}[kind]
    return parsed, response.content.decode()


def alternate_links(html: str) -> dict[str, str]:
    """<link rel="alternate"> of a page: type → href (the last of each type)."""
    links = {}
    for tag in re.findall(r"<link [^>]*rel=\"alternate\"[^>]*>", html):
        kind = re.search(r'type="([^"]+)"', tag).group(1)
        links[kind] = re.search(r'href="([^"]+)"', tag).group(1)
    return links


def indonesian(message: str) -> str:
    """A message id's Indonesian text (the message id itself until its translation is merged)."""
    with translation.override("id"):
        return gettext(message)


def inside(code: str):
    return Area.objects.get(code=code).geom.point_on_surface


@pytest.fixture
def announcements():
    """Two of the city's items: one with markup-like text in its title, one in English too; and one
    dated tomorrow, which no feed shows yet."""
    dlh = Agency.objects.get(code="dlh")
    today = timezone.localdate()
    services.announcement_create(
        agency=dlh,
        title='Jadwal <b>sampah</b> & "pilah" <script>alert(1)</script>',
        body="Baris satu.\nBaris <dua> & tiga.",
        published_on=today,
        area=Area.objects.get(code="35.79.01.1001"),
        location=inside("35.79.01.1001"),
    )
    services.announcement_create(
        agency=dlh,
        kind=Announcement.Kind.NEWS,
        title="Taman kota dibuka",
        title_en="City park opens",
        body="Taman baru.",
        body_en="A new park.",
        published_on=today - dt.timedelta(days=1),
    )
    services.announcement_create(agency=dlh, title="Belum terbit", body="Besok.", published_on=today + dt.timedelta(1))


def test_the_announcements_feeds_are_valid_rss_and_atom(client, announcements):
    public = list(Announcement.objects.filter(published_on__lte=timezone.localdate()).order_by("-published_on", "-id"))
    for kind, path in (("rss", "/info/pengumuman/rss/"), ("atom", "/info/pengumuman/atom/")):
        parsed, raw = read_feed(client, path, kind)
        assert parsed.feed.title == indonesian("Announcements and news of the Kota Batu government")
        assert parsed.feed.link == "http://testserver/info/pengumuman/"
        entries = parsed.entries
        assert [e.link for e in entries] == [f"http://testserver/info/pengumuman/{a.pk}/" for a in public[:50]]
        assert "Belum terbit" not in raw
        first = entries[0]
        # The staff's title is text: RSS carries it escaped for readers that take titles as HTML.
        title = first.title if kind == "atom" else html.unescape(first.title)
        assert title == 'Jadwal <b>sampah</b> & "pilah" <script>alert(1)</script>'
        assert "<script>" not in first.summary and "&lt;dua&gt;" in first.summary  # the body, as text
        assert first.author == "Dinas Lingkungan Hidup Kota Batu"
        assert first.where["coordinates"]  # GeoRSS: its place
        assert {t.term for t in first.tags} == {"Pengumuman", "Kel. Temas"}

    parsed, _raw = read_feed(client, "/en/info/pengumuman/rss/", "rss")
    assert parsed.feed.title == "Announcements and news of the Kota Batu government"
    assert parsed.feed.language == "en"
    assert "City park opens" in [e.title for e in parsed.entries]
    assert parsed.entries[0].link.startswith("http://testserver/en/info/pengumuman/")


def test_the_events_feeds_carry_the_upcoming_events(client):
    dishub = Agency.objects.get(code="dishub")
    now = timezone.now().replace(microsecond=0)
    soon = services.event_create(
        agency=dishub,
        title="Uji emisi gratis",
        description="Bawa STNK.",
        place_name="Balai Kota Among Tani",
        location=inside("35.79.01.2008"),
        starts_at=now + dt.timedelta(days=2),
        ends_at=now + dt.timedelta(days=2, hours=4),
    )
    services.event_create(
        agency=dishub,
        title="Sudah lewat",
        description="-",
        location=inside("35.79.01.2008"),
        starts_at=now - dt.timedelta(days=3),
        ends_at=now - dt.timedelta(days=2),
    )
    upcoming = Event.objects.filter(ends_at__gte=timezone.now()).count()
    for kind, path in (("rss", "/info/acara/rss/"), ("atom", "/info/acara/atom/")):
        parsed, raw = read_feed(client, path, kind)
        assert len(parsed.entries) == min(upcoming, 50)
        assert "Sudah lewat" not in raw
        entry = next(e for e in parsed.entries if e.link == f"http://testserver/info/acara/{soon.pk}/")
        assert entry.title == "Uji emisi gratis"
        assert "Balai Kota Among Tani" in entry.summary and "Penyelenggara: Dinas Perhubungan" in entry.summary
        point = entry.where["coordinates"]
        assert abs(point[0] - soon.location.x) < 1e-6 and abs(point[1] - soon.location.y) < 1e-6


def resolved_report(desa_code: str, *, contact: dict, description: str) -> Report:
    created = report_create(
        category=Category.objects.get(code="pohon-tumbang"),
        geometry=inside(desa_code),
        answers={"blocking": "yes"},
        description=description,
        contact=contact,
    ).report
    for status in (Status.VERIFIED, Status.RESOLVED):
        report_transition(
            report_id=created.pk, new_status=status, role="operator", expected_version=None, message="Sudah ditangani."
        )
    return Report.objects.get(pk=created.pk)


def test_the_resolved_reports_feed_per_desa_has_public_fields_only(client):
    contact = {"name": "Siti Rahayu Uji", "phone": "0812 9876 5432", "email": "siti.uji@contoh.id"}
    punten = resolved_report("35.79.02.2001", contact=contact, description="Rumah saya nomor 12 tertimpa dahan.")
    temas = resolved_report("35.79.01.1001", contact={}, description="Di depan sekolah.")
    open_one = report_create(
        category=Category.objects.get(code="pohon-tumbang"), geometry=inside("35.79.02.2001"), answers={}
    ).report

    for kind in ("rss", "atom"):
        parsed, raw = read_feed(client, f"/laporan-selesai/35.79.02.2001/{kind}/", kind)
        assert parsed.feed.title == indonesian("Resolved reports in %(area)s") % {"area": "Desa Punten"}
        links = [e.link for e in parsed.entries]
        assert f"http://testserver/laporan/{punten.tracking_code}/" in links
        assert f"http://testserver/laporan/{temas.tracking_code}/" not in links
        assert f"http://testserver/laporan/{open_one.tracking_code}/" not in links
        entry = next(e for e in parsed.entries if punten.tracking_code in e.link)
        assert entry.title == "Pohon tumbang · Desa Punten"
        assert punten.tracking_code in entry.summary
        for private in ("Siti", "Rahayu", "0812", "9876", "siti.uji", "contoh.id", "Rumah saya", "dahan", "ditangani"):
            assert private not in raw, private

    parsed, _raw = read_feed(client, "/laporan-selesai/rss/", "rss")
    links = [e.link for e in parsed.entries]
    assert f"http://testserver/laporan/{punten.tracking_code}/" in links
    assert f"http://testserver/laporan/{temas.tracking_code}/" in links
    parsed, _raw = read_feed(client, "/laporan-selesai/35.79.02/rss/", "rss")  # the kecamatan Bumiaji
    assert f"http://testserver/laporan/{punten.tracking_code}/" in [e.link for e in parsed.entries]
    assert client.get("/laporan-selesai/35.79/rss/").status_code == 404  # the city is the feed without a code
    assert client.get("/laporan-selesai/99.99/rss/").status_code == 404


def test_each_page_links_its_feeds(client):
    for page, rss, atom in (
        ("/info/pengumuman/", "/info/pengumuman/rss/", "/info/pengumuman/atom/"),
        ("/info/acara/", "/info/acara/rss/", "/info/acara/atom/"),
        ("/statistik/", "/laporan-selesai/rss/", "/laporan-selesai/atom/"),
        ("/en/info/pengumuman/", "/en/info/pengumuman/rss/", "/en/info/pengumuman/atom/"),
    ):
        page_html = client.get(page).content.decode()
        assert alternate_links(page_html) == {"application/rss+xml": rss, "application/atom+xml": atom}, page
        assert f'href="{rss}"' in page_html.split("<main", 1)[1]  # and a visible link for people
    statistics = client.get("/statistik/").content.decode()
    assert 'href="/laporan-selesai/35.79.02.2001/rss/">Desa Punten</a>' in statistics
    for desa in Area.objects.filter(kind__in=Area.LOCAL_KINDS):
        read_feed(client, f"/laporan-selesai/{desa.code}/rss/", "rss")


def test_the_area_filter_applies_to_the_city_s_own_items_too(client, announcements):
    def shown(query: str) -> set[str]:
        response = client.get("/info/pengumuman/" + query)
        assert response.status_code == 200
        return {item.title for item in response.context["items"]}

    temas = 'Jadwal <b>sampah</b> & "pilah" <script>alert(1)</script>'
    assert {temas, "Taman kota dibuka"} <= shown("")
    assert temas in shown("?wilayah=35.79.01.1001")  # Kelurahan Temas
    assert temas in shown("?wilayah=35.79.01")  # Kecamatan Batu, which holds Temas
    assert "Taman kota dibuka" not in shown("?wilayah=35.79.01.1001")  # no place: city-wide
    assert temas not in shown("?wilayah=35.79.02")  # Kecamatan Bumiaji
    assert temas not in shown("?wilayah=35.79.02&jenis=pengumuman")
    assert {temas, "Taman kota dibuka"} <= shown("?wilayah=tidak-ada&sumber=x")  # unknown: no filter


def test_the_announcements_page_says_when_no_media_are_followed(client):
    page_html = client.get("/en/info/pengumuman/").content.decode()
    assert '<h2 id="media-title">What the media say <span class="count">(0)</span></h2>' in page_html
    assert "No media feeds are followed yet." in page_html


# --- The usage panel -----------------------------------------------------------------------------


@pytest.fixture
def usage_fixture():
    """Eight reports over two months of 2021 by four channels (one unknown to this code), from three
    people who left a contact (one twice, with her phone written two ways) and two who left none."""
    tree = Category.objects.get(code="pohon-tumbang")
    rows = [
        # day, channel, contact
        (dt.datetime(2021, 1, 5, 9, tzinfo=WIB), "web", {"email": "Ani@Contoh.id "}),
        (dt.datetime(2021, 1, 9, 9, tzinfo=WIB), "web", {"email": "ani@contoh.id", "phone": "0811 1"}),
        (dt.datetime(2021, 1, 20, 9, tzinfo=WIB), "open311", {"phone": "0812-3456-789"}),
        (dt.datetime(2021, 1, 31, 23, tzinfo=WIB), "open311", {"phone": "+62 812 3456 789"}),  # the same person
        (dt.datetime(2021, 1, 31, 23, 30, tzinfo=WIB), "web", {}),
        (dt.datetime(2021, 2, 1, 0, 30, tzinfo=WIB), "kiosk", {"name": "Tanpa kontak"}),  # a name is no contact
        (dt.datetime(2021, 2, 2, 9, tzinfo=WIB), "api", {"phone": "081234567 89"}),
        (dt.datetime(2021, 2, 3, 9, tzinfo=WIB), "web", {"email": "budi@contoh.id"}),
    ]
    made = []
    for index, (created, channel, contact) in enumerate(rows):
        report = report_create(
            category=tree, geometry=inside("35.79.02.2001"), answers={}, contact=contact, created_at=created
        ).report
        made.append(report.pk)
        Report.objects.filter(pk=report.pk).update(channel=channel)
        assert index == len(made) - 1
    return Report.objects.filter(pk__in=made)


def test_the_usage_numbers_on_a_small_fixture(usage_fixture, settings):
    settings.LAPOR_COUNT_PAGE_VIEWS = False
    usage = app_usage(reports=usage_fixture, since=None, today=dt.date(2021, 2, 15))
    assert usage["channels"] == [
        {"channel": "web", "label": "Web", "received": 4},
        {"channel": "open311", "label": "Open311", "received": 2},
        {"channel": "api", "label": "API", "received": 1},
        {"channel": "kiosk", "label": "kiosk", "received": 1},
    ]
    assert [(m["month"], m["received"], m["reporters"], m["without_contact"]) for m in usage["months"]] == [
        ("2021-02", 3, 2, 1),  # 62812345678 9 again, budi; the kiosk report has no contact
        ("2021-01", 5, 2, 1),  # ani (twice, any case), 62812345678 9 (twice: 0812… and +62 812…)
    ]
    assert usage["visits"] is None
    since_february = app_usage(reports=usage_fixture, since=dt.datetime(2021, 2, 1, tzinfo=WIB))
    assert [c["received"] for c in since_february["channels"]] == [1, 1, 1]
    # The months are the last twelve: from March 2022 on, none of these.
    assert app_usage(reports=usage_fixture, since=None, today=dt.date(2022, 2, 28))["months"] == []
    assert len(app_usage(reports=usage_fixture, since=None, today=dt.date(2022, 1, 31))["months"]) == 1


def test_page_visits_are_counted_only_when_enabled_and_without_the_visitor(client, settings):
    settings.LAPOR_COUNT_PAGE_VIEWS = False
    client.get("/info/acara/")
    assert not PageVisit.objects.exists()

    settings.LAPOR_COUNT_PAGE_VIEWS = True
    client.get("/info/acara/", HTTP_USER_AGENT="Peramban Uji", REMOTE_ADDR="10.1.2.3")
    client.get("/en/info/acara/")
    client.get("/info/pengumuman/?wilayah=35.79.02.2001")
    client.get("/info/harga/")
    assert client.get("/info/lowongan/999999/").status_code == 404  # not a page shown: not counted
    client.get("/statistik/")  # not an information page
    today = timezone.localdate()
    assert set(PageVisit.objects.values_list("day", "path", "views")) == {
        (today, "/info/acara/", 2),
        (today, "/info/pengumuman/", 1),
        (today, "/info/harga/", 1),
    }
    assert [c.name for c in PageVisit._meta.get_fields()] == ["id", "day", "path", "views"]  # nothing else kept
    assert [(s.label, s.views) for s in page_visit_totals(since=today)] == [
        ("Acara", 2),
        ("Harga pangan", 1),
        ("Lowongan", 0),
        ("Pengumuman", 1),
    ]
    assert [s.views for s in page_visit_totals(since=today + dt.timedelta(days=1))] == [0, 0, 0, 0]
    statistics = client.get("/statistik/").content.decode()
    assert 'id="usage-visits"' in statistics and 'id="usage-visits-off"' not in statistics
    settings.LAPOR_COUNT_PAGE_VIEWS = False
    statistics = client.get("/statistik/").content.decode()
    assert 'id="usage-visits-off"' in statistics and 'id="usage-visits"' not in statistics
