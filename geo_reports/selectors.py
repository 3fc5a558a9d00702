"""Reads over reports and categories. Each returns a QuerySet or plain data; none writes."""

import datetime as dt

from django.contrib.gis.geos import Point
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Prefetch, Q, QuerySet
from django.utils import timezone

from districts.selectors import memberships_prefetch
from districts.spatial import GeographyDistance, GeographyDWithin, GeographyKnn, Latitude, Longitude

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


def category_by_code(code: str) -> Category | None:
    return category_list().filter(code=code).first()


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


def report_nearby_open(
    *,
    category: Category,
    point: Point,
    radius_m: float | None = None,
    days: int | None = None,
    limit: int = 5,
) -> QuerySet[Report]:
    """Open reports of the same category near a point, nearest first: candidates for a "+1"."""
    radius = radius_m if radius_m is not None else category.duplicate_radius_m
    since = timezone.now() - dt.timedelta(days=days if days is not None else category.duplicate_days)
    return (
        report_public_list()
        .filter(category=category, status__in=OPEN_STATUSES, created_at__gte=since)
        .filter(GeographyDWithin("location", point, radius))
        .annotate(distance_m=GeographyDistance("location", point), knn=GeographyKnn("location", point))
        .order_by("knn")[:limit]
    )


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
) -> list[dict]:
    """The agencies' reports within `radius_m` of `point`, nearest first, as light rows for a phone:
    no model instances, one query (and one for the thumbnails of the reporter's photos, which the
    crew's phone keeps to work without a signal).

    The nearest `limit` are found first by walking the partial index of open reports in distance
    order (KNN), and only then kept if within the radius: the same rows as "within the radius,
    nearest first", without reading every open report in the radius (thousands in the town centre
    at a million reports, where the planner would otherwise fetch and sort them all)."""
    candidates = Report.objects.filter(status__in=statuses)
    if agencies is not None:
        candidates = candidates.filter(agency__in=agencies)
    if assigned_only:
        candidates = candidates.filter(assigned_to=user)
    nearest = candidates.annotate(knn=GeographyKnn("location", point)).order_by("knn").values("pk")[:limit]
    rows = (
        Report.objects.filter(pk__in=nearest)
        .filter(GeographyDWithin("location", point, radius_m))
        .annotate(distance_m=GeographyDistance("location", point), lon=Longitude("location"), lat=Latitude("location"))
        # KNN walks the index by sphere distance, the distance shown is on the spheroid: the two can
        # swap neighbours decimetres apart, so the page is ordered by the one shown.
        .order_by("distance_m")
        .values_list(
            "pk", "tracking_code", "status", "category__code", "category__name", "category__name_en",
            "description", "description_original", "lon", "lat", "distance_m", "resolve_due", "version",
            "agency__code", "assigned_to_id",
        )
    )  # fmt: skip
    now = timezone.now()
    rows = list(rows)
    thumbnails = report_thumbnail_urls([row[0] for row in rows])
    return [
        {
            "id": pk,
            "tracking_code": code,
            "status": status,
            "category": {"code": category, "name": name, "name_en": name_en},
            "description": (original or description)[:300],  # staff read the reporter's own words
            "location": [round(lon, 7), round(lat, 7)],
            "distance_m": round(distance, 1),
            "resolve_due": due.isoformat() if due else None,
            "overdue": bool(due and due < now),
            "version": version,
            "agency": agency,
            "assigned_to_me": bool(user is not None and assignee == user.pk),
            "thumbnails": thumbnails.get(pk, []),
        }
        for (
            pk, code, status, category, name, name_en, description, original, lon, lat, distance, due, version,
            agency, assignee,
        ) in rows
    ]  # fmt: skip


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
