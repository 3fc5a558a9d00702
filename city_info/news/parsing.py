"""From a feed's bytes to the items worth keeping. feedparser reads RSS 2.0 and Atom (and their older
dialects). Titles and excerpts become plain text here (tags and scripts dropped, entities resolved,
whitespace collapsed): nothing an outlet writes is ever markup on our pages, which show it through
Django's autoescaping. Keywords pick the items about the city; the desa, kelurahan and kecamatan
names in the text give their areas."""

import datetime as dt
import hashlib
import io
import re
import unicodedata
import xml.sax
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

import feedparser
from django.utils.translation import gettext as _

from common.text import FORBIDDEN_CHARACTERS

from ..models import NewsItem

# A feed is read this far; outlets publish their latest few dozen items.
MAX_ENTRIES = 200
# An item without a title is shown by the start of its summary.
UNTITLED_LENGTH = 120

# Phrases that never count as a mention of the city: coal, and the regency of that name in North Sumatra.
DEFAULT_IGNORED = ("batu bara",)


class ParseError(Exception):
    """The bytes are not a usable feed; the message says why, for the admin."""


@dataclass(frozen=True)
class Entry:
    key: str  # sha256 of the feed's id for the item, or of its link
    title: str
    excerpt: str
    link: str
    published_at: dt.datetime | None
    text: str  # what keywords and area names are looked for in: title, whole summary, tags


# --- Plain text ------------------------------------------------------------------------------------


class _TextExtractor(HTMLParser):
    """The text of an HTML fragment: scripts and styles dropped with their content, block ends as spaces."""

    SKIPPED = frozenset({"script", "style", "template", "noscript", "iframe", "object", "svg", "math"})
    BLOCKS = frozenset({"p", "br", "div", "li", "ul", "ol", "tr", "td", "th", "blockquote", "h1", "h2", "h3", "h4"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in self.SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def plain_text(fragment: str) -> str:
    """An HTML fragment (or text with entities) as one line of plain text. Entities are resolved once:
    an escaped "&lt;script&gt;" comes out as the text "<script>", which the pages then escape again."""
    extractor = _TextExtractor()
    extractor.feed(fragment)
    extractor.close()
    text = FORBIDDEN_CHARACTERS.sub(" ", "".join(extractor.parts))
    return " ".join(unicodedata.normalize("NFC", text).split())


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary with an ellipsis when it had to be cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if text[limit - 1] != " " and space > limit * 0.6:  # a word cut in two: back to its start
        cut = cut[:space]
    return cut.rstrip(" ,.;:-–—") + "…"


# --- Keywords and areas ----------------------------------------------------------------------------


def _phrase(words: str) -> str:
    """A regular expression for a phrase as a whole word or words, its parts apart by spaces or hyphens
    or not at all ("Oro-oro Ombo", "Oro Oro Ombo", "Sumberbrantas")."""
    parts = [re.escape(part) for part in re.split(r"[\s\-]+", words.strip()) if part]
    return r"(?<!\w)" + r"[\s\-]*".join(parts) + r"(?!\w)"


class Keywords:
    """An item is kept when its text mentions a wanted keyword once the ignored phrases are taken out
    (whole words, any case)."""

    def __init__(self, wanted: Iterable[str], ignored: Iterable[str] = DEFAULT_IGNORED):
        self.wanted = tuple(w.strip() for w in wanted if w.strip())
        self.ignored = tuple(i.strip() for i in ignored if i.strip())
        self._wanted = re.compile("|".join(map(_phrase, self.wanted)) or r"(?!)", re.IGNORECASE)
        self._ignored = re.compile("|".join(map(_phrase, self.ignored)) or r"(?!)", re.IGNORECASE)

    @classmethod
    def from_lines(cls, lines: str, *, default: Sequence[str]) -> "Keywords":
        """A source's keyword field: one per line, "-phrase" ignored; without wanted lines, `default`."""
        wanted, ignored = [], list(DEFAULT_IGNORED)
        for line in lines.splitlines():
            line = line.strip()
            if line.startswith("-"):
                ignored.append(line[1:])
            elif line:
                wanted.append(line)
        return cls(wanted or default, ignored)

    def match(self, text: str) -> bool:
        return bool(self._wanted.search(self._ignored.sub(" ", text)))


@dataclass(frozen=True)
class AreaName:
    pk: int
    name: str
    is_kecamatan: bool
    # A kecamatan named like the city itself (Kec. Batu in Kota Batu) counts only when written as one.
    needs_prefix: bool = False


DESA_PREFIX = r"(?:desa|ds\.?|kelurahan|kel\.?)\s*"
KECAMATAN_PREFIX = r"(?:kecamatan|kec\.?)\s*"


class AreaFinder:
    """The areas a text names. "Desa X" / "Kelurahan X" and "Kecamatan X" / "Kec. X" say which level
    they mean; a bare name is the desa or kelurahan of that name, or the kecamatan when both share it
    (the larger area is never wrong), and never the kecamatan named like the city."""

    def __init__(self, areas: Iterable[AreaName]):
        self.prefixed: list[tuple[int, re.Pattern]] = []
        bare: dict[str, int] = {}
        for area in sorted(areas, key=lambda a: a.is_kecamatan):  # kecamatan last: they win a shared name
            prefix = KECAMATAN_PREFIX if area.is_kecamatan else DESA_PREFIX
            self.prefixed.append((area.pk, re.compile(r"(?<!\w)" + prefix + _phrase(area.name), re.IGNORECASE)))
            if not area.needs_prefix:
                bare[area.name.casefold()] = area.pk
        self.bare = [(pk, re.compile(_phrase(name), re.IGNORECASE)) for name, pk in bare.items()]

    def __call__(self, text: str) -> set[int]:
        found = set()
        for pk, pattern in self.prefixed:
            if pattern.search(text):
                found.add(pk)
                text = pattern.sub(" ", text)
        found.update(pk for pk, pattern in self.bare if pattern.search(text))
        return found


# --- Feeds -----------------------------------------------------------------------------------------


def _published(entry) -> dt.datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")  # UTC, as feedparser gives it
    if not parsed:
        return None
    try:
        return dt.datetime(*parsed[:6], tzinfo=dt.UTC)
    except (TypeError, ValueError):
        return None


def _safe_link(value: str) -> str:
    """Only a web address is a link out: never javascript:, data: or a relative path."""
    value = (value or "").strip()
    parts = urlsplit(value)
    return value if parts.scheme in ("http", "https") and parts.netloc and len(value) <= 1000 else ""


def parse_feed(content: bytes, *, url: str, content_type: str = "") -> list[Entry]:
    """The items of an RSS or Atom document, newest as the feed orders them; ParseError when the bytes
    are not a well-formed feed. Items without a web address to link to, or with neither title nor
    summary, are left out."""
    # A stream, never bytes or a string: feedparser would take a string that looks like an address or a
    # file name for one and open it.
    parsed = feedparser.parse(
        io.BytesIO(content),
        response_headers={"content-location": url, "content-type": content_type or "application/xml"},
    )
    problem = parsed.get("bozo_exception")
    # Encoding guesses and a text/* content type are harmless; a document that is not well formed is not.
    if parsed.get("bozo") and not isinstance(problem, feedparser.ThingsNobodyCaresAboutButMe):
        if isinstance(problem, xml.sax.SAXParseException):
            problem = _("line %(line)s, column %(column)s: %(error)s") % {
                "line": problem.getLineNumber(),
                "column": problem.getColumnNumber(),
                "error": problem.getMessage(),
            }
        raise ParseError(_("Not a well-formed feed: %(error)s") % {"error": str(problem)[:200]})
    if not parsed.get("version"):
        raise ParseError(_("Not an RSS or Atom feed."))
    entries, seen = [], set()
    for item in parsed.entries[:MAX_ENTRIES]:
        identifier = (item.get("id") or item.get("link") or "").strip()
        link = _safe_link(item.get("link", ""))
        if not identifier or not link:
            continue
        key = hashlib.sha256(identifier.encode()).hexdigest()
        if key in seen:
            continue
        seen.add(key)
        title = plain_text(item.get("title", ""))
        summary = plain_text(item.get("summary") or (item.get("content") or [{}])[0].get("value", ""))
        if not (title or summary):
            continue
        tags = " ".join(tag.get("term") or "" for tag in item.get("tags") or [])
        entries.append(
            Entry(
                key=key,
                title=shorten(title or summary, NewsItem.TITLE_LENGTH if title else UNTITLED_LENGTH),
                excerpt=shorten(summary, NewsItem.EXCERPT_LENGTH),
                link=link,
                published_at=_published(item),
                text=f"{title} {summary} {plain_text(tags)}",
            )
        )
    return entries
