"""Promise 7: abuse is bounded.

- `POST /api/reports/` more than LAPOR_RATE_REPORTS times (setting, per IP per hour, default 20)
  → 429 with a Retry-After header and a message in the request's language (Indonesian or English);
- the same for `POST /api/reports/{id}/support/` per device (the server's signed cookie; LAPOR_RATE_SUPPORTS,
  default 30 per hour);
- `geo_reports.Blocklist`, managed in the admin: entries of kind `ip`, `phone` or `email` with a value;
  a submission from a blocked IP or with a blocked phone or email gets 403 with a message and writes
  nothing.

Each test talks from its own loopback address (127.x.y.z: all of 127/8 is this machine), so that its
"IP" is fresh; the limits are lowered for a server of its own (3 reports, 2 +1s per hour).
"""

import itertools
import os
import subprocess
import sys

import httpx
import pytest

from tests.conftest import BASE_DIR, AppServer

from . import records
from .conftest import feature, file_report, row_counts

pytestmark = pytest.mark.django_db

REPORT_LIMIT = 3
SUPPORT_LIMIT = 2
_addresses = (f"127.{a}.{b}.{c}" for a, b, c in itertools.product(range(77, 99), range(1, 250), range(2, 250)))
BLOCKED_IP = "127.66.6.6"
BLOCKED_PHONE = "0812 6666 0666"
BLOCKED_EMAIL = "penyebar.spam@contoh-blokir.id"


@pytest.fixture(scope="module")
def limited(app_env):
    records.note(__name__, report_limit=REPORT_LIMIT, support_limit=SUPPORT_LIMIT)
    app = AppServer(
        {**app_env, "LAPOR_RATE_REPORTS": str(REPORT_LIMIT), "LAPOR_RATE_SUPPORTS": str(SUPPORT_LIMIT)}, "limited"
    )
    try:
        yield app.wait_until_up().url
    finally:
        app.stop()


def client_from(server: str, address: str | None = None) -> httpx.Client:
    """A client whose requests come from its own loopback address."""
    transport = httpx.HTTPTransport(local_address=address or next(_addresses))
    return httpx.Client(base_url=server, transport=transport, timeout=60)


def assert_refusal(response: httpx.Response, status: int, english: bool = False) -> None:
    records.count(__name__, f"answers_{response.status_code}")
    assert response.status_code == status, response.text[:300]
    assert response.headers["Content-Type"].startswith("application/json")
    message = response.json()["detail"]
    assert isinstance(message, str) and len(message) > 10
    if status == 429:
        retry_after = response.headers.get("Retry-After", "")
        assert retry_after.isdigit() and 1 <= int(retry_after) <= 3600, retry_after


def test_the_limits_are_settings_with_the_promised_defaults():
    code = "from django.conf import settings as s; print(s.LAPOR_RATE_REPORTS, s.LAPOR_RATE_SUPPORTS)"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAPOR_RATE_")}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    defaults = result.stdout.strip().splitlines()[-1]
    records.note(__name__, default_limits=defaults.split())
    assert defaults == "20 30", result.stdout + result.stderr


def test_reports_beyond_the_limit_per_ip_get_429_with_retry_after(limited):
    with client_from(limited) as client, client_from(limited) as neighbour:
        for number in range(REPORT_LIMIT):
            response = client.post("/api/reports/", json=feature(description=f"Laporan ke-{number}"))
            assert response.status_code == 201, (number, response.text[:300])
        before = row_counts()
        refused = client.post("/api/reports/", json=feature(description="Satu lagi"))
        assert_refusal(refused, 429)
        in_english = client.post("/api/reports/", json=feature(), headers={"Accept-Language": "en"})
        assert_refusal(in_english, 429)
        assert refused.json()["detail"] != in_english.json()["detail"]  # Indonesian, then English
        assert row_counts() == before
        # Per IP: another address is not affected.
        assert neighbour.post("/api/reports/", json=feature()).status_code == 201


def test_a_retry_of_an_acknowledged_report_is_answered_over_the_limit(limited):
    """Retries with the same Idempotency-Key are not new submissions (promise 3 relies on them)."""
    with client_from(limited) as client:
        first = client.post("/api/reports/", json=feature(), headers={"Idempotency-Key": "abuse-retry-1"})
        assert first.status_code == 201
        for _ in range(REPORT_LIMIT):
            client.post("/api/reports/", json=feature())
        retry = client.post("/api/reports/", json=feature(), headers={"Idempotency-Key": "abuse-retry-1"})
        assert retry.status_code == 200 and retry.json()["properties"]["id"] == first.json()["properties"]["id"]


def test_supports_beyond_the_limit_per_device_get_429_with_retry_after(limited, server):
    reports = [file_report(server, description=f"Untuk +1 nomor {n}") for n in range(SUPPORT_LIMIT + 2)]
    address = next(_addresses)
    with client_from(limited, address) as client, client_from(limited, address) as other_device:
        for report in reports[:SUPPORT_LIMIT]:
            response = client.post(f"/api/reports/{report['id']}/support/", json={"device_id": "perangkat-abuse-1"})
            assert response.status_code == 201, response.text[:300]
        before = row_counts()
        refused = client.post(f"/api/reports/{reports[-2]['id']}/support/", json={"device_id": "perangkat-abuse-1"})
        assert_refusal(refused, 429)
        assert row_counts() == before
        # Per device (the cookie the server issued): another device on the same address still counts.
        other = other_device.post(f"/api/reports/{reports[-1]['id']}/support/", json={"device_id": "perangkat-abuse-2"})
        assert other.status_code == 201, other.text[:300]


@pytest.fixture(scope="module")
def blocklist(committed):
    from geo_reports.models import Blocklist

    entries = [("ip", BLOCKED_IP), ("phone", BLOCKED_PHONE), ("email", BLOCKED_EMAIL)]
    with committed():
        created = [Blocklist.objects.get_or_create(kind=kind, value=value)[0] for kind, value in entries]
    yield created
    with committed():
        Blocklist.objects.filter(pk__in=[entry.pk for entry in created]).delete()


def test_the_blocklist_is_an_admin_model_of_ip_phone_email_and_chat_account():
    from django.contrib import admin

    from geo_reports.models import Blocklist

    assert admin.site.is_registered(Blocklist)
    kinds = [value for value, _label in Blocklist._meta.get_field("kind").choices]
    records.note(__name__, blocklist_kinds=kinds)
    assert set(kinds) == {"ip", "phone", "email", "chat"}  # chat: a Telegram or WhatsApp account (tests/chat)


@pytest.mark.parametrize(
    ("address", "reporter"),
    [
        (BLOCKED_IP, {"name": "Siapa Saja"}),
        (None, {"phone": BLOCKED_PHONE}),
        (None, {"email": BLOCKED_EMAIL}),
    ],
    ids=["blocked ip", "blocked phone", "blocked email"],
)
def test_a_blocked_sender_gets_403_and_nothing_is_written(limited, blocklist, address, reporter):
    with client_from(limited, address) as client:
        before = row_counts()
        refused = client.post("/api/reports/", json=feature(reporter=reporter))
        assert_refusal(refused, 403)
        assert row_counts() == before
        multipart = client.post(
            "/api/reports/",
            data={
                "category": "sampah",
                "geometry": '{"type": "Point", "coordinates": [112.529, -7.8763]}',
                "answers": '{"problem": "dumping"}',
                **{f"reporter_{key}": value for key, value in reporter.items()},
            },
            files=[("unused", ("x.txt", b"x", "text/plain"))],
        )
        assert_refusal(multipart, 403)
        assert row_counts() == before


def test_an_unblocked_sender_is_served(limited, blocklist):
    with client_from(limited) as client:
        assert client.post("/api/reports/", json=feature(reporter={"phone": "0812 6666 0667"})).status_code == 201
