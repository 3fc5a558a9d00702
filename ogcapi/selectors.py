"""Reads of the OGC API: pages of features as GeoJSON text, one feature, and the collections' extents."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.gis.db.models import Extent
from django.db.models import QuerySet

from districts.models import Asset

from .catalogue import AREAS, REPORTS, Collection
from .filters import filtered
from .params import Interval, ItemsQuery
from .queries import serial_plan


@dataclass(frozen=True)
class FeaturePage:
    features: list[str]  # each the text of one GeoJSON Feature, in paging order
    number_matched: int

    @property
    def number_returned(self) -> int:
        return len(self.features)


@dataclass(frozen=True)
class CollectionExtent:
    bbox: tuple[float, float, float, float] | None = None
    interval: tuple[dt.datetime, dt.datetime] | None = None


def _matching(collection: Collection, query: ItemsQuery) -> QuerySet:
    rows = collection.features()
    if query.bbox is not None:
        # ST_Intersects: the GiST index on the geometry column, then the exact test.
        rows = rows.filter(**{f"{collection.geometry_field}__intersects": query.bbox})
    if query.interval is not None and collection.time_field is not None:
        rows = _within(rows, collection.time_field, query.interval)
    if query.filter is not None:
        rows = filtered(rows, collection.queryables, query.filter, collection.id)
    return rows


def _within(rows: QuerySet, time_field: str, interval: Interval) -> QuerySet:
    if interval.start is not None and interval.start == interval.end:
        return rows.filter(**{time_field: interval.start})
    if interval.start is not None:
        rows = rows.filter(**{f"{time_field}__gte": interval.start})
    if interval.end is not None:
        rows = rows.filter(**{f"{time_field}__lte": interval.end})
    return rows


def feature_page(collection: Collection, query: ItemsQuery) -> FeaturePage:
    """One page of features: one query (planned without parallel workers, see `serial_plan`), plus a
    count when the page alone cannot tell how many match (a full page, or an empty page past the first)."""
    rows = _matching(collection, query)
    # The page's keys first, then the GeoJSON of those rows only: PostgreSQL computes the select
    # list of every row it skips for OFFSET, which at offset 500,000 would build 500,000 features.
    keys = rows.values("pk")[query.offset : query.offset + query.limit]
    page = collection.features().filter(pk__in=keys).annotate(feature=collection.feature_text())
    with serial_plan():
        features = list(page.values_list("feature", flat=True))
    returned = len(features)
    if 0 < returned < query.limit or (returned == 0 and query.offset == 0):
        matched = query.offset + returned
    else:
        matched = rows.count()
    return FeaturePage(features=features, number_matched=matched)


def feature_by_id(collection: Collection, feature_id: int) -> str | None:
    """The text of one GeoJSON Feature, or None when the collection has no such (public) feature."""
    rows = collection.rows().filter(pk=feature_id).order_by()
    found = rows.annotate(feature=collection.feature_text()).values_list("feature", flat=True)[:1]
    return next(iter(found), None)


def collection_extents(collections: list[Collection]) -> dict[str, CollectionExtent]:
    """Spatial extents (and the reports' time span): one aggregate query per kind of collection."""
    extents: dict[str, CollectionExtent] = {}
    layer_ids = []
    for collection in collections:
        if collection.id == REPORTS:
            extents[REPORTS] = _reports_extent(collection)
        elif collection.id == AREAS:
            extents[AREAS] = CollectionExtent(bbox=collection.rows().aggregate(bbox=Extent("geom"))["bbox"])
        else:
            layer_ids.append(collection.id)
    if layer_ids:
        rows = (
            Asset.objects.filter(layer__code__in=layer_ids)
            .order_by()
            .values("layer__code")
            .annotate(bbox=Extent("geom"))
            .values_list("layer__code", "bbox")
        )
        extents.update({code: CollectionExtent(bbox=bbox) for code, bbox in rows})
    return extents


def _reports_extent(collection: Collection) -> CollectionExtent:
    """The bbox needs a pass over the rows; the first and last times are read from the time index
    (an aggregate over the join with categories would scan every row a second time)."""
    rows = collection.rows()
    bbox = rows.aggregate(bbox=Extent(collection.geometry_field))["bbox"]
    times = rows.order_by().values_list(collection.time_field, flat=True)
    first = times.order_by(collection.time_field).first()
    last = times.order_by(f"-{collection.time_field}").first()
    return CollectionExtent(bbox=bbox, interval=(first, last) if first is not None else None)
