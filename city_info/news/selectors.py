"""Reads over the news sources and their items. Each returns a QuerySet or plain data; none writes."""

from django.db.models import Q, QuerySet

from districts.models import Agency, Area

from ..models import NewsItem, NewsSource
from .parsing import AreaFinder, AreaName

# What an item must mention when its source names no keywords of its own (with the agencies' names).
DEFAULT_KEYWORDS = ("Batu", "Pemkot Batu", "DPRD Kota Batu")
# The city's own bodies, whose full names count as a mention of the city (not PLN's or the province's).
CITY_AGENCY_KINDS = (Agency.Kind.CITY_AGENCY, Agency.Kind.CITY_UTILITY, Agency.Kind.KECAMATAN_OFFICE)


def default_keywords() -> list[str]:
    names = Agency.objects.filter(is_active=True, kind__in=CITY_AGENCY_KINDS).order_by("name").values_list("name")
    return [*DEFAULT_KEYWORDS, *(name for (name,) in names)]


def area_finder() -> AreaFinder:
    """Finds the desa, kelurahan and kecamatan a text names (city_info.news.parsing.AreaFinder)."""
    city_words = {word.casefold() for area in Area.objects.filter(kind=Area.Kind.KOTA) for word in area.name.split()}
    areas = Area.objects.filter(kind__in=[*Area.LOCAL_KINDS, Area.Kind.KECAMATAN]).values_list("pk", "name", "kind")
    return AreaFinder(
        AreaName(
            pk=pk,
            name=name,
            is_kecamatan=kind == Area.Kind.KECAMATAN,
            needs_prefix=kind == Area.Kind.KECAMATAN and name.casefold() in city_words,
        )
        for pk, name, kind in areas
    )


def news_source_public() -> QuerySet[NewsSource]:
    """The enabled sources, for the page's filter."""
    return NewsSource.objects.filter(is_enabled=True).order_by("name")


def news_item_public(*, area: Area | None = None, source: NewsSource | None = None) -> QuerySet[NewsItem]:
    """Items of enabled sources that staff have not hidden, newest first; `area`: those naming it or an
    area inside it."""
    items = NewsItem.objects.filter(source__is_enabled=True, is_hidden=False)
    if source is not None:
        items = items.filter(source=source)
    if area is not None:
        inside = Area.objects.filter(Q(pk=area.pk) | Q(parent=area) | Q(parent__parent=area)).values("pk")
        naming = NewsItem.areas.through.objects.filter(area_id__in=inside).values("newsitem_id")
        items = items.filter(pk__in=naming)
    return items.select_related("source").prefetch_related("areas").order_by("-published_at", "-id")
