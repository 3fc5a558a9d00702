"""An outlet's web server on loopback for the news tests: a real HTTP server in a thread serving feeds
(valid RSS 2.0 and Atom, malformed, oversized, slow, trickling, missing), answering 304 when a request's
If-None-Match or If-Modified-Since matches, and recording every request's conditional headers."""

import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.conftest import free_port


@dataclass
class Served:
    body: bytes
    content_type: str = "application/rss+xml; charset=utf-8"
    etag: str = ""
    last_modified: str = ""
    delay: float = 0.0  # seconds before anything is sent
    trickle: float = 0.0  # seconds between chunks of the body (sent in ten)
    declare_length: bool = True


class FeedServer:
    def __init__(self):
        server = self
        self.served: dict[str, Served] = {}
        self.requests: list[dict] = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append(
                    {
                        "path": self.path,
                        "if_none_match": self.headers.get("If-None-Match"),
                        "if_modified_since": self.headers.get("If-Modified-Since"),
                        "user_agent": self.headers.get("User-Agent"),
                    }
                )
                feed = server.served.get(self.path)
                if feed is None:
                    self.send_error(404, "Not Found")
                    return
                time.sleep(feed.delay)
                unchanged = (feed.etag and self.headers.get("If-None-Match") == feed.etag) or (
                    feed.last_modified and self.headers.get("If-Modified-Since") == feed.last_modified
                )
                self.send_response(304 if unchanged else 200)
                if feed.etag:
                    self.send_header("ETag", feed.etag)
                if feed.last_modified:
                    self.send_header("Last-Modified", feed.last_modified)
                if unchanged:
                    self.end_headers()
                    return
                self.send_header("Content-Type", feed.content_type)
                if feed.declare_length:
                    self.send_header("Content-Length", str(len(feed.body)))
                self.end_headers()
                if not feed.trickle:
                    self.wfile.write(feed.body)
                    return
                step = max(1, len(feed.body) // 10)
                for start in range(0, len(feed.body), step):
                    self.wfile.write(feed.body[start : start + step])
                    self.wfile.flush()
                    time.sleep(feed.trickle)

            def log_message(self, *args):
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                pass  # a client that gave up on a slow feed closed its end: expected here

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.httpd = Server(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def serve(self, path: str, body: bytes, **options) -> str:
        """Serve `body` at `path` from now on; its full address."""
        self.served[path] = Served(body=body, **options)
        return self.url + path

    def requests_to(self, path: str) -> list[dict]:
        return [r for r in self.requests if r["path"] == path]

    def stop(self):
        self.httpd.shutdown()


def rss(*items: str, title: str = "Radar Uji") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>{title}</title><link>https://radar.contoh.id/</link>
<description>Berita Malang Raya</description>
{"".join(items)}
</channel></rss>""".encode()


def rss_item(title: str, link: str, *, guid: str = "", description: str = "", date: str = "", tags=()) -> str:
    return (
        f"<item><title>{title}</title><link>{link}</link>"
        + (f"<guid isPermaLink='false'>{guid}</guid>" if guid else "")
        + (f"<description>{description}</description>" if description else "")
        + (f"<pubDate>{date}</pubDate>" if date else "")
        + "".join(f"<category>{tag}</category>" for tag in tags)
        + "</item>"
    )


def atom(*entries: str, title: str = "Warta Uji") -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>{title}</title><id>urn:uuid:warta-uji</id>
<updated>2026-12-01T08:00:00Z</updated><link href="https://warta.contoh.id/"/>
{"".join(entries)}
</feed>""".encode()


def atom_entry(title: str, link: str, *, entry_id: str, summary: str = "", updated: str, published: str = "") -> str:
    return (
        f"<entry><title type='html'>{title}</title><link href='{link}'/><id>{entry_id}</id>"
        f"<updated>{updated}</updated>"
        + (f"<published>{published}</published>" if published else "")
        + (f"<summary type='html'>{summary}</summary>" if summary else "")
        + "</entry>"
    )


LONG_TEXT = (
    "&lt;p&gt;Dinas Pekerjaan Umum dan Penataan Ruang Kota Batu mulai memperbaiki jalan desa yang rusak "
    "sejak musim hujan. &lt;b&gt;Warga Kecamatan Bumiaji&lt;/b&gt; diminta memakai jalur lain selama dua "
    "pekan.&lt;/p&gt;&lt;script&gt;document.title='diretas'&lt;/script&gt;&lt;p&gt;Perbaikan meliputi "
    "pengaspalan ulang, pembuatan saluran air di kedua sisi jalan, dan pemasangan rambu baru di tikungan "
    "tajam dekat sekolah dasar. Kepala dinas menyebut pekerjaan ini bagian dari program jalan mantap "
    "tahun anggaran 2026 dan akan dilanjutkan ke desa-desa lain di lereng Gunung Arjuno.&lt;/p&gt;"
)

# The RSS items, by what the fetch should make of them.
RSS_ROAD = rss_item(
    "Pemkot Batu perbaiki jalan rusak di Desa Punten",
    "https://radar.contoh.id/2026/12/jalan-punten",
    guid="radar-1001",
    description=LONG_TEXT,
    date="Tue, 01 Dec 2026 09:30:00 +0700",
)
RSS_COAL = rss_item(  # "batu bara" is coal, not the city
    "Harga batu bara naik lagi",
    "https://radar.contoh.id/2026/12/batu-bara",
    guid="radar-1002",
    description="Pasokan batu bara ke pembangkit listrik di Jawa Timur berkurang.",
    date="Tue, 01 Dec 2026 08:00:00 +0700",
)
RSS_MALANG = rss_item(  # about another city
    "Banjir genangi jalan di Kota Malang",
    "https://radar.contoh.id/2026/12/banjir-malang",
    guid="radar-1003",
    date="Mon, 30 Nov 2026 17:00:00 +0700",
)
RSS_MARKUP = rss_item(  # markup in the title and summary: dropped or shown as text, never run
    "&lt;script&gt;alert('judul')&lt;/script&gt;Warga Kota Batu &amp;amp; DPRD "
    "&lt;img src=x onerror=alert('gambar')&gt;&amp;lt;b&amp;gt;tebal&amp;lt;/b&amp;gt;",
    "https://radar.contoh.id/2026/12/markup",
    guid="radar-1004",
    description="&lt;img src=x onerror=alert('ringkasan')&gt;Rapat di Kelurahan Sisir &amp;amp; Temas "
    "&lt;iframe src='https://jahat.contoh.id'&gt;&lt;/iframe&gt;&amp;lt;script&amp;gt;alert(2)&amp;lt;/script&amp;gt;",
    date="Mon, 30 Nov 2026 12:00:00 +0700",
)
RSS_SCRIPT_LINK = rss_item(  # about Batu, but its link is not a web address
    "Pemkot Batu buka pendaftaran beasiswa",
    "javascript:alert('tautan')",
    guid="radar-1005",
    date="Mon, 30 Nov 2026 10:00:00 +0700",
)
RSS_TAGGED = rss_item(  # the city only in its tags
    "Festival apel digelar akhir pekan",
    "https://radar.contoh.id/2026/11/festival-apel",
    guid="radar-1006",
    description="Ribuan pengunjung diperkirakan datang ke Oro-oro Ombo.",
    date="Sun, 29 Nov 2026 07:00:00 +0700",
    tags=("Kota Batu", "Wisata"),
)
RSS_FEED = rss(RSS_ROAD, RSS_COAL, RSS_MALANG, RSS_MARKUP, RSS_SCRIPT_LINK, RSS_TAGGED)
RSS_KEPT = {
    "Pemkot Batu perbaiki jalan rusak di Desa Punten",
    "Warga Kota Batu & DPRD <b>tebal</b>",
    "Festival apel digelar akhir pekan",
}

ATOM_FEED = atom(
    atom_entry(
        "DPRD Kota Batu bahas air bersih di Kelurahan Sisir",
        "https://warta.contoh.id/air-bersih-sisir",
        entry_id="tag:warta.contoh.id,2026:501",
        summary="&lt;p&gt;Perumda Air Minum Among Tirta menjanjikan &lt;em&gt;pasokan&lt;/em&gt; normal.&lt;/p&gt;",
        published="2026-12-02T03:00:00Z",
        updated="2026-12-02T04:00:00Z",
    ),
    atom_entry(
        "Kemacetan di Surabaya meningkat",
        "https://warta.contoh.id/surabaya",
        entry_id="tag:warta.contoh.id,2026:502",
        updated="2026-12-02T02:00:00Z",
    ),
    atom_entry(
        "Kantor Kecamatan Junrejo gelar lomba desa",
        "https://warta.contoh.id/lomba-junrejo",
        entry_id="tag:warta.contoh.id,2026:503",
        updated="2026-12-01T01:00:00Z",
    ),
)
ATOM_KEPT = {"DPRD Kota Batu bahas air bersih di Kelurahan Sisir", "Kantor Kecamatan Junrejo gelar lomba desa"}

MALFORMED_FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Rusak</title><item><title>Pemkot Batu'


def serve_outlets(server: FeedServer, prefix: str, *, max_bytes: int) -> dict[str, str]:
    """The six kinds of feed under `prefix`: name → address. The slow feeds take about 3 s."""
    padding = b"<!--" + b"x" * (max_bytes + 1000) + b"-->"
    return {
        "rss": server.serve(
            f"{prefix}/rss.xml", RSS_FEED, etag='"rss-v1"', last_modified="Tue, 01 Dec 2026 02:30:00 GMT"
        ),
        "atom": server.serve(f"{prefix}/atom.xml", ATOM_FEED, content_type="application/atom+xml", etag='"atom-v1"'),
        "malformed": server.serve(f"{prefix}/malformed.xml", MALFORMED_FEED),
        "oversized": server.serve(
            f"{prefix}/oversized.xml", rss(RSS_ROAD).replace(b"<channel>", b"<channel>" + padding), declare_length=False
        ),
        "slow": server.serve(f"{prefix}/slow.xml", rss(RSS_ROAD), delay=3.0),
        "trickling": server.serve(f"{prefix}/trickling.xml", rss(RSS_ROAD), trickle=0.3),
        "missing": f"{server.url}{prefix}/gone.xml",
    }
