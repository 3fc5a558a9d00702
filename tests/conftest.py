"""Shared fixtures: real PostGIS with the demo data, and the real application server over HTTP.

The demo data (real Kota Batu boundaries, agencies, synthetic asset layers) is loaded once per test
database in `django_db_setup`. Tests using `db` run inside a transaction that is rolled back, so
they cannot disturb it. `server` is gunicorn in a subprocess, serving the test database: it only
sees committed data, exactly like production.
"""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

# Playwright's sync API keeps an event loop running in this thread; Django would take the test's
# own (synchronous) database calls for calls from async code and refuse them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

BASE_DIR = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
ARTIFACTS = BASE_DIR / "var" / "test-artifacts"
# Debian's Chromium, driven by Playwright (`playwright install` cannot download a browser here).
CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from districts.services.demo import demo_load
    from geo_reports.services.demo import categories_load

    with django_db_blocker.unblock():
        demo_load(log=lambda *args: None)
        categories_load()


@pytest.fixture(scope="session")
def committed(django_db_setup, django_db_blocker):
    """For session-scoped fixtures: ORM writes made before any test's transaction opens, so they are
    committed and the server sees them. (Inside a test, create through the HTTP API instead.)"""
    return django_db_blocker.unblock


STAFF_PASSWORD = "kata-sandi-uji-2026"
# username → (role, agency code or None)
STAFF = {
    "admin-test": ("admin", None),
    "planner-test": ("planner", None),
    "dishub-operator": ("operator", "dishub"),
    "dishub-crew": ("crew", "dishub"),
    "dishub-supervisor": ("supervisor", "dishub"),
    "dlh-operator": ("operator", "dlh"),
}


@pytest.fixture(scope="session")
def staff_users(committed) -> dict[str, str]:
    """Staff of each role (Dishub's operator, crew and supervisor, DLH's operator, a planner and an
    administrator), committed; username → API token. Password: STAFF_PASSWORD."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from districts.models import Agency, Membership

    tokens = {}
    with committed():
        for username, (role, agency_code) in STAFF.items():
            user, created = get_user_model().objects.get_or_create(
                username=username, defaults={"email": f"{username}@contoh.go.id"}
            )
            if created:
                user.set_password(STAFF_PASSWORD)
                user.save()
            agency = Agency.objects.get(code=agency_code) if agency_code else None
            Membership.objects.get_or_create(user=user, agency=agency, role=role)
            tokens[username] = Token.objects.get_or_create(user=user)[0].key
    return tokens


@pytest.fixture(scope="session")
def staff_token(staff_users) -> str:
    """The API token of an administrator (may act on every agency's reports)."""
    return staff_users["admin-test"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(settings_dict: dict) -> str:
    user = quote(settings_dict["USER"] or "", safe="")
    password = f":{quote(settings_dict['PASSWORD'], safe='')}" if settings_dict.get("PASSWORD") else ""
    return f"postgis://{user}{password}@{settings_dict['HOST']}:{settings_dict['PORT']}/{settings_dict['NAME']}"


class AppServer:
    """gunicorn serving config.wsgi on a free loopback port."""

    def __init__(self, env: dict[str, str], name: str, port: int | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.log_path = ARTIFACTS / f"server-{name}-{self.port}.log"
        # What each request cost on the wire (method, path without its query, status, body bytes, the
        # Content-Length): the data budgets count what really left the server.
        self.access_log = ARTIFACTS / f"access-{name}-{self.port}.log"
        self.log = open(self.log_path, "wb")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--timeout",
                "120",
                "--graceful-timeout",
                "5",
                "--access-logfile",
                str(self.access_log),
                "--access-logformat",
                "%(m)s %(U)s %(s)s %(B)s %({content-length}o)s",
            ],
            cwd=BASE_DIR,
            env={**os.environ, **env},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def requests_since(self, mark: int) -> list[tuple[str, str, int, int]]:
        """(method, path, status, body bytes) of the requests answered after `mark` (a length of the
        access log, from access_mark())."""
        time.sleep(0.3)  # gunicorn writes the line as the response ends
        lines = self.access_log.read_bytes()[mark:].decode().splitlines()
        rows = []
        for line in lines:
            method, path, status, written, length = line.split(" ")
            # A file (a static asset, a photo) is handed to the socket whole, and gunicorn then counts
            # no body bytes: its Content-Length says what went.
            size = max(int(n) for n in (written, length) if n != "-") if (written, length) != ("-", "-") else 0
            rows.append((method, path, int(status), size))
        return rows

    def access_mark(self) -> int:
        return self.access_log.stat().st_size if self.access_log.exists() else 0

    def wait_until_up(self, path="/healthz", timeout=30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()[-3000:]}")
            try:
                httpx.get(self.url + path, timeout=2)
                return self
            except httpx.TransportError:
                time.sleep(0.2)
        raise RuntimeError(f"server did not start: {self.log_path.read_text()[-3000:]}")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def wait_for_other_sessions_to_end(django_db_blocker, timeout: float = 5.0) -> None:
    """The server's database sessions end a moment after its processes; the test database can only
    be dropped once they have. A session still idle after that is ended: Playwright's greenlets give
    Django connections of this process that its own teardown cannot reach."""
    from django.db import connection

    deadline = time.monotonic() + timeout
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.1)
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'idle'"
        )


class MailRelay:
    """A real SMTP server on loopback (aiosmtpd), standing in for the city's mail relay."""

    def __init__(self):
        from aiosmtpd.controller import Controller
        from aiosmtpd.handlers import Message

        relay = self

        class Keep(Message):
            def handle_message(self, message):
                relay.messages.append(message)

        self.messages: list = []
        self.port = free_port()
        self.controller = Controller(Keep(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in m["To"]]

    def stop(self):
        self.controller.stop()


class WebhookReceiver:
    """An HTTP server on loopback recording what is POSTed to it (an agency's system, an SMS gateway).
    `fail_next` makes it answer 503 that many times first."""

    def __init__(self):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        receiver = self
        self.received: list[dict] = []
        self.fail_next = 0

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if receiver.fail_next > 0:
                    receiver.fail_next -= 1
                    self.send_response(503)
                    self.end_headers()
                    return
                receiver.received.append({"path": self.path, "headers": dict(self.headers), "body": body})
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'[{"service_request_id": "REMOTE-1"}]')

            def log_message(self, *args):
                pass

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()


@pytest.fixture(scope="session")
def mail_relay():
    relay = MailRelay()
    yield relay
    relay.stop()


@pytest.fixture(scope="session")
def webhooks():
    receiver = WebhookReceiver()
    yield receiver
    receiver.stop()


@pytest.fixture(scope="session")
def graph_api():
    """The WhatsApp Cloud API's Graph API, faked on loopback (tests/chat/platforms.py)."""
    from tests.chat.platforms import FakeGraphApi

    fake = FakeGraphApi()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def bot_api():
    """The Telegram Bot API, faked on loopback (tests/chat/platforms.py)."""
    from tests.chat.platforms import FakeBotApi

    fake = FakeBotApi()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def push_service():
    """The browsers' push services, faked on loopback (tests/push_service.py)."""
    from tests.push_service import FakePushService

    fake = FakePushService()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def app_env(django_db_setup, mail_relay, webhooks, graph_api, bot_api) -> dict[str, str]:
    """The environment of the server and the worker: the test database, the mail relay, the gateway,
    the chat platforms."""
    from django.db import connection

    from tests.chat import platforms

    return {
        "DATABASE_URL": database_url(connection.settings_dict),
        "DJANGO_DEBUG": "0",
        "LAPOR_SMTP_HOST": "127.0.0.1",
        "LAPOR_SMTP_PORT": str(mail_relay.port),
        "LAPOR_REPORTER_WEBHOOK_URL": webhooks.url + "/sms",
        "LAPOR_WEBHOOK_SECRET": "test-webhook-secret",
        "LAPOR_NOTIFY_RETRY_SECONDS": "1",
        # The suite files many reports from one address; the limits have their own tests.
        "LAPOR_RATE_REPORTS": "1000000",
        "LAPOR_RATE_SUPPORTS": "1000000",
        "LAPOR_RATE_NEW_DEVICES": "1000000",
        # The suite signs in from 127.0.0.1 thousands of times and fuzzes the token API with made-up
        # passwords: that address is never locked out. The sign-in throttling's proofs
        # (tests/reliability/test_security_signin.py) come from other loopback addresses, at the real limits.
        "LAPOR_SIGNIN_NEVER_LOCK": "127.0.0.1",
        "LAPOR_WHATSAPP_VERIFY_TOKEN": platforms.WHATSAPP_VERIFY_TOKEN,
        "LAPOR_WHATSAPP_APP_SECRET": platforms.WHATSAPP_APP_SECRET,
        "LAPOR_WHATSAPP_TOKEN": platforms.WHATSAPP_TOKEN,
        "LAPOR_WHATSAPP_PHONE_NUMBER_ID": platforms.WHATSAPP_PHONE_NUMBER_ID,
        "LAPOR_WHATSAPP_API_URL": graph_api.url,
        "LAPOR_TELEGRAM_BOT_TOKEN": platforms.TELEGRAM_BOT_TOKEN,
        "LAPOR_TELEGRAM_SECRET": platforms.TELEGRAM_SECRET,
        "LAPOR_TELEGRAM_API_URL": bot_api.url,
        # Web Push: the loopback push service (tests/push_service.py) speaks plain http; the install's
        # VAPID key lives with the test artifacts, not in the development install's var/.
        "LAPOR_PUSH_ALLOW_LOCAL_ENDPOINTS": "1",
        "LAPOR_VAPID_PRIVATE_KEY_FILE": str(ARTIFACTS / "push" / "vapid_private.pem"),
    }


def run_worker(env: dict[str, str]) -> str:
    """The real worker (django-tasks' db_worker), until the queue is empty."""
    result = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload"],
        cwd=BASE_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout + result.stderr


@pytest.fixture(scope="session")
def app_server(django_db_setup, django_db_blocker, app_env):
    """The real application server (gunicorn), serving the test database."""
    app = AppServer(app_env, "main")
    try:
        yield app.wait_until_up()
    finally:
        app.stop()
        wait_for_other_sessions_to_end(django_db_blocker)


@pytest.fixture(scope="session")
def server(app_server) -> str:
    """Base URL of the real application server."""
    return app_server.url


@pytest.fixture
def api(server):
    with httpx.Client(base_url=server, timeout=60) as client:
        yield client


@pytest.fixture(scope="session")
def desa_test_points() -> list[dict]:
    return json.loads((DATA / "batu_desa_test_points.geojson").read_text())["features"]


@pytest.fixture(scope="session")
def city_shape():
    """The Kota Batu polygon from the committed fixture (shapely), independent of the database."""
    import shapely

    collection = json.loads((BASE_DIR / "fixtures" / "batu_boundaries.geojson").read_text())
    city = next(f for f in collection["features"] if f["properties"]["kind"] == "kota")
    return shapely.geometry.shape(city["geometry"])


@pytest.fixture(scope="session")
def chromium():
    """One browser for the whole run, for the page tests in tests/web and tests/reliability (one
    definition here: two session fixtures would start Playwright twice, which it refuses)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def city_info_demo(committed):
    """The demo markets, prices, events, vacancies and announcements, committed once per session."""
    from city_info.demo import city_info_demo_load

    with committed():
        return city_info_demo_load()
