"""Reads over reports and categories. Each returns a QuerySet or plain data; none writes."""

import datetime as dt

from django.contrib.gis.geos import Point
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from districts.spatial import GeographyDistance, GeographyDWithin, GeographyKnn

from .models import Category, CategoryQuestion, Report, ReportPhoto, ReportUpdate
from .workflow import OPEN_STATUSES


def category_list(*, active_only: bool = True) -> QuerySet[Category]:
    categories = Category.objects.select_related("asset_layer", "default_agency").prefetch_related(
        Prefetch("questions", queryset=CategoryQuestion.objects.order_by("order"))
    )
    return categories.filter(is_active=True) if active_only else categories


def category_by_code(code: str) -> Category | None:
    return category_list().filter(code=code).first()


def _with_relations(reports: QuerySet[Report]) -> QuerySet[Report]:
    return reports.select_related("category", "agency", "desa", "kecamatan", "asset", "asset__layer").prefetch_related(
        Prefetch("photos", queryset=ReportPhoto.objects.filter(is_public=True, update__isnull=True))
    )


def report_public_list() -> QuerySet[Report]:
    """Reports anyone may see: those of public categories."""
    return _with_relations(Report.objects.filter(category__is_public=True))


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
    """A report as its reporter (or staff) sees it: also when its category is not public."""
    return _with_public_timeline(_with_relations(Report.objects.all()))


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
