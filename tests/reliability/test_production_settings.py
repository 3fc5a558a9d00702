"""Promise 8, first half: config/settings_production.py is safe to put on the internet.

`manage.py check --deploy` passes without a warning, the settings refuse to start without a secret
key or host names, and a real gunicorn under them redirects to HTTPS and sends the security headers
and secure cookies.
"""

import os
import re
import secrets
import subprocess
import sys

import httpx
import pytest

from tests.conftest import BASE_DIR, AppServer

from . import records

pytestmark = pytest.mark.django_db

HOST = "lapor.batukota.go.id"


def production_env(**overrides) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": f"{HOST},127.0.0.1",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by tests/conftest.py for Playwright, never in deployment
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def manage(*args, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=production_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing():
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    found = re.search(r"System check identified (no|\d+) issues?", result.stdout + result.stderr)
    if found:
        records.note(__name__, check_deploy_issues=0 if found[1] == "no" else int(found[1]))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"DJANGO_SECRET_KEY": None}, "DJANGO_SECRET_KEY must be set"),
        ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY must be set"),
        ({"DJANGO_SECRET_KEY": "insecure-development-key-for-lapor-batu-only"}, "DJANGO_SECRET_KEY must be set"),
        ({"DJANGO_SECRET_KEY": "short"}, "too weak"),
        ({"DJANGO_ALLOWED_HOSTS": None}, "DJANGO_ALLOWED_HOSTS must name"),
        ({"DJANGO_ALLOWED_HOSTS": " , "}, "DJANGO_ALLOWED_HOSTS must name"),
        ({"DJANGO_ALLOWED_HOSTS": "*"}, "must not be '*'"),
    ],
)
def test_refuses_to_start_without_a_secret_or_hosts(overrides, message):
    result = manage("check", **overrides)
    records.count(__name__, "unsafe_startups_tried")
    records.count(__name__, "unsafe_startups_refused", int(result.returncode != 0 and message in result.stderr))
    assert result.returncode != 0
    assert message in result.stderr


def test_the_hardening_values():
    code = (
        "from django.conf import settings as s; import json; print(json.dumps({k: getattr(s, k) for k in "
        "['DEBUG','SECURE_SSL_REDIRECT','SECURE_HSTS_SECONDS','SECURE_HSTS_INCLUDE_SUBDOMAINS','SECURE_HSTS_PRELOAD',"
        "'SESSION_COOKIE_SECURE','CSRF_COOKIE_SECURE','SECURE_PROXY_SSL_HEADER','SECURE_CONTENT_TYPE_NOSNIFF',"
        "'X_FRAME_OPTIONS','SECURE_REFERRER_POLICY','ALLOWED_HOSTS']}))"
    )
    result = manage("shell", "-c", code, DJANGO_DEBUG="1")  # DJANGO_DEBUG cannot turn debugging on
    import json

    values = json.loads(result.stdout.strip().splitlines()[-1])
    records.note(__name__, hardening_settings=len(values))
    assert values == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_REFERRER_POLICY": "strict-origin-when-cross-origin",
        "ALLOWED_HOSTS": [HOST, "127.0.0.1"],
    }


@pytest.fixture(scope="module")
def production_server(app_env):
    env = production_env(**app_env)
    env = {key: env[key] for key in ("DJANGO_SETTINGS_MODULE", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS")}
    app = AppServer({**app_env, **env, "DJANGO_DEBUG": "1"}, "production")
    try:
        yield app.wait_until_up()
    finally:
        app.stop()


def test_a_production_server_redirects_to_https_and_sends_the_headers(production_server):
    url = production_server.url
    plain = httpx.get(url + "/lacak/", headers={"Host": HOST}, follow_redirects=False)
    assert plain.status_code == 301 and plain.headers["Location"] == f"https://{HOST}/lacak/"
    proxied = {"Host": HOST, "X-Forwarded-Proto": "https"}
    page = httpx.get(url + "/masuk/", headers=proxied)
    assert page.status_code == 200
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    cookie = page.headers["Set-Cookie"]
    assert "csrftoken=" in cookie and "Secure" in cookie
    # An unknown host is refused, and an error never shows a debug page.
    assert httpx.get(url + "/lacak/", headers={"Host": "evil.example", "X-Forwarded-Proto": "https"}).status_code == 400
    missing = httpx.get(url + "/laporan/TIDAK-ADA/", headers=proxied)
    assert missing.status_code == 404 and "Traceback" not in missing.text and "DEBUG" not in missing.text
    # The health check stays reachable over plain http for the proxy and the monitor.
    assert httpx.get(url + "/healthz", headers={"Host": HOST}).status_code == 200
