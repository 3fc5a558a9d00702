"""Real Chromium (Debian's package) through Playwright, against the real server.

Map tiles come from the internet, which is closed here: every request that is not to the server is
aborted, so the pages are tested as they work without tiles. Screenshots of each page land in
var/test-artifacts/screenshots/ for people to look at.
"""

import pytest

from tests.conftest import ARTIFACTS, BASE_DIR

PHONE = {"width": 360, "height": 640}
DESKTOP = {"width": 1280, "height": 800}
SCREENSHOTS = ARTIFACTS / "screenshots"
AXE = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"


def _context(chromium, server, viewport, **options):
    context = chromium.new_context(viewport=viewport, locale="id-ID", has_touch=viewport is PHONE, **options)
    context.route(lambda url: not url.startswith(server), lambda route: route.abort())
    context.set_default_timeout(15_000)
    return context


@pytest.fixture
def phone(chromium, server):
    """A page in a phone-sized browser; JavaScript errors fail the test."""
    context = _context(chromium, server, PHONE)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == []


@pytest.fixture
def desktop(chromium, server):
    context = _context(chromium, server, DESKTOP)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == []


@pytest.fixture
def new_phone(chromium, server):
    """Another citizen: a fresh browser profile (its own device id), phone-sized."""
    contexts = []

    def make(**options):
        context = _context(chromium, server, PHONE, **options)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> None:
    page.wait_for_load_state("load")  # the page as people see it, with every stylesheet applied
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def axe_violations(page) -> list[dict]:
    """Serious and critical accessibility problems found by axe-core on the current page, once loaded."""
    page.wait_for_load_state("load")
    # Run through the DevTools protocol, not as an inline <script>: the pages' Content-Security-Policy
    # refuses inline scripts without the request's nonce, and the test must not loosen it.
    page.evaluate("() => {\n" + AXE.read_text() + "\n}")
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def wait_for_map(page) -> None:
    page.wait_for_function(
        "() => window.leafletmapmap && document.body.dataset.mapReady !== undefined || window.leafletmapmap"
    )


def tap_map_at(page, lon: float, lat: float, zoom: int = 18) -> None:
    """Centre the map on (lon, lat) and tap the middle of the map, as a citizen would tap the spot."""
    page.wait_for_function("() => !!window.leafletmapmap")
    page.evaluate(
        "([lat, lon, zoom]) => window.leafletmapmap.setView([lat, lon], zoom, {animate: false})", [lat, lon, zoom]
    )
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def pytest_runtest_logreport(report):
    """The data budget's outcome joins its figures in the records (tests/reliability/records.py)."""
    from tests.reliability import records

    if records.proof_of(report.nodeid) in MEASURED and (report.when == "call" or not report.passed):
        records.outcome(report.nodeid, report.outcome)


def pytest_sessionfinish(session):
    from tests.reliability import records

    records.write()


MEASURED = {"data_budget"}
