"""The reporter's name, phone and email never appear in any OGC API output, and reports of a
non-public category are not served at all."""

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point

from geo_reports.models import Category, ReporterContact
from geo_reports.selectors import report_public
from geo_reports.services.intake import report_create

from .conftest import REPORTER

pytestmark = pytest.mark.django_db

BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"


def secrets() -> list[str]:
    phone_digits = REPORTER["phone"].replace(" ", "")
    return [REPORTER["name"], REPORTER["phone"], phone_digits, REPORTER["email"], "Ogcapi-Rahasia", "rahasia@"]


def test_the_reporter_is_stored_but_never_served(api, filed_reports):
    # The contact really is in the database: a test that looked for it in empty outputs would prove nothing.
    assert ReporterContact.objects.filter(report_id=filed_reports[0]["id"], email=REPORTER["email"]).exists()
    paths = [
        "/ogcapi/",
        "/ogcapi/api",
        "/ogcapi/collections",
        "/ogcapi/collections/reports",
        "/ogcapi/collections/reports/items?limit=10000",
    ] + [f"/ogcapi/collections/reports/items/{report['id']}" for report in filed_reports]
    checked = 0
    for path in paths:
        for headers in ({"Accept": "application/geo+json"}, {"Accept": BROWSER}):
            response = api.get(path, headers=headers)
            assert response.status_code == 200, path
            for secret in secrets():
                assert secret not in response.text, (path, headers, secret)
            checked += 1
    items = api.get("/ogcapi/collections/reports/items", params={"limit": 10000}).json()
    served = {feature["id"] for feature in items["features"]}
    assert {report["id"] for report in filed_reports} <= served  # the reports themselves are served
    assert checked == 2 * len(paths)


def test_a_report_of_a_non_public_category_is_not_served(client):
    category = Category.objects.get(code="pju-mati")
    hidden = report_create(category=category, geometry=Point(112.5290, -7.8763, srid=settings.LAPOR_SRID)).report
    visible = client.get(f"/ogcapi/collections/reports/items/{hidden.pk}")
    assert visible.status_code == 200
    Category.objects.filter(pk=category.pk).update(is_public=False)  # rolled back with the test
    assert client.get(f"/ogcapi/collections/reports/items/{hidden.pk}").status_code == 404
    items = client.get("/ogcapi/collections/reports/items", {"limit": 10000}).json()
    assert hidden.pk not in {feature["id"] for feature in items["features"]}
    assert items["numberMatched"] == report_public().count()
