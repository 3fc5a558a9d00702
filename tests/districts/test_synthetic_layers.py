"""The synthetic demo layers: deterministic, inside the real boundary, marked, and owned by data."""

import json

import pytest
from django.db.models import Count, Q, Sum

from districts import synthetic
from districts.models import Area, Asset
from districts.services.geometry import to_shapely
from districts.spatial import GeographyLength

pytestmark = pytest.mark.django_db


def _inputs():
    city = Area.objects.get(kind="kota")
    desa = {a.code: (a.name, to_shapely(a.geom)) for a in Area.objects.filter(kind__in=Area.LOCAL_KINDS)}
    return to_shapely(city.geom), desa


def test_generation_is_deterministic():
    first = json.dumps(synthetic.generate(*_inputs()), sort_keys=True)
    second = json.dumps(synthetic.generate(*_inputs()), sort_keys=True)
    assert first == second


def test_every_feature_is_marked_synthetic_and_lies_inside_the_city():
    city = Area.objects.get(kind="kota")
    assets = Asset.objects.all()
    assert assets.count() > 1000
    assert not assets.exclude(Q(attributes__synthetic=True) | Q(attributes__synthetic=1)).exists()
    # Clipped to the boundary; a centimetre of tolerance for coordinate rounding.
    outside = assets.exclude(geom__dwithin=(city.geom, 1e-7)).count()
    assert outside == 0
    assert all(a.is_synthetic for a in assets[:50])


def test_road_owners_follow_the_road_class():
    owners = dict(
        Asset.objects.filter(layer__code="roads").values_list("attributes__road_class", "owner__code").distinct()
    )
    assert owners == {
        "national": "bbpjn",
        "provincial": "pu-bina-marga-jatim",
        "city": "dpupr",
        "village": "dpupr",
    }


def test_layers_hold_what_the_demo_needs():
    counts = dict(Asset.objects.values_list("layer__code").annotate(n=Count("id")))
    assert counts["roads"] > 200
    assert counts["water_pipes"] > 150
    assert counts["street_lights"] > 1000
    kinds = set(Asset.objects.filter(layer__code="water_pipes").values_list("attributes__pipe_type", flat=True))
    assert kinds == {"main", "distribution"}
    assert set(Asset.objects.filter(layer__code="street_lights").values_list("owner__code", flat=True)) == {"dishub"}


def test_pipes_run_along_roads():
    """Water mains sit 6 m and distribution pipes 4 m beside a road: their midpoints are near one."""
    from django.contrib.gis.db.models.functions import PointOnSurface
    from django.db.models import Exists, OuterRef

    from districts.spatial import GeographyDWithin

    roads = Asset.objects.filter(layer__code="roads")
    pipes = Asset.objects.filter(layer__code="water_pipes").annotate(mid=PointOnSurface("geom"))
    near_road = pipes.filter(Exists(roads.filter(GeographyDWithin("geom", OuterRef("mid"), 15)))).count()
    assert near_road / pipes.count() > 0.95


def test_road_lengths_are_plausible_for_batu():
    lengths = dict(
        Asset.objects.filter(layer__code="roads")
        .values_list("attributes__road_class")
        .annotate(metres=Sum(GeographyLength("geom")))
    )
    assert 8_000 < lengths["national"] < 30_000
    assert 8_000 < lengths["provincial"] < 30_000
    assert sum(lengths.values()) > 60_000
