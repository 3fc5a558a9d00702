"""The staff inbox comes in pages of 50: every open report can be reached, none twice, and a page
stays a short scroll on a phone."""

import re
import secrets

import pytest
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import Point

from districts.models import Agency
from geo_reports.models import Category, Report
from web.views_staff import INBOX_PAGE_SIZE

pytestmark = pytest.mark.django_db


def _open_reports(count: int) -> set[str]:
    category = Category.objects.get(code="pju-mati")
    dishub = Agency.objects.get(code="dishub")
    made = Report.objects.bulk_create(
        Report(
            tracking_code=f"P{secrets.token_hex(4).upper()}",
            category=category,
            agency=dishub,
            geometry=Point(112.52 + index * 1e-5, -7.87, srid=4326),
            location=Point(112.52 + index * 1e-5, -7.87, srid=4326),
            status="submitted",
            reporter_token_hash=secrets.token_hex(32),
        )
        for index in range(count)
    )
    return {report.tracking_code for report in made}


def _codes(html: str) -> list[str]:
    return re.findall(r'<tr class="[^"]*" data-code="([^"]+)"', html)


def test_the_inbox_comes_in_pages_that_reach_every_report(client, staff_users):
    made = _open_reports(2 * INBOX_PAGE_SIZE + 7)
    client.force_login(get_user_model().objects.get(username="dishub-operator"))
    total = Report.objects.filter(agency__code="dishub", status="submitted").count()

    first = client.get("/petugas/", {"status": "submitted", "order": "newest"})
    html = first.content.decode()
    assert len(_codes(html)) == INBOX_PAGE_SIZE
    assert f"Halaman 1 dari {-(-total // INBOX_PAGE_SIZE)}" in html
    assert f"laporan 1–{INBOX_PAGE_SIZE} dari {total}" in html
    assert 'rel="prev"' not in html
    # The next page's link keeps the filters.
    next_link = re.search(r'rel="next" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert "status=submitted" in next_link and "order=newest" in next_link and "page=2" in next_link

    seen = []
    page = 1
    while True:
        html = client.get("/petugas/", {"status": "submitted", "order": "newest", "page": page}).content.decode()
        seen += _codes(html)
        if 'rel="next"' not in html:
            break
        page += 1
    assert len(seen) == len(set(seen)) == total
    assert made <= set(seen)
    # A page beyond the last shows the last, never an error.
    assert client.get("/petugas/", {"status": "submitted", "page": 999}).status_code == 200


def test_the_inbox_reads_a_fixed_number_of_queries_however_many_rows(client, staff_users):
    """Each row's contact and timeline come with the page (they were one query each: 254 for 120)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(get_user_model().objects.get(username="dishub-operator"))
    queries = {}
    for turn, more in enumerate((10, 60)):
        _open_reports(more)
        for path in ("/api/staff/inbox/", "/petugas/"):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(path).status_code == 200
            queries[path, turn] = len(captured.captured_queries)
    assert queries["/api/staff/inbox/", 0] == queries["/api/staff/inbox/", 1], queries
    assert queries["/petugas/", 0] == queries["/petugas/", 1], queries
