"""The demo reports: made through the real services, their times those of their timelines."""

import pytest
from django.db.models import Max

from geo_reports.models import Report
from geo_reports.models.reports import Channel
from geo_reports.services.demo import demo_reports_load

pytestmark = pytest.mark.django_db


def test_a_demo_report_was_last_updated_by_its_last_timeline_entry():
    assert demo_reports_load(count=12) == 12
    reports = Report.objects.filter(channel=Channel.DEMO).annotate(last_entry=Max("updates__created_at"))
    assert reports.count() == 12
    for report in reports:
        assert report.updated_at == report.last_entry, report.tracking_code
    # Their timelines span weeks, and so do their updates: not all the moment the demo was loaded.
    first, last = min(r.updated_at for r in reports), max(r.updated_at for r in reports)
    assert (last - first).days >= 7


def test_loading_the_demo_again_keeps_the_times():
    demo_reports_load(count=6)
    before = dict(Report.objects.filter(channel=Channel.DEMO).values_list("pk", "updated_at"))
    assert demo_reports_load(count=6) == 0
    assert dict(Report.objects.filter(channel=Channel.DEMO).values_list("pk", "updated_at")) == before
