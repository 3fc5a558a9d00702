"""The installed app without a signal (real Chromium, its offline emulation, the real server): the
shell works offline after one visit; a report made offline is kept on the phone and stored exactly
once when the signal returns, also when the connection drops during the upload and the page is
closed; "Laporan saya" lists the phone's reports; a new release replaces the cached shell whole."""

import json
import os
import shutil
import time

import pytest
from django.conf import settings
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from geo_reports.models import Report
from tests import images
from tests.conftest import AppServer, free_port
from tests.places import asset_where, beside

from .conftest import PHONE, screenshot, tap_map_at

pytestmark = [pytest.mark.django_db, pytest.mark.browser]


def installed(page) -> None:
    """The service worker controls the page and has kept this release's shell."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=30_000)
    page.wait_for_function(
        "async () => (await caches.keys()).some(name => name.startsWith('lapor-shell-'))", timeout=30_000
    )


def shell_contents(page) -> dict[str, list[str]]:
    return page.evaluate(
        """async () => {
            const out = {};
            for (const name of await caches.keys()) {
                if (!name.startsWith('lapor-shell-')) continue;
                out[name] = (await (await caches.open(name)).keys()).map(r => new URL(r.url).pathname);
            }
            return out;
        }"""
    )


def _fill(page, point, description: str, photo: bool = True) -> None:
    tap_map_at(page, point.x, point.y)
    page.locator("label[for=category-sampah]").tap()
    page.locator("label[for=answer-problem-0]").tap()
    page.fill("#description", description)
    if photo:
        page.set_input_files(
            "#photos", files=[{"name": "sampah.jpg", "mimeType": "image/jpeg", "buffer": images.phone_photo()}]
        )
        expect(page.locator("#photo-previews img")).to_have_count(1)


def _waste_spot(index: int):
    return beside(asset_where("street_lights", kecamatan="Junrejo"), 25 + index, fraction=0)


def test_a_report_made_offline_is_stored_once_when_the_signal_returns(new_phone, server):
    page = new_phone()
    page.goto(server + "/lapor/")
    installed(page)

    page.context.set_offline(True)
    page.reload()  # the form, from the phone
    expect(page.locator("#report-form")).to_be_visible()
    description = "Sampah menumpuk, dilaporkan tanpa sinyal."
    _fill(page, _waste_spot(1), description)
    page.click("#submit")
    queued = page.locator("#queued")
    expect(queued).to_be_visible()
    expect(page.locator("#queued-title")).to_have_text("Tersimpan di ponsel: laporan menunggu sinyal")
    screenshot(page, "offline-queued-phone")
    assert not Report.objects.filter(description=description).exists()

    # Back online: the page that is still open sends it, and shows the tracking code and private link.
    page.context.set_offline(False)
    expect(page.locator("#success")).to_be_visible(timeout=20_000)
    code = page.locator("#tracking-code").inner_text()
    private = page.locator("#private-link").get_attribute("href")
    assert f"/laporan/{code}/?t=" in private
    stored = Report.objects.filter(description=description)
    assert stored.count() == 1 and stored.get().tracking_code == code
    assert stored.get().photos.count() == 1

    # "Laporan saya" keeps it on the phone, with its status and private link.
    page.goto(server + "/laporan-saya/")
    item = page.locator(f"#sent-list li[data-code='{code}']")
    expect(item).to_contain_text("Sampah")
    expect(item.locator(".badge")).to_have_text("Diterima")
    assert item.get_by_role("link", name="Buka dengan tautan pribadi").get_attribute("href") == private
    expect(page.locator("#waiting-section")).to_be_hidden()
    screenshot(page, "my-reports-phone")
    # Offline, the list and the status as last seen are still there, with the data's time.
    page.context.set_offline(True)
    page.reload()
    expect(page.locator(f"#sent-list li[data-code='{code}'] .badge")).to_have_text("Diterima")
    expect(page.locator("#stale-note")).to_contain_text("Tidak ada koneksi: data ini seperti pada ")
    page.context.set_offline(False)
    assert Report.objects.filter(description=description).count() == 1


def test_a_dropped_upload_and_a_closed_page_still_make_exactly_one_report(new_phone, server):
    page = new_phone()
    page.goto(server + "/lapor/")
    installed(page)
    description = "Sampah di selokan, sinyal putus saat mengirim."
    _fill(page, _waste_spot(2), description)

    # The connection drops as the answer comes back: the server has stored it, the phone never hears.
    def answer_lost(route):
        if route.request.method != "POST":
            route.continue_()
            return
        route.fetch()
        route.abort("internetdisconnected")

    page.route("**/api/reports/", answer_lost)
    page.click("#submit")
    expect(page.locator("#queued")).to_be_visible()
    first = Report.objects.get(description=description)
    page.unroute("**/api/reports/")
    page.close()

    # The app is opened again: what waited is sent again with its key, and the server answers with
    # the report it already has (and its private link); nothing is stored twice.
    again = page.context.new_page()
    again.goto(server + "/laporan-saya/")
    item = again.locator(f"#sent-list li[data-code='{first.tracking_code}']")
    expect(item).to_be_visible(timeout=20_000)
    expect(again.locator("#waiting-list li")).to_have_count(0)
    assert Report.objects.filter(description=description).count() == 1
    link = item.get_by_role("link", name="Buka dengan tautan pribadi").get_attribute("href")
    again.goto(link)
    expect(again.locator("#reporter-actions")).to_be_visible()  # the token is the report's own


def _release_two(static_root, folder) -> str:
    """The collected static files with the site's stylesheet changed, as a deploy of a CSS fix makes
    them (hard links, except what changes): the stylesheet's new name."""
    shutil.copytree(static_root, folder, copy_function=os.link)
    manifest_path = folder / "staticfiles.json"
    manifest = json.loads(manifest_path.read_text())
    old = manifest["paths"]["web/css/site.css"]
    new = old.replace("site.", "site.release2.", 1)
    (folder / new).write_text((folder / old).read_text() + "\n:root { --release: 2; }\n")
    manifest["paths"]["web/css/site.css"] = new
    manifest_path.unlink()  # a hard link: the original stays as it was
    manifest_path.write_text(json.dumps(manifest))
    return new


def _new_shell(page, old_shell: str, new_css: str, timeout: float = 30.0) -> list[str]:
    """The files of the one shell left once the new release's worker has taken over (the page may
    reload meanwhile, when the worker tells it of the new release)."""
    deadline = time.monotonic() + timeout
    shells = {}
    while time.monotonic() < deadline:
        try:
            shells = shell_contents(page)
        except PlaywrightError:  # the page is reloading
            shells = {}
        if len(shells) == 1 and old_shell not in shells and new_css in next(iter(shells.values())):
            return next(iter(shells.values()))
        time.sleep(0.25)
    raise AssertionError(f"the new release did not replace the shell: {shells}")


def test_a_new_release_replaces_the_cached_shell_without_a_mix(chromium, app_env, tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    first = AppServer(app_env, "release-1", port=port).wait_until_up()
    context = chromium.new_context(viewport=PHONE, locale="id-ID", has_touch=True)
    context.route(lambda url: not url.startswith(base), lambda route: route.abort())
    try:
        page = context.new_page()
        page.goto(base + "/")
        installed(page)
        ((old_shell, old_files),) = shell_contents(page).items()
        old_css = next(path for path in old_files if "/web/css/site." in path)
        first.stop()

        new_css = "/static/" + _release_two(settings.STATIC_ROOT, tmp_path / "static")
        second = AppServer({**app_env, "LAPOR_STATIC_ROOT": str(tmp_path / "static")}, "release-2", port=port)
        second.wait_until_up()
        try:
            page.reload()  # the browser checks the worker, finds a new release, installs it
            new_files = _new_shell(page, old_shell, new_css)
            assert old_css not in new_files, new_files
            # Offline now: every page of the shell comes whole from the new release.
            context.set_offline(True)
            for path in ("/", "/lapor/", "/laporan-saya/"):
                page.goto(base + path)
                assert (
                    page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--release').trim()")
                    == "2"
                )
                assets = page.evaluate(
                    "[...document.querySelectorAll('script[src], link[rel=stylesheet]')].map(e => new URL(e.src || e.href).pathname)"
                )
                assert set(assets) <= set(new_files), set(assets) - set(new_files)
            context.set_offline(False)
        finally:
            second.stop()
    finally:
        context.close()
