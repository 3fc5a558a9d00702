"""Statistics against hand-computed values for a small fixture, hotspots and clusters."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from analytics.statistics import asset_hotspots, report_clusters, report_statistics
from geo_reports.models import Category, Report, Status
from geo_reports.services.handling import report_transition
from geo_reports.services.intake import report_create
from geo_reports.services.reporter import report_rate, report_reporter_confirm, report_reporter_reopen
from tests.places import asset_where, beside, moved

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")


def at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2020, 3, day, hour, tzinfo=WIB)


def street_light_report(created: dt.datetime, index: int):
    light = asset_where("street_lights")
    point = beside(light, 2.0 + index)
    return report_create(
        category=Category.objects.get(code="pju-mati"), geometry=point, answers={"problem": "out"}, created_at=created
    )


def move(report, status, moment, role="operator"):
    report_transition(report_id=report.pk, new_status=status, role=role, expected_version=None, at=moment)


@pytest.fixture
def march_2020():
    """Five Dishub street-light reports of March 2020 (Monday 2 March onwards; no holidays), with
    their first responses and resolutions at chosen hours. Deadline: 5 working days (120 h + weekend)."""
    r1 = street_light_report(at(2, 8), 1)  # verified +2 h, resolved +10 h: on time; rated 4 after closing
    move(r1.report, Status.VERIFIED, at(2, 10))
    move(r1.report, Status.RESOLVED, at(2, 18))
    r2 = street_light_report(at(3, 9), 2)  # verified +4 h, resolved +100 h: on time (due +168 h); rated 2
    move(r2.report, Status.VERIFIED, at(3, 13))
    move(r2.report, Status.RESOLVED, at(7, 13))
    street_light_report(at(4, 10), 3)  # never answered
    r4 = street_light_report(at(5, 7), 4)  # verified +6 h, resolved +300 h: late (due +168 h)
    move(r4.report, Status.VERIFIED, at(5, 13))
    move(r4.report, Status.RESOLVED, at(17, 19))
    r5 = street_light_report(at(6, 8), 5)  # verified +1 h, resolved +20 h, then reopened by the reporter
    move(r5.report, Status.VERIFIED, at(6, 9))
    move(r5.report, Status.RESOLVED, at(7, 4))
    report_reporter_confirm(report_id=r1.report.pk, token=r1.reporter_token)
    report_rate(report_id=r1.report.pk, token=r1.reporter_token, rating=4)
    report_rate(report_id=r2.report.pk, token=r2.reporter_token, rating=2)
    Report.objects.filter(pk=r5.report.pk).update(resolved_at=dt.datetime.now(tz=WIB))  # within the reopen window
    report_reporter_reopen(report_id=r5.report.pk, token=r5.reporter_token, message="Masih mati.")
    return Report.objects.filter(created_at__year=2020)


def test_per_agency_figures_match_the_hand_computed_ones(march_2020):
    assert march_2020.count() == 5
    rows = report_statistics(reports=march_2020, group="agency")
    assert rows == [
        {
            "key": "dishub",
            "label": "Dinas Perhubungan Kota Batu",
            "received": 5,
            "resolved": 3,  # r1 (closed), r2, r4; r5 was reopened, r3 never answered
            "median_first_response_hours": 3.0,  # of 2, 4, 6, 1
            "median_resolution_hours": 100.0,  # of 10, 100, 300
            "on_time_share": 0.667,  # r1 and r2 of the three
            # Wilson, z = 1.96: (2/3 + z²/6 - z·√(2/27 + z²/36)) / (1 + z²/3) = (1.30693 - 0.83337) / 2.28053
            "on_time_lower_bound": 0.208,
            "reopened_share": 0.2,  # r5 of five
            "average_rating": 3.0,  # 4 and 2
            "rated": 2,
        }
    ]


def test_figures_by_month_desa_and_category(march_2020):
    by_month = report_statistics(reports=march_2020, group="month")
    assert [(r["key"], r["received"], r["resolved"]) for r in by_month] == [("2020-03", 5, 3)]
    for language, month in (("id", "Maret 2020"), ("en", "March 2020")):  # months in words, for people
        with translation.override(language):
            assert report_statistics(reports=march_2020, group="month")[0]["label"] == month
    by_category = report_statistics(reports=march_2020, group="category")
    assert [(r["key"], r["label"]) for r in by_category] == [("pju-mati", "Lampu PJU mati")]
    by_desa = report_statistics(reports=march_2020, group="desa")
    assert sum(r["received"] for r in by_desa) == 5
    assert all(r["key"].startswith("35.79.") for r in by_desa)


def test_repeat_failures_per_asset_are_named_in_a_sentence():
    pipe = asset_where("water_pipes", pipe_type="main")
    leak = Category.objects.get(code="pipa-bocor")
    for index in range(4):
        report_create(
            category=leak,
            geometry=beside(pipe, 2 + index, fraction=0.3),
            answers={"flow": "seep"},
            description="hotspot-uji",
        )
    other = asset_where("water_pipes", pipe_type="distribution")
    report_create(category=leak, geometry=beside(other, 3), answers={"flow": "seep"}, description="hotspot-uji")
    hotspots = asset_hotspots(reports=Report.objects.filter(description="hotspot-uji"), months=12, minimum=2)
    assert [h["properties"]["external_id"] for h in hotspots] == [pipe.external_id]
    properties = hotspots[0]["properties"]
    assert properties["reports"] == 4
    assert properties["summary"] == f"pipa {pipe.external_id}: 4 laporan dalam 12 bulan"
    assert properties["summary_en"] == f"pipe {pipe.external_id}: 4 reports in 12 months"
    assert hotspots[0]["geometry"]["type"] == "LineString"


def test_clusters_gather_close_reports_only():
    waste = Category.objects.get(code="sampah")
    from districts.models import Asset

    centre = Asset.objects.filter(layer__code="street_lights").order_by("external_id")[600].geom
    for index in range(5):
        report_create(
            category=waste,
            geometry=moved(centre, 10 * index, 72 * index),
            answers={"problem": "dumping"},
            description="cluster-uji",
        )
    report_create(
        category=waste, geometry=moved(centre, 900, 180), answers={"problem": "dumping"}, description="cluster-uji"
    )
    clusters = report_clusters(reports=Report.objects.filter(description="cluster-uji"), eps_m=100, min_points=4)
    assert len(clusters) == 1
    assert clusters[0]["properties"]["reports"] == 5
    assert clusters[0]["properties"]["main_category"] == "sampah"
    assert clusters[0]["geometry"]["type"] == "Polygon"


def test_the_statistics_api_and_page(api):
    rows = api.get("/api/stats/", params={"group": "agency"}).json()["rows"]
    assert all({"key", "received", "median_resolution_hours", "on_time_share"} <= set(r) for r in rows)
    bad = api.get("/api/stats/", params={"group": "planet"})
    assert bad.status_code == 400
    assert bad.json()["errors"]["group"] == ["group harus agency, kecamatan, desa, category, atau month."]
    page = api.get("/statistik/")
    assert page.status_code == 200 and 'id="league"' in page.text
    for path in ("/api/stats/hotspots/assets/", "/api/stats/hotspots/clusters/"):
        body = api.get(path).json()
        assert body["type"] == "FeatureCollection"
    assert api.get("/api/stats/hotspots/clusters/", params={"eps_m": "-1"}).status_code == 400
