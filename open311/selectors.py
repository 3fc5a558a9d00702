"""Reads for the Open311 interface, over the reports app's own public selectors: what is public is
decided there, once."""

import datetime as dt

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery

from geo_reports.models import Category, Report, ReportPhoto, ReportUpdate
from geo_reports.selectors import category_list, report_public, report_public_detail
from geo_reports.workflow import OPEN_STATUSES

from .models import ApiKey, key_hash_of

# The timeline entries a follower of a request hears about: status changes and public replies.
UPDATE_KINDS = (ReportUpdate.Kind.STATUS, ReportUpdate.Kind.COMMENT)


def api_key_active(*, key: str) -> ApiKey | None:
    if len(key) > 200:
        return None
    return ApiKey.objects.filter(key_hash=key_hash_of(key), is_active=True).first()


def service_list() -> QuerySet[Category]:
    """Every category that can be reported (with its questions), also those not shown in public."""
    return category_list()


def categories_with_questions() -> dict[int, Category]:
    """All categories by id, questions loaded: labels for any page of requests in one query pair."""
    return {category.pk: category for category in category_list(active_only=False)}


def service_request_search(
    *,
    ids: list[int] | None = None,
    service_codes: list[str] | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    statuses: frozenset[str] = frozenset(),
) -> QuerySet[Report]:
    """Public requests, newest first, with everything a page of them shows loaded in a fixed number
    of queries (photos and the public timeline are prefetched). `ids` overrides the other filters.
    `public_parent_id` is the original of a duplicate when the public may see it, else None."""
    public_parent = report_public().filter(pk=OuterRef("duplicate_of_id")).values("pk")[:1]
    reports = report_public_detail().annotate(public_parent_id=Subquery(public_parent)).order_by("-created_at", "-pk")
    if ids is not None:
        return reports.filter(pk__in=ids)
    if service_codes is not None:
        reports = reports.filter(category__code__in=service_codes)
    if start is not None:
        reports = reports.filter(created_at__gte=start)
    if end is not None:
        reports = reports.filter(created_at__lte=end)
    if statuses == {"open"}:
        reports = reports.filter(status__in=OPEN_STATUSES)
    elif statuses == {"closed"}:
        reports = reports.exclude(status__in=OPEN_STATUSES)
    return reports


def service_request_id_by_tracking_code(*, tracking_code: str) -> int | None:
    return report_public().filter(tracking_code=tracking_code).values_list("pk", flat=True).first()


def service_request_update_list(*, start: dt.datetime, end: dt.datetime) -> QuerySet[ReportUpdate]:
    """Public status changes and replies of public requests, oldest first, each with the request's
    status at that moment (`status_then`), which a reply does not carry itself."""
    earlier_status = (
        ReportUpdate.objects.filter(report=OuterRef("report"), new_status__gt="")
        .filter(Q(created_at__lt=OuterRef("created_at")) | Q(created_at=OuterRef("created_at"), pk__lte=OuterRef("pk")))
        .order_by("-created_at", "-pk")
        .values("new_status")[:1]
    )
    return (
        ReportUpdate.objects.filter(
            report__in=report_public(),
            is_internal=False,
            kind__in=UPDATE_KINDS,
            created_at__gte=start,
            created_at__lte=end,
        )
        .annotate(status_then=Subquery(earlier_status))
        .prefetch_related(Prefetch("photos", queryset=ReportPhoto.objects.filter(is_public=True)))
        .order_by("created_at", "pk")
    )
