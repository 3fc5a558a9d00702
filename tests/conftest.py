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


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from districts.services.demo import demo_load
    from geo_reports.demo import categories_load

    with django_db_blocker.unblock():
        demo_load(log=lambda *args: None)
        categories_load()


@pytest.fixture(scope="session")
def committed(django_db_setup, django_db_blocker):
    """For session-scoped fixtures: ORM writes made before any test's transaction opens, so they are
    committed and the server sees them. (Inside a test, create through the HTTP API instead.)"""
    return django_db_blocker.unblock


@pytest.fixture(scope="session")
def staff_token(committed) -> str:
    """An API token of a signed-in staff member (Django is_staff)."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    with committed():
        user, _ = get_user_model().objects.get_or_create(username="operator-test", defaults={"is_staff": True})
        token, _ = Token.objects.get_or_create(user=user)
        return token.key


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

    def __init__(self, env: dict[str, str], name: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.log_path = ARTIFACTS / f"server-{name}-{self.port}.log"
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
            ],
            cwd=BASE_DIR,
            env={**os.environ, **env},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

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


@pytest.fixture(scope="session")
def server(django_db_setup, django_db_blocker):
    """Base URL of the real application server, serving the test database."""
    from django.db import connection

    app = AppServer({"DATABASE_URL": database_url(connection.settings_dict), "DJANGO_DEBUG": "0"}, "main")
    try:
        yield app.wait_until_up().url
    finally:
        app.stop()
        wait_for_other_sessions_to_end(django_db_blocker)


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
