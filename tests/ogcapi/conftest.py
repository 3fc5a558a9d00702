"""Shared by the OGC API tests: reports filed through the real server, and small readers of the API."""

import datetime as dt
import os
import re
import subprocess
import zoneinfo

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


GDAL_ENV = {**os.environ, "GDAL_HTTP_TIMEOUT": "60", "CPL_CURL_VERBOSE": "NO"}


def gdal(*args: str) -> str:
    result = subprocess.run(args, capture_output=True, text=True, timeout=300, env=GDAL_ENV, check=False)
    assert result.returncode == 0, result.stderr
    assert "ERROR" not in result.stderr, result.stderr
    return result.stdout


def gdal_traced(*args: str) -> tuple[str, list[str]]:
    """GDAL's debug messages (CPL_DEBUG) and the URLs it fetched, in order."""
    result = subprocess.run(
        args, capture_output=True, text=True, timeout=300, env={**GDAL_ENV, "CPL_DEBUG": "ON"}, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "ERROR" not in result.stderr, result.stderr[-3000:]
    return result.stderr, re.findall(r"^HTTP: Fetch\((.*)\)$", result.stderr, re.MULTILINE)


def box(min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> Polygon:
    polygon = Polygon.from_bbox((min_lon, min_lat, max_lon, max_lat))
    polygon.srid = settings.LAPOR_SRID
    return polygon


WIB = zoneinfo.ZoneInfo("Asia/Jakarta")


def wib(*moment) -> dt.datetime:
    return dt.datetime(*moment, tzinfo=WIB)


# Reports whose times lie around the edges of 10 June 2025 in WIB (Asia/Jakarta, UTC+7), where a day
# read in UTC would differ. Statuses and deadlines make `overdue` true for one, false for the rest.
TIMELINES = {
    "first_moment": {  # updated and resolved in the first microsecond of 10 June (WIB)
        "status": "resolved",
        "created_at": wib(2025, 6, 1, 8),
        "first_response_at": wib(2025, 6, 2, 9),
        "resolved_at": wib(2025, 6, 10, 0, 0),
        "updated_at": wib(2025, 6, 10, 0, 0),
        "resolve_due": wib(2025, 6, 15, 8),
    },
    "last_moment": {  # and in its last one
        "status": "closed",
        "created_at": wib(2025, 6, 2, 8),
        "first_response_at": wib(2025, 6, 3, 9),
        "resolved_at": wib(2025, 6, 9, 12),
        "closed_at": wib(2025, 6, 10, 23, 59, 59, 999999),
        "updated_at": wib(2025, 6, 10, 23, 59, 59, 999999),
        "resolve_due": wib(2025, 6, 16, 8),
    },
    "next_day": {  # 11 June in WIB, still 10 June in UTC; open and past its deadline
        "status": "in_progress",
        "created_at": wib(2025, 6, 3, 8),
        "first_response_at": wib(2025, 6, 3, 10),
        "updated_at": wib(2025, 6, 11, 0, 0),
        "resolve_due": wib(2025, 6, 5, 8),
    },
    "day_before": {
        "status": "submitted",
        "created_at": wib(2025, 6, 4, 8),
        "updated_at": wib(2025, 6, 9, 23, 59, 59),
        "resolve_due": wib(2099, 1, 1),
    },
    "rejected": {  # past its deadline, but closed: not overdue
        "status": "rejected",
        "created_at": wib(2025, 6, 5, 8),
        "first_response_at": wib(2025, 6, 6, 8),
        "updated_at": wib(2025, 6, 6, 8),
        "resolve_due": wib(2025, 6, 6, 7),
    },
    "no_deadline": {
        "status": "verified",
        "created_at": wib(2025, 6, 6, 8),
        "first_response_at": wib(2025, 6, 6, 9),
        "updated_at": wib(2025, 6, 7, 8),
        "resolve_due": None,
    },
}


@pytest.fixture(scope="session")
def timeline_reports(committed) -> dict[str, int]:
    """The TIMELINES as committed public reports of street lights, each beside its own lamp (so each
    has an asset); name → id. Filed through the intake service, then given their times and statuses."""
    from districts.models import Asset
    from geo_reports.models import Category, Report
    from geo_reports.services.intake import report_create
    from tests.places import beside

    with committed():
        category = Category.objects.get(code="pju-mati")
        lamps = Asset.objects.filter(layer__code="street_lights").order_by("external_id")[100 : 100 + len(TIMELINES)]
        ids = {}
        for (name, values), lamp in zip(TIMELINES.items(), lamps, strict=True):
            report = report_create(category=category, geometry=beside(lamp, 3), description=f"Uji {name}").report
            Report.objects.filter(pk=report.pk).update(**values)
            ids[name] = report.pk
        return ids
