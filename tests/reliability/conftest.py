"""Shared by the reliability and security proofs: row counts of everything a request can write, the
report a test files, and staff headers.

The proofs run against the real server (gunicorn over the test database, `tests/conftest.py`), so
they see exactly what a client sees; "nothing was written" is checked by counting rows afterwards.
Each proof's figures and its tests' outcomes are written as a record at the end of the run (records.py).
"""

import httpx

from . import records

# A pin inside Kelurahan Sisir, and a report of the waste category (routed to DLH) that needs one answer.
BATU = [112.5290, -7.8763]
WASTE_ANSWERS = {"problem": "dumping"}


def feature(geometry=None, **properties) -> dict:
    """A report as the API takes it (a GeoJSON Feature)."""
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": BATU} if geometry is None else geometry,
        "properties": {"category": "sampah", "answers": WASTE_ANSWERS, **properties},
    }


def row_counts() -> dict[str, int]:
    """Every table a citizen's or staff member's request can write to."""
    from rest_framework.authtoken.models import Token

    from geo_reports.models import (
        AuditEntry,
        IdempotencyKey,
        Report,
        ReporterContact,
        ReportPhoto,
        ReportSupport,
        ReportUpdate,
    )
    from notifications.models import Notification

    models = {
        "reports": Report,
        "timeline": ReportUpdate,
        "photos": ReportPhoto,
        "contacts": ReporterContact,
        "idempotency_keys": IdempotencyKey,
        "notifications": Notification,
        "supports": ReportSupport,
        "audit": AuditEntry,
        "tokens": Token,
    }
    return {name: model.objects.count() for name, model in models.items()}


def auth(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Token {token}"} if token else {}


def file_report(server: str, **properties) -> dict:
    """A report filed over HTTP (so it is committed and the server sees it); its properties."""
    geometry = properties.pop("geometry", None)
    response = httpx.post(f"{server}/api/reports/", json=feature(geometry, **properties), timeout=60)
    assert response.status_code == 201, response.text
    return response.json()["properties"]


def pytest_runtest_logreport(report):
    if report.when == "call" or not report.passed:
        records.outcome(report.nodeid, report.outcome)


def pytest_sessionfinish(session):
    records.write()
