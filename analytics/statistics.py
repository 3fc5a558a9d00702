"""Numbers for the council and for planners, computed in the database (aggregates, percentiles,
window functions), never by looping over reports in Python.

Per group (agency, kecamatan, desa, category, month): received, resolved, median hours to the first
response and to resolution, share resolved on time, share reopened, average rating. Hotspots: assets
with repeated reports, and clusters of nearby reports (ST_ClusterDBSCAN). Use of the apps: reports per
channel, reporters per month (counted from the contacts they gave, in SQL, storing nothing new), and
visits to the information pages when the city counts them.
"""

import datetime as dt
import json
import math
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Aggregate, Avg, CharField, Count, Exists, F, FloatField, Func, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Lower, NullIf, Trim, TruncMonth
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from city_info.selectors import page_visit_totals
from districts.models import Asset
from districts.spatial import METRIC_SRID
from geo_reports.models import Category, Report, ReportUpdate, Status
from geo_reports.models.reports import Channel

FINISHED = [Status.RESOLVED, Status.CLOSED]


class Median(Aggregate):
    function = "percentile_cont"
    template = "percentile_cont(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


class HoursBetween(Func):
    """Hours from `start` to `end` (NULL when `end` is NULL)."""

    template = "EXTRACT(EPOCH FROM (%(expressions)s)) / 3600.0"
    arg_joiner = " - "
    output_field = FloatField()

    def __init__(self, start: str, end: str):
        super().__init__(F(end), F(start))


GROUPS = {
    "agency": {"key": F("agency__code"), "label": F("agency__name")},
    "kecamatan": {"key": F("kecamatan__code"), "label": F("kecamatan__name")},
    "desa": {"key": F("desa__code"), "label": F("desa__name")},
    "category": {"key": F("category__code"), "label": F("category__name")},
    "month": {"key": TruncMonth("created_at", tzinfo=ZoneInfo(settings.TIME_ZONE))},
}


def report_statistics(*, reports: QuerySet[Report], group: str) -> list[dict]:
    spec = GROUPS[group]
    reopened = ReportUpdate.objects.filter(report=OuterRef("pk"), new_status=Status.REOPENED)
    rows = (
        reports.order_by()
        .annotate(group_key=spec["key"], group_label=spec.get("label", spec["key"]), was_reopened=Exists(reopened))
        .values("group_key", "group_label")
        .annotate(
            received=Count("pk"),
            resolved=Count("pk", filter=Q(status__in=FINISHED)),
            responded=Count("pk", filter=Q(first_response_at__isnull=False)),
            median_first_response_hours=Median(HoursBetween("created_at", "first_response_at")),
            median_resolution_hours=Median(HoursBetween("created_at", "resolved_at"), filter=Q(status__in=FINISHED)),
            on_time=Count("pk", filter=Q(status__in=FINISHED, resolved_at__lte=F("resolve_due"))),
            reopened=Count("pk", filter=Q(was_reopened=True)),
            average_rating=Avg("rating"),
            rated=Count("rating"),
        )
        .order_by("group_key")
    )
    result = []
    for row in rows:
        key = row["group_key"]
        if isinstance(key, dt.datetime):
            month = timezone.localtime(key)
            key = month.strftime("%Y-%m")
            row["group_label"] = date_format(month, "F Y")  # "September 2026", in the active language
        result.append(
            {
                "key": key,
                "label": row["group_label"],
                "received": row["received"],
                "resolved": row["resolved"],
                "median_first_response_hours": _round(row["median_first_response_hours"]),
                "median_resolution_hours": _round(row["median_resolution_hours"]),
                "on_time_share": _share(row["on_time"], row["resolved"]),
                "on_time_lower_bound": _round(wilson_lower_bound(row["on_time"], row["resolved"]), 3),
                "reopened_share": _share(row["reopened"], row["received"]),
                "average_rating": _round(row["average_rating"], 2),
                "rated": row["rated"],
            }
        )
    return result


def wilson_lower_bound(successes: int, trials: int, z: float = 1.96) -> float | None:
    """The lower end of the Wilson score interval (95 % by default) of a share: what the share is at
    least, given how few cases it rests on. 1 of 3 on time gives 0.06, 10 of 30 gives 0.19, 100 of
    300 gives 0.28; a ranking by it puts a share measured on many reports above the same share on a
    few, and a lucky 1 of 1 (0.21) below 50 of 60 (0.72)."""
    if not trials:
        return None
    share = successes / trials
    denominator = 1 + z * z / trials
    centre = share + z * z / (2 * trials)
    margin = z * math.sqrt(share * (1 - share) / trials + z * z / (4 * trials * trials))
    return max(0.0, (centre - margin) / denominator)


def _round(value, digits=1):
    return None if value is None else round(float(value), digits)


def _share(part: int, whole: int) -> float | None:
    return None if not whole else round(part / whole, 3)


def asset_hotspots(*, reports: QuerySet[Report], months: int = 12, minimum: int = 2, limit: int = 200) -> list[dict]:
    """Assets with at least `minimum` reports in the last `months` months: repeat failures."""
    since = timezone.now() - dt.timedelta(days=30.44 * months)
    counted = (
        Asset.objects.annotate(
            recent=Count("reports", filter=Q(reports__in=reports.filter(created_at__gte=since).values("pk")))
        )
        .filter(recent__gte=minimum)
        .select_related("layer", "owner")
        .order_by("-recent", "external_id")[:limit]
    )
    hotspots = []
    for asset in counted:
        layer = asset.layer
        with translation.override("id"):
            sentence = _("%(noun)s %(id)s: %(count)d reports in %(months)d months") % {
                "noun": layer.feature_noun,
                "id": asset.external_id,
                "count": asset.recent,
                "months": months,
            }
        with translation.override("en"):
            sentence_en = _("%(noun)s %(id)s: %(count)d reports in %(months)d months") % {
                "noun": layer.feature_noun_en or layer.feature_noun,
                "id": asset.external_id,
                "count": asset.recent,
                "months": months,
            }
        hotspots.append(
            {
                "type": "Feature",
                "geometry": {"type": asset.geom.geom_type, "coordinates": asset.geom.coords},
                "properties": {
                    "layer": layer.code,
                    "external_id": asset.external_id,
                    "name": asset.name,
                    "owner": asset.owner.code,
                    "reports": asset.recent,
                    "months": months,
                    "summary": sentence,
                    "summary_en": sentence_en,
                    "synthetic": asset.is_synthetic,
                },
            }
        )
    return hotspots


# ST_ClusterDBSCAN is a window function over a metric projection; the ORM cannot say this. The
# {reports} slot takes the SQL Django compiled for the filtered reports (its values stay parameters).
CLUSTERS_SQL = """
WITH chosen AS ({reports}),
clustered AS (
    SELECT r.id, r.location, r.category_id,
           ST_ClusterDBSCAN(ST_Transform(r.location, %s), eps => %s, minpoints => %s) OVER () AS cluster
    FROM geo_reports_report r
    WHERE r.id IN (SELECT id FROM chosen)
)
SELECT cluster,
       count(*) AS reports,
       ST_AsGeoJSON(ST_Centroid(ST_Collect(location)), 7) AS centre,
       ST_AsGeoJSON(ST_ConvexHull(ST_Collect(location)), 7) AS hull,
       mode() WITHIN GROUP (ORDER BY category_id) AS main_category
FROM clustered
WHERE cluster IS NOT NULL
GROUP BY cluster
ORDER BY count(*) DESC
LIMIT 200
"""


def report_clusters(*, reports: QuerySet[Report], eps_m: float = 150, min_points: int = 4) -> list[dict]:
    """Groups of at least `min_points` reports each within `eps_m` metres of another (DBSCAN)."""
    inner, params = reports.order_by().values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        statement = CLUSTERS_SQL.format(reports=inner)
        cursor.execute(statement, [*params, METRIC_SRID, float(eps_m), int(min_points)])
        rows = cursor.fetchall()
    names = dict(Category.objects.values_list("pk", "code"))
    features = []
    for index, (_cluster, count, centre, hull, category) in enumerate(rows, start=1):
        features.append(
            {
                "type": "Feature",
                "geometry": json.loads(hull),
                "properties": {
                    "cluster": index,
                    "reports": count,
                    "centre": json.loads(centre)["coordinates"],
                    "main_category": names.get(category),
                },
            }
        )
    return features


# --- Use of the apps ------------------------------------------------------------------------------


class RegexpReplace(Func):
    function = "REGEXP_REPLACE"
    output_field = CharField()


def reporter_identity() -> Func:
    """Who filed a report, as far as their contact tells, computed in SQL and never stored: the e-mail
    address in lower case, else the phone number's digits with a leading 0 read as Indonesia's 62 (so
    0812… and +62 812… are one person); NULL when they left neither."""
    email = NullIf(Lower(Trim("contact__email")), Value(""))
    digits = RegexpReplace(
        RegexpReplace("contact__phone", Value(r"\D"), Value(""), Value("g")), Value("^0"), Value("62")
    )
    return Coalesce(email, NullIf(digits, Value("")), output_field=CharField())


def reports_by_channel(*, reports: QuerySet[Report]) -> list[dict]:
    """Reports per channel they came in by (web, Open311, chat…), most first. A channel this code does
    not name yet is counted under its own value."""
    labels = dict(Channel.choices)
    rows = reports.order_by().values("channel").annotate(received=Count("pk")).order_by("-received", "channel")
    return [
        {
            "channel": row["channel"],
            "label": str(labels.get(row["channel"], row["channel"])),
            "received": row["received"],
        }
        for row in rows
    ]


def reporters_by_month(*, reports: QuerySet[Report], months: int = 12, today: dt.date | None = None) -> list[dict]:
    """Per month of the last `months` (city time, this one included, newest first; months without
    reports left out): reports received, the distinct reporters among those who left a contact
    (reporter_identity), and the reports without a contact, whose reporters cannot be told apart.
    Someone who gave an e-mail once and only a phone number another time counts twice."""
    zone = ZoneInfo(settings.TIME_ZONE)
    today = today or timezone.localdate()
    first = today.year * 12 + today.month - 1 - (months - 1)  # the earliest month, counted from year 0
    start = dt.datetime(first // 12, first % 12 + 1, 1, tzinfo=zone)
    rows = (
        reports.filter(created_at__gte=start)
        .order_by()
        .annotate(month=TruncMonth("created_at", tzinfo=zone), who=reporter_identity())
        .values("month")
        .annotate(
            received=Count("pk"),
            reporters=Count("who", distinct=True),
            without_contact=Count("pk", filter=Q(who__isnull=True)),
        )
        .order_by("-month")
    )
    return [
        {
            "month": timezone.localtime(row["month"]).strftime("%Y-%m"),
            "first_day": timezone.localtime(row["month"]).date(),
            "received": row["received"],
            "reporters": row["reporters"],
            "without_contact": row["without_contact"],
        }
        for row in rows
    ]


def app_usage(
    *, since: dt.datetime | None, reports: QuerySet[Report] | None = None, today: dt.date | None = None
) -> dict:
    """The council's question, whether the apps are used at all, from `since` on: reports (all of
    them, service requests included, unless `reports` narrows them) per channel, reporters in each of
    the last twelve months, and the information pages' visits (None when the city does not count
    them: settings.LAPOR_COUNT_PAGE_VIEWS)."""
    reports = Report.objects.filter(is_hidden=False) if reports is None else reports  # hidden: not counted
    if since is not None:
        reports = reports.filter(created_at__gte=since)
    visits = None
    if settings.LAPOR_COUNT_PAGE_VIEWS:
        sections = page_visit_totals(since=timezone.localdate(since) if since else None)
        visits = {"sections": sections, "total": sum(section.views for section in sections)}
    return {
        "channels": reports_by_channel(reports=reports),
        "months": reporters_by_month(reports=reports, today=today),
        "visits": visits,
    }
