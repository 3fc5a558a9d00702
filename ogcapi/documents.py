"""The JSON documents of the API (landing page, conformance, collections, items) and their links.

Every href is absolute, built from the request, and names its format (`f=json` or `f=html`), so a
link followed by any client returns what its `type` says.
"""

import datetime as dt
import json
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .catalogue import Collection
from .params import CRS84, ItemsQuery
from .selectors import CollectionExtent, FeaturePage

JSON = "application/json"
GEOJSON = "application/geo+json"
HTML = "text/html"
OPENAPI_JSON = "application/vnd.oai.openapi+json;version=3.0"

GREGORIAN = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
SCHEMA_JSON = "application/schema+json"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
QUERYABLES_REL = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
CONFORMANCE_CLASSES = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    # Part 3 (Filtering) with CQL2 text: comparisons, AND/OR/NOT, IS NULL, dates and times (basic),
    # LIKE, BETWEEN and IN (advanced comparison operators). QGIS sends its filters to the server
    # when these are declared.
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
]


class Urls:
    """Absolute URLs of this API for one request."""

    def __init__(self, request):
        self.request = request

    def of(self, name: str, *args, **params) -> str:
        url = self.request.build_absolute_uri(reverse(f"ogcapi:{name}", args=args))
        params = {key: value for key, value in params.items() if value not in (None, "")}
        return f"{url}?{urlencode(params)}" if params else url

    @property
    def root(self) -> str:
        """The landing page without a trailing slash: the base the OpenAPI paths are relative to."""
        return self.of("landing").rstrip("/")


def link(href: str, rel: str, media_type: str, title: str = "") -> dict:
    item = {"href": href, "rel": rel, "type": media_type}
    if title:
        item["title"] = title
    return item


def rfc3339(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def service_title() -> str:
    return _("Lapor Batu open geodata")


def service_description() -> str:
    return _(
        "Public reports, administrative areas and city asset layers of Kota Batu as OGC API – Features: "
        "GeoJSON in WGS84 longitude/latitude (CRS84), readable in QGIS, GDAL and a web browser."
    )


def landing_document(urls: Urls) -> dict:
    return {
        "title": service_title(),
        "description": service_description(),
        "links": [
            link(urls.of("landing", f="json"), "self", JSON, _("This document")),
            link(urls.of("landing", f="html"), "alternate", HTML, _("This document as HTML")),
            link(urls.of("api", f="json"), "service-desc", OPENAPI_JSON, _("The API definition (OpenAPI 3.0)")),
            link(urls.of("api", f="html"), "service-doc", HTML, _("The API documentation")),
            link(urls.of("conformance", f="json"), "conformance", JSON, _("Conformance classes")),
            link(urls.of("collections", f="json"), "data", JSON, _("Collections")),
        ],
    }


def conformance_document() -> dict:
    return {"conformsTo": CONFORMANCE_CLASSES}


def extent_document(extent: CollectionExtent | None) -> dict | None:
    if extent is None or (extent.bbox is None and extent.interval is None):
        return None
    document = {}
    if extent.bbox is not None:
        document["spatial"] = {"bbox": [list(extent.bbox)], "crs": CRS84}
    if extent.interval is not None:
        document["temporal"] = {"interval": [[rfc3339(moment) for moment in extent.interval]], "trs": GREGORIAN}
    return document


def collection_document(urls: Urls, collection: Collection, extent: CollectionExtent | None) -> dict:
    document = {
        "id": collection.id,
        "title": collection.title,
        "description": collection.description,
        "keywords": collection.keywords,
        "itemType": "feature",
        "crs": [CRS84],
        "links": [
            link(urls.of("collection", collection.id, f="json"), "self", JSON, _("This collection")),
            link(urls.of("collection", collection.id, f="html"), "alternate", HTML, _("This collection as HTML")),
            link(urls.of("items", collection.id, f="json"), "items", GEOJSON, _("Features as GeoJSON")),
            link(urls.of("items", collection.id, f="html"), "items", HTML, _("Features as HTML")),
            link(urls.of("queryables", collection.id, f="json"), QUERYABLES_REL, SCHEMA_JSON, _("Queryables")),
            # The short relation of Part 3's drafts: the one GDAL's OAPIF driver looks for.
            link(urls.of("queryables", collection.id, f="json"), "queryables", JSON, _("Queryables")),
        ],
    }
    extent_json = extent_document(extent)
    if extent_json is not None:
        document["extent"] = extent_json
    return document


def collections_document(urls: Urls, collections: list[Collection], extents: dict[str, CollectionExtent]) -> dict:
    return {
        "links": [
            link(urls.of("collections", f="json"), "self", JSON, _("This document")),
            link(urls.of("collections", f="html"), "alternate", HTML, _("This document as HTML")),
        ],
        "collections": [collection_document(urls, c, extents.get(c.id)) for c in collections],
    }


def _items_params(query: ItemsQuery, offset: int, output: str) -> dict:
    return {
        "bbox": query.bbox_text,
        "datetime": query.datetime_text,
        "filter": query.filter_text,
        "filter-lang": query.filter_lang_text,
        "filter-crs": query.filter_crs_text,
        "limit": query.limit,
        "offset": offset,
        "f": output,
    }


def items_url(urls: Urls, collection: Collection, query: ItemsQuery, *, offset: int, output: str) -> str:
    return urls.of("items", collection.id, **_items_params(query, offset, output))


def items_links(urls: Urls, collection: Collection, query: ItemsQuery, page: FeaturePage, output: str = "json") -> list:
    """self, alternate, collection, and next/prev in the given format (JSON links for the GeoJSON)."""
    media_type = GEOJSON if output == "json" else HTML
    other, other_type = ("html", HTML) if output == "json" else ("json", GEOJSON)
    links = [
        link(items_url(urls, collection, query, offset=query.offset, output=output), "self", media_type),
        link(items_url(urls, collection, query, offset=query.offset, output=other), "alternate", other_type),
        link(urls.of("collection", collection.id, f="json"), "collection", JSON, collection.title),
    ]
    if query.offset + page.number_returned < page.number_matched:
        next_offset = query.offset + query.limit
        links.append(link(items_url(urls, collection, query, offset=next_offset, output=output), "next", media_type))
    if query.offset > 0:
        previous_offset = max(0, query.offset - query.limit)
        links.append(
            link(items_url(urls, collection, query, offset=previous_offset, output=output), "prev", media_type)
        )
    return links


def feature_collection_text(page: FeaturePage, links: list) -> str:
    """The items response. The features are already GeoJSON text: they are joined, not re-encoded."""
    head = json.dumps(
        {
            "type": "FeatureCollection",
            "numberMatched": page.number_matched,
            "numberReturned": page.number_returned,
            "timeStamp": rfc3339(timezone.now()),
            "links": links,
        },
        ensure_ascii=False,
    )
    return head[:-1] + ',"features":[' + ",".join(page.features) + "]}"


def item_links(urls: Urls, collection: Collection, feature_id: int) -> list:
    return [
        link(urls.of("item", collection.id, feature_id, f="json"), "self", GEOJSON, _("This feature")),
        link(urls.of("item", collection.id, feature_id, f="html"), "alternate", HTML, _("This feature as HTML")),
        link(urls.of("collection", collection.id, f="json"), "collection", JSON, collection.title),
    ]


def item_document(urls: Urls, collection: Collection, feature_text: str) -> dict:
    feature = json.loads(feature_text)
    feature["links"] = item_links(urls, collection, feature["id"])
    return feature


def queryables_document(urls: Urls, collection: Collection) -> dict:
    """The properties a filter may name, as a JSON Schema (OGC API - Features Part 3). GDAL's OAPIF
    driver reads the names from a `queryables` array, as Part 3's drafts had it, and JSON Schema
    lets a schema carry a keyword it does not define: both are here."""
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": urls.of("queryables", collection.id),
        "type": "object",
        "title": collection.title,
        "properties": {queryable.name: queryable.schema() for queryable in collection.queryables},
        "additionalProperties": False,
        "queryables": [
            {"id": queryable.name, "title": str(queryable.title), "type": queryable.schema()["type"]}
            for queryable in collection.queryables
        ],
    }
