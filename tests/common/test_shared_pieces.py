"""The shared pieces on their own: the one bbox reader in its two variants, the error model's shape,
and periodic jobs that do not stop each other."""

import pytest
from django.utils import translation

from common import housekeeping
from common.bbox import BBoxError, parse_bbox
from common.errors import ApplicationError, InvalidInput, Refused


def test_the_rest_variant_takes_a_box_with_area_only():
    assert parse_bbox("112.5,-7.9,112.6,-7.8").extent == (112.5, -7.9, 112.6, -7.8)
    for flat in ("112.5,-7.9,112.5,-7.8", "112.5,-7.9,112.5,-7.9", "112.6,-7.8,112.5,-7.9"):
        with pytest.raises(BBoxError) as raised, translation.override("en"):
            parse_bbox(flat)
        assert raised.value.field == "bbox"
        assert str(raised.value.message).startswith("bbox is reversed or empty")


def test_the_ogc_variant_takes_heights_and_flat_boxes():
    assert parse_bbox("112.5,-7.9,0,112.6,-7.8,10", heights=True, degenerate=True).geom_type == "Polygon"
    assert parse_bbox("112.5,-7.9,112.5,-7.8", heights=True, degenerate=True).geom_type == "LineString"
    assert parse_bbox("112.5,-7.9,112.5,-7.9", heights=True, degenerate=True).geom_type == "Point"
    with pytest.raises(BBoxError):
        parse_bbox("112.5,-7.9,0,112.6,-7.8,10")  # six numbers only where heights are allowed


@pytest.mark.parametrize("text", ["1,2,3", "nan,nan,nan,nan", "a,b,c,d", "112.5,-7.9,112.6,inf", ""])
def test_what_is_not_four_numbers_is_refused(text):
    with pytest.raises(BBoxError) as raised, translation.override("id"):
        parse_bbox(text)
    assert str(raised.value.message) == "bbox harus berupa empat angka: minLon,minLat,maxLon,maxLat."


def test_out_of_range_is_refused():
    with pytest.raises(BBoxError) as raised, translation.override("en"):
        parse_bbox("112.5,-95,112.6,-7.8")
    assert "out of range" in str(raised.value.message)


def test_the_error_shapes():
    assert ApplicationError("Salah.", field="x").body() == {"detail": "Salah.", "errors": {"x": ["Salah."]}}
    assert ApplicationError("Salah.").body() == {"detail": "Salah."}
    invalid = InvalidInput({"reporter": {"email": ["Bukan email."]}, "geometry": ["Tidak ada."]})
    assert invalid.status == 400 and invalid.body()["detail"] == "Bukan email."
    refused = Refused("Terlalu sering.", status=429, retry_after=120)
    assert refused.headers() == {"Retry-After": "120"} and refused.body() == {"detail": "Terlalu sering."}


@pytest.mark.django_db
def test_a_failing_job_does_not_stop_the_others():
    ran = []

    def broken(now):
        raise RuntimeError("rusak")

    def counting(now):
        ran.append(now)
        return 3

    housekeeping.register("test-broken", broken)
    housekeeping.register("test-counting", counting)
    try:
        results = housekeeping.run(only=["test-broken", "test-counting"])
    finally:
        housekeeping._jobs.pop("test-broken")  # the registry's own test: leave it as it was
        housekeeping._jobs.pop("test-counting")
    assert results == {"test-broken": "failed: RuntimeError", "test-counting": 3}
    assert len(ran) == 1
