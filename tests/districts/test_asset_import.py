"""manage.py import_assets with real files made by GDAL: GeoJSON, GeoPackage, Shapefile."""

import json
import subprocess
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from geopy.distance import geodesic

from districts.models import Agency, Asset, AssetLayer, AssetOwnership
from districts.services.assets import AssetFileError, assets_import

pytestmark = pytest.mark.django_db

# A street in Kelurahan Sisir and a small park beside it (lon, lat).
LINE = [[112.5280, -7.8770], [112.5300, -7.8760], [112.5320, -7.8755]]
PARK = [
    [112.5290, -7.8790],
    [112.5300, -7.8790],
    [112.5300, -7.8780],
    [112.5290, -7.8780],
    [112.5290, -7.8790],
]
BOW_TIE = [
    [112.5310, -7.8800],
    [112.5320, -7.8790],
    [112.5320, -7.8800],
    [112.5310, -7.8790],
    [112.5310, -7.8800],
]


@pytest.fixture
def parks():
    dlh = Agency.objects.get(code="dlh")
    return AssetLayer.objects.create(
        code="parks", name="Taman", feature_noun="taman", geometry_type="polygon", default_owner=dlh
    )


@pytest.fixture
def drains():
    layer = AssetLayer.objects.create(
        code="drains",
        name="Saluran",
        feature_noun="saluran",
        geometry_type="line",
        owner_attribute="managed_by",
        default_owner=Agency.objects.get(code="dpupr"),
    )
    AssetOwnership.objects.create(
        layer=layer, attribute_value="province", agency=Agency.objects.get(code="pu-bina-marga-jatim")
    )
    return layer


def _geojson(tmp_path, features, name="input.geojson", crs=None):
    collection = {"type": "FeatureCollection", "features": features}
    if crs:
        collection["crs"] = {"type": "name", "properties": {"name": crs}}
    path = tmp_path / name
    path.write_text(json.dumps(collection))
    return path


def _feature(external_id, geometry_type, coordinates, **properties):
    geometry = None if geometry_type is None else {"type": geometry_type, "coordinates": coordinates}
    return {"type": "Feature", "properties": {"external_id": external_id, **properties}, "geometry": geometry}


def _ogr2ogr(source, target, driver, *options):
    subprocess.run(["ogr2ogr", "-f", driver, str(target), str(source), *options], check=True, capture_output=True)
    return target


def _import(layer_code, path, *args):
    out = StringIO()
    call_command("import_assets", layer_code, str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_geojson_with_a_repair_and_a_rejection(tmp_path, parks):
    path = _geojson(
        tmp_path,
        [
            _feature("P-1", "Polygon", [PARK], name="Taman Sisir"),
            _feature("P-2", "Polygon", [BOW_TIE], name="Taman Kupu-kupu"),
            _feature("P-3", None, None, name="Taman tanpa bentuk"),
            _feature("P-4", "LineString", LINE, name="Bukan taman"),
        ],
    )
    output = _import("parks", path)
    assert "4 features read, 2 imported, 0 updated, 0 unchanged, 1 repaired, 2 rejected" in output
    assert "repaired #2 (P-2): Self-intersection" in output
    assert "rejected #3 (P-3): feature has no geometry" in output
    assert "rejected #4 (P-4): a LineString does not belong in a polygon layer" in output

    park = Asset.objects.get(layer=parks, external_id="P-1")
    assert park.name == "Taman Sisir"
    assert park.owner.code == "dlh"
    assert park.attributes["name"] == "Taman Sisir"
    bow_tie = Asset.objects.get(layer=parks, external_id="P-2")
    assert bow_tie.geom.valid
    assert bow_tie.geom.geom_type == "MultiPolygon"  # the two triangles of the bow tie
    assert len(bow_tie.geom) == 2
    assert bow_tie.geom.area == pytest.approx(0.5 * 0.001 * 0.001, rel=1e-6)


def test_a_second_run_of_the_same_file_creates_no_duplicates(tmp_path, parks):
    path = _geojson(tmp_path, [_feature("P-1", "Polygon", [PARK]), _feature("P-2", "Polygon", [BOW_TIE])])
    _import("parks", path)
    second = _import("parks", path)
    assert "2 features read, 0 imported, 0 updated, 2 unchanged" in second
    assert Asset.objects.filter(layer=parks).count() == 2


def test_a_changed_feature_is_updated_not_duplicated(tmp_path, parks):
    _import("parks", _geojson(tmp_path, [_feature("P-1", "Polygon", [PARK], name="Lama")]))
    bigger = [
        [112.5290, -7.8790],
        [112.5305, -7.8790],
        [112.5305, -7.8780],
        [112.5290, -7.8780],
        [112.5290, -7.8790],
    ]
    output = _import("parks", _geojson(tmp_path, [_feature("P-1", "Polygon", [bigger], name="Baru")], "v2.geojson"))
    assert "1 features read, 0 imported, 1 updated" in output
    park = Asset.objects.get(layer=parks, external_id="P-1")
    assert park.name == "Baru"
    assert park.geom.extent[2] == pytest.approx(112.5305)


def test_replace_removes_features_missing_from_the_file(tmp_path, parks):
    _import(
        "parks",
        _geojson(tmp_path, [_feature("P-1", "Polygon", [PARK]), _feature("P-2", "Polygon", [BOW_TIE])]),
    )
    kept_only = _geojson(tmp_path, [_feature("P-1", "Polygon", [PARK])], "v2.geojson")
    output = _import("parks", kept_only, "--replace")
    assert "1 features read, 0 imported, 0 updated, 1 unchanged, 0 repaired, 0 rejected, 1 removed" in output
    assert list(Asset.objects.filter(layer=parks).values_list("external_id", flat=True)) == ["P-1"]


def test_geopackage_in_utm_49s_is_reprojected_to_wgs84(tmp_path, drains):
    source = _geojson(tmp_path, [_feature("D-1", "LineString", LINE, managed_by="city")])
    gpkg = _ogr2ogr(source, tmp_path / "drains_utm.gpkg", "GPKG", "-s_srs", "EPSG:4326", "-t_srs", "EPSG:32749")
    info = subprocess.run(["ogrinfo", "-so", "-al", str(gpkg)], capture_output=True, text=True, check=True).stdout
    assert "UTM zone 49S" in info  # the file really is in metres, not degrees

    output = _import("drains", gpkg)
    assert "1 features read, 1 imported" in output
    drain = Asset.objects.get(layer=drains, external_id="D-1")
    for (lon, lat), (x, y) in zip(LINE, drain.geom.coords, strict=True):
        assert geodesic((lat, lon), (y, x)).m < 0.01  # a centimetre after a round trip through UTM


def test_shapefile_with_owner_by_attribute(tmp_path, drains):
    source = _geojson(
        tmp_path,
        [
            _feature("D-1", "LineString", LINE, managed_by="province"),
            _feature("D-2", "LineString", [[112.53, -7.88], [112.531, -7.881]], managed_by="nobody-knows"),
        ],
    )
    shapefile = _ogr2ogr(source, tmp_path / "drains.shp", "ESRI Shapefile", "-t_srs", "EPSG:32749")
    assert (tmp_path / "drains.prj").exists()
    # Shapefile attribute names are cut to 10 characters: "external_id" becomes "external_i".
    output = _import("drains", shapefile, "--id-field", "external_i")
    assert "2 features read, 2 imported" in output
    assert Asset.objects.get(layer=drains, external_id="D-1").owner.code == "pu-bina-marga-jatim"
    assert Asset.objects.get(layer=drains, external_id="D-2").owner.code == "dpupr"  # the default owner
    coords = Asset.objects.get(layer=drains, external_id="D-1").geom.coords[0]
    assert coords == pytest.approx(tuple(LINE[0]), abs=1e-7)


def test_a_corrupt_file_is_refused_and_nothing_is_written(tmp_path, parks):
    path = tmp_path / "corrupt.gpkg"
    path.write_bytes(b"SQLite format 3\x00" + b"\x13" * 3000)
    with pytest.raises(CommandError, match=r"nothing was imported: .*GDAL cannot read it"):
        _import("parks", path)
    assert not Asset.objects.filter(layer=parks).exists()


def test_a_missing_file_and_an_unknown_layer_are_clear_errors(tmp_path, parks):
    with pytest.raises(CommandError, match="no such file"):
        _import("parks", tmp_path / "absent.geojson")
    with pytest.raises(CommandError, match=r"no asset layer 'lakes' \(layers: .*parks"):
        _import("lakes", tmp_path / "absent.geojson")


def test_an_unknown_id_field_is_refused_before_writing(tmp_path, parks):
    path = _geojson(tmp_path, [_feature("P-1", "Polygon", [PARK])])
    with pytest.raises(AssetFileError, match="no attribute 'kode_aset'"):
        assets_import(layer=parks, path=path, id_field="kode_aset")
    assert not Asset.objects.filter(layer=parks).exists()


def test_features_without_ids_or_with_repeated_ids_are_rejected(tmp_path, parks):
    nameless = _feature("", "Polygon", [PARK])
    path = _geojson(tmp_path, [_feature("P-1", "Polygon", [PARK]), _feature("P-1", "Polygon", [PARK]), nameless])
    report = assets_import(layer=parks, path=path, id_field="external_id")
    assert report.imported == 1
    assert [(r.feature, r.reason) for r in report.rejected] == [
        ("#2 (P-1)", "external id repeated in the file"),
        ("#3", "no external id"),
    ]


def test_coordinates_outside_lonlat_ranges_point_at_a_missing_crs(tmp_path, parks):
    # UTM metres written into a GeoJSON that declares no CRS.
    square = [[669000, 9129000], [669100, 9129000], [669100, 9129100], [669000, 9129100], [669000, 9129000]]
    report = assets_import(layer=parks, path=_geojson(tmp_path, [_feature("P-9", "Polygon", [square])]))
    assert report.imported == 0
    assert report.rejected[0].reason == "coordinates outside longitude/latitude ranges (wrong or missing CRS?)"


def test_progress_is_reported(tmp_path, parks):
    seen = []
    assets_import(
        layer=parks,
        path=_geojson(tmp_path, [_feature(f"P-{i}", "Polygon", [PARK]) for i in range(5)]),
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen[-1] == (5, 5)
