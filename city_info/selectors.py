"""Reads over the city's information. Each returns a QuerySet or plain data; none writes.

"Today" and "now" are the city's (settings.TIME_ZONE, Asia/Jakarta): a vacancy closing on the 5th is
open until the 5th ends in Batu, whatever the server's clock zone.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.gis.db.models import GeometryField
from django.db.models import F, Func, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from districts.models import Agency, Area

from .models import Announcement, Commodity, Event, JobVacancy, Market, PageVisit, Price

# Area outlines on the announcements map: simplified to about 3 m (as districts.selectors.boundaries).
OUTLINE_TOLERANCE_DEGREES = 0.00003


# --- Events -----------------------------------------------------------------------------------


def event_list(*, agencies: list[Agency] | None = None) -> QuerySet[Event]:
    events = Event.objects.select_related("agency")
    return events if agencies is None else events.filter(agency__in=agencies)


def event_upcoming(*, now: dt.datetime | None = None) -> QuerySet[Event]:
    """Events that have not ended yet (those under way included), soonest first."""
    return event_list().filter(ends_at__gte=now or timezone.now()).order_by("starts_at", "id")


def event_between(events: QuerySet[Event], *, since: dt.date | None, until: dt.date | None) -> QuerySet[Event]:
    """Events taking place on any day from `since` to `until` (city days, both included)."""
    zone = timezone.get_current_timezone()
    if since is not None:
        events = events.filter(ends_at__gte=dt.datetime.combine(since, dt.time.min, tzinfo=zone))
    if until is not None:
        events = events.filter(
            starts_at__lt=dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        )
    return events


# --- Job vacancies ----------------------------------------------------------------------------


def job_list(*, agencies: list[Agency] | None = None) -> QuerySet[JobVacancy]:
    jobs = JobVacancy.objects.select_related("agency")
    return jobs if agencies is None else jobs.filter(agency__in=agencies)


def job_open(*, today: dt.date | None = None) -> QuerySet[JobVacancy]:
    """Vacancies whose closing day has not passed, closing soonest first."""
    return job_list().filter(closes_on__gte=today or timezone.localdate()).order_by("closes_on", "id")


def job_search(jobs: QuerySet[JobVacancy], text: str) -> QuerySet[JobVacancy]:
    text = text.strip()[:100]
    if not text:
        return jobs
    return jobs.filter(Q(position__icontains=text) | Q(position_en__icontains=text) | Q(employer__icontains=text))


# --- Announcements and news -------------------------------------------------------------------


def announcement_list(*, agencies: list[Agency] | None = None) -> QuerySet[Announcement]:
    items = Announcement.objects.select_related("agency", "area")
    return items if agencies is None else items.filter(agency__in=agencies)


def announcement_public(*, today: dt.date | None = None) -> QuerySet[Announcement]:
    """Announcements and news dated today or earlier (a later date schedules one), newest first,
    with the outline of their area for maps."""
    return (
        announcement_list()
        .filter(published_on__lte=today or timezone.localdate())
        .annotate(
            area_outline=Func(
                F("area__geom"),
                OUTLINE_TOLERANCE_DEGREES,
                function="ST_SimplifyPreserveTopology",
                output_field=GeometryField(),
            )
        )
        .order_by("-published_on", "-id")
    )


def announcement_in_area(items: QuerySet[Announcement], area: Area) -> QuerySet[Announcement]:
    """Announcements tied to this area or to one inside it, or placed in it."""
    return items.filter(
        Q(area=area) | Q(area__parent=area) | Q(area__parent__parent=area) | Q(location__within=area.geom)
    )


def announcement_with_place(items: QuerySet[Announcement]) -> QuerySet[Announcement]:
    return items.filter(Q(location__isnull=False) | Q(area__isnull=False))


def kecamatan_with_desa() -> QuerySet[Area]:
    """The kecamatan with their desa/kelurahan (`children`), for the pages' area filters."""
    return Area.objects.filter(kind=Area.Kind.KECAMATAN).prefetch_related("children").order_by("name")


# --- Food prices ------------------------------------------------------------------------------


def commodity_list() -> QuerySet[Commodity]:
    return Commodity.objects.filter(is_active=True).order_by("order", "name")


def market_list() -> QuerySet[Market]:
    return Market.objects.filter(is_active=True).select_related("desa").order_by("name")


def price_latest(*, markets: QuerySet[Market] | None = None) -> QuerySet[Price]:
    """The latest recorded price of each commodity at each market (PostgreSQL DISTINCT ON)."""
    prices = Price.objects.filter(market__is_active=True, commodity__is_active=True)
    if markets is not None:
        prices = prices.filter(market__in=markets)
    return (
        prices.select_related("market", "commodity")
        .order_by("market_id", "commodity_id", "-date")
        .distinct("market_id", "commodity_id")
    )


def price_series(
    *, commodity: Commodity | None = None, market: Market | None = None, days: int = 30, today: dt.date | None = None
) -> QuerySet[Price]:
    """Prices of the last `days` days (today included), oldest first."""
    since = (today or timezone.localdate()) - dt.timedelta(days=days - 1)
    prices = Price.objects.filter(date__gte=since, market__is_active=True, commodity__is_active=True)
    if commodity is not None:
        prices = prices.filter(commodity=commodity)
    if market is not None:
        prices = prices.filter(market=market)
    return prices.select_related("market", "commodity").order_by("date", "market__name", "commodity__order")


@dataclass
class LatestPrices:
    """The latest prices as a table: one row per commodity, one cell per market (None: no record)."""

    markets: list[Market]
    rows: list[tuple[Commodity, list[Price | None]]] = field(default_factory=list)

    @property
    def has_demo(self) -> bool:
        return any(p.is_demo for _, cells in self.rows for p in cells if p is not None)


def price_table() -> LatestPrices:
    markets = list(market_list())
    latest = {(p.market_id, p.commodity_id): p for p in price_latest()}
    table = LatestPrices(markets=markets)
    for commodity in commodity_list():
        cells = [latest.get((m.pk, commodity.pk)) for m in markets]
        if any(cells):
            table.rows.append((commodity, cells))
    return table


@dataclass
class MarketComparison:
    market: Market
    price: Price | None
    previous: Price | None  # the record before the latest, for the change
    difference_from_lowest: int | None = None

    @property
    def change(self) -> int | None:
        if self.price is None or self.previous is None:
            return None
        return self.price.price - self.previous.price


def price_comparison(*, commodity: Commodity) -> list[MarketComparison]:
    """One commodity across the markets: the latest price, the change since the record before, and
    how much more than the cheapest market it costs; cheapest first, markets without a record last."""
    two_latest: dict[int, list[Price]] = defaultdict(list)
    recent = (
        Price.objects.filter(commodity=commodity, market__is_active=True)
        .annotate(rank=Window(RowNumber(), partition_by=[F("market_id")], order_by=F("date").desc()))
        .filter(rank__lte=2)
        .order_by("market_id", "-date")
    )
    for price in recent:
        two_latest[price.market_id].append(price)
    rows = []
    for market in market_list():
        found = two_latest.get(market.pk, [])
        rows.append(
            MarketComparison(
                market=market, price=found[0] if found else None, previous=found[1] if len(found) > 1 else None
            )
        )
    priced = [r.price.price for r in rows if r.price is not None]
    lowest = min(priced) if priced else None
    for row in rows:
        if row.price is not None and lowest is not None:
            row.difference_from_lowest = row.price.price - lowest
    return sorted(rows, key=lambda r: (r.price is None, r.price.price if r.price else 0, r.market.name))


# --- Page visits ------------------------------------------------------------------------------

# The information pages by section: each section's list page and the pages under it.
VISIT_SECTIONS = (
    ("city_info:events", gettext_lazy("Events")),
    ("city_info:prices", gettext_lazy("Food prices")),
    ("city_info:jobs", gettext_lazy("Jobs")),
    ("city_info:announcements", gettext_lazy("Announcements")),
)


@dataclass
class SectionVisits:
    label: str
    views: int


def page_visit_totals(*, since: dt.date | None = None) -> list[SectionVisits]:
    """Views of the information pages per section from `since` on (all recorded days without it).
    Paths are recorded in the default language (city_info.views.counted), whatever the page's language."""
    with translation.override(settings.LANGUAGE_CODE):
        prefixes = [(reverse(name), label) for name, label in VISIT_SECTIONS]
    visits = PageVisit.objects.all() if since is None else PageVisit.objects.filter(day__gte=since)
    totals = dict.fromkeys(range(len(prefixes)), 0)
    for path, views in visits.values("path").annotate(total=Sum("views")).values_list("path", "total"):
        for index, (prefix, _label) in enumerate(prefixes):
            if path.startswith(prefix):
                totals[index] += views
    return [SectionVisits(label=str(label), views=totals[index]) for index, (_prefix, label) in enumerate(prefixes)]
