"""Open311 and the Idempotency-Key: a retry of the same request replays the first one; the same key
with a different request (an attribute, the contact, the place) is refused with 422, as in the REST API
(tests/geo_reports/test_idempotency.py): both go through one submission service."""

import uuid

import pytest

from geo_reports.models import IdempotencyKey, Report

from .helpers import parse, post_request, request_form

pytestmark = pytest.mark.django_db

LON, LAT = 112.52437, -7.87655
REFUSED_ID = "Idempotency-Key ini sudah dipakai untuk laporan lain."


def counts() -> tuple[int, int]:
    return Report.objects.count(), IdempotencyKey.objects.count()


@pytest.mark.parametrize(
    "change",
    [{"attribute[problem]": "not_collected"}, {"email": "lain@contoh.id"}, {"lat": str(LAT + 0.0003)}],
    ids=["attribute", "contact", "place"],
)
def test_open311_a_reused_key_with_a_different_request_is_refused(api, api_key, change):
    key = {"Idempotency-Key": f"open311-{uuid.uuid4()}"}
    form = request_form(lon=LON, lat=LAT, description="Tumpukan di tepi jalan.")
    first = post_request(api, "json", form, api_key=api_key, headers=key)
    assert first.status_code == 201, first.text
    before = counts()
    other = post_request(api, "json", {**form, **change}, api_key=api_key, headers=key)
    assert other.status_code == 422, other.text
    assert parse(other, "json")[0]["description"] == REFUSED_ID
    assert counts() == before
    again = post_request(api, "json", form, api_key=api_key, headers=key)
    assert again.status_code == 200 and again.json() == first.json()
