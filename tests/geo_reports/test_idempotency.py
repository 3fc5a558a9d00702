"""One Idempotency-Key, one report, in every channel: a retry of the same submission replays the first
report; the same key with anything different (answers, contact, photos, place, text) is refused with
422 and writes nothing. The three channels share one submission service and one fingerprint."""

import json
import uuid

import pytest

from geo_reports.models import IdempotencyKey, Report
from tests import images

pytestmark = pytest.mark.django_db

# A spot of its own in Kelurahan Sisir (sampah: a point, one required question with three answers).
LON, LAT = 112.52437, -7.87655
REFUSED_ID = "Idempotency-Key ini sudah dipakai untuk laporan lain."
REFUSED_EN = "This Idempotency-Key was already used for a different report."


def rest_body(**properties) -> dict:
    values = {"category": "sampah", "answers": {"problem": "dumping"}, "description": "Tumpukan di tepi jalan."}
    values.update(properties)
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [LON, LAT]}, "properties": values}


def web_form(**fields) -> dict:
    """What the report form's script sends (multipart, the answers as JSON text)."""
    form = {
        "category": "sampah",
        "geometry": json.dumps({"type": "Point", "coordinates": [LON, LAT]}),
        "description": "Tumpukan di tepi jalan.",
        "answers": json.dumps({"problem": "dumping"}),
    }
    form.update(fields)
    return form


def counts() -> tuple[int, int]:
    return Report.objects.count(), IdempotencyKey.objects.count()


# --- the REST API ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"answers": {"problem": "depot_full"}},
        {"reporter": {"name": "Orang Lain", "phone": "0812 1111 2222"}},
        {"description": "Tumpukan di tepi jalan!"},
    ],
    ids=["answers", "contact", "description"],
)
def test_rest_a_reused_key_with_a_different_report_is_refused(api, change):
    key = f"rest-{uuid.uuid4()}"
    first = api.post("/api/reports/", json=rest_body(), headers={"Idempotency-Key": key})
    assert first.status_code == 201, first.text
    before = counts()
    other = api.post("/api/reports/", json=rest_body(**change), headers={"Idempotency-Key": key})
    assert other.status_code == 422, other.text
    assert other.json()["detail"] == REFUSED_ID
    assert "Idempotency-Key" in other.json()["errors"]
    assert counts() == before
    same = api.post("/api/reports/", json=rest_body(), headers={"Idempotency-Key": key})
    assert same.status_code == 200 and same.headers["Idempotent-Replayed"] == "true"
    assert same.json()["id"] == first.json()["id"]


def test_rest_refusal_speaks_english_when_asked(api):
    key = f"rest-en-{uuid.uuid4()}"
    assert api.post("/api/reports/", json=rest_body(), headers={"Idempotency-Key": key}).status_code == 201
    other = api.post(
        "/api/reports/",
        json=rest_body(answers={"problem": "not_collected"}),
        headers={"Idempotency-Key": key, "Accept-Language": "en"},
    )
    assert other.status_code == 422
    assert other.json()["detail"] == REFUSED_EN


# --- the web form --------------------------------------------------------------------------------


def test_web_form_a_reused_key_with_other_photos_is_refused(api):
    key = f"web-{uuid.uuid4()}"
    headers = {"Idempotency-Key": key, "X-Lapor-Channel": "web"}
    photo = ("photos", ("a.jpg", images.phone_photo(width=64, height=48), "image/jpeg"))
    first = api.post("/api/reports/", data=web_form(), files=[photo], headers=headers)
    assert first.status_code == 201, first.text
    assert Report.objects.get(pk=first.json()["id"]).channel == "web"
    before = counts()
    other_photo = ("photos", ("a.jpg", images.phone_photo(width=80, height=48), "image/jpeg"))
    other = api.post("/api/reports/", data=web_form(), files=[other_photo], headers=headers)
    assert other.status_code == 422, other.text
    assert other.json()["detail"] == REFUSED_ID
    assert counts() == before
    again = api.post("/api/reports/", data=web_form(), files=[photo], headers=headers)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]


def test_web_form_a_reused_key_with_other_answers_is_refused(api):
    key = f"web-answers-{uuid.uuid4()}"
    headers = {"Idempotency-Key": key, "X-Lapor-Channel": "web"}
    assert api.post("/api/reports/", data=web_form(), headers=headers).status_code == 201
    before = counts()
    other = api.post("/api/reports/", data=web_form(answers=json.dumps({"problem": "depot_full"})), headers=headers)
    assert other.status_code == 422, other.text
    assert counts() == before
