"""Shared by the OGC API tests: reports filed through the real server, and small readers of the API."""

import httpx
import pytest
from django.conf import settings
from django.contrib.gis.geos import Polygon

# Distinctive enough that finding any of them in an output can only mean a leak.
REPORTER = {"name": "Sulastri Ogcapi-Rahasia", "phone": "0813 5555 0199", "email": "sulastri.rahasia@ogcapi-contoh.id"}
PINS = [(112.5290, -7.8763), (112.5301, -7.8770), (112.5312, -7.8755)]


def file_report(server: str, lon: float, lat: float, description: str) -> dict:
    body = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {
            "category": "pju-mati",
            "description": description,
            "answers": {"problem": "out"},
            "reporter": REPORTER,
        },
    }
    response = httpx.post(f"{server}/api/reports/", json=body, timeout=60)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture(scope="session")
def filed_reports(server) -> list[dict]:
    """Three public reports filed over HTTP (committed, so the server sees them), one after another."""
    return [
        file_report(server, lon, lat, f"Lampu PJU mati, uji OGC API nomor {number}.")
        for number, (lon, lat) in enumerate(PINS, start=1)
    ]


def get_json(api: httpx.Client, path: str, **params) -> dict:
    response = api.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def link(document: dict, rel: str, media_type: str | None = None) -> str | None:
    for item in document["links"]:
        if item["rel"] == rel and (media_type is None or item["type"] == media_type):
            return item["href"]
    return None


def walk(api: httpx.Client, path: str, **params) -> tuple[list[dict], list[dict]]:
    """Every page from `path`, following the next links: (features, pages)."""
    pages = [get_json(api, path, **params)]
    while (next_url := link(pages[-1], "next")) is not None:
        assert len(pages) < 2000, "the next links do not end"
        response = api.get(next_url)
        assert response.status_code == 200, response.text
        pages.append(response.json())
    return [feature for page in pages for feature in page["features"]], pages


def flat_coordinates(coordinates) -> list[tuple[float, float]]:
    if coordinates and isinstance(coordinates[0], int | float):
        return [(float(coordinates[0]), float(coordinates[1]))]
    return [point for part in coordinates for point in flat_coordinates(part)]


def assert_same_coordinates(served, stored, tolerance: float = 2e-7) -> None:
    """Coordinates compared as numbers: the API writes 7 decimals (about 1 cm)."""
    served_points, stored_points = flat_coordinates(served), flat_coordinates(stored)
    assert len(served_points) == len(stored_points)
    for (x1, y1), (x2, y2) in zip(served_points, stored_points, strict=True):
        assert abs(x1 - x2) <= tolerance and abs(y1 - y2) <= tolerance, ((x1, y1), (x2, y2))


def box(min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> Polygon:
    polygon = Polygon.from_bbox((min_lon, min_lat, max_lon, max_lat))
    polygon.srid = settings.LAPOR_SRID
    return polygon
