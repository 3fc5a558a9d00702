"""Promise 8, second half: no spatial-reference string a client sends reaches GDAL.

The installed GDAL is older than 3.9: a spatial reference given as text (a file path, a URL) can make
it read a file or fetch a URL (Django's gis.W001, silenced in config/settings.py with that reason).
Every way a client's input becomes geometry is tried with a `crs` (and `bbox-crs`, `srs`) naming a
URL on a loopback listener we own and a named pipe (FIFO) in a temporary folder: if anything opened
either, we would see it (the listener records requests; a blocking reader of a FIFO shows up to a
non-blocking writer). The input must be refused or the CRS ignored (the geometry read as WGS84), and
nothing may be touched. The same holds for the admin-side readers: GEOS from GeoJSON text (the admin
map widgets' path) and the asset importer reading a file an administrator chose.
"""

import errno
import http.server
import json
import os
import re
import tempfile
import threading
import time
from pathlib import Path

import pytest

from . import records
from .conftest import auth, file_report

pytestmark = pytest.mark.django_db


class Tripwires:
    """A loopback URL and a FIFO path; `touched` lists what reached either."""

    def __init__(self):
        tripwires = self
        self.touched: list[str] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                tripwires.touched.append(f"GET {self.path}")
                self.send_response(404)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/crs/4326"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.folder = Path(tempfile.mkdtemp(prefix="lapor-srs-"))
        os.chmod(self.folder, 0o755)  # noqa: S103 (a FIFO anyone may open: that is the tripwire)
        self.fifo = str(self.folder / "crs.wkt")
        os.mkfifo(self.fifo, 0o666)
        self._watching = True
        threading.Thread(target=self._watch_fifo, daemon=True).start()

    def _watch_fifo(self):
        while self._watching:
            try:
                fd = os.open(self.fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as exc:
                if exc.errno != errno.ENXIO:  # ENXIO: nobody has it open for reading
                    raise
            else:
                self.touched.append(f"opened {self.fifo}")
                os.close(fd)  # the reader sees end of file and goes on
            time.sleep(0.001)

    def names(self) -> list[str]:
        return [self.url, self.fifo, f"file://{self.fifo}"]

    def close(self):
        self._watching = False
        self.httpd.shutdown()
        os.unlink(self.fifo)
        self.folder.rmdir()


@pytest.fixture(scope="module")
def tripwires():
    wires = Tripwires()
    yield wires
    wires.close()


PIN = [112.5290, -7.8763]


@pytest.fixture
def api(api):
    """The API client, its requests counted for the record: every one sent here names a tripwire."""
    api.event_hooks["request"].append(lambda request: records.count(__name__, "hostile_inputs"))
    return api


def crs_member(name: str) -> dict:
    return {"type": "name", "properties": {"name": name}}


def _settle(tripwires: Tripwires, *, counted: bool = True) -> list[str]:
    """What the tripwires caught; `counted` adds it to the record (not for the tripwires' own test)."""
    time.sleep(0.05)  # a reader opened at the very end is still seen
    if counted:
        records.note(__name__, tripwire_hits=len(tripwires.touched))
    return tripwires.touched


def test_report_geometry_with_a_crs_is_read_as_wgs84_and_touches_nothing(api, tripwires):
    for name in tripwires.names():
        geometry = {"type": "Point", "coordinates": PIN, "crs": crs_member(name)}
        body = {
            "type": "Feature",
            "geometry": geometry,
            "crs": crs_member(name),
            "properties": {"category": "sampah", "answers": {"problem": "dumping"}},
        }
        created = api.post("/api/reports/", json=body, timeout=30)
        assert created.status_code in (201, 400), created.text
        if created.status_code == 201:  # ignored: the numbers were taken as WGS84 longitude/latitude
            assert created.json()["properties"]["location"] == PIN
        preview = api.post("/api/routing/preview/", json=body, timeout=30)
        assert preview.status_code in (200, 400)
        multipart = api.post(
            "/api/reports/",
            data={
                "category": "sampah",
                "geometry": json.dumps(geometry),
                "answers": json.dumps({"problem": "dumping"}),
            },
            files=[("unused", ("x.txt", b"x", "text/plain"))],
            timeout=30,
        )
        assert multipart.status_code in (201, 400), multipart.text
    assert _settle(tripwires) == []


def test_a_staff_reroute_with_a_crs_touches_nothing(api, server, staff_users, tripwires):
    report = file_report(server)
    for version, name in enumerate(tripwires.names(), start=1):
        response = api.post(
            f"/api/reports/{report['id']}/reroute/",
            json={"version": version, "geometry": {"type": "Point", "coordinates": PIN, "crs": crs_member(name)}},
            headers=auth(staff_users["admin-test"]),
            timeout=30,
        )
        assert response.status_code in (200, 400), response.text
    assert _settle(tripwires) == []


@pytest.fixture(scope="module")
def open311_key(committed) -> str:
    from open311.services import api_key_create

    with committed():
        return api_key_create(client_name="SRS tripwire").key


def test_open311_and_ogc_api_parameters_naming_a_crs_touch_nothing(api, tripwires, open311_key):
    key = open311_key
    for name in tripwires.names():
        posted = api.post(
            "/open311/v2/requests.json",
            data={"api_key": key, "service_code": "sampah", "lat": str(PIN[1]), "long": str(PIN[0]),
                  "attribute[problem]": "dumping", "srs": name, "crs": name},
            timeout=30,
        )  # fmt: skip
        assert posted.status_code in (201, 400), posted.text
        for params in (
            {"bbox": "112.4,-7.95,112.6,-7.75", "bbox-crs": name},
            {"crs": name},
            {"bbox": "112.4,-7.95,112.6,-7.75", "bbox-crs": name, "crs": name, "f": "html"},
            {"filter": "status = 'submitted'", "filter-crs": name},
        ):
            items = api.get("/ogcapi/collections/reports/items", params=params, timeout=30)
            assert items.status_code in (200, 400), items.text[:300]
        listed = api.get("/api/reports/", params={"bbox": "112.4,-7.95,112.6,-7.75", "crs": name})
        assert listed.status_code in (200, 400)
    assert _settle(tripwires) == []


def test_geos_refuses_geojson_naming_an_external_crs(tripwires):
    """The admin's map widgets turn GeoJSON text into GEOS geometry through GDAL."""
    from django.contrib.gis.geos import GEOSGeometry

    for name in tripwires.names():
        records.count(__name__, "hostile_inputs")
        text = json.dumps({"type": "Point", "coordinates": PIN, "crs": crs_member(name)})
        with pytest.raises(Exception, match="external CRS"):
            GEOSGeometry(text)
    assert _settle(tripwires) == []


def test_the_asset_importer_ignores_a_crs_naming_a_file_or_url(tripwires, tmp_path):
    from districts.models import AssetLayer
    from districts.services.assets import assets_import

    layer = AssetLayer.objects.get(code="street_lights")
    for number, name in enumerate(tripwires.names()):
        records.count(__name__, "hostile_inputs")
        path = tmp_path / f"lights-{number}.geojson"
        path.write_text(
            json.dumps(
                {
                    "type": "FeatureCollection",
                    "crs": crs_member(name),
                    "features": [
                        {
                            "type": "Feature",
                            "properties": {"external_id": f"SRS-{number}", "name": "Tiang uji"},
                            "geometry": {"type": "Point", "coordinates": PIN},
                        }
                    ],
                }
            )
        )
        report = assets_import(layer=layer, path=path)
        assert report.total == 1
    assert _settle(tripwires) == []


def test_the_tripwires_see_gdal_reaching_out(tripwires):
    """Without this, an empty `touched` could mean blind tripwires."""
    from django.contrib.gis.gdal import GDALException, SpatialReference

    tripwires.touched.clear()
    for name in (tripwires.url, tripwires.fifo):
        with pytest.raises(GDALException):
            SpatialReference(name)
    assert _settle(tripwires, counted=False) == ["GET /crs/4326", f"opened {tripwires.fifo}"]
    tripwires.touched.clear()


# Every call in the project's own code through which text could become a spatial reference for GDAL,
# with why it is safe. A new one fails test_every_gdal_entry_point_is_reviewed until it is reviewed.
GDAL_ENTRY_POINTS = {
    "districts/services/geometry.py": {
        "SpatialReference(settings.LAPOR_SRID)": "the target is our own SRID, an integer",
        "ogr.transform(target)": "from the CRS of a file an administrator chose (see the importer test above)",
        "GEOSGeometry(memoryview(ogr.wkb)": "WKB carries no spatial-reference text",
        "GEOSGeometry(memoryview(shapely.to_wkb(geom))": "WKB carries no spatial-reference text",
    },
    "districts/services/areas.py": {"DataSource(str(path))": "boundary files chosen by administrators"},
    "districts/services/assets.py": {"DataSource(str(path))": "asset files chosen by administrators"},
    "districts/services/osm.py": {"DataSource(str(path))": "OpenStreetMap extracts chosen by administrators"},
    "districts/synthetic.py": {"shapely.transform(": "shapely's coordinate mapping, not GDAL"},
    "districts/serializers.py": {
        "class GeoJSONGeometryField(serializers.Field)": "reads GeoJSON with common.geojson: GEOS from numbers, no CRS"
    },
    "city_info/models.py": {"location.transform(settings.LAPOR_SRID)": "the target is our SRID; the source an integer"},
}
ENTRY_POINT = re.compile(
    r"SpatialReference\(|CoordTransform\(|\.transform\(|OGRGeometry\(|DataSource\(|GEOSGeometry\(|fromstr\(|"
    r"from_gml\(|\.from_ewkt\(|SetFromUserInput|ImportFromUrl"
)
# A rest_framework_gis or django.contrib.gis.forms geometry field that reads input goes through GDAL.
INPUT_GEOMETRY_FIELD = re.compile(r"GeometryField\((?![^)]*read_only=True)")
NOT_APPS = {"tests", "bench", "scripts", "var", "node_modules", "static", "templates", "locale", "fixtures"}


def test_every_gdal_entry_point_is_reviewed():
    from tests.conftest import BASE_DIR

    records.note(__name__, gdal_entry_points=sum(len(reviewed) for reviewed in GDAL_ENTRY_POINTS.values()))
    unreviewed = []
    packages = [path.parent for path in BASE_DIR.glob("*/__init__.py") if path.parent.name not in NOT_APPS | {".venv"}]
    assert {"geo_reports", "districts", "open311", "ogcapi"} <= {package.name for package in packages}
    for package in packages:
        for source in package.rglob("*.py"):
            relative = source.relative_to(BASE_DIR).as_posix()
            if "/migrations/" in relative:
                continue
            text = source.read_text()
            reads_geometry = "rest_framework_gis.fields import" in text or "gis import forms" in text
            for line in text.splitlines():
                stripped = line.strip()
                if stripped.startswith(("#", "from ", "import ")):
                    continue
                hit = ENTRY_POINT.search(stripped) or (reads_geometry and INPUT_GEOMETRY_FIELD.search(stripped))
                if hit and not any(known in stripped for known in GDAL_ENTRY_POINTS.get(relative, {})):
                    unreviewed.append(f"{relative}: {stripped}")
    assert unreviewed == [], "review whether client input can reach GDAL here, then list it: " + "; ".join(unreviewed)
