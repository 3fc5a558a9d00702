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


def report_public() -> QuerySet[Report]:
    """Reports anyone may see: those of public categories (no related rows loaded)."""
    return Report.objects.filter(category__is_public=True)


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


MAP_POINT_LIMIT = 20_000


def report_map_points(reports: QuerySet[Report]) -> dict:
    """Reports as light GeoJSON points for the public map: what a marker and its popup need."""
    from .workflow import MAP_GROUPS

    group_of = {status: group for group, statuses in MAP_GROUPS.items() for status in statuses}
    rows = reports.order_by("-created_at").values_list(
        "pk", "tracking_code", "status", "category__code", "category__icon", "location", "created_at", "support_count"
    )[:MAP_POINT_LIMIT]
    features = [
        {
            "type": "Feature",
            "id": pk,
            "geometry": {"type": "Point", "coordinates": [round(location.x, 6), round(location.y, 6)]},
            "properties": {
                "code": code,
                "status": status,
                "group": group_of[status],
                "category": category,
                "icon": icon,
                "created": created.date().isoformat(),
                "support": support,
            },
        }
        for pk, code, status, category, icon, location, created, support in rows
    ]
    return {"type": "FeatureCollection", "features": features, "truncated": len(features) == MAP_POINT_LIMIT}
