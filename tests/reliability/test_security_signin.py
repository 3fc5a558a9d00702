"""Security, round two (issue #19), findings 2, 4 and 6, proved over HTTP against the real server.

- Sign-in throttling on every way in (/masuk/, /admin/login/, POST /api/auth/token/): fifty wrong
  passwords, then the right one, and the right one is refused too. Lockouts per account (from any
  address) and per address (any account), with waits that double, 429 with Retry-After and a clear
  message; every failure is kept in the admin, and an administrator unlocks an account there.
- The install's own secret key: a server started without DJANGO_SECRET_KEY makes one (0600), keeps
  it and uses it again after a restart; what it signs (a private link's replayable token, the
  webhooks' signatures) cannot be computed from the key that used to be written in the code.
- Cache-Control: private, no-store (and Vary: Cookie, Authorization) on staff data and on answers to
  a reporter's token; public answers and static files keep their long lifetimes.

The suite's own address (127.0.0.1) is never locked out (tests/conftest.py, LAPOR_SIGNIN_NEVER_LOCK):
each test here talks from loopback addresses of its own (all of 127/8 is this machine), at the real
limits (5 failures, 15 minutes).
"""

import hashlib
import hmac
import itertools
import os
import re
import stat
import subprocess
import sys
import time
import uuid

import httpx
import pytest

from tests.conftest import BASE_DIR, STAFF_PASSWORD, AppServer

from . import records
from .conftest import BATU, auth, feature

pytestmark = pytest.mark.django_db

LIMIT = 5  # the default of LAPOR_SIGNIN_FAILURES
FIRST_WAIT = 15 * 60
DEVELOPMENT_KEY = "insecure-development-key-for-lapor-batu-only"  # the key the code used to hold
_addresses = (f"127.60.{a}.{b}" for a, b in itertools.product(range(1, 250), range(2, 250)))

ACCOUNTS = {
    # username → (is_staff, is_superuser)
    "signin-victim-page": (False, False),
    "signin-victim-token": (False, False),
    "signin-victim-admin": (True, False),
    "signin-victim-unlock": (False, False),
    "signin-neighbour": (False, False),
    "signin-typist": (False, False),
    "signin-admin": (True, True),
}


@pytest.fixture(scope="module")
def accounts(committed):
    from django.contrib.auth import get_user_model

    with committed():
        for username, (is_staff, is_superuser) in ACCOUNTS.items():
            user, _created = get_user_model().objects.get_or_create(username=username)
            user.is_staff, user.is_superuser = is_staff, is_superuser
            user.set_password(STAFF_PASSWORD)
            user.save()
    return ACCOUNTS


def client_from(server: str, address: str | None = None) -> httpx.Client:
    """A client whose requests come from its own loopback address."""
    transport = httpx.HTTPTransport(local_address=address or next(_addresses))
    return httpx.Client(base_url=server, transport=transport, timeout=60, follow_redirects=False)


def page_sign_in(client: httpx.Client, username: str, password: str, path: str = "/masuk/") -> httpx.Response:
    if "csrftoken" not in client.cookies:
        client.get(path)
    return client.post(
        path,
        data={"username": username, "password": password, "csrfmiddlewaretoken": client.cookies["csrftoken"]},
        headers={"Referer": str(client.base_url) + path},
    )


def token_sign_in(client: httpx.Client, username: str, password: str, **headers) -> httpx.Response:
    return client.post("/api/auth/token/", json={"username": username, "password": password}, headers=headers)


def admin_sign_in(client: httpx.Client, username: str, password: str) -> httpx.Response:
    return page_sign_in(client, username, password, path="/admin/login/?next=/admin/")


def retry_after(response: httpx.Response) -> int:
    value = response.headers.get("Retry-After", "")
    assert value.isdigit(), response.headers
    return int(value)


def fifty_then_the_right_one(sign_in, signed_in_status: int, name: str) -> tuple[list[int], httpx.Response]:
    """Fifty wrong passwords, then the right one (finding 2, as reported); the statuses answered."""
    started = time.monotonic()
    statuses = [sign_in(f"salah-{n}").status_code for n in range(50)]
    right = sign_in(STAFF_PASSWORD)
    records.note(
        __name__,
        **{
            f"{name}_wrong_answered_before_lockout": statuses.index(429) if 429 in statuses else len(statuses),
            f"{name}_wrong_refused": statuses.count(429),
            f"{name}_right_password_after_fifty": right.status_code,
            f"{name}_seconds": round(time.monotonic() - started, 1),
        },
    )
    assert right.status_code == 429, (statuses, right.status_code)
    assert right.status_code != signed_in_status
    # The first LIMIT - 1 failures are answered as wrong passwords, the LIMIT-th locks the account out.
    assert statuses[: LIMIT - 1] == [statuses[0]] * (LIMIT - 1) and statuses[0] != 429, statuses
    assert statuses[LIMIT - 1 :] == [429] * (51 - LIMIT), statuses
    return statuses, right


# --- finding 2: sign-in throttling ---------------------------------------------------------------


def test_the_sign_in_page_locks_an_account_out_after_five_failures(server, accounts):
    victim = "signin-victim-page"
    with client_from(server) as attacker, client_from(server) as elsewhere:
        _statuses, right = fifty_then_the_right_one(
            lambda password: page_sign_in(attacker, victim, password), 302, "page"
        )
        assert 'id="sign-in-locked"' in right.text and 'role="alert"' in right.text
        assert retry_after(right) <= 24 * 3600
        # Per account: the right password from another address is refused as well, in English on /en/.
        english = page_sign_in(elsewhere, victim, STAFF_PASSWORD, path="/en/masuk/")
        assert english.status_code == 429
        assert "Too many failed sign-ins for this account or from this address" in english.text
        assert "ask an administrator to unlock the account" in english.text


def test_the_token_api_locks_an_account_out_with_429_in_the_api_shape(server, accounts):
    victim = "signin-victim-token"
    with client_from(server) as attacker, client_from(server) as elsewhere:
        statuses, right = fifty_then_the_right_one(
            lambda password: token_sign_in(attacker, victim, password, **{"Accept-Language": "en"}), 200, "token"
        )
        assert right.headers["Content-Type"].startswith("application/json")
        body = right.json()
        assert set(body) <= {"detail", "errors"} and "token" not in body
        assert body["detail"].startswith("Too many failed sign-ins"), body
        assert retry_after(right) >= FIRST_WAIT
        refused = token_sign_in(elsewhere, victim, STAFF_PASSWORD)
        assert refused.status_code == 429 and "token" not in refused.json()
    # A wrong password before any lockout: 400 in the API's shape (another account, another address).
    with client_from(server) as stranger:
        wrong = token_sign_in(stranger, "tidak-ada-akun-ini", "salah", **{"Accept-Language": "en"})
        assert statuses[0] == wrong.status_code == 400
        assert wrong.json() == {
            "detail": "The user name or password is not right.",
            "errors": {"non_field_errors": ["The user name or password is not right."]},
        }


def test_the_admin_sign_in_locks_an_account_out(server, accounts):
    victim = "signin-victim-admin"
    with client_from(server) as attacker, client_from(server) as elsewhere:
        fifty_then_the_right_one(lambda password: admin_sign_in(attacker, victim, password), 302, "admin")
        assert admin_sign_in(elsewhere, victim, STAFF_PASSWORD).status_code == 429


def test_an_address_is_locked_out_for_any_account_and_the_wait_doubles(server, accounts):
    with client_from(server) as guesser, client_from(server) as colleague:
        waits = []
        for number in range(3 * LIMIT):
            response = page_sign_in(guesser, f"tebakan-{number}", "salah")
            if response.status_code == 429:
                waits.append(retry_after(response))
        # The fifth made-up account locks the address: a real account's right password is refused there ...
        assert page_sign_in(guesser, "signin-neighbour", STAFF_PASSWORD).status_code == 429
        # ... and the same account signs in from another address.
        assert page_sign_in(colleague, "signin-neighbour", STAFF_PASSWORD).status_code == 302
        records.note(__name__, address_lockout_waits_seconds=sorted(set(waits)))
        # 15 minutes for the first round of five failures, 30 for the second, an hour for the third.
        assert waits[0] == FIRST_WAIT and FIRST_WAIT * 2 in waits and waits[-1] == FIRST_WAIT * 4, waits


def test_failures_are_kept_and_an_administrator_unlocks_an_account(server, accounts):
    from axes.models import AccessAttempt, AccessFailureLog

    victim = "signin-victim-unlock"
    with client_from(server) as attacker, client_from(server) as victim_client, client_from(server) as admin:
        for number in range(LIMIT):
            page_sign_in(attacker, victim, f"salah-{number}")
        assert page_sign_in(victim_client, victim, STAFF_PASSWORD).status_code == 429
        # Every failure is an audit entry, shown to administrators in the admin.
        kept = AccessFailureLog.objects.filter(username=victim).count()
        records.note(__name__, failures_kept_for_unlock_case=kept)
        assert kept == LIMIT + 1  # the five guesses, and the refused attempt while locked out
        assert admin_sign_in(admin, "signin-admin", STAFF_PASSWORD).status_code == 302
        listed = admin.get(f"/admin/axes/accessfailurelog/?q={victim}")
        assert listed.status_code == 200 and victim in listed.text
        # The administrator deletes the account's access attempts (admin: "Access attempts").
        attempts = list(AccessAttempt.objects.filter(username=victim).values_list("pk", flat=True))
        assert attempts
        unlock = admin.post(
            "/admin/axes/accessattempt/",
            data={
                "action": "delete_selected",
                "_selected_action": [str(pk) for pk in attempts],
                "post": "yes",
                "csrfmiddlewaretoken": admin.cookies["csrftoken"],
            },
            headers={"Referer": f"{server}/admin/axes/accessattempt/"},
        )
        assert unlock.status_code == 302, unlock.text[:500]
        assert page_sign_in(victim_client, victim, STAFF_PASSWORD).status_code == 302
        records.note(__name__, unlocked_by_administrator=True)


def test_right_passwords_are_never_locked_out(server, accounts):
    """Only failures count, and a success clears them: a person who mistypes four times, then signs
    in, starts afresh."""
    with client_from(server) as client:
        for _round in range(3):
            for number in range(LIMIT - 1):
                assert page_sign_in(client, "signin-typist", f"salah-{number}").status_code == 200
            client.cookies.clear()
            assert page_sign_in(client, "signin-typist", STAFF_PASSWORD).status_code == 302
            client.cookies.clear()
        for _ in range(10):
            assert token_sign_in(client, "signin-typist", STAFF_PASSWORD).status_code == 200


# --- finding 4: the install's own secret key -----------------------------------------------------


def replayable_token(secret_key: str, idempotency_key: str) -> str:
    """What geo_reports.services.intake derives a private link's token from (an outsider's copy)."""
    import base64

    digest = hmac.new(secret_key.encode(), f"reporter-token:{idempotency_key}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:32]


def webhook_signature(secret_key: str, body: bytes) -> str:
    derived = hashlib.sha256(f"webhook:{secret_key}".encode()).hexdigest()
    return "sha256=" + hmac.new(derived.encode(), body, hashlib.sha256).hexdigest()


def test_a_server_without_a_secret_key_makes_its_own_and_keeps_it(app_env, tmp_path):
    key_file = tmp_path / "var" / "secret_key"
    env = {**app_env, "DJANGO_SECRET_KEY": "", "LAPOR_WEBHOOK_SECRET": "", "LAPOR_SECRET_KEY_FILE": str(key_file)}
    idempotency_key = str(uuid.uuid4())
    body = feature(description="Kunci rahasia instalasi")

    app = AppServer(env, "own-key")
    try:
        app.wait_until_up()
        created = httpx.post(f"{app.url}/api/reports/", json=body, headers={"Idempotency-Key": idempotency_key})
    finally:
        app.stop()
    assert created.status_code == 201, created.text[:300]
    token = created.json()["properties"]["reporter_token"]
    # The private link's token can no longer be computed from the key the code used to hold.
    assert token != replayable_token(DEVELOPMENT_KEY, idempotency_key)
    assert key_file.exists()
    mode = stat.S_IMODE(key_file.stat().st_mode)
    secret = key_file.read_text().strip()
    records.note(__name__, own_key_file_mode=oct(mode), own_key_length=len(secret))
    assert mode == 0o600 and len(secret) >= 50 and secret != DEVELOPMENT_KEY
    assert token == replayable_token(secret, idempotency_key)

    # Restarted, the server uses the same key: the retry learns the same private link again.
    app = AppServer(env, "own-key-again")
    try:
        app.wait_until_up()
        retry = httpx.post(f"{app.url}/api/reports/", json=body, headers={"Idempotency-Key": idempotency_key})
    finally:
        app.stop()
    assert retry.status_code == 200 and retry.json()["properties"]["reporter_token"] == token
    assert key_file.read_text().strip() == secret

    # The webhooks' signing key derives from the install's key (LAPOR_WEBHOOK_SECRET unset).
    code = "from notifications.delivery import webhook_signature as s; print(s(b'{\"x\": 1}'))"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=BASE_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    signature = result.stdout.strip().splitlines()[-1]
    assert signature == webhook_signature(secret, b'{"x": 1}'), result.stderr[-2000:]
    assert signature != webhook_signature(DEVELOPMENT_KEY, b'{"x": 1}')
    records.note(__name__, own_key_reused_after_restart=True, webhook_key_derived_from_own_key=True)


# --- finding 6: Cache-Control on staff data and tokened answers ----------------------------------


def assert_private(response: httpx.Response, what: str) -> None:
    cache_control = {part.strip() for part in response.headers.get("Cache-Control", "").split(",")}
    vary = {part.strip().lower() for part in response.headers.get("Vary", "").split(",")}
    records.count(__name__, "private_answers_checked")
    assert {"private", "no-store"} <= cache_control, (what, response.headers.get("Cache-Control"))
    assert {"cookie", "authorization"} <= vary, (what, response.headers.get("Vary"))
    records.count(__name__, "private_answers_private")


def test_staff_data_and_tokened_answers_are_never_cached(server, staff_users):
    from tests.reliability.test_endpoint_permissions import signed_in

    crew = auth(staff_users["dishub-crew"])
    admin = auth(staff_users["admin-test"])
    with httpx.Client(base_url=server, timeout=60) as api:
        created = api.post("/api/reports/", json=feature(description="Untuk Cache-Control")).json()
        report, token = created["properties"], created["properties"]["reporter_token"]
        code = report["tracking_code"]
        answers = {
            "staff inbox": api.get("/api/staff/inbox/", headers=admin),
            "staff report": api.get(f"/api/staff/reports/{report['id']}/", headers=admin),
            "nearby": api.get(
                "/api/reports/nearby/", params={"lon": BATU[0], "lat": BATU[1], "radius": 2000}, headers=crew
            ),
            "track with ?t=": api.get(f"/api/reports/track/{code}/?t={token}"),
            "track with the header": api.get(f"/api/reports/track/{code}/", headers={"X-Reporter-Token": token}),
            "report with ?t=": api.get(f"/api/reports/{report['id']}/?t={token}"),
            "token sign-in": api.post("/api/auth/token/", json={"username": "dishub-crew", "password": STAFF_PASSWORD}),
        }
    session = signed_in(server, "dishub-operator")
    try:
        answers["staff page"] = session.get("/petugas/")
        answers["staff API by session"] = session.get("/api/staff/inbox/")
    finally:
        session.close()
    for what, response in answers.items():
        assert response.status_code == 200, (what, response.status_code, response.text[:300])
        assert_private(response, what)


def test_public_answers_and_static_files_keep_their_caching(server, staff_users):
    with httpx.Client(base_url=server, timeout=60) as api:
        home = api.get("/")
        stylesheet = re.search(r'href="(/static/web/css/site\.[0-9a-f]+\.css)"', home.text)
        assert stylesheet, "the home page links its hashed stylesheet"
        static = api.get(stylesheet[1])
        assert (
            "max-age=315360000" in static.headers["Cache-Control"] and "no-store" not in static.headers["Cache-Control"]
        )
        for path in ("/api/stats/", "/api/reports/track/TIDAK-ADA/"):
            response = api.get(path)
            assert "no-store" not in response.headers.get("Cache-Control", ""), path
        stats = api.get("/api/stats/", headers=auth(staff_users["admin-test"]))
        assert "public" in stats.headers["Cache-Control"]  # the view's own say: the same for everyone
    records.note(__name__, public_caching_kept=True)
