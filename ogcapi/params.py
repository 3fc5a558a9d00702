"""Query parameters of OGC API - Features, read strictly: a value that cannot be understood is a 400
with a message naming the parameter, never a guess and never a 500. Parameters the API does not
define are ignored (the standard permits it).
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.contrib.gis.geos import GEOSGeometry
from django.utils import timezone
from django.utils.translation import gettext as _

from common import bbox
from common.errors import ApplicationError

from . import cql2
from .cql2 import instant

# A page of 1,000: a client that sends no limit, or takes the server's (QGIS, GDAL from 3.8), reads
# 10,000 features in 10 requests; GDAL 3.6 asks for 10 unless given PAGE_SIZE. PostgreSQL builds a
# page of 1,000 reports in tens of milliseconds (measured at 100,000 reports: 30-60 ms).
DEFAULT_LIMIT = 1000
MAX_LIMIT = 10_000
# PostgreSQL's OFFSET is a bigint; anything near that is a mistake, not a page.
MAX_OFFSET = 10**12

DIGITS = re.compile(r"^[0-9]+$")
OPEN_END = ("", "..")

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
# cql-text is the name Part 3's drafts gave the language, and the only one GDAL's OAPIF driver knows.
FILTER_LANGUAGES = ("cql2-text", "cql-text")


class InvalidParameter(ApplicationError):
    """A query parameter the client must fix; `str(exc)` says how."""


@dataclass(frozen=True)
class Interval:
    """A closed time interval; None for an open end. An instant is an interval with start == end."""

    start: dt.datetime | None
    end: dt.datetime | None


@dataclass(frozen=True)
class ItemsQuery:
    bbox: GEOSGeometry | None = None
    interval: Interval | None = None
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    filter: cql2.Node | None = None
    # The values as given (validated), repeated in the self/next/prev links.
    bbox_text: str = ""
    datetime_text: str = ""
    filter_text: str = ""
    filter_lang_text: str = ""
    filter_crs_text: str = ""


def items_query(params) -> ItemsQuery:
    """Read `bbox`, `datetime`, `limit`, `offset`, and `filter` with `filter-lang` and `filter-crs`,
    from a QueryDict. The filter is read here as CQL2 text; what it names is checked against the
    collection when it is applied (ogcapi.filters)."""
    bbox_text = params.get("bbox", "")
    datetime_text = params.get("datetime", "")
    filter_text = params.get("filter", "")
    filter_lang_text = params.get("filter-lang", "")
    filter_crs_text = params.get("filter-crs", "")
    if filter_lang_text and filter_lang_text.strip() not in FILTER_LANGUAGES:
        raise InvalidParameter(_("filter-lang must be cql2-text (the only filter language of this API)."))
    if filter_crs_text and filter_crs_text.strip() != CRS84:
        raise InvalidParameter(_("filter-crs must be %(crs)s (longitude and latitude in WGS84).") % {"crs": CRS84})
    return ItemsQuery(
        bbox=parse_bbox(bbox_text) if bbox_text else None,
        interval=parse_datetime(datetime_text) if datetime_text else None,
        limit=parse_limit(params.get("limit")),
        offset=parse_offset(params.get("offset")),
        filter=cql2.parse(filter_text) if filter_text else None,
        bbox_text=bbox_text,
        datetime_text=datetime_text,
        filter_text=filter_text,
        filter_lang_text=filter_lang_text,
        filter_crs_text=filter_crs_text,
    )


def parse_limit(value: str | None) -> int:
    """1 or more; values above MAX_LIMIT are served as MAX_LIMIT (the standard lets the server cap it)."""
    if value is None:
        return DEFAULT_LIMIT
    value = value.strip()
    if not DIGITS.match(value) or int(value) < 1:
        raise InvalidParameter(
            _("limit must be a whole number from 1 to %(max)d (default %(default)d).")
            % {"max": MAX_LIMIT, "default": DEFAULT_LIMIT}
        )
    return min(int(value), MAX_LIMIT)


def parse_offset(value: str | None) -> int:
    if value is None:
        return 0
    value = value.strip()
    if not DIGITS.match(value) or int(value) > MAX_OFFSET:
        raise InvalidParameter(_("offset must be a whole number, 0 or more."))
    return int(value)


def parse_bbox(value: str) -> GEOSGeometry:
    """minLon,minLat,maxLon,maxLat in CRS84; six numbers with heights are accepted (heights are
    ignored), and a box without width or height is a line or a point (common.bbox)."""
    return bbox.parse_bbox(value, heights=True, degenerate=True)


def parse_datetime(value: str) -> Interval:
    """An RFC 3339 instant, or an interval `start/end` where either end may be open (`..` or empty).

    A date without a time means that whole day in the city's time zone (settings.TIME_ZONE)."""
    value = value.strip()
    if "/" not in value:
        if value in OPEN_END:
            raise InvalidParameter(_datetime_message())
        start, end = _instant(value, end=False), _instant(value, end=True)
        return Interval(start, end)
    parts = value.split("/")
    if len(parts) != 2:
        raise InvalidParameter(_datetime_message())
    start = None if parts[0].strip() in OPEN_END else _instant(parts[0].strip(), end=False)
    end = None if parts[1].strip() in OPEN_END else _instant(parts[1].strip(), end=True)
    if start is not None and end is not None and start > end:
        raise InvalidParameter(_("datetime is reversed: the interval's start is after its end."))
    return Interval(start, end)


def _instant(text: str, *, end: bool) -> dt.datetime:
    value = instant(text)
    if value is None:
        raise InvalidParameter(_datetime_message())
    if isinstance(value, dt.datetime):
        return value
    start, last = day_bounds(value)
    return last if end else start


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """A date is that whole day in the city's time zone (settings.TIME_ZONE): its first and its last
    microsecond."""
    zone = timezone.get_default_timezone()
    return (
        timezone.make_aware(dt.datetime.combine(day, dt.time.min), zone),
        timezone.make_aware(dt.datetime.combine(day, dt.time.max), zone),
    )


def _datetime_message() -> str:
    return _(
        "datetime must be an RFC 3339 date-time with a time zone (2024-05-01T08:00:00Z), a date "
        "(2024-05-01) or an interval (2024-05-01T00:00:00Z/2024-06-01T00:00:00Z, ../2024-06-01, 2024-05-01/..)."
    )


FORMATS = ("json", "html")


def requested_format(request, json_types: tuple[str, ...]) -> str:
    """ "json" or "html": `?f=` decides; otherwise the Accept header, JSON when it does not prefer HTML
    (so GDAL, QGIS and OWSLib, which ask for JSON or anything, get JSON)."""
    asked = request.GET.get("f")
    if asked is not None:
        asked = asked.strip().lower()
        if asked in ("geojson", "application/geo+json", "application/json"):
            return "json"
        if asked in ("text/html",):
            return "html"
        if asked not in FORMATS:
            raise InvalidParameter(_("f must be json or html."))
        return asked
    preferred = request.get_preferred_type([*json_types, "text/html"])
    return "html" if preferred == "text/html" else "json"
