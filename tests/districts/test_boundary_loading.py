"""manage.py load_areas: idempotent, and all-or-nothing on a broken or unsuitable file."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from districts.models import Area
from tests.conftest import BASE_DIR

pytestmark = pytest.mark.django_db

BOUNDARIES = BASE_DIR / "fixtures" / "batu_boundaries.geojson"


def _snapshot():
    return sorted(Area.objects.values_list("code", "name", "kind", "parent__code"))


def _square(lon, lat, size=0.01):
    return {
        "type": "Polygon",
        "coordinates": [[[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]],
    }


def _write(tmp_path, features, name="areas.geojson"):
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def _feature(code, kind, parent_code, geometry, name=None):
    return {
        "type": "Feature",
        "properties": {
            "code": code,
            "kind": kind,
            "name": name or f"Area {code}",
            "parent_code": parent_code,
        },
        "geometry": geometry,
    }


def test_the_batu_file_holds_28_areas_in_three_levels():
    assert Area.objects.count() == 28
    counts = {kind: Area.objects.filter(kind=kind).count() for kind in Area.Kind.values}
    assert counts == {"kota": 1, "kecamatan": 3, "desa": 19, "kelurahan": 5}
    assert Area.objects.get(code="35.79.02.2009").name == "Sumber Brantas"
    assert Area.objects.get(code="35.79.02.2009").parent.name == "Bumiaji"
    assert Area.objects.get(code="35.79.02").parent.code == "35.79"
    assert Area.objects.get(code="35.79").parent is None


def test_loading_the_same_file_twice_changes_nothing():
    before = _snapshot()
    out = StringIO()
    call_command("load_areas", str(BOUNDARIES), stdout=out)
    assert "28 in file, 0 created, 0 updated, 28 unchanged" in out.getvalue()
    call_command("load_areas", str(BOUNDARIES), stdout=StringIO())
    assert Area.objects.count() == 28
    assert _snapshot() == before


def test_every_geometry_is_a_valid_multipolygon_and_desa_tile_the_city():
    from django.db.models import FloatField, Func, Sum

    from districts.spatial import Geography

    def square_metres():
        return Func(Geography("geom"), function="ST_Area", output_field=FloatField())

    assert all(a.geom.geom_type == "MultiPolygon" and a.geom.valid for a in Area.objects.all())
    city = Area.objects.filter(kind="kota").annotate(m2=square_metres()).get()
    desa = Area.objects.filter(kind__in=Area.LOCAL_KINDS).aggregate(m2=Sum(square_metres()))
    # SOURCES.md gives 194.157 km² as a planar area in UTM 49S; the spheroid differs by < 0.1 %.
    assert city.m2 / 1e6 == pytest.approx(194.157, rel=1e-3)
    assert desa["m2"] == pytest.approx(city.m2, rel=1e-5)


def test_a_truncated_file_is_refused_and_nothing_is_written(tmp_path):
    path = tmp_path / "broken.geojson"
    path.write_text(BOUNDARIES.read_text()[:5000])
    before = _snapshot()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("load_areas", str(path))
    assert _snapshot() == before


def test_a_file_without_the_required_attributes_is_refused(tmp_path):
    feature = _feature("99.01", "kota", "", _square(100, 0))
    del feature["properties"]["parent_code"]
    path = _write(tmp_path, [feature])
    with pytest.raises(CommandError, match="attributes missing: parent_code"):
        call_command("load_areas", str(path))
    assert not Area.objects.filter(code="99.01").exists()


def test_one_bad_feature_means_none_of_the_file_is_written(tmp_path):
    bow_tie = {"type": "Polygon", "coordinates": [[[100, 0], [101, 1], [101, 0], [100, 1], [100, 0]]]}
    path = _write(
        tmp_path,
        [
            _feature("99.01", "kota", "", _square(100, 0, 1)),
            _feature("99.01.01", "kecamatan", "99.01", bow_tie),
            _feature("99.01.02", "kabupaten", "99.01", _square(100.5, 0.5, 0.1)),
            _feature("99.01.03", "kecamatan", "99.01", {"type": "Point", "coordinates": [100.2, 0.2]}),
        ],
    )
    with pytest.raises(CommandError) as raised:
        call_command("load_areas", str(path))
    message = str(raised.value)
    assert "feature 2 (99.01.01): invalid geometry (Self-intersection" in message
    assert "feature 3 (99.01.02): kind 'kabupaten' is not one of" in message
    assert "feature 4 (99.01.03): a boundary must be a polygon, not a Point" in message
    assert not Area.objects.filter(code__startswith="99.").exists()


def test_an_unknown_parent_is_refused(tmp_path):
    path = _write(tmp_path, [_feature("99.01.01", "kecamatan", "99.01", _square(100, 0))])
    with pytest.raises(CommandError, match=r"parent 99\.01 is neither in the file nor loaded"):
        call_command("load_areas", str(path))
    assert not Area.objects.filter(code="99.01.01").exists()


def test_a_changed_boundary_is_updated_in_place(tmp_path):
    collection = json.loads(BOUNDARIES.read_text())
    punten = next(f for f in collection["features"] if f["properties"]["code"] == "35.79.02.2001")
    punten["properties"]["name"] = "Punten Baru"
    path = _write(tmp_path, [punten])
    out = StringIO()
    call_command("load_areas", str(path), stdout=out)
    assert "1 in file, 0 created, 1 updated" in out.getvalue()
    assert Area.objects.get(code="35.79.02.2001").name == "Punten Baru"
    assert Area.objects.count() == 28
