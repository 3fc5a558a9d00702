"""The bulk generator behind the scale tests and benchmarks: reports inside the city, routed in SQL
as the routing function would route them, spread over places, years and statuses, written in time
order, each with its first timeline entry and counted on the map; with the tables' indexes kept or
dropped and built again exactly as they were."""

import datetime as dt
import itertools
import random
import re
from collections import defaultdict

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from districts.models import Area
from geo_reports.models import Report, ReportUpdate
from geo_reports.routing import route
from geo_reports.services import bulk
from geo_reports.services.base import TRACKING_ALPHABET, normalize_tracking_code
from geo_reports.services.bulk import reports_generate
from maps.models import CELL_ZOOM_OFFSET, MAP_CELL_ZOOMS

pytestmark = pytest.mark.django_db
COUNT = 1200
HALF = 20037508.342789244


@pytest.fixture(params=["indexes rebuilt", "indexes kept"])
def generated(request) -> list[Report]:
    before = set(Report.objects.values_list("pk", flat=True))
    rebuild = request.param == "indexes rebuilt"
    result = reports_generate(count=COUNT, batch=500, rebuild_indexes=rebuild)
    assert result.created == COUNT
    assert (result.indexes_rebuilt > 0) == rebuild
    return list(Report.objects.exclude(pk__in=before).select_related("category", "agency", "desa", "kecamatan"))


def test_the_command_generates_and_says_how_many_and_how_fast(capsys):
    before = Report.objects.count()
    call_command("generate_reports", 300, "--batch", "100")
    assert re.search(r"^300 reports in [\d.]+ s \([\d,]+ reports/s\)$", capsys.readouterr().out, re.M)
    assert Report.objects.count() == before + 300


def test_it_makes_exactly_the_reports_asked_for_inside_the_city_each_with_its_timeline(generated):
    assert len(generated) == COUNT
    city = Area.objects.get(code=settings.LAPOR_CITY_CODE).geom
    assert all(city.contains(report.location) for report in generated)
    assert all(
        report.desa and report.kecamatan and report.desa.parent_id == report.kecamatan_id for report in generated
    )
    assert all(report.channel == "demo" and report.agency_id for report in generated)
    assert all(report.geometry == report.location for report in generated)
    assert ReportUpdate.objects.filter(report__in=generated, kind="created").count() == COUNT
    first = ReportUpdate.objects.filter(report__in=generated).values_list("report_id", "created_at", "agency_id")
    assert {(r.pk, r.created_at, r.agency_id) for r in generated} == set(first)


def test_tracking_codes_are_unique_readable_and_found_as_typed(generated):
    codes = [report.tracking_code for report in generated]
    assert len(set(codes)) == COUNT
    pattern = re.compile(f"^Z[{TRACKING_ALPHABET}]{{3}}-[{TRACKING_ALPHABET}]{{4}}$")
    assert all(pattern.match(code) for code in codes)
    assert all(normalize_tracking_code(code.lower().replace("-", " ")) == code for code in codes)
    assert len({report.reporter_token_hash for report in generated}) == COUNT
    assert all(re.fullmatch("[0-9a-f]{64}", report.reporter_token_hash) for report in generated)


def test_bulk_routing_agrees_with_the_routing_function(generated):
    """Every way of routing occurs, and a sample of each routes exactly as route() routes it: the same
    agency, areas, asset (and its distance), reason and rule."""
    by_reason = defaultdict(list)
    for report in generated:
        by_reason[report.routing["reason"]].append(report)
    assert {"asset", "asset_rule", "rule", "default", "triage"} <= set(by_reason)
    rng = random.Random(3)
    sample = [r for reports in by_reason.values() for r in rng.sample(reports, min(len(reports), 20))]
    sample += rng.sample(generated, 40)
    disagreements = []
    for report in sample:
        decision = route(category=report.category, geometry=report.geometry)
        expected = (
            decision.agency.pk,
            decision.desa.pk,
            decision.kecamatan.pk,
            decision.asset.pk if decision.asset else None,
            decision.distance_m is not None,
            decision.reason,
            decision.as_data()["rule"],  # the rule as the API names it (RuleRefSerializer)
        )
        stored = (
            report.agency_id,
            report.desa_id,
            report.kecamatan_id,
            report.asset_id,
            report.asset_distance_m is not None,
            report.routing["reason"],
            report.routing["rule"],
        )
        if stored != expected or abs((report.asset_distance_m or 0) - (decision.distance_m or 0)) > 0.006:
            disagreements.append((report.tracking_code, report.category.code, stored, expected))
    assert disagreements == []
    assert all(
        report.routing_explanation.startswith(f"Diteruskan ke {report.agency.name}")
        and report.routing_explanation_en.endswith(f"{report.desa.name}, Kec. {report.kecamatan.name}.")
        for report in generated
    )


def test_generated_reports_are_answered_by_the_api_like_any_other(generated):
    """The stored routing decision has the shape the answer reads (a bare rule id once broke it)."""
    from django.test import RequestFactory

    from geo_reports.selectors import report_own_detail
    from geo_reports.serializers.outputs import ReportDetailSerializer

    request = RequestFactory().get("/")
    for report in report_own_detail().filter(pk__in=[r.pk for r in generated]):
        routing = ReportDetailSerializer(report, context={"request": request}).data["properties"]["routing"]
        assert routing["reason"] == report.routing["reason"]
        assert routing["rule"] is None or routing["rule"]["id"] == report.routing["rule"]["id"]


def test_the_map_cell_counts_equal_the_reports_counted(generated):
    zooms = f"generate_series({MAP_CELL_ZOOMS.start}, {MAP_CELL_ZOOMS[-1]}) z"
    size = f"({2 * HALF} / 2 ^ (z + {CELL_ZOOM_OFFSET}))"
    expected_sql = f"""
        SELECT z, floor((ST_X(g) + {HALF}) / {size})::int, floor(({HALF} - ST_Y(g)) / {size})::int,
               category_id, status, count(*)
        FROM (SELECT ST_Transform(location, 3857) AS g, category_id, status FROM geo_reports_report
              WHERE NOT (is_hidden OR is_private)) r, {zooms}
        GROUP BY 1, 2, 3, 4, 5"""
    kept_sql = (
        "SELECT z, cx, cy, category_id, status, sum(n) FROM maps_mapcell GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0"
    )
    with connection.cursor() as cursor:
        cursor.execute(expected_sql)
        expected = {tuple(row[:5]): row[5] for row in cursor.fetchall()}
        cursor.execute(kept_sql)
        kept = {tuple(row[:5]): row[5] for row in cursor.fetchall()}
        cursor.execute("SELECT count(*) FROM maps_mapcell WHERE NOT merged")
        unmerged = cursor.fetchone()[0]
    assert sum(n for (z, *_), n in expected.items() if z == MAP_CELL_ZOOMS.start) >= COUNT * 0.8  # the public ones
    assert kept == expected
    assert unmerged == 0  # merged once the load is done


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
    # Many reports along roads: within 20 m of one far more often than points spread evenly would be.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM geo_reports_report r WHERE r.id = ANY(%s) AND EXISTS ("
            " SELECT FROM districts_asset s JOIN districts_assetlayer l ON l.id = s.layer_id"
            " WHERE l.code = 'roads' AND ST_DWithin(s.geom::geography, r.location::geography, 20))",
            [[r.pk for r in generated]],
        )
        near_roads = cursor.fetchone()[0]
    assert near_roads / COUNT > 0.45


def test_reports_are_written_in_time_order_as_a_real_table_is(generated):
    by_id = [report.created_at for report in sorted(generated, key=lambda r: r.pk)]
    inversions = sum(1 for earlier, later in itertools.pairwise(by_id) if later < earlier)
    assert inversions / len(by_id) < 0.01


def _indexes() -> set[tuple[str, str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)", [list(bulk.BULK_TABLES)]
        )
        return set(cursor.fetchall())


def test_a_load_larger_than_the_table_drops_the_secondary_indexes_and_builds_them_again_as_they_were():
    before = _indexes()
    assert len(before) > 10 and any("USING gist" in definition for *_, definition in before)
    result = reports_generate(count=Report.objects.count() + 50, batch=400)
    assert result.indexes_rebuilt >= 10  # all but the primary keys and the tracking code's unique constraint
    assert _indexes() == before
    # a smaller load leaves them alone
    assert reports_generate(count=20).indexes_rebuilt == 0
    assert _indexes() == before


def test_a_load_that_fails_leaves_the_tables_and_their_indexes_as_they_were(monkeypatch):
    before, reports, updates = _indexes(), Report.objects.count(), ReportUpdate.objects.count()
    monkeypatch.setattr(bulk, "STATEMENT", "SELECT 1 / 0")
    with pytest.raises(Exception, match="division by zero"):
        reports_generate(count=100, rebuild_indexes=True)
    assert _indexes() == before
    assert (Report.objects.count(), ReportUpdate.objects.count()) == (reports, updates)
