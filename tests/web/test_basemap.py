"""Every map draws the app's own basemap with no outside server: with every non-local request blocked
(tests/web/conftest.py), at zoom 16 the report form, a report page and the crew's page show roads,
their names and the desa boundary, drawn from the app's tiles; the report page highlights the road
segment the report was routed by."""

import httpx
import pytest
from django.db import connection
from playwright.sync_api import expect

from tests.places import beside

from .conftest import screenshot
from .test_field_crew import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.browser]

# A named village road within 200 m of a desa boundary, with the boundary's nearest point.
NEAR_A_BOUNDARY = """
SELECT s.id, ST_X(mid), ST_Y(mid)
FROM districts_asset s
JOIN districts_assetlayer l ON l.id = s.layer_id AND l.code = 'roads'
CROSS JOIN LATERAL (SELECT ST_LineInterpolatePoint(ST_GeometryN(s.geom, 1), 0.5) AS mid) m
WHERE s.attributes ->> 'road_class' = 'village' AND s.name <> ''
  AND EXISTS (
      SELECT 1 FROM districts_area a
      WHERE a.kind IN ('desa', 'kelurahan') AND ST_DWithin(ST_Boundary(a.geom)::geography, mid::geography, 200)
  )
ORDER BY s.id
LIMIT 1
"""


def spot():
    from districts.models import Asset

    with connection.cursor() as cursor:
        cursor.execute(NEAR_A_BOUNDARY)
        asset_id, lon, lat = cursor.fetchone()
    return Asset.objects.get(pk=asset_id), lon, lat


def show(page, lon: float, lat: float, zoom: int = 16) -> dict:
    """Centre the page's map at (lon, lat) and zoom, wait for the basemap, and tell what it drew
    inside the map's own box (what a person sees, not what is off-screen)."""
    page.wait_for_function("() => !!window.leafletmapmap")
    page.evaluate("([lat, lon, z]) => window.leafletmapmap.setView([lat, lon], z, {animate: false})", [lat, lon, zoom])
    page.wait_for_function(
        "() => { const m = window.leafletmapmap.lapor || {};"
        " return m.basemap && !m.basemap.isLoading() && m.basemapNames && !m.basemapNames.isLoading()"
        " && document.querySelectorAll('.basemap-tile .road').length > 0; }"
    )
    return page.evaluate(
        """() => {
          const box = document.getElementById('map').getBoundingClientRect();
          const inside = (el) => { const r = el.getBoundingClientRect();
            return r.width + r.height > 0 && r.right > box.left && r.left < box.right && r.bottom > box.top && r.top < box.bottom; };
          const seen = (selector) => [...document.querySelectorAll(selector)].filter(inside);
          return {
            roads: seen('.basemap-tile path.road').length,
            names: seen('.basemap-tile text.road-name').map(t => t.textContent).filter(Boolean),
            desa: seen('.basemap-tile path.boundary-desa').length,
            places: seen('.basemap-tile text.place-name').map(t => t.textContent),
            attribution: document.querySelector('.leaflet-control-attribution').textContent,
          };
        }"""
    )


def assert_legible(drawn: dict) -> None:
    assert drawn["roads"] >= 3, drawn
    assert drawn["names"], drawn  # at least one road named along it
    assert all("(" not in name for name in drawn["names"])  # no internal ids in names
    assert drawn["desa"] >= 1, drawn
    assert "BIG/Kemendagri" in drawn["attribution"] and "sintetis" in drawn["attribution"]
    assert "OpenStreetMap" not in drawn["attribution"]  # nothing of OSM is drawn in the demo


def test_the_report_form_shows_roads_names_and_the_desa_boundary(phone, server):
    _road, lon, lat = spot()
    phone.goto(server + "/lapor/")
    drawn = show(phone, lon, lat)
    assert_legible(drawn)
    screenshot(phone, "basemap-report-form-z16")


def test_a_report_page_shows_the_basemap_and_the_routed_road(phone, server):
    road, _lon, _lat = spot()
    pin = beside(road, 4.0)
    body = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [pin.x, pin.y]},
        "properties": {"category": "jalan-rusak", "answers": {"severity": "moderate"}},
    }
    report = httpx.post(f"{server}/api/reports/", json=body, timeout=60).json()["properties"]
    assert report["asset"]["external_id"] == road.external_id and report["asset"]["geometry"]
    phone.goto(f"{server}/laporan/{report['tracking_code']}/")
    drawn = show(phone, pin.x, pin.y)
    assert_legible(drawn)
    highlighted = phone.locator("path.routed-asset")
    expect(highlighted).to_have_count(1)
    expect(phone.locator(".routed-asset-label")).to_contain_text(road.external_id)
    screenshot(phone, "basemap-report-page-z16")


def test_the_crew_page_shows_the_basemap(new_phone, server, staff_users):
    _road, lon, lat = spot()
    page = new_phone()
    sign_in(page, server, "dishub-crew")
    page.goto(server + "/petugas/terdekat/")
    drawn = show(page, lon, lat)
    assert_legible(drawn)
    screenshot(page, "basemap-crew-z16")
