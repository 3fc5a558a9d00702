"""Accessibility (axe-core in Chromium), page weight, and the pages working without map tiles."""

import re

import httpx
import pytest
from playwright.sync_api import expect

from tests.places import asset_where, beside

from .conftest import axe_violations, screenshot

pytestmark = [pytest.mark.django_db, pytest.mark.browser]
BUDGET_BYTES = 350 * 1024


def _a_report(server) -> str:
    light = asset_where("street_lights")
    pin = beside(light, 3, fraction=0)
    body = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [pin.x, pin.y]},
        "properties": {"category": "pju-mati", "answers": {"problem": "out"}, "description": "Lampu mati."},
    }
    return httpx.post(f"{server}/api/reports/", json=body).json()["properties"]["tracking_code"]


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_no_serious_accessibility_problems(phone, server, prefix):
    code = _a_report(server)
    pages = {
        "home": prefix + "/",
        "report-form": prefix + "/lapor/",
        "report-page": prefix + f"/laporan/{code}/",
        "track": prefix + "/lacak/",
    }
    found = {}
    for name, path in pages.items():
        phone.goto(server + path)
        phone.wait_for_function("() => !document.querySelector('#map') || !!window.leafletmapmap")
        if name == "report-form":
            phone.locator("label[for=category-pipa-bocor]").click()  # questions rendered, too
        violations = axe_violations(phone)
        if violations:
            found[name] = violations
        screenshot(phone, f"a11y-{name}{prefix.replace('/', '-')}")
    assert found == {}


def test_the_home_page_weighs_at_most_350_kb_compressed(server):
    """HTML, CSS and JavaScript of the home page as a browser fetches them (gzip), without map tiles
    and report data."""
    with httpx.Client(base_url=server, headers={"Accept-Encoding": "gzip"}) as client:
        home = client.get("/")
        assert home.headers.get("Content-Encoding") == "gzip"
        sizes = {"/": home.num_bytes_downloaded}
        assets = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(/static/[^"]+\.(?:js|css))"', home.text)
        assert any(a.endswith(".js") for a in assets) and any(a.endswith(".css") for a in assets)
        for path in assets:
            response = client.get(path)
            assert response.status_code == 200, path
            assert response.headers.get("Content-Encoding") == "gzip", path
            assert "max-age=315360000" in response.headers.get("Cache-Control", ""), path  # hashed names
            sizes[path] = response.num_bytes_downloaded
    total = sum(sizes.values())
    print(f"home page: {total / 1024:.1f} KB compressed over {len(sizes)} files: {sizes}")
    assert total <= BUDGET_BYTES, sizes


def test_the_map_page_works_with_tiles_blocked_and_shows_the_boundary(desktop, server):
    _a_report(server)
    desktop.goto(server + "/")
    desktop.wait_for_function(
        "() => document.body.dataset.reportsLoaded !== undefined && document.body.dataset.tilesLoaded !== undefined"
    )
    expect(desktop.locator(".leaflet-overlay-pane path")).not_to_have_count(0)  # the city boundary
    # No background tile (an image from the internet) reached us; the report tiles (ours) did.
    assert desktop.locator("img.leaflet-tile-loaded").count() == 0
    assert desktop.locator("svg.leaflet-tile-loaded path").count() > 0
    screenshot(desktop, "home-desktop-no-tiles")
