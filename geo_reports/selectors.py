"""Reads over reports and categories. Each returns a QuerySet or plain data; none writes."""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from django.contrib.gis.geos import Point
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce, Concat, Left, Now, NullIf
from django.utils import timezone
from django.utils.translation import get_language

from common.geojson_sql import (
    COORDINATE_DECIMALS,
    JSONAggOrEmpty,
    JSONBuildArray,
    JSONBuildObject,
    JSONText,
    LocalTimestamp,
    Rounded,
)
from common.statements import fetch_rows, fetch_value
from districts.selectors import memberships_prefetch
from districts.spatial import GeographyDistance, GeographyDWithin, GeographyKnn, Latitude, Longitude, LonLatPoint

from .features_sql import public_feature
from .models import (
    Category,
    CategoryQuestion,
    Report,
    ReportCoHandler,
    ReportDocument,
    ReportPhoto,
    ReportUpdate,
    Status,
)
from .workflow import OPEN_STATUSES

# Reports anyone may see: never private (filed under a non-public category once: Report.is_private),
# of a category public now, and not hidden by staff. Other apps that combine it with conditions of
# their own (a chat's own reports, an agency's exports) use this one condition.
PUBLIC_REPORTS = Q(is_private=False, category__is_public=True, is_hidden=False)
FINISHED_STATUSES = frozenset(Status.values) - OPEN_STATUSES


def category_list(*, active_only: bool = True) -> QuerySet[Category]:
    categories = Category.objects.select_related("asset_layer", "default_agency").prefetch_related(
        Prefetch("questions", queryset=CategoryQuestion.objects.order_by("order"))
    )
    return categories.filter(is_active=True) if active_only else categories


@dataclass
class _CatalogCache:
    """The categories this process has read, valid while the catalog's version is the one they were
    read at (migration 0014: PostgreSQL changes it with any category, question or asset layer)."""

    version: int | None = None
    by_code: dict[str, Category] = field(default_factory=dict)


_catalog = _CatalogCache()


def _catalog_version() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(version) FROM geo_reports_catalogversion")
        return cursor.fetchone()[0]


def category_by_code(code: str) -> Category | None:
    """An active category with its asset layer and its questions (`category.questions.all()` needs no
    query). Every new report asks it, so the process keeps what it read while the catalog's version
    stays the same: one small read instead of two queries and their compiling. Callers treat the
    category as read-only (it is shared by the requests this process serves)."""
    version = _catalog_version()  # first: data read after it is at least as new
    if version != _catalog.version:
        _catalog.by_code = {}
        _catalog.version = version
    category = _catalog.by_code.get(code)
    if category is None:
        category = (
            Category.objects.select_related("asset_layer")
            .prefetch_related(Prefetch("questions", queryset=CategoryQuestion.objects.order_by("order")))
            .filter(is_active=True, code=code)
            .first()
        )
        if category is not None:  # unknown codes are not kept: what a sender makes up costs no memory
            _catalog.by_code[code] = category
    return category


def category_public_list() -> QuerySet[Category]:
    """Categories whose reports are shown in public (the public map's filter offers only these)."""
    return category_list().filter(is_public=True)


def category_service_requests() -> QuerySet[Category]:
    """Active categories that ask the city for a service (a permit, an answer about a tax) rather
    than report a problem."""
    return category_list().filter(kind=Category.Kind.REQUEST)


def _with_relations(reports: QuerySet[Report], *, hidden_photos: bool = False) -> QuerySet[Report]:
    """With what a report's page or answer shows: its photos (the public ones, or for staff every one
    the reporter sent, `hidden_photos`), its category's questions and its co-handling agencies."""
    photos = ReportPhoto.objects.filter(update__isnull=True)
    return reports.select_related("category", "agency", "desa", "kecamatan", "asset", "asset__layer").prefetch_related(
        Prefetch("photos", queryset=photos if hidden_photos else photos.filter(is_public=True)),
        Prefetch("category__questions", queryset=CategoryQuestion.objects.order_by("order")),
        Prefetch("co_handlers", queryset=ReportCoHandler.objects.select_related("agency")),
    )


def report_public() -> QuerySet[Report]:
    """Reports anyone may see (PUBLIC_REPORTS; no related rows loaded)."""
    return Report.objects.filter(PUBLIC_REPORTS)


def report_public_list() -> QuerySet[Report]:
    return _with_relations(report_public())


def report_public_page() -> QuerySet[Report]:
    """PUBLIC_REPORTS for the report list's pages, with the public categories named by id: the same
    rows, but PostgreSQL then estimates well how many match (through a join it assumes reports spread
    evenly over all categories, and at a million reports guesses half of them), and the list's count
    beyond its exact limit is that estimate (common.pagination.NewestFirstFeaturePagination)."""
    public = list(Category.objects.filter(is_public=True).values_list("pk", flat=True))
    return Report.objects.filter(is_private=False, is_hidden=False, category_id__in=public)


def report_public_features(keys: list[int], *, absolute: Callable[[str], str]) -> list[str]:
    """The public reports `keys` as GeoJSON Features (ReportFeatureSerializer's shape, in the request's
    language; `asset.geometry` null, as in lists), one JSON text each, in the order of `keys`: built by
    PostgreSQL in one query, whatever their number. `absolute` makes the photos' addresses absolute
    (request.build_absolute_uri), as PhotoSerializer writes them."""
    if not keys:
        return []
    photo_base = absolute(ReportPhoto._meta.get_field("image").storage.url(""))
    # Compiled once per language, address and page length (common.statements): the ORM takes longer
    # to write this statement than PostgreSQL takes to run it.
    shape = ("public_features", get_language() or "", photo_base, len(keys))
    rows = dict(fetch_rows(shape, partial(_public_features, photo_base=photo_base), keys=list(keys)))
    return [rows[key] for key in keys if key in rows]


def _public_features(*, keys: list[int], photo_base: str) -> list[tuple[int, str]]:
    features = Report.objects.filter(pk__in=keys).annotate(feature=JSONText(public_feature(photo_base=photo_base)))
    return list(features.values_list("pk", "feature"))


def _with_public_timeline(reports: QuerySet[Report]) -> QuerySet[Report]:
    public_updates = (
        ReportUpdate.objects.filter(is_internal=False)
        .select_related("agency")
        .prefetch_related(Prefetch("photos", queryset=ReportPhoto.objects.filter(is_public=True)))
    )
    return reports.prefetch_related(Prefetch("updates", queryset=public_updates, to_attr="public_updates"))


def report_public_detail() -> QuerySet[Report]:
    return _with_public_timeline(report_public_list())


def report_own_detail() -> QuerySet[Report]:
    """A report as its reporter (or staff) sees it: also when its category is not public or staff
    hid it. Callers check who reads (report_readable_by_public)."""
    return _with_public_timeline(_with_relations(Report.objects.all()))


def report_readable_by_public(report: Report) -> bool:
    """PUBLIC_REPORTS for one report."""
    return report.may_be_public and not report.is_hidden


class DaysInterval(Func):
    """`make_interval(days => n)`: a number of days as an interval, the number a parameter."""

    template = "make_interval(days => %(expressions)s)"
    output_field = DurationField()


DUPLICATE_CANDIDATE_FIELDS = (
    "id", "tracking_code", "status", "description", "support_count", "location", "created_at",
)  # fmt: skip


def report_nearby_open(
    *,
    category: Category,
    point: Point | LonLatPoint,
    radius_m: float | None = None,
    days: int | None = None,
    limit: int = 5,
) -> QuerySet[Report]:
    """Open reports of the same category near a point, nearest first: candidates for a "+1". Only
    what a candidate shows is read (one query, nothing related)."""
    radius = radius_m if radius_m is not None else category.duplicate_radius_m
    days = days if days is not None else category.duplicate_days
    return (
        report_public()
        .only(*DUPLICATE_CANDIDATE_FIELDS)
        .filter(category=category.pk, status__in=OPEN_STATUSES, created_at__gte=Now() - DaysInterval(days))
        .filter(GeographyDWithin("location", point, radius))
        .annotate(distance_m=GeographyDistance("location", point), knn=GeographyKnn("location", point))
        .order_by("knn")[:limit]
    )


def report_duplicate_candidates(*, category: Category, point: Point, exclude: int | None = None) -> list[Report]:
    """report_nearby_open as every new report's answer and every routing preview ask it: the same
    statement, compiled once per process (common.statements), and the candidates as unsaved Report
    objects holding what a candidate shows (DuplicateCandidateSerializer) and their `distance_m`."""

    def build(*, category_id: int, lon: float, lat: float, radius: float, days: int) -> list:
        candidates = report_nearby_open(
            category=Category(pk=category_id), point=LonLatPoint(lon, lat), radius_m=radius, days=days
        )
        located = candidates.annotate(x=Longitude("location"), y=Latitude("location"))
        return list(located.values_list(*CANDIDATE_ROW))

    values = {
        "category_id": category.pk,
        "lon": float(point.x),
        "lat": float(point.y),
        "radius": float(category.duplicate_radius_m),
        "days": int(category.duplicate_days),
    }
    found = []
    for row in fetch_rows(("duplicate_candidates",), build, **values):
        fields = dict(zip(CANDIDATE_ROW, row, strict=True))
        if fields["id"] == exclude:
            continue
        distance, location = fields.pop("distance_m"), Point(fields.pop("x"), fields.pop("y"), srid=point.srid)
        candidate = Report(**fields, location=location)
        candidate.distance_m = distance
        found.append(candidate)
    return found


CANDIDATE_ROW = ("id", "tracking_code", "status", "description", "support_count", "created_at", "distance_m", "x", "y")


# --- staff ----------------------------------------------------------------------------------------


def report_staff_detail() -> QuerySet[Report]:
    """A report with everything staff may see: contact, every timeline entry, the audit trail."""
    updates = ReportUpdate.objects.select_related("agency", "actor").prefetch_related(
        "photos", memberships_prefetch("actor")
    )
    return (
        _with_relations(Report.objects.all(), hidden_photos=True)
        .select_related("contact", "assigned_to")
        .prefetch_related(
            Prefetch("updates", queryset=updates, to_attr="all_updates"),
            "documents",
            memberships_prefetch("assigned_to"),
        )
    )


def report_co_handler_list(report: Report) -> list[ReportCoHandler]:
    """The report's co-handling agencies, first copied first (prefetched by the report selectors)."""
    return list(report.co_handlers.all())


def report_documents(report: Report) -> QuerySet[ReportDocument]:
    """A request's documents. Private: callers show them only to the requester and to staff allowed
    to read the report's private fields (policy.Action.READ_PRIVATE)."""
    return ReportDocument.objects.filter(report=report).order_by("created_at", "id")


def report_document(*, report_id: int, document_id) -> ReportDocument | None:
    return ReportDocument.objects.select_related("report").filter(report_id=report_id, uuid=document_id).first()


def _of_agencies(agencies: list) -> Q:
    """Reports these agencies lead or co-handle. The few co-handled ones are found first, by id: an
    OR with a subquery would make PostgreSQL read every report instead of two indexes."""
    co_handled = list(ReportCoHandler.objects.filter(agency__in=agencies).values_list("report_id", flat=True))
    return Q(agency__in=agencies) | Q(pk__in=co_handled)


def report_inbox(
    *,
    agencies: list | None,
    statuses: list[str] | None = None,
    overdue: bool | None = None,
    needs_review: bool | None = None,
    order: str = "deadline",
) -> QuerySet[Report]:
    """Reports these agencies lead or co-handle (None: all), by deadline (soonest first) or newest
    first; `co_handled` tells those the agencies only co-handle."""
    reports = report_staff_detail()  # the staff shape, each row with its contact and timeline
    if agencies is not None:
        reports = reports.filter(_of_agencies(agencies)).annotate(
            co_handled=ExpressionWrapper(~Q(agency__in=agencies), output_field=BooleanField())
        )
    if statuses:
        reports = reports.filter(status__in=statuses)
    if overdue is True:
        reports = reports.filter(status__in=OPEN_STATUSES, resolve_due__lt=timezone.now())
    elif overdue is False:
        reports = reports.exclude(status__in=OPEN_STATUSES, resolve_due__lt=timezone.now())
    if needs_review is not None:
        reports = reports.filter(needs_review=needs_review)
    if order == "newest":
        return reports.order_by("-created_at")
    return reports.order_by(F("resolve_due").asc(nulls_last=True), "created_at")


def inbox_counts(*, agencies: list | None) -> dict[str, int]:
    """Per status, and how many are overdue, wait for a review of personal data, or are finished."""
    reports = Report.objects.all() if agencies is None else Report.objects.filter(_of_agencies(agencies))
    counts = dict(reports.values_list("status").annotate(n=Count("pk")))
    counts["overdue"] = reports.filter(status__in=OPEN_STATUSES, resolve_due__lt=timezone.now()).count()
    counts["needs_review"] = reports.filter(needs_review=True).count()
    counts["open_work"] = sum(counts.get(status, 0) for status in OPEN_STATUSES)
    counts["finished"] = sum(counts.get(status, 0) for status in FINISHED_STATUSES)
    return counts


def report_nearby_for_staff(
    *,
    agencies: list | None,
    point: Point,
    radius_m: float,
    statuses=OPEN_STATUSES,
    limit: int = 50,
    user=None,
    assigned_only: bool = False,
) -> bytes:
    """The agencies' reports within `radius_m` of `point`, nearest first, as the whole JSON answer of
    the crews' nearby tickets (`{"count", "radius_m", "reports": [...]}`, NearbyTicketsSerializer
    describes it), built by PostgreSQL in one statement: no model instance, no serializer, one query
    whatever the number of tickets (with the thumbnails of the reporter's photos, which the crew's
    phone keeps to work without a signal). The ORM writes the statement once per process and shape
    (common.statements): compiling it costs more than running it.

    The nearest `limit` are found first by walking the partial index of open reports in distance
    order (KNN), and only then kept if within the radius: the same rows as "within the radius,
    nearest first", without reading every open report in the radius (thousands in the town centre
    at a million reports, where the planner would otherwise fetch and sort them all)."""
    agency_ids = None if agencies is None else sorted(agency.pk for agency in agencies)
    shape = (
        "nearby_for_staff", tuple(sorted(statuses)), int(limit), None if agency_ids is None else len(agency_ids),
        user is not None, assigned_only,
    )  # fmt: skip
    values = {"lon": float(point.x), "lat": float(point.y), "radius": float(radius_m)}
    if agency_ids is not None:
        values["agencies"] = agency_ids
    if user is not None:
        values["user"] = user.pk
    if (assigned_only and user is None) or agency_ids == []:
        return _nearby_answer_empty(radius_m)
    build = partial(_nearby_answer, statuses=statuses, limit=int(limit), assigned_only=assigned_only)
    answer = fetch_value(shape, build, **values)
    return answer.encode()


def _nearby_answer_empty(radius_m: float) -> bytes:
    return b'{"count": 0, "radius_m": %s, "reports": []}' % repr(float(radius_m)).encode()


def _nearby_answer(
    *, statuses, limit: int, assigned_only: bool, lon: float, lat: float, radius: float, agencies=None, user=None
) -> str:
    """report_nearby_for_staff's statement, run (common.statements catches it to keep its SQL)."""
    point = LonLatPoint(lon, lat)
    candidates = Report.objects.filter(status__in=statuses)
    if agencies is not None:
        candidates = candidates.filter(agency_id__in=agencies)
    if assigned_only:
        candidates = candidates.filter(assigned_to_id=user)
    nearest = candidates.annotate(knn=GeographyKnn("location", point)).order_by("knn").values("pk")[:limit]
    distance = GeographyDistance("location", point)
    # KNN walks the index by sphere distance, the distance shown is on the spheroid: the two can swap
    # neighbours decimetres apart, so the answer is ordered by the one shown.
    tickets = Report.objects.filter(pk__in=nearest).filter(GeographyDWithin("location", point, radius))
    return tickets.aggregate(
        answer=JSONText(
            JSONBuildObject(
                {
                    "count": Count("pk"),
                    "radius_m": Value(radius, output_field=FloatField()),
                    "reports": JSONAggOrEmpty(_nearby_ticket(distance, user), order_by=distance),
                }
            )
        )
    )["answer"]


def _nearby_ticket(distance, user: int | None) -> JSONBuildObject:
    """One ticket of the crews' nearby list (NearbyTicketSerializer) as a JSON object."""
    storage = ReportPhoto._meta.get_field("thumbnail").storage
    # Our own file names (geo_reports.models.reports.thumbnail_path: hex and "/"), which a storage's
    # url() would not quote: the address is its base URL and the name.
    thumbnails = (
        ReportPhoto.objects.filter(report_id=OuterRef("pk"), update__isnull=True)
        .order_by("created_at", "id")
        .values_list(Concat(Value(storage.url("")), "thumbnail", output_field=CharField()))[:NEARBY_THUMBNAILS]
    )
    return JSONBuildObject(
        {
            "id": F("pk"),
            "tracking_code": F("tracking_code"),
            "status": F("status"),
            "category": JSONBuildObject(
                {"code": F("category__code"), "name": F("category__name"), "name_en": F("category__name_en")}
            ),
            # Staff read the reporter's own words.
            "description": Left(Coalesce(NullIf("description_original", Value("")), "description"), 300),
            "location": JSONBuildArray(
                Rounded(Longitude("location"), COORDINATE_DECIMALS), Rounded(Latitude("location"), COORDINATE_DECIMALS)
            ),
            "distance_m": Rounded(distance, 1),
            "resolve_due": LocalTimestamp("resolve_due"),
            "overdue": Coalesce(ExpressionWrapper(Q(resolve_due__lt=Now()), output_field=BooleanField()), Value(False)),
            "version": F("version"),
            "agency": F("agency__code"),
            "assigned_to_me": (
                Coalesce(ExpressionWrapper(Q(assigned_to_id=user), output_field=BooleanField()), Value(False))
                if user is not None
                else Value(False)
            ),
            "thumbnails": ArraySubquery(thumbnails),
        }
    )


NEARBY_THUMBNAILS = 3


def report_thumbnail_urls(report_ids: list[int], *, per_report: int = 3) -> dict[int, list[str]]:
    """The addresses of the first `per_report` thumbnails of the photos each report's reporter sent
    (hidden ones too: for staff, whom the photo view lets read them)."""
    storage = ReportPhoto._meta.get_field("thumbnail").storage
    found: dict[int, list[str]] = {}
    photos = (
        ReportPhoto.objects.filter(report_id__in=report_ids, update__isnull=True)
        .order_by("report_id", "created_at", "id")
        .values_list("report_id", "thumbnail")
    )
    for report_id, name in photos:
        urls = found.setdefault(report_id, [])
        if len(urls) < per_report:
            urls.append(storage.url(name))
    return found


def report_answers(report: Report, *, private: bool, staff: bool = False) -> dict:
    """The answers the reader may see: for staff (`staff`) all of them as the reporter wrote them; for
    the reporter (`private`) all of them in their public version; for everyone else only those of
    public questions (a customer number or a tax object number identifies a household), and none of a
    question no longer asked, whose visibility is unknown."""
    if staff:
        return report.staff_answers
    if private:
        return report.answers
    public = {question.code for question in report.category.questions.all() if question.is_public}
    return {code: value for code, value in report.answers.items() if code in public}


def report_answer_rows(report: Report, *, private: bool, staff: bool = False) -> list[tuple[str, str]]:
    """The answers the reader may see (report_answers) as (question, answer) in the active language,
    in the questions' order, choices by their names."""
    answers = report_answers(report, private=private, staff=staff)
    shown = []
    for question in report.category.questions.all():
        value = answers.get(question.code)
        if value in (None, "", []):
            continue
        if question.is_list:
            value = ", ".join(question.choice_name(v) for v in ([value] if isinstance(value, str) else value))
        shown.append((question.localized("label"), str(value)))
    return shown
