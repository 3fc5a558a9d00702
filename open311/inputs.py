"""What Open311 clients send, read and checked: the jurisdiction, API keys, ids, query parameters and
the POST form of a new request.

Every fault becomes an Open311Error whose descriptions are in the request's language. A parameter
sent empty counts as absent (the spec says so). Nothing here writes; the report itself is validated
by the reports app's submission service (geo_reports.services.intake), so a request from an Open311
client obeys exactly the rules of one from the web form.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.geos import Point
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from geopy.exc import GeopyError

from common.errors import InvalidInput
from common.text import FORBIDDEN_CHARACTERS
from districts.geocoding import search_places
from districts.selectors import city_touches
from districts.spatial import lonlat_point
from geo_reports.models import Category, CategoryQuestion
from geo_reports.selectors import category_by_code
from geo_reports.services.intake import Submission, submission_validate

from . import selectors
from .errors import Open311Error, bad_request, forbidden, not_found
from .models import ApiKey

# The one jurisdiction this server answers for (the city's web domain, as the spec suggests).
JURISDICTION_ID = getattr(settings, "OPEN311_JURISDICTION_ID", "batukota.go.id")
MAX_DATE_RANGE = dt.timedelta(days=90)
# The spec's default volume is "90 days or the first 1000 requests": a client that knows nothing of
# pages still gets that much in one answer.
DEFAULT_PAGE_SIZE = MAX_PAGE_SIZE = 1000
MAX_PAGE = 100_000
MAX_IDS = 1000

SERVICE_CODE = re.compile(r"[A-Za-z0-9_-]{1,40}")
REQUEST_ID = re.compile(r"[0-9]{1,18}")  # within a bigint; longer digit strings cannot be ours
DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?")
DATE_ONLY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# A "+07:00" sent unescaped in a query string arrives as " 07:00".
UNESCAPED_PLUS = re.compile(r"(T[0-9:.]+) ([0-9]{2}:?[0-9]{2})$")
ATTRIBUTE_FIELD = re.compile(r"attribute\[([^\[\]]{1,60})\](\[\])?")
PHOTO_FIELD = re.compile(r"media|photo[0-9]{0,2}")  # FixMyStreet sends photo1, photo2, ...


def param(params: QueryDict, name: str) -> str | None:
    """A parameter's value, or None when it is absent or empty."""
    value = params.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


# --- every endpoint -------------------------------------------------------------------------------


def check_jurisdiction(request: HttpRequest) -> None:
    sources = [request.GET, request.POST] if request.method == "POST" else [request.GET]
    for source in sources:
        asked = param(source, "jurisdiction_id")
        if asked is not None and asked.lower() != JURISDICTION_ID.lower():
            raise not_found(
                _("Unknown jurisdiction_id %(asked)s: this server serves %(ours)s.")
                % {"asked": asked[:100], "ours": JURISDICTION_ID}
            )


def api_key(request: HttpRequest) -> ApiKey:
    """The client's active key, from the POST body or the query string; 403 without one."""
    key = param(request.POST, "api_key") or param(request.GET, "api_key")
    if key is None:
        raise forbidden(_("An api_key is required to post a service request."))
    found = selectors.api_key_active(key=key)
    if found is None:
        raise forbidden(_("This api_key is not valid."))
    return found


def service(code: str) -> Category:
    category = category_by_code(code) if SERVICE_CODE.fullmatch(code) else None
    if category is None:
        raise not_found(_("Unknown service_code %(code)s.") % {"code": code[:40]})
    return category


def service_request_id(text: str) -> int:
    if not REQUEST_ID.fullmatch(text):
        raise not_found(_("No service request has the id %(id)s.") % {"id": text[:40]})
    return int(text)


# --- queries --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    number: int = 1
    size: int = DEFAULT_PAGE_SIZE

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


@dataclass(frozen=True)
class RequestQuery:
    """GET requests: `ids`, when given, overrides the other filters (as the spec says)."""

    ids: list[int] | None
    service_codes: list[str] | None
    start: dt.datetime
    end: dt.datetime
    statuses: frozenset[str]
    page: Page
    extensions: bool


@dataclass(frozen=True)
class UpdateQuery:
    start: dt.datetime
    end: dt.datetime
    page: Page


class _Faults:
    """Collects the faults of several parameters, so that one answer names them all."""

    def __init__(self):
        self.descriptions: list[str] = []

    def check(self, parse, *args):
        try:
            return parse(*args)
        except Open311Error as error:
            self.descriptions.extend(error.descriptions)
            return None

    def raise_any(self) -> None:
        if self.descriptions:
            raise bad_request(*self.descriptions)


def request_query(params: QueryDict) -> RequestQuery:
    faults = _Faults()
    ids = faults.check(_request_ids, params)
    window = faults.check(date_window, params)
    statuses = faults.check(_statuses, params)
    page = faults.check(page_of, params)
    extensions = faults.check(extensions_flag, params)
    faults.raise_any()
    codes = param(params, "service_code")
    return RequestQuery(
        ids=ids,
        # A code that is not even well-formed matches no service (and never reaches the database).
        service_codes=[code.strip() for code in codes.split(",") if SERVICE_CODE.fullmatch(code.strip())]
        if codes
        else None,
        start=window[0],
        end=window[1],
        statuses=statuses,
        page=page,
        extensions=extensions,
    )


def update_query(params: QueryDict) -> UpdateQuery:
    faults = _Faults()
    window = faults.check(date_window, params)
    page = faults.check(page_of, params)
    faults.raise_any()
    return UpdateQuery(start=window[0], end=window[1], page=page)


def _request_ids(params: QueryDict) -> list[int] | None:
    text = param(params, "service_request_id")
    if text is None:
        return None
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not all(REQUEST_ID.fullmatch(part) for part in parts):
        raise bad_request(_("service_request_id must be one or more numbers separated by commas."))
    if len(parts) > MAX_IDS:
        raise bad_request(_("Ask for at most %(max)d service_request_id values at once.") % {"max": MAX_IDS})
    return [int(part) for part in parts]


def _moment(params: QueryDict, name: str) -> dt.datetime | None:
    text = param(params, name)
    if text is None:
        return None
    text = UNESCAPED_PLUS.sub(r"\1+\2", text)
    try:
        if DATE_ONLY.fullmatch(text):
            # A bare date means midnight in Kota Batu.
            moment = timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(text), dt.time.min))
        else:
            moment = parse_datetime(text)
    except (ValueError, OverflowError):
        moment = None
    if moment is None or moment.tzinfo is None:
        raise bad_request(
            _("%(name)s must be a date and time with a time zone, e.g. %(example)s.")
            % {"name": name, "example": "2026-01-31T08:00:00+07:00"}
        )
    try:
        return moment.astimezone(dt.UTC)  # PostgreSQL takes offsets of at most ±16 h, Python ±24 h
    except OverflowError:
        raise bad_request(_("The dates are out of range.")) from None


def date_window(params: QueryDict) -> tuple[dt.datetime, dt.datetime]:
    """start_date..end_date: at most 90 days; by default the last 90 days, and 90 days from the one
    end that was given."""
    faults = _Faults()
    start = faults.check(_moment, params, "start_date")
    end = faults.check(_moment, params, "end_date")
    faults.raise_any()
    try:
        if start is None and end is None:
            end = timezone.now()
            start = end - MAX_DATE_RANGE
        elif start is None:
            start = end - MAX_DATE_RANGE
        elif end is None:
            end = start + MAX_DATE_RANGE
        if end < start:
            raise bad_request(_("end_date must not be before start_date."))
        if end - start > MAX_DATE_RANGE:
            raise bad_request(
                _("start_date and end_date may be at most %(days)d days apart.") % {"days": MAX_DATE_RANGE.days}
            )
        if end.microsecond == 0:
            # Times are published to the second: an end_date copied from a requested_datetime must
            # include that request, which was stored with its fraction of a second.
            end += dt.timedelta(microseconds=999_999)
    except OverflowError:
        raise bad_request(_("The dates are out of range.")) from None
    return start, end


def _statuses(params: QueryDict) -> frozenset[str]:
    text = param(params, "status")
    if text is None:
        return frozenset()
    statuses = frozenset(part.strip().lower() for part in text.split(",") if part.strip())
    unknown = sorted(statuses - {"open", "closed"})
    if unknown:
        raise bad_request(_("Unknown status %(status)s: use open, closed or both.") % {"status": unknown[0][:40]})
    return statuses


def page_of(params: QueryDict) -> Page:
    faults = _Faults()
    size = faults.check(_whole_number, params, "page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    number = faults.check(_whole_number, params, "page", 1, MAX_PAGE)
    faults.raise_any()
    return Page(number=number, size=size)


def _whole_number(params: QueryDict, name: str, default: int, maximum: int) -> int:
    text = param(params, name)
    if text is None:
        return default
    if not re.fullmatch(r"[0-9]{1,9}", text):
        raise bad_request(_("%(name)s must be a whole number.") % {"name": name})
    value = int(text)
    if not 1 <= value <= maximum:
        raise bad_request(_("%(name)s must be between 1 and %(max)d.") % {"name": name, "max": maximum})
    return value


def extensions_flag(params: QueryDict) -> bool:
    text = param(params, "extensions")
    if text is None:
        return False
    value = {"true": True, "1": True, "false": False, "0": False}.get(text.lower())
    if value is None:
        raise bad_request(_("extensions must be true or false."))
    return value


# --- a new service request ------------------------------------------------------------------------


def new_request(request: HttpRequest) -> Submission:
    """The POST form (urlencoded, or multipart with photo files) → a report ready to be filed."""
    form = request.POST
    code = param(form, "service_code")
    if code is None:
        raise bad_request(_("service_code is required."))
    category = service(code)
    if category.documents_required:
        # Open311 carries no documents; such a request is made on the website, with its documents.
        raise bad_request(
            _("The service %(code)s needs documents: apply on the website, at /lapor/?kategori=%(code)s.")
            % {"code": category.code}
        )
    faults = _Faults()
    point = faults.check(_location, form)
    data = {"category": category.code, "answers": _answers(form, category)}
    if point is not None:
        data["geometry"] = {"type": "Point", "coordinates": [point.x, point.y]}
    if form.get("description"):
        data["description"] = form["description"]
    contact = _contact(form)
    if contact:
        data["reporter"] = contact
    photos = [upload for name in request.FILES if PHOTO_FIELD.fullmatch(name) for upload in request.FILES.getlist(name)]
    if photos:
        data["photos"] = photos
    submission = None
    try:
        submission = submission_validate(data)
    except InvalidInput as invalid:
        for key, messages in invalid.errors().items():
            # Without a usable location the service misses it too; that is said once already.
            if key == "geometry" and point is None:
                continue
            faults.descriptions.extend(_described(key, messages))
    faults.raise_any()
    return submission


def idempotency_key(request: HttpRequest, client: ApiKey) -> str | None:
    """The client's Idempotency-Key header, kept apart from other clients' keys."""
    value = "".join(ch for ch in request.headers.get("Idempotency-Key", "") if ch.isprintable()).strip()
    return f"open311:{client.pk}:{value}"[:100] if value else None


def _location(form: QueryDict) -> Point:
    lat, long = param(form, "lat"), param(form, "long")
    if lat is not None or long is not None:
        if lat is None or long is None:
            raise bad_request(_("Send both lat and long."))
        return _point(_degrees(lat, "lat"), _degrees(long, "long"))
    address = param(form, "address_string")
    if address is not None:
        return _geocoded(address)
    if param(form, "address_id") is not None:
        raise bad_request(_("address_id is not supported: send lat and long, or address_string."))
    raise bad_request(_("A location is required: send lat and long, or address_string."))


def _degrees(text: str, name: str) -> float:
    if not DECIMAL.fullmatch(text):
        raise bad_request(_("%(name)s must be a number in decimal degrees (WGS84).") % {"name": name})
    return float(text)


def _point(lat: float, long: float) -> Point:
    if not -180 <= long <= 180:
        raise bad_request(_("Longitude must be between -180 and 180."))
    if not -90 <= lat <= 90:
        if -90 <= long <= 90 and city_touches(lonlat_point(lat, long)):
            raise bad_request(
                _("lat and long look swapped: lat is the latitude (about -7.9 in Kota Batu), long the longitude.")
            )
        raise bad_request(_("Latitude must be between -90 and 90."))
    return lonlat_point(long, lat)


def _geocoded(address: str) -> Point:
    if FORBIDDEN_CHARACTERS.search(address):
        raise bad_request(
            _("%(field)s contains control or text-direction characters; remove them.") % {"field": "address_string"}
        )
    try:
        places = search_places(address[:250], limit=1)
    except GeopyError:
        raise bad_request(_("The address could not be looked up just now: send lat and long instead.")) from None
    if not places:
        raise bad_request(
            _("No place in Kota Batu matches address_string %(address)s: send lat and long instead.")
            % {"address": address[:100]}
        )
    return lonlat_point(places[0].lon, places[0].lat)


def _answers(form: QueryDict, category: Category) -> dict:
    """attribute[CODE]=v, and attribute[CODE][]=v1&attribute[CODE][]=v2 for a multivaluelist."""
    lists = {q.code for q in category.questions.all() if q.datatype == CategoryQuestion.Datatype.MULTI}
    answers: dict = {}
    for name in form:
        match = ATTRIBUTE_FIELD.fullmatch(name)
        if match is None:
            continue
        code = match[1]
        values = [value for value in form.getlist(name) if value.strip()]
        if not values:
            continue
        if code in lists:
            answers.setdefault(code, []).extend(value.strip() for value in values)
        else:
            answers[code] = values[0]
    return answers


def _contact(form: QueryDict) -> dict:
    name = " ".join(part for part in (param(form, "first_name"), param(form, "last_name")) if part)
    contact = {"name": name, "phone": param(form, "phone") or "", "email": param(form, "email") or ""}
    return {key: value for key, value in contact.items() if value}


# The Open311 name of each field the reports app checks, for messages that do not name it themselves.
FIELD_NAMES = {"name": "first_name/last_name", "phone": "phone", "email": "email", "photos": "media"}


def _described(key: str, messages, prefix: str = "") -> list[str]:
    """DRF's error tree (nested dicts and lists) → one line per message, led by the Open311 field."""
    if key.startswith("answers."):
        prefix = f"attribute[{key.removeprefix('answers.')}]"
    elif key in FIELD_NAMES:
        prefix = FIELD_NAMES[key]
    if isinstance(messages, dict):
        return [line for sub_key, sub in messages.items() for line in _described(str(sub_key), sub, prefix)]
    if isinstance(messages, (list, tuple)):
        return [line for sub in messages for line in _described("", sub, prefix)]
    return [f"{prefix}: {messages}" if prefix else str(messages)]
