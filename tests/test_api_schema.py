"""The OpenAPI schema says what every answer holds: no object in a response is left untyped (a client
generator would learn nothing from `additionalProperties: {}`), and drf-spectacular validates it
without a warning."""

import subprocess
import sys

import pytest

from tests.conftest import BASE_DIR


def untyped(schema: dict) -> list[str]:
    """Places in the responses of `schema` whose content the schema does not describe: an object
    without properties or typed additional properties, an array without typed items."""
    components = schema.get("components", {}).get("schemas", {})
    found: list[str] = []

    def walk(node, path: str, seen: frozenset):
        if not isinstance(node, dict):
            return
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            if name not in seen:
                walk(components[name], name, seen | {name})
            return
        for key in ("oneOf", "anyOf", "allOf"):
            for index, part in enumerate(node.get(key, [])):
                walk(part, f"{path}/{key}[{index}]", seen)
        if node.get("type") == "object" or "properties" in node:
            properties, extra = node.get("properties"), node.get("additionalProperties")
            if not properties and extra in (None, True, {}):
                found.append(path)
            for name, value in (properties or {}).items():
                walk(value, f"{path}.{name}", seen)
            if isinstance(extra, dict):
                walk(extra, f"{path}[*]", seen)
        if node.get("type") == "array":
            if node.get("items") in (None, {}):
                found.append(f"{path}[]")
            else:
                walk(node["items"], f"{path}[]", seen)

    for route, item in schema["paths"].items():
        for method, operation in item.items():
            for status, answer in operation.get("responses", {}).items():
                for media_type, content in answer.get("content", {}).items():
                    walk(content.get("schema", {}), f"{method.upper()} {route} {status} {media_type}", frozenset())
    return sorted(set(found))


@pytest.fixture(scope="module")
def schema(server):
    import httpx

    return httpx.get(f"{server}/api/schema/?format=json", timeout=60).json()


def test_no_response_holds_an_untyped_object(schema):
    assert untyped(schema) == []


def test_a_report_names_its_nested_objects(schema):
    report = schema["components"]["schemas"]["ReportFeature"]["properties"]["properties"]["properties"]
    names = {
        key: sorted(schema["components"]["schemas"][report[key]["allOf"][0]["$ref"].rsplit("/", 1)[-1]]["properties"])
        if "allOf" in report[key]
        else sorted(schema["components"]["schemas"][report[key]["$ref"].rsplit("/", 1)[-1]]["properties"])
        for key in ("category", "areas", "routing")
    }
    assert names["category"] == ["code", "group", "icon", "name"]
    assert names["areas"] == ["desa", "kecamatan"]
    assert names["routing"] == ["alternatives", "explanation", "explanation_en", "flags", "reason", "rule"]


def test_the_walk_finds_what_it_looks_for():
    # The check itself can fail: a response holding a bare object, or an array of anything, is found.
    schema = {
        "paths": {
            "/x": {
                "get": {
                    "responses": {
                        "200": {
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "bare": {"type": "object", "additionalProperties": {}},
                                            "typed": {"type": "object", "additionalProperties": {"type": "string"}},
                                            "anything": {"type": "array", "items": {}},
                                            "nested": {"$ref": "#/components/schemas/N"},
                                        },
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
        "components": {"schemas": {"N": {"type": "object"}}},
    }
    assert untyped(schema) == ["GET /x 200 application/json.anything[]", "GET /x 200 application/json.bare", "N"]


def test_the_schema_validates_without_a_warning():
    result = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Warning" not in result.stderr
