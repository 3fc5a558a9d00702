"""The OpenAPI 3.0 definition of this API (the landing page's service-desc), written out per
collection so that clients which look up `/collections/{id}/items` (GDAL, QGIS) find its parameters.
Parameters are written inline, not as `$ref`s, for clients that do not resolve references; `limit`
alone is a reference (see _items_parameters)."""

from django.utils.translation import gettext as _

from .catalogue import Collection
from .cql2 import MAX_LENGTH
from .documents import (
    CONFORMANCE_CLASSES,
    GEOJSON,
    HTML,
    JSON,
    OPENAPI_JSON,
    SCHEMA_JSON,
    service_description,
    service_title,
)
from .params import CRS84, DEFAULT_LIMIT, FILTER_LANGUAGES, MAX_LIMIT

OPENAPI_VERSION = "3.0.3"
API_VERSION = "1.0.0"
LIMIT_REF = "#/components/parameters/limit"


def _format_parameter() -> dict:
    return {
        "name": "f",
        "in": "query",
        "required": False,
        "description": _("The format of the response; without it, the Accept header decides (JSON by default)."),
        "schema": {"type": "string", "enum": ["json", "html"]},
    }


def _items_parameters() -> list[dict]:
    return [
        {
            "name": "bbox",
            "in": "query",
            "required": False,
            "description": _("Only features whose geometry intersects this box: minLon,minLat,maxLon,maxLat in CRS84."),
            "schema": {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}},
            "style": "form",
            "explode": False,
        },
        {
            "name": "datetime",
            "in": "query",
            "required": False,
            "description": _(
                "Reports only: an RFC 3339 instant or interval (open ends as ..) matched against the time a "
                "report was submitted (created_at); a date is that whole day in WIB. Checked and otherwise "
                "ignored by collections without time. For the other dates, use filter."
            ),
            "schema": {"type": "string"},
            "style": "form",
            "explode": False,
        },
        {
            "name": "filter",
            "in": "query",
            "required": False,
            "description": _(
                "Only features that match this CQL2 text filter on the collection's queryables (its "
                "queryables resource lists them): =, <>, <, <=, >, >=, AND, OR, NOT, brackets, IS NULL, "
                "LIKE, BETWEEN, IN, TIMESTAMP('2026-12-01T08:00:00Z'), DATE('2026-12-01') (a whole day in WIB), "
                "INTERVAL, and T_BEFORE, T_AFTER, T_DURING, T_INTERSECTS, T_DISJOINT and T_EQUALS on dates."
            ),
            "schema": {"type": "string", "maxLength": MAX_LENGTH},
            "style": "form",
            "explode": False,
        },
        {
            "name": "filter-lang",
            "in": "query",
            "required": False,
            "description": _("The language of filter: CQL2 text (cql-text, its name in drafts, is read the same)."),
            "schema": {"type": "string", "enum": list(FILTER_LANGUAGES), "default": FILTER_LANGUAGES[0]},
            "style": "form",
            "explode": False,
        },
        {
            "name": "filter-crs",
            "in": "query",
            "required": False,
            "description": _("The coordinate reference system of filter: longitude and latitude in WGS84."),
            "schema": {"type": "string", "enum": [CRS84], "default": CRS84},
            "style": "form",
            "explode": False,
        },
        # A reference, unlike the others: QGIS and GDAL (from 3.8) take their page size from the limit
        # of components/parameters, and only there.
        {"$ref": LIMIT_REF},
        {
            "name": "offset",
            "in": "query",
            "required": False,
            "description": _("How many features to skip: the next link of a page gives the next offset."),
            "schema": {"type": "integer", "minimum": 0, "default": 0},
            "style": "form",
            "explode": False,
        },
        _format_parameter(),
    ]


def _limit_parameter() -> dict:
    return {
        "name": "limit",
        "in": "query",
        "required": False,
        "description": _("How many features a page holds; larger values are served as the maximum."),
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
        "style": "form",
        "explode": False,
    }


def _responses(description: str, *media_types: str) -> dict:
    return {
        "200": {"description": description, "content": {media_type: {} for media_type in media_types}},
        "400": {"description": _("A parameter is not valid."), "content": {JSON: {"schema": _exception_ref()}}},
        "404": {"description": _("Not found."), "content": {JSON: {"schema": _exception_ref()}}},
    }


def _exception_ref() -> dict:
    return {"$ref": "#/components/schemas/exception"}


def _operation(operation_id: str, summary: str, responses: dict, parameters: list | None = None, tags=None) -> dict:
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "tags": tags or ["server"],
            "parameters": parameters if parameters is not None else [_format_parameter()],
            "responses": responses,
        }
    }


def _collection_paths(collection: Collection) -> dict:
    cid = collection.id
    feature_id = {
        "name": "featureId",
        "in": "path",
        "required": True,
        "description": _("The feature's id (the id member of a feature)."),
        "schema": {"type": "integer"},
    }
    tags = [cid]
    return {
        f"/collections/{cid}": _operation(
            f"describe_{cid}", collection.title, _responses(collection.description, JSON, HTML), tags=tags
        ),
        f"/collections/{cid}/items": _operation(
            f"get_{cid}_features",
            _("Features of %(title)s") % {"title": collection.title},
            _responses(_("A page of features."), GEOJSON, HTML),
            _items_parameters(),
            tags,
        ),
        f"/collections/{cid}/queryables": _operation(
            f"get_{cid}_queryables",
            _("Queryables of %(title)s") % {"title": collection.title},
            _responses(_("The properties a filter may name, as a JSON Schema."), SCHEMA_JSON, JSON, HTML),
            tags=tags,
        ),
        f"/collections/{cid}/items/{{featureId}}": _operation(
            f"get_{cid}_feature",
            _("One feature of %(title)s") % {"title": collection.title},
            _responses(_("One feature."), GEOJSON, HTML),
            [feature_id, _format_parameter()],
            tags,
        ),
    }


def openapi_document(root_url: str, collections: list[Collection]) -> dict:
    paths = {
        "/": _operation("getLandingPage", _("Landing page"), _responses(_("The landing page."), JSON, HTML)),
        "/conformance": _operation(
            "getConformanceDeclaration",
            _("Conformance classes"),
            _responses(_("The conformance classes this API implements."), JSON, HTML),
        ),
        "/api": _operation("getAPIDefinition", _("This API definition"), _responses("OpenAPI 3.0", OPENAPI_JSON, HTML)),
        "/collections": _operation(
            "getCollections", _("Collections"), _responses(_("The collections of features."), JSON, HTML)
        ),
    }
    for collection in collections:
        paths.update(_collection_paths(collection))
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": service_title(),
            "description": service_description(),
            "version": API_VERSION,
            "x-conformsTo": CONFORMANCE_CLASSES,
        },
        "servers": [{"url": root_url}],
        "tags": [{"name": "server", "description": _("The service: landing page, conformance, API")}]
        + [{"name": c.id, "description": c.title} for c in collections],
        "paths": paths,
        "components": {
            "parameters": {"limit": _limit_parameter()},
            "schemas": {
                "exception": {
                    "type": "object",
                    "required": ["code"],
                    "properties": {"code": {"type": "string"}, "description": {"type": "string"}},
                }
            },
        },
    }
