"""Private links leave no trace (issue #19).

A private link `/laporan/<code>/?t=<token>` opened in a browser trades the token for an HttpOnly,
SameSite=Strict cookie of that report and goes on to the clean address; the page's requests carry no
token in their address or Referer (Referrer-Policy: no-referrer), its script sends the token in the
X-Reporter-Token header, a request's documents download with the cookie, and the server started as
`scripts/run.sh` starts it writes no token to its logs. Old links keep working, also when opened from
another site (a webmail); another browser sees no reporter actions.

The server here is gunicorn with the options of scripts/run.sh (its access log in gunicorn's default
format, which holds the request line and the Referer), over the test database.
"""

import io
import json
import os
import re
import shlex
import subprocess
import sys
import time

import httpx
import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.conftest import ARTIFACTS, BASE_DIR, free_port

from . import records
from .conftest import feature

pytestmark = pytest.mark.django_db

TOKENS: list[str] = []  # every token these tests used: none may be in the logs
CONTACT = {"name": "Sri Rahayu", "phone": "0812 3456 7890", "email": "sri.rahayu@contoh.id"}


class RunShServer:
    """gunicorn as scripts/run.sh starts it (its own options; only the address and workers differ)."""

    def __init__(self, env: dict[str, str]):
        script = (BASE_DIR / "scripts" / "run.sh").read_text()
        line = re.search(r"^\.venv/bin/gunicorn config\.wsgi:application((?:[^\n]*\\\n)*[^\n]*?)\s*&\s*$", script, re.M)
        assert line, "scripts/run.sh starts gunicorn"
        options, words = [], shlex.split(line.group(1).replace("\\\n", " "))
        while words:
            word = words.pop(0)
            if word in ("--bind", "--workers"):
                words.pop(0)
            else:
                options.append(word)
        self.options = options
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.log_path = ARTIFACTS / f"server-private-links-{self.port}.log"  # access and error log
        self.log = open(self.log_path, "wb")  # noqa: SIM115 (closed in stop)
        command = [sys.executable, "-m", "gunicorn", "config.wsgi:application", *options]
        command += ["--bind", f"127.0.0.1:{self.port}", "--workers", "2"]
        self.process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_until_up(self):
        for _ in range(150):
            if self.process.poll() is not None:
                raise RuntimeError(self.log_path.read_text()[-3000:])
            try:
                httpx.get(self.url + "/healthz", timeout=2)
                return self
            except httpx.TransportError:
                time.sleep(0.2)
        raise RuntimeError(self.log_path.read_text()[-3000:])

    def stop(self):
        self.process.terminate()
        self.process.wait(10)
        self.log.close()


@pytest.fixture(scope="module")
def served(app_env):
    app = RunShServer({**os.environ, **app_env})
    try:
        yield app.wait_until_up()
    finally:
        app.stop()


@pytest.fixture
def browser(chromium, served):
    """A fresh browser profile; every request it makes is kept, to look for the token."""
    contexts = []

    def make():
        context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
        context.set_default_timeout(15_000)
        context.route(lambda url: not url.startswith(served.url), lambda route: route.abort())
        seen = []
        context.on("request", lambda request: seen.append(request))
        contexts.append(context)
        page = context.new_page()
        page.seen = seen
        return page

    yield make
    for context in contexts:
        context.close()


def file(served, **properties) -> dict:
    response = httpx.post(f"{served.url}/api/reports/", json=feature(**properties), timeout=60)
    assert response.status_code == 201, response.text
    report = response.json()["properties"]
    TOKENS.append(report["reporter_token"])
    return report


def move(served, staff_token, report_id: int, *statuses: str) -> None:
    from geo_reports.models import Report

    for status in statuses:
        version = Report.objects.get(pk=report_id).version
        response = httpx.post(
            f"{served.url}/api/reports/{report_id}/transition/",
            json={"status": status, "version": version, "message": "Sudah diperbaiki."},
            headers={"Authorization": f"Token {staff_token}"},
            timeout=60,
        )
        assert response.status_code == 200, response.text


def assert_no_token_sent(page, token: str) -> None:
    """No request of the page carries the token in its address (but the link itself, once) or Referer."""
    opened = [request for request in page.seen if token in request.url]
    assert len(opened) == 1 and opened[0].is_navigation_request(), [request.url for request in opened]
    for request in page.seen:
        records.count(__name__, "browser_requests_checked")
        assert token not in (request.headers.get("referer") or ""), (request.url, request.headers.get("referer"))


def test_a_private_link_opens_clean_and_the_reporter_still_acts(browser, served, staff_token):
    from geo_reports.models import Report, ReporterContact

    report = file(served, description="Sampah menumpuk di pinggir jalan.", reporter=CONTACT)
    code, token = report["tracking_code"], report["reporter_token"]
    move(served, staff_token, report["id"], "verified", "resolved")

    page = browser()
    opened = page.goto(f"{served.url}/laporan/{code}/?t={token}")
    records.count(__name__, "private_links_opened")
    assert page.url == f"{served.url}/laporan/{code}/"  # the address bar and history hold no token
    first = opened.request.redirected_from
    assert first is not None and first.url.endswith(f"?t={token}")
    assert first.response().headers["referrer-policy"] == "no-referrer"
    assert opened.headers["referrer-policy"] == "no-referrer"
    assert "no-store" in opened.headers["cache-control"]
    (cookie,) = [c for c in page.context.cookies() if c["name"] == f"lapor_r_{report['id']}"]
    assert (cookie["value"], cookie["httpOnly"], cookie["sameSite"], cookie["path"]) == (token, True, "Strict", "/")
    assert token not in page.evaluate("document.cookie")
    assert token not in page.evaluate("document.referrer + location.href")
    expect(page.locator("#reporter-actions")).to_be_visible()

    # Reopen, through the page: the token goes in the header, not in the body or an address.
    page.fill("#reopen-message", "Masih menumpuk di sisi utara.")
    with page.expect_request(lambda r: r.url.endswith("/reporter/")) as sent:
        page.click("#reopen-form button[type=submit]")
    assert sent.value.headers["x-reporter-token"] == token
    assert "token" not in json.loads(sent.value.post_data)
    expect(page.locator("#reporter-message")).to_be_visible()
    page.wait_for_load_state("load")
    expect(page.locator("#status-badge")).to_have_text("Dibuka kembali", timeout=10_000)
    assert Report.objects.get(pk=report["id"]).status == "reopened"

    # Resolved again: confirmed through the page, also in English (the cookie's path is the site).
    move(served, staff_token, report["id"], "resolved")
    page.goto(f"{served.url}/en/laporan/{code}/")
    page.click("#confirm-fix")
    expect(page.locator("#reporter-message")).to_be_visible()
    expect(page.locator("#status-badge")).to_have_text("Closed", timeout=10_000)  # reloaded
    assert Report.objects.get(pk=report["id"]).status == "closed"

    # Erase the contact, through the page.
    page.click("#erase-contact-start")
    page.click("#erase-contact-yes")
    expect(page.locator("#erase-contact-done")).not_to_be_empty()
    assert not ReporterContact.objects.filter(report_id=report["id"]).exists()
    assert_no_token_sent(page, token)


def test_a_requests_document_opens_with_the_cookie(browser, served):
    sheet = io.BytesIO()
    Image.new("RGB", (420, 594), (250, 240, 200)).save(sheet, "PDF")
    data = {
        "category": "izin-bangunan",
        "geometry": json.dumps({"type": "Point", "coordinates": [112.5290, -7.8763]}),
        "answers": json.dumps({"permit_type": "pbg", "applicant": "person", "object_name": "Rumah Jl. Diponegoro 12"}),
        "description": "Mohon diproses.",
    }
    files = [("documents", ("denah.pdf", sheet.getvalue(), "application/pdf"))]
    created = httpx.post(f"{served.url}/api/reports/", data=data, files=files, timeout=60)
    assert created.status_code == 201, created.text
    request = created.json()["properties"]
    code, token = request["tracking_code"], request["reporter_token"]
    TOKENS.append(token)
    path = f"/api/reports/{request['id']}/documents/{request['documents'][0]['id']}/"

    page = browser()
    page.goto(f"{served.url}/laporan/{code}/?t={token}")
    records.count(__name__, "private_links_opened")
    assert page.url == f"{served.url}/laporan/{code}/"
    link = page.locator("#document-files a")
    assert link.get_attribute("href") == path  # the link carries no token
    with page.expect_download() as download:
        link.click()
    assert download.value.path().read_bytes() == sheet.getvalue()
    records.count(__name__, "documents_opened")
    assert_no_token_sent(page, token)

    # Without the cookie nobody gets it; an API client sends the header (or, as before, `t`).
    assert httpx.get(served.url + path).status_code == 404
    assert httpx.get(served.url + path, headers={"X-Reporter-Token": token}).status_code == 200
    tracked = httpx.get(f"{served.url}/api/reports/track/{code}/", headers={"X-Reporter-Token": token})
    assert tracked.status_code == 200 and "X-Reporter-Token" in tracked.headers["vary"]
    assert httpx.get(f"{served.url}/api/reports/track/{code}/").status_code == 404

    # Another browser, without the cookie, finds nothing at the clean address.
    stranger = browser()
    assert stranger.goto(f"{served.url}/laporan/{code}/").status == 404


def test_an_old_link_from_another_site_still_works_and_others_see_no_reporter_actions(browser, served):
    report = file(served, description="Tumpukan sampah di depan pasar.")
    code, token = report["tracking_code"], report["reporter_token"]
    mail = "http://webmail.example/inbox"

    # A link in a webmail (another site): the redirect to the clean address must still carry the
    # new SameSite=Strict cookie, so the page goes on from the site itself.
    page = browser()
    page.context.route(
        mail,
        lambda route: route.fulfill(
            content_type="text/html", body=f'<a id="link" href="{served.url}/laporan/{code}/?t={token}">Laporan</a>'
        ),
    )
    page.goto(mail)
    page.click("#link")
    page.wait_for_url(f"{served.url}/laporan/{code}/")
    expect(page.locator("#reporter-actions")).to_be_visible()
    records.count(__name__, "private_links_opened")
    assert_no_token_sent(page, token)

    # Another browser: the public page, with no reporter actions.
    stranger = browser()
    stranger.goto(f"{served.url}/laporan/{code}/")
    expect(stranger.locator("#report-code")).to_have_text(code)
    assert stranger.locator("#reporter-actions").count() == 0
    # A wrong token sets no cookie and shows no reporter actions either.
    stranger.goto(f"{served.url}/laporan/{code}/?t=salah-{token[:6]}")
    assert stranger.url == f"{served.url}/laporan/{code}/"
    assert stranger.locator("#reporter-actions").count() == 0
    assert not [c for c in stranger.context.cookies() if c["name"].startswith("lapor_r_")]


def test_the_logs_hold_no_token(served):
    """Last: the server's access and error log, after every request above (and an old client sending
    the token in the query and a Referer, as a page before this change did)."""
    report = file(served, description="Sampah di selokan.")
    code, token = report["tracking_code"], report["reporter_token"]
    old = httpx.get(
        f"{served.url}/api/reports/track/{code}/",
        params={"t": token},
        headers={"Referer": f"{served.url}/laporan/{code}/?t={token}"},
    )
    assert old.status_code == 200
    page = httpx.get(f"{served.url}/laporan/{code}/", params={"t": token})  # a client that keeps no cookie
    assert page.status_code == 200 and 'id="reporter-actions"' in page.text
    assert page.headers["referrer-policy"] == "no-referrer"

    time.sleep(0.5)  # gunicorn writes a line as its response ends
    log = served.log_path.read_text()
    lines = log.splitlines()
    assert f"/api/reports/track/{code}/?t=[redacted]" in log  # the requests are logged, without it
    assert f"/laporan/{code}/?t=[redacted]" in log
    found = [line for line in lines for token in TOKENS if token in line]
    records.note(
        __name__,
        run_sh_options=" ".join(served.options),
        tokens_sought=len(TOKENS),
        log_lines=len(lines),
        tokens_found=len(found),
    )
    assert found == []
