"""The bulk generator behind the scale tests and benchmarks: reports inside the city, routed in SQL
as the routing function would route them, spread over places, years and statuses, written in time
order, each with its first timeline entry and counted on the map."""

import datetime as dt
import itertools
import random

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from districts.models import Area
from geo_reports.models import Report, ReportUpdate
from geo_reports.routing import route

pytestmark = pytest.mark.django_db
COUNT = 1200


@pytest.fixture
def generated(capsys) -> list[Report]:
    before = set(Report.objects.values_list("pk", flat=True))
    call_command("generate_reports", COUNT, "--batch", "500")
    assert f"{COUNT:,} reports in" in capsys.readouterr().out
    return list(Report.objects.exclude(pk__in=before).select_related("category", "agency", "desa", "kecamatan"))


def test_it_makes_exactly_the_reports_asked_for_inside_the_city_each_with_its_timeline(generated):
    assert len(generated) == COUNT
    city = Area.objects.get(code=settings.LAPOR_CITY_CODE).geom
    assert all(city.contains(report.location) for report in generated)
    assert all(
        report.desa and report.kecamatan and report.desa.parent_id == report.kecamatan_id for report in generated
    )
    assert all(report.channel == "demo" and report.agency_id for report in generated)
    assert ReportUpdate.objects.filter(report__in=generated, kind="created").count() == COUNT
    assert len({report.tracking_code for report in generated}) == COUNT


def test_bulk_routing_agrees_with_the_routing_function(generated):
    sample = random.Random(3).sample(generated, 60)
    disagreements = []
    for report in sample:
        decision = route(category=report.category, geometry=report.geometry)
        if (decision.agency.pk, decision.desa.pk) != (report.agency_id, report.desa_id):
            disagreements.append((report.tracking_code, report.category.code, decision.agency.code, report.agency.code))
    assert disagreements == []


def test_reports_spread_over_years_and_places_and_older_ones_are_mostly_finished(generated):
    now = timezone.now()
    ages = sorted((now - report.created_at).days for report in generated)
    assert ages[0] < 30 and ages[-1] > 3 * 365  # five years, denser recently
    assert ages[len(ages) // 2] < 2.5 * 365
    old = [r for r in generated if now - r.created_at > dt.timedelta(days=365)]
    new = [r for r in generated if now - r.created_at < dt.timedelta(days=3)]
    assert sum(r.status in ("resolved", "closed", "rejected") for r in old) / len(old) > 0.9
    assert new and sum(r.status in ("submitted", "verified", "in_progress", "rejected") for r in new) == len(new)
    # Denser in the town (Kecamatan Batu) than in the rest of the city, per square kilometre.
    with connection.cursor() as cursor:
        cursor.execute("SELECT code, ST_Area(geom::geography) / 1e6 FROM districts_area WHERE kind = 'kecamatan'")
        km2 = dict(cursor.fetchall())
    density = {code: sum(r.kecamatan.code == code for r in generated) / area for code, area in km2.items()}
    assert density["35.79.01"] > max(d for code, d in density.items() if code != "35.79.01")
    assert len({r.category_id for r in generated}) >= 8


def test_reports_are_written_in_time_order_as_a_real_table_is(generated):
    by_id = [report.created_at for report in sorted(generated, key=lambda r: r.pk)]
    inversions = sum(1 for earlier, later in itertools.pairwise(by_id) if later < earlier)
    assert inversions / len(by_id) < 0.01
