"""What the media say: news sources fetched from a real HTTP server on loopback (tests/city_info/
news_server.py) in this process, each test in a transaction that is rolled back. The worker's own run
is in test_news_worker.py, the page in Chromium in test_news_page.py."""

import datetime as dt
import io
import time

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from city_info.models import NewsItem, NewsSource
from city_info.news import parsing, selectors, services
from city_info.news.tasks import LEASE, fetch_news_source
from common import housekeeping
from districts.models import Area
from tests.conftest import free_port

from .news_server import ATOM_KEPT, RSS_FEED, RSS_KEPT, rss, rss_item, serve_outlets

pytestmark = pytest.mark.django_db
MAX_BYTES = 50_000


@pytest.fixture(autouse=True)
def short_limits(settings):
    """A one-second timeout and a 50 kB limit, so that the slow and huge feeds fail quickly."""
    settings.LAPOR_NEWS_TIMEOUT_SECONDS = 1
    settings.LAPOR_NEWS_MAX_BYTES = MAX_BYTES


def source(name: str, url: str, **options) -> NewsSource:
    return services.news_source_save(name=name, url=url, **options)[0]


def fetch(*names: str) -> tuple[str, bool]:
    """`manage.py fetch_news NAMES` (in English); its output and whether it reported a failure."""
    out = io.StringIO()
    with translation.override("en"):
        try:
            call_command("fetch_news", *names, stdout=out)
        except CommandError:
            return out.getvalue(), True
    return out.getvalue(), False


def titles(name: str) -> set[str]:
    return set(NewsItem.objects.filter(source__name=name).values_list("title", flat=True))


def area(code: str) -> Area:
    return Area.objects.get(code=code)


# --- Fetching ------------------------------------------------------------------------------------


def test_the_items_about_the_city_are_kept_from_rss_and_atom(feed_server):
    urls = serve_outlets(feed_server, "/kept", max_bytes=MAX_BYTES)
    source("Radar Uji", urls["rss"])
    source("Warta Uji", urls["atom"])
    output, failed = fetch("Radar Uji", "Warta Uji")
    assert not failed
    assert "Radar Uji: 3 new, 0 updated, 2 not about the city" in output
    assert "Warta Uji: 2 new, 0 updated, 1 not about the city" in output
    # Kept: those naming the city, an agency or the city in their tags; not coal ("batu bara"), not
    # Malang, not an item whose link is javascript:.
    assert titles("Radar Uji") == RSS_KEPT
    assert titles("Warta Uji") == ATOM_KEPT

    road = NewsItem.objects.get(title="Pemkot Batu perbaiki jalan rusak di Desa Punten")
    assert road.source.name == "Radar Uji"
    assert road.link == "https://radar.contoh.id/2026/12/jalan-punten"
    assert road.published_at == dt.datetime(2026, 12, 1, 2, 30, tzinfo=dt.UTC)  # 09:30 WIB
    # A short plain-text excerpt, not the article: tags gone, the script's text gone, cut at a word.
    assert road.excerpt.startswith("Dinas Pekerjaan Umum dan Penataan Ruang Kota Batu mulai memperbaiki jalan")
    assert "Warga Kecamatan Bumiaji diminta" in road.excerpt
    assert len(road.excerpt) <= 300 and road.excerpt.endswith("…")
    assert "<" not in road.excerpt and "diretas" not in road.excerpt
    # The areas its text names: Desa Punten, and Kecamatan Bumiaji.
    assert {a.code for a in road.areas.all()} == {"35.79.02.2001", "35.79.02"}

    markup = NewsItem.objects.get(link="https://radar.contoh.id/2026/12/markup")
    assert markup.title == "Warga Kota Batu & DPRD <b>tebal</b>"  # escaped markup stays text
    assert markup.excerpt == "Rapat di Kelurahan Sisir & Temas <script>alert(2)</script>"
    assert {a.name for a in markup.areas.all()} == {"Sisir", "Temas"}
    festival = NewsItem.objects.get(title="Festival apel digelar akhir pekan")
    assert [a.name for a in festival.areas.all()] == ["Oro-oro Ombo"]

    water = NewsItem.objects.get(title="DPRD Kota Batu bahas air bersih di Kelurahan Sisir")
    assert water.excerpt == "Perumda Air Minum Among Tirta menjanjikan pasokan normal."
    assert water.published_at == dt.datetime(2026, 12, 2, 3, 0, tzinfo=dt.UTC)
    contest = NewsItem.objects.get(title="Kantor Kecamatan Junrejo gelar lomba desa")
    assert contest.published_at == dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC)  # no <published>: <updated>
    assert [a.code for a in contest.areas.all()] == ["35.79.03"]  # the kecamatan, not Desa Junrejo

    radar = NewsSource.objects.get(name="Radar Uji")
    assert (radar.etag, radar.last_modified) == ('"rss-v1"', "Tue, 01 Dec 2026 02:30:00 GMT")
    assert radar.error_count == 0 and radar.last_error == "" and radar.last_success_at is not None
    assert radar.next_fetch_at == radar.last_fetched_at + dt.timedelta(minutes=30)
    assert feed_server.requests_to("/kept/rss.xml")[0]["user_agent"].startswith("LaporBatu/1.0")


def test_a_second_fetch_is_conditional_and_stores_nothing_twice(feed_server):
    urls = serve_outlets(feed_server, "/again", max_bytes=MAX_BYTES)
    source("Radar Uji", urls["rss"])
    source("Warta Uji", urls["atom"])
    fetch("Radar Uji", "Warta Uji")
    stored = set(NewsItem.objects.values_list("source__name", "key"))

    output, failed = fetch("Radar Uji", "Warta Uji")
    assert not failed
    assert "Radar Uji: not modified" in output and "Warta Uji: not modified" in output
    first, second = feed_server.requests_to("/again/rss.xml")
    assert first["if_none_match"] is None and first["if_modified_since"] is None
    assert second["if_none_match"] == '"rss-v1"'
    assert second["if_modified_since"] == "Tue, 01 Dec 2026 02:30:00 GMT"
    assert feed_server.requests_to("/again/atom.xml")[1]["if_none_match"] == '"atom-v1"'
    assert set(NewsItem.objects.values_list("source__name", "key")) == stored

    # A server that ignores the validators sends the same items again: still stored once.
    feed_server.serve("/again/no-validators.xml", RSS_FEED)
    source("Tanpa Validator", feed_server.url + "/again/no-validators.xml")
    fetch("Tanpa Validator")
    output, _ = fetch("Tanpa Validator")
    assert "Tanpa Validator: 0 new, 0 updated, 2 not about the city" in output
    assert NewsItem.objects.filter(source__name="Tanpa Validator").count() == 3
    assert feed_server.requests_to("/again/no-validators.xml")[1]["if_none_match"] is None

    # A corrected title replaces the stored one (same guid); a new item is added.
    corrected = rss_item(
        "Pemkot Batu perbaiki jalan rusak di Desa Punten dan Desa Sidomulyo",
        "https://radar.contoh.id/2026/12/jalan-punten",
        guid="radar-1001",
        date="Tue, 01 Dec 2026 09:30:00 +0700",
    )
    new = rss_item("DPRD Kota Batu sahkan APBD", "https://radar.contoh.id/2026/12/apbd", guid="radar-1010")
    feed_server.serve("/again/no-validators.xml", rss(corrected, new))
    output, _ = fetch("Tanpa Validator")
    assert "Tanpa Validator: 1 new, 1 updated, 0 not about the city" in output
    road = NewsItem.objects.get(source__name="Tanpa Validator", link="https://radar.contoh.id/2026/12/jalan-punten")
    assert road.title == "Pemkot Batu perbaiki jalan rusak di Desa Punten dan Desa Sidomulyo"
    assert {a.name for a in road.areas.all()} == {"Punten", "Sidomulyo"}
    assert NewsItem.objects.filter(source__name="Tanpa Validator").count() == 4


def test_failing_sources_are_recorded_and_the_others_are_not_touched(feed_server):
    urls = serve_outlets(feed_server, "/failing", max_bytes=MAX_BYTES)
    names = {kind: f"Uji {kind}" for kind in urls}
    for kind, url in urls.items():
        source(names[kind], url)
    started = time.monotonic()
    output, failed = fetch(*names.values())
    elapsed = time.monotonic() - started
    assert failed
    # Each slow feed costs its timeout (1 s) and no more; the server would have taken 3 s each.
    assert elapsed < 5, elapsed
    assert titles(names["rss"]) == RSS_KEPT and titles(names["atom"]) == ATOM_KEPT

    expected_errors = {
        "malformed": "Not a well-formed feed: line 1, column ",
        "oversized": f"The feed is larger than {MAX_BYTES:,} bytes.",
        "slow": "No complete answer within 1 seconds.",
        "trickling": "No complete answer within 1 seconds.",
        "missing": "The server answered HTTP 404 Not Found.",
    }
    for kind, error in expected_errors.items():
        failing = NewsSource.objects.get(name=names[kind])
        assert failing.error_count == 1, kind
        assert failing.last_error.startswith(error), (kind, failing.last_error)
        assert failing.last_error_at == failing.last_fetched_at and failing.last_success_at is None
        assert failing.next_fetch_at == failing.last_fetched_at + dt.timedelta(minutes=30)
        assert not failing.items.exists()
        assert f"{names[kind]}: failed: {error}" in output
    assert NewsSource.objects.get(name=names["malformed"]).last_error.endswith(": no element found")
    for kind in ("rss", "atom"):
        working = NewsSource.objects.get(name=names[kind])
        assert (working.error_count, working.last_error) == (0, "")

    # Failing again: the count grows and the wait doubles; a fixed feed starts again from zero.
    fetch(names["missing"])
    gone = NewsSource.objects.get(name=names["missing"])
    assert gone.error_count == 2
    assert gone.next_fetch_at == gone.last_fetched_at + dt.timedelta(minutes=60)
    feed_server.serve("/failing/gone.xml", RSS_FEED)
    fetch(names["missing"])
    gone.refresh_from_db()
    assert gone.error_count == 0 and gone.last_success_at == gone.last_fetched_at
    assert gone.last_error.startswith("The server answered HTTP 404")  # kept, with its time, for the record
    assert titles(names["missing"]) == RSS_KEPT


def test_a_server_that_is_not_there_is_a_failed_fetch():
    nobody = source("Radar Tutup", f"http://127.0.0.1:{free_port()}/feed.xml")
    with translation.override("en"):
        outcome = services.news_source_fetch(source=nobody)
    assert outcome.error.startswith("Could not read the feed: ")
    nobody.refresh_from_db()
    assert nobody.error_count == 1 and nobody.last_error == outcome.error


def test_a_document_is_read_as_a_feed_and_never_as_an_address_or_file_name(feed_server, tmp_path):
    # feedparser opens a string that looks like an address or a file name; fetched bytes never are.
    feed_server.serve("/bait.xml", RSS_FEED)
    bait_file = tmp_path / "umpan.xml"
    bait_file.write_bytes(RSS_FEED)
    for body in (str(bait_file).encode(), f"{feed_server.url}/bait.xml".encode()):
        with pytest.raises(parsing.ParseError), translation.override("en"):
            parsing.parse_feed(body, url="https://contoh.id/feed")
    assert feed_server.requests_to("/bait.xml") == []
    with pytest.raises(parsing.ParseError) as refused, translation.override("en"):
        parsing.parse_feed(b"<html><body>Bukan umpan</body></html>", url="https://contoh.id/feed")
    assert str(refused.value) == "Not an RSS or Atom feed."


def test_an_item_dated_in_the_future_is_dated_when_it_was_fetched(feed_server):
    tomorrow = (timezone.now() + dt.timedelta(days=1)).strftime("%a, %d %b %Y %H:%M:%S +0000")
    feed_server.serve(
        "/future.xml", rss(rss_item("Pemkot Batu umumkan", "https://radar.contoh.id/besok", date=tomorrow))
    )
    radar = source("Radar Besok", feed_server.url + "/future.xml")
    before = timezone.now()
    services.news_source_fetch(source=radar)
    assert before <= NewsItem.objects.get(source=radar).published_at <= timezone.now()


# --- Keywords, areas, plain text ----------------------------------------------------------------


def test_the_default_keywords_are_the_city_and_its_agencies():
    keywords = selectors.default_keywords()
    assert keywords[:3] == ["Batu", "Pemkot Batu", "DPRD Kota Batu"]
    assert "Perumda Air Minum Among Tirta Kota Batu" in keywords
    assert "Kantor Kecamatan Bumiaji" in keywords
    assert "PT PLN (Persero) Unit Pelaksana Pelayanan Pelanggan Malang" not in keywords


@pytest.mark.parametrize(
    ("lines", "text", "kept"),
    [
        ("", "Wali Kota Batu meninjau pasar", True),
        ("", "Harga batu bara turun", False),  # coal
        ("", "Pemkot Batu beli batu bara untuk PLTU", True),  # the city, beside coal
        ("", "Batuan vulkanik di Malang", False),  # whole words only
        ("", "PEMKOT BATU gelar rapat", True),  # any case
        ("Among Tirta\nJatim Park", "Antrean panjang di Jatim Park", True),
        ("Among Tirta\nJatim Park", "Wali Kota Batu meninjau pasar", False),  # own keywords replace the defaults
        ("-Batu Malang", "Jalan Batu Malang macet", False),  # an ignored phrase, defaults still wanted
        ("-Batu Malang", "Jalan Batu Malang macet, Pemkot Batu turun tangan", True),
    ],
)
def test_keywords_decide_what_is_kept(lines, text, kept):
    keywords = parsing.Keywords.from_lines(lines, default=selectors.default_keywords())
    assert keywords.match(text) is kept


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Longsor di Desa Punten", {"35.79.02.2001"}),
        ("longsor di punten dan TULUNGREJO", {"35.79.02.2001", "35.79.02.2003"}),
        ("Pentas seni di Oro Oro Ombo", {"35.79.01.2006"}),
        ("Wisata Sumberbrantas", {"35.79.02.2009"}),
        ("Kelurahan Sisir, Kecamatan Batu", {"35.79.01.1004", "35.79.01"}),
        ("Wali Kota Batu meresmikan taman", set()),  # Batu alone is the city
        ("Petani Bumiaji panen apel", {"35.79.02"}),  # desa and kecamatan: the kecamatan
        ("Jalan di Desa Bumiaji rusak", {"35.79.02.2006"}),
        ("Kec. Junrejo dan Ds. Junrejo", {"35.79.03", "35.79.03.2003"}),
        ("Puntenan dan Temasek", set()),  # whole words only
    ],
)
def test_the_areas_a_text_names(text, codes):
    found = selectors.area_finder()(text)
    assert set(Area.objects.filter(pk__in=found).values_list("code", flat=True)) == codes


@pytest.mark.parametrize(
    ("fragment", "text"),
    [
        ("<p>Satu</p><p>dua\n\n  tiga</p>", "Satu dua tiga"),
        ("<script>alert(1)</script>Aman<style>p{}</style>", "Aman"),
        ("Air &amp; listrik &#8211; &quot;normal&quot;", 'Air & listrik – "normal"'),
        ("&lt;b&gt;bukan tag&lt;/b&gt;", "<b>bukan tag</b>"),
        ("<img src=x onerror=alert(1)>Foto<br>baru", "Foto baru"),
        ("Teks\u202ekiri\u0007", "Teks kiri"),
    ],
)
def test_plain_text(fragment, text):
    assert parsing.plain_text(fragment) == text


def test_shorten_cuts_at_a_word():
    assert parsing.shorten("satu dua tiga", 20) == "satu dua tiga"
    assert parsing.shorten("satu dua tiga empat lima enam", 20) == "satu dua tiga empat…"
    assert len(parsing.shorten("x" * 500, 300)) == 300


# --- The schedule, the commands -----------------------------------------------------------------


def test_housekeeping_hands_the_sources_due_to_the_worker_once(feed_server):
    feed_server.serve("/due.xml", RSS_FEED)
    due = source("Radar Jatuh Tempo", feed_server.url + "/due.xml")
    later = source("Radar Nanti", feed_server.url + "/later.xml")
    source("Radar Mati", feed_server.url + "/off.xml", is_enabled=False)
    now = timezone.now()
    NewsSource.objects.filter(pk=later.pk).update(next_fetch_at=now + dt.timedelta(minutes=5))
    queued_before = set(DBTaskResult.objects.values_list("pk", flat=True))

    assert housekeeping.run(now=now, only=["news_sources_queued"]) == {"news_sources_queued": 1}
    queued = DBTaskResult.objects.exclude(pk__in=queued_before)
    assert [(t.task_path, t.args_kwargs["args"]) for t in queued] == [
        ("city_info.news.tasks.fetch_news_source", [due.pk])
    ]
    due.refresh_from_db()
    assert due.next_fetch_at == now + LEASE  # leased: the next rounds leave it to the worker
    assert housekeeping.run(now=now + dt.timedelta(minutes=1), only=["news_sources_queued"]) == {
        "news_sources_queued": 0
    }

    # What the worker runs for it.
    assert fetch_news_source.call(due.pk) == "Radar Jatuh Tempo: 3 new, 0 updated, 2 not about the city"
    assert titles("Radar Jatuh Tempo") == RSS_KEPT
    NewsSource.objects.filter(pk=due.pk).update(is_enabled=False)
    assert fetch_news_source.call(due.pk) == "disabled or deleted"


def test_add_news_source_sets_up_and_changes_a_source():
    out = io.StringIO()
    call_command("add_news_source", "Radar Batu", "https://radar.contoh.id/feed/", stdout=out)
    assert out.getvalue() == "added news source Radar Batu (https://radar.contoh.id/feed/, enabled)\n"
    radar = NewsSource.objects.get(name="Radar Batu")
    assert (radar.keywords, radar.fetch_interval_minutes, radar.is_enabled) == ("", 30, True)

    call_command(
        "add_news_source",
        "Radar Batu",
        "https://radar.contoh.id/kota-batu/feed/",
        "--keyword=Pemkot Batu",
        "--keyword=-batu akik",
        "--every=60",
        "--disabled",
        stdout=out,
    )
    radar.refresh_from_db()
    assert radar.url == "https://radar.contoh.id/kota-batu/feed/"
    assert (radar.keywords, radar.fetch_interval_minutes, radar.is_enabled) == ("Pemkot Batu\n-batu akik", 60, False)
    assert NewsSource.objects.filter(name="Radar Batu").count() == 1

    for arguments, problem in (
        (["Radar Salah", "javascript:alert(1)"], "url: "),
        (["Radar Salah", "https://salah.contoh.id/feed", "--every=1"], "fetch_interval_minutes: "),
    ):
        with pytest.raises(CommandError, match=problem):
            call_command("add_news_source", *arguments)
    assert not NewsSource.objects.filter(name="Radar Salah").exists()


def test_fetch_news_names_an_unknown_source():
    with pytest.raises(CommandError, match="no news source named 'Tidak Ada'"):
        call_command("fetch_news", "Tidak Ada")


def test_the_admin_shows_each_source_s_fetch_state_and_hides_items(admin_client, feed_server):
    feed_server.serve("/admin/rss.xml", RSS_FEED)
    radar = source("Radar Admin", feed_server.url + "/admin/rss.xml")
    broken = source("Radar Rusak", feed_server.url + "/admin/gone.xml")
    with translation.override("en"):  # the error is kept in the language of the fetch
        for each in (radar, broken):
            services.news_source_fetch(source=each)
        page = admin_client.get("/admin/city_info/newssource/").content.decode()
    assert "Radar Rusak" in page and "The server answered HTTP 404 Not Found." in page
    assert admin_client.get(f"/admin/city_info/newssource/{broken.pk}/change/").status_code == 200

    # Fetch soon: the enabled ones are due at once.
    response = admin_client.post(
        "/admin/city_info/newssource/",
        {"action": "fetch_soon", "_selected_action": [radar.pk, broken.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert NewsSource.objects.filter(next_fetch_at__lte=timezone.now()).count() == 2

    # A hidden item leaves the page and stays hidden when its feed is read again.
    item = NewsItem.objects.get(source=radar, title="Festival apel digelar akhir pekan")
    assert admin_client.get("/admin/city_info/newsitem/").status_code == 200
    assert admin_client.get(f"/admin/city_info/newsitem/{item.pk}/change/").status_code == 200
    NewsItem.objects.filter(pk=item.pk).update(is_hidden=True)
    assert item not in selectors.news_item_public()
    feed_server.serve("/admin/rss.xml", RSS_FEED.replace(b"<channel>", b"<channel><!-- changed -->"))
    services.news_source_fetch(source=NewsSource.objects.get(pk=radar.pk))
    assert NewsItem.objects.get(pk=item.pk).is_hidden
    assert NewsItem.objects.filter(source=radar).count() == 3
    assert admin_client.get("/admin/city_info/pagevisit/").status_code == 200
