"""Reads for the public map: reports as light points."""

from django.db.models import QuerySet

from geo_reports.models import Report
from geo_reports.workflow import MAP_GROUPS

MAP_POINT_LIMIT = 20_000


def report_map_points(reports: QuerySet[Report]) -> dict:
    """Reports as light GeoJSON points for the public map: what a marker and its popup need."""
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
