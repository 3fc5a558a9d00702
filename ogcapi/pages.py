"""What the HTML pages show, prepared from the same documents the JSON responses carry."""

import json


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _ordered(names, leading: tuple[str, ...]) -> list[str]:
    """The leading names first (those present), then the others in order of appearance."""
    names = list(dict.fromkeys(names))
    return [name for name in leading if name in names] + [name for name in names if name not in leading]


def property_rows(properties: dict, leading: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    return [(name, _cell(properties[name])) for name in _ordered(properties, leading)]


def feature_table(features: list[dict], leading: tuple[str, ...] = ()) -> dict:
    """Columns (every property name on the page: the leading ones, then in order of appearance) and
    one row per feature."""
    columns: dict[str, None] = dict.fromkeys(name for name in leading if any(name in f["properties"] for f in features))
    for feature in features:
        columns.update(dict.fromkeys(feature["properties"]))
    rows = [
        {"id": feature["id"], "cells": [_cell(feature["properties"].get(column)) for column in columns]}
        for feature in features
    ]
    return {"columns": list(columns), "rows": rows}


def geometry_summary(geometry: dict | None) -> dict:
    """The geometry's type, its coordinates when it is a point, and its vertex count otherwise."""
    if not geometry:
        return {"type": "", "coordinates": None, "vertices": 0}

    def count(coordinates) -> int:
        if coordinates and isinstance(coordinates[0], int | float):
            return 1
        return sum(count(part) for part in coordinates)

    point = geometry["coordinates"] if geometry["type"] == "Point" else None
    return {"type": geometry["type"], "coordinates": point, "vertices": count(geometry.get("coordinates", []))}


def api_operations(document: dict) -> list[dict]:
    """The OpenAPI paths as rows for the service-doc page."""

    def resolved(parameter: dict) -> dict:
        """A parameter, or the one its `$ref` (#/components/parameters/<name>) points to."""
        if "$ref" not in parameter:
            return parameter
        return document["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]

    operations = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "parameters": [
                        {
                            "name": parameter["name"],
                            "where": parameter["in"],
                            "description": parameter.get("description", ""),
                            "schema": json.dumps(parameter.get("schema", {}), ensure_ascii=False),
                        }
                        for parameter in map(resolved, operation.get("parameters", []))
                    ],
                    "media_types": list(operation["responses"]["200"]["content"]),
                }
            )
    return operations
