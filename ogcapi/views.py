"""OGC API - Features, Part 1: Core, with GeoJSON and HTML, and Part 3: Filtering (queryables and
CQL2 text). Each view reads its parameters, calls the catalogue and the selectors, and renders JSON
or HTML (`?f=`, else the Accept header)."""

import json

from django.shortcuts import render
from django.utils.translation import gettext as _

from . import documents as docs
from . import pages
from .catalogue import Collection, collection_by_id, collection_list
from .openapi import openapi_document
from .params import items_query, requested_format
from .responses import NotFound, endpoint, json_response, text_response
from .selectors import collection_extents, feature_by_id, feature_page

JSON_TYPES = (docs.JSON,)
GEOJSON_TYPES = (docs.GEOJSON, docs.JSON)
OPENAPI_TYPES = (docs.OPENAPI_JSON, "application/openapi+json", docs.JSON)
SCHEMA_TYPES = (docs.SCHEMA_JSON, docs.JSON)


def _collection(collection_id: str) -> Collection:
    collection = collection_by_id(collection_id)
    if collection is None:
        raise NotFound(_("There is no collection %(id)s.") % {"id": collection_id[:100]})
    return collection


def _html(request, template: str, urls: docs.Urls, json_url: str, **context):
    return render(request, f"ogcapi/{template}", {"root_url": urls.of("landing"), "json_url": json_url, **context})


@endpoint
def landing(request):
    output = requested_format(request, JSON_TYPES)
    urls = docs.Urls(request)
    document = docs.landing_document(urls)
    if output == "html":
        return _html(request, "landing.html", urls, urls.of("landing", f="json"), document=document, root=urls.root)
    return json_response(document, docs.JSON)


@endpoint
def conformance(request):
    output = requested_format(request, JSON_TYPES)
    urls = docs.Urls(request)
    document = docs.conformance_document()
    if output == "html":
        return _html(request, "conformance.html", urls, urls.of("conformance", f="json"), document=document)
    return json_response(document, docs.JSON)


@endpoint
def api(request):
    output = requested_format(request, OPENAPI_TYPES)
    urls = docs.Urls(request)
    document = openapi_document(urls.root, collection_list())
    if output == "html":
        operations = pages.api_operations(document)
        return _html(request, "api.html", urls, urls.of("api", f="json"), document=document, operations=operations)
    return json_response(document, docs.OPENAPI_JSON)


@endpoint
def collections(request):
    output = requested_format(request, JSON_TYPES)
    urls = docs.Urls(request)
    found = collection_list()
    document = docs.collections_document(urls, found, collection_extents(found))
    if output == "html":
        return _html(request, "collections.html", urls, urls.of("collections", f="json"), document=document)
    return json_response(document, docs.JSON)


@endpoint
def collection(request, collection_id: str):
    output = requested_format(request, JSON_TYPES)
    found = _collection(collection_id)
    urls = docs.Urls(request)
    document = docs.collection_document(urls, found, collection_extents([found]).get(found.id))
    if output == "html":
        json_url = urls.of("collection", found.id, f="json")
        return _html(request, "collection.html", urls, json_url, collection=document)
    return json_response(document, docs.JSON)


@endpoint
def items(request, collection_id: str):
    output = requested_format(request, GEOJSON_TYPES)
    found = _collection(collection_id)
    query = items_query(request.GET)
    page = feature_page(found, query)
    urls = docs.Urls(request)
    if output == "html":
        features = [json.loads(text) for text in page.features]
        return _html(
            request,
            "items.html",
            urls,
            docs.items_url(urls, found, query, offset=query.offset, output="json"),
            collection=found,
            page=page,
            query=query,
            table=pages.feature_table(features, found.leading_properties),
            links={item["rel"]: item["href"] for item in docs.items_links(urls, found, query, page, output="html")},
        )
    return text_response(docs.feature_collection_text(page, docs.items_links(urls, found, query, page)), docs.GEOJSON)


@endpoint
def queryables(request, collection_id: str):
    output = requested_format(request, SCHEMA_TYPES)
    found = _collection(collection_id)
    urls = docs.Urls(request)
    document = docs.queryables_document(urls, found)
    if output == "html":
        json_url = urls.of("queryables", found.id, f="json")
        return _html(request, "queryables.html", urls, json_url, collection=found, document=document)
    # A JSON Schema is JSON: a client that asks only for JSON (GDAL) gets it as such.
    return json_response(document, request.get_preferred_type(SCHEMA_TYPES) or docs.SCHEMA_JSON)


@endpoint
def item(request, collection_id: str, feature_id: str):
    output = requested_format(request, GEOJSON_TYPES)
    found = _collection(collection_id)
    # Ids are bigints: anything else cannot name a feature.
    is_id = feature_id.isascii() and feature_id.isdigit() and len(feature_id) <= 18
    text = feature_by_id(found, int(feature_id)) if is_id else None
    if text is None:
        raise NotFound(
            _("The collection %(collection)s has no feature %(id)s.") % {"collection": found.id, "id": feature_id[:40]}
        )
    urls = docs.Urls(request)
    document = docs.item_document(urls, found, text)
    if output == "html":
        return _html(
            request,
            "item.html",
            urls,
            urls.of("item", found.id, document["id"], f="json"),
            collection=found,
            feature=document,
            properties=pages.property_rows(document["properties"], found.leading_properties),
            geometry=pages.geometry_summary(document["geometry"]),
        )
    return json_response(document, docs.GEOJSON)
