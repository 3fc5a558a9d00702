"""The public information pages. Each reads through selectors, serializes the map's features with the
API's own serializers (so the page and the API agree), and renders; lists work without JavaScript.
When the city enables it (settings.LAPOR_COUNT_PAGE_VIEWS), each shown page is counted per day."""

import datetime as dt
import json
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from districts.selectors import city_bounds

from . import policy, selectors, services
from .news import selectors as news_selectors
from .policy import Kind
from .serializers import (
    AnnouncementFeatureSerializer,
    EventFeatureSerializer,
    JobFeatureSerializer,
    MarketFeatureSerializer,
)

TREND_DAYS = 30
# The latest items of what the media say shown on the announcements page.
MEDIA_ITEMS = 30


def counted(view):
    """Count a shown page per day under its address in the default language (one count for /info/acara/
    and /en/info/acara/), when the city enables it. Nothing about the visitor is read or kept."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if settings.LAPOR_COUNT_PAGE_VIEWS and response.status_code == 200:
            with translation.override(settings.LANGUAGE_CODE):
                path = reverse(request.resolver_match.view_name, args=args, kwargs=kwargs)
            services.page_visit_count(path=path, day=timezone.localdate())
        return response

    return wrapper


def _strings() -> dict[str, str]:
    """Texts the pages' scripts show, in the page's language."""
    return {
        "details": _("Details"),
        "closes": _("Closes on %(date)s"),
        "no_record": _("no record"),
        "latest_price": _("Latest price"),
        "map_empty": _("Nothing to show on the map."),
        "shown_on_map": _("%(count)s shown on the map"),
        "price_axis": _("Rupiah per %(unit)s"),
    }


def _map_config(kind: str, features: list[dict], **extra) -> dict:
    return {
        "kind": kind,
        "features": {"type": "FeatureCollection", "features": [f for f in features if f.get("geometry")]},
        "bounds": city_bounds(),
        "api": {"boundaries": reverse("maps:boundaries")},
        "strings": _strings(),
        **extra,
    }


def _edit_url(request, kind: Kind, item, slug: str) -> str | None:
    """The staff form of this item, for staff who may change it."""
    if request.user.is_authenticated and policy.can_manage(request.user, kind, item.agency):
        return reverse("city_info:staff-edit", args=[slug, item.pk])
    return None


@require_GET
@counted
def events(request):
    upcoming = list(selectors.event_upcoming())
    features = EventFeatureSerializer(upcoming, many=True).data["features"]
    return render(
        request,
        "city_info/events.html",
        {"nav": "info", "tab": "events", "events": upcoming, "page_config": _map_config("events", features)},
    )


@require_GET
@counted
def event_detail(request, pk: int):
    event = get_object_or_404(selectors.event_list(), pk=pk)
    feature = EventFeatureSerializer(event).data
    return render(
        request,
        "city_info/event_detail.html",
        {
            "nav": "info",
            "tab": "events",
            "event": event,
            "is_past": event.ends_at < timezone.now(),
            "edit_url": _edit_url(request, Kind.EVENTS, event, "acara"),
            "page_config": _map_config("events", [feature], detail=True),
        },
    )


@require_GET
@counted
def jobs(request):
    query = request.GET.get("q", "").strip()[:100]
    open_jobs = list(selectors.job_search(selectors.job_open(), query))
    features = JobFeatureSerializer(open_jobs, many=True).data["features"]
    return render(
        request,
        "city_info/jobs.html",
        {"nav": "info", "tab": "jobs", "jobs": open_jobs, "q": query, "page_config": _map_config("jobs", features)},
    )


@require_GET
@counted
def job_detail(request, pk: int):
    job = get_object_or_404(selectors.job_list(), pk=pk)
    feature = JobFeatureSerializer(job).data
    return render(
        request,
        "city_info/job_detail.html",
        {
            "nav": "info",
            "tab": "jobs",
            "job": job,
            "is_open": job.closes_on >= timezone.localdate(),
            "edit_url": _edit_url(request, Kind.JOBS, job, "lowongan"),
            "page_config": _map_config("jobs", [feature], detail=True),
        },
    )


ANNOUNCEMENT_KINDS = {"pengumuman": "announcement", "berita": "news"}


@require_GET
@counted
def announcements(request):
    kind = request.GET.get("jenis", "")
    if kind not in ANNOUNCEMENT_KINDS:
        kind = ""
    kecamatan = list(selectors.kecamatan_with_desa())
    area = next((a for k in kecamatan for a in (k, *k.children.all()) if a.code == request.GET.get("wilayah")), None)
    sources = list(news_selectors.news_source_public())
    source = next((s for s in sources if str(s.pk) == request.GET.get("sumber")), None)
    items = selectors.announcement_public()
    if kind:
        items = items.filter(kind=ANNOUNCEMENT_KINDS[kind])
    if area is not None:
        items = selectors.announcement_in_area(items, area)
    items = list(items[:100])
    features = AnnouncementFeatureSerializer(items, many=True).data["features"]
    filters = {"wilayah": area.code if area else "", "sumber": source.pk if source else ""}
    return render(
        request,
        "city_info/announcements.html",
        {
            "nav": "info",
            "tab": "announcements",
            "items": items,
            "kind": kind,
            "placed": sum(1 for f in features if f.get("geometry")),
            "kecamatan": kecamatan,
            "area": area,
            "sources": sources,
            "source": source,
            "filter_query": urlencode({name: value for name, value in filters.items() if value}),
            "media": list(news_selectors.news_item_public(area=area, source=source)[:MEDIA_ITEMS]),
            "page_config": _map_config("announcements", features),
        },
    )


@require_GET
@counted
def announcement_detail(request, pk: int):
    item = selectors.announcement_public().filter(pk=pk).first()
    if item is None:
        raise Http404(_("No announcement has this number."))
    feature = AnnouncementFeatureSerializer(item).data
    return render(
        request,
        "city_info/announcement_detail.html",
        {
            "nav": "info",
            "tab": "announcements",
            "item": item,
            "edit_url": _edit_url(request, Kind.ANNOUNCEMENTS, item, "pengumuman"),
            "page_config": _map_config(
                "announcements",
                [feature],
                detail=True,
                # A point in an area: the area's outline too, for where it applies.
                area=json.loads(item.area_outline.geojson) if item.area_id and item.location else None,
            ),
        },
    )


@require_GET
@counted
def prices(request):
    table = selectors.price_table()
    commodities = list(selectors.commodity_list())
    priced = [commodity for commodity, _cells in table.rows]
    chosen = next((c for c in commodities if c.code == request.GET.get("komoditas")), None) or (
        priced[0] if priced else None
    )
    comparison = selectors.price_comparison(commodity=chosen) if chosen else []
    today = timezone.localdate()
    trend = _trend(chosen, today) if chosen else None
    market_features = MarketFeatureSerializer(
        [row.market for row in comparison],
        many=True,
        context={"latest": {row.market.pk: [row.price] for row in comparison if row.price}},
    ).data["features"]
    return render(
        request,
        "city_info/prices.html",
        {
            "nav": "info",
            "tab": "prices",
            "table": table,
            "market_columns": list(zip(table.markets, _market_dates(table), strict=True)),
            "commodities": commodities,
            "chosen": chosen,
            "comparison": comparison,
            "trend": trend,
            "trend_rows": _trend_rows(trend) if trend else [],
            "page_config": _map_config(
                "markets",
                market_features,
                trend=trend,
                unit=chosen.get_unit_display() if chosen else "",
            ),
        },
    )


def _market_dates(table: selectors.LatestPrices) -> list[dt.date | None]:
    """The latest survey day of each market (the table's column headings)."""
    dates = []
    for index in range(len(table.markets)):
        found = [cells[index].date for _c, cells in table.rows if cells[index] is not None]
        dates.append(max(found) if found else None)
    return dates


def _trend(commodity, today: dt.date) -> dict:
    """The chart's data: one series per market over the last TREND_DAYS days (None: not surveyed)."""
    days = [today - dt.timedelta(days=n) for n in range(TREND_DAYS - 1, -1, -1)]
    values: dict[int, dict[dt.date, int]] = {}
    names: dict[int, str] = {}
    for price in selectors.price_series(commodity=commodity, days=TREND_DAYS, today=today):
        values.setdefault(price.market_id, {})[price.date] = price.price
        names[price.market_id] = price.market.name
    return {
        "commodity": commodity.localized("name"),
        "labels": [day.isoformat() for day in days],
        "series": [
            {"market": names[market_id], "data": [by_day.get(day) for day in days]}
            for market_id, by_day in sorted(values.items(), key=lambda item: names[item[0]])
        ],
    }


def _trend_rows(trend: dict) -> list[tuple[dt.date, list[int | None]]]:
    """The chart's data as table rows (newest first), for people who cannot see the chart."""
    columns = [series["data"] for series in trend["series"]]
    rows = [
        (dt.date.fromisoformat(label), [column[i] for column in columns]) for i, label in enumerate(trend["labels"])
    ]
    return [row for row in reversed(rows) if any(value is not None for value in row[1])]
