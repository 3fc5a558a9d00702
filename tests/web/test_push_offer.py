"""Notifications turned on from the pages, in real Chromium: a reporter on the private page and a
supervisor in the inbox tap one button, and the change that follows reaches their browser's push
service (tests/push_service.py, on loopback), encrypted for that browser and signed by the site.

Chromium's own push service (Google's) is outside and unreachable here, so the browser's
`PushManager` is replaced at that boundary: it hands the page the loopback service's subscription
(an endpoint and the browser's keys, made by the test), as the real one hands FCM's."""

import json

import httpx
import pytest
from playwright.sync_api import expect

from notifications.models import PushSubscription
from tests.conftest import run_worker
from tests.places import far_from_layer

from .conftest import screenshot
from .test_field_crew import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.browser]

# The browser's push service, at the page's boundary: subscribe() answers with the loopback endpoint
# and keys, and remembers the server key the page subscribed with (across reloads, as a browser does).
FAKE_PUSH_MANAGER = """
(() => {
  const given = %s;
  let current = null;
  const kept = localStorage.getItem('fake-push-key');
  const subscription = (key) => ({
    endpoint: given.endpoint,
    options: { applicationServerKey: key.buffer ? key.buffer : key, userVisibleOnly: true },
    toJSON: () => given,
    unsubscribe: () => { current = null; localStorage.removeItem('fake-push-key'); return Promise.resolve(true); },
  });
  if (kept) current = subscription(Uint8Array.from(JSON.parse(kept)));
  PushManager.prototype.getSubscription = function () { return Promise.resolve(current); };
  PushManager.prototype.subscribe = function (options) {
    const key = new Uint8Array(options.applicationServerKey);
    window.__pushKey = btoa(String.fromCharCode(...key)).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
    current = subscription(key);
    localStorage.setItem('fake-push-key', JSON.stringify(Array.from(key)));
    return Promise.resolve(current);
  };
})();
"""


def _browser_with_push(new_phone, push_service, name: str):
    browser = push_service.browser(name)
    page = new_phone(permissions=["notifications"])
    page.add_init_script(FAKE_PUSH_MANAGER % json.dumps(browser.subscription()))
    return page, browser


def _street_light_out(server) -> dict:
    point = far_from_layer("street_lights", "Sisir", 60)
    body = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [point.x, point.y]},
        "properties": {"category": "pju-mati", "answers": {"problem": "out"}, "description": "Lampu mati."},
    }
    response = httpx.post(f"{server}/api/reports/", json=body, timeout=60)
    assert response.status_code == 201, response.text
    return response.json()["properties"]


def test_a_reporter_turns_notifications_on_and_off_from_the_private_page(
    new_phone, server, app_env, push_service, staff_users
):
    report = _street_light_out(server)
    code = report["tracking_code"]
    page, browser = _browser_with_push(new_phone, push_service, "private-page")
    page.goto(f"{server}/laporan/{code}/?t={report['reporter_token']}")
    offer = page.locator("#push-offer")
    expect(offer).to_be_visible()
    button = offer.get_by_role("button", name="Beri tahu saya jika ada perubahan")
    button.tap()
    expect(offer.locator("[data-push-message]")).to_contain_text("Notifikasi aktif")
    expect(offer.get_by_role("button", name="Hentikan notifikasi")).to_have_attribute("aria-pressed", "true")
    screenshot(page, "push-private-page-on")
    # The page subscribed with the site's key, and the server keeps the browser for this report only.
    assert page.evaluate("window.__pushKey") == httpx.get(f"{server}/api/push/key/").json()["public_key"]
    kept = PushSubscription.objects.get(endpoint=browser.endpoint)
    assert (kept.report_id, kept.user_id, kept.language) == (report["id"], None, "id")

    response = httpx.post(
        f"{server}/api/reports/{report['id']}/transition/",
        json={"status": "verified", "version": 1, "message": "Petugas datang besok pagi."},
        headers={"Authorization": f"Token {staff_users['dishub-operator']}"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    run_worker(app_env)
    pushes = [p for p in push_service.to(browser) if p.message and p.message.get("code") == code]
    assert len(pushes) == 1 and not pushes[0].problems, [p.problems for p in pushes]
    assert pushes[0].message["title"].startswith(f"Laporan {code}")
    assert pushes[0].message["body"].endswith("Petugas datang besok pagi.")
    assert pushes[0].message["url"].endswith(f"/laporan/{code}/")  # the public page: never the token

    # Reloaded, the page remembers; a tap turns it off and the server forgets the browser.
    page.reload()
    offer.get_by_role("button", name="Hentikan notifikasi").tap()
    expect(offer.locator("[data-push-message]")).to_contain_text("nonaktif")
    expect(offer.get_by_role("button", name="Beri tahu saya jika ada perubahan")).to_be_visible()
    assert not PushSubscription.objects.filter(endpoint=browser.endpoint, report_id=report["id"]).exists()


def test_without_push_in_the_browser_the_offer_is_not_shown(new_phone, server):
    report = _street_light_out(server)
    page = new_phone()
    page.add_init_script("delete window.PushManager;")
    page.goto(f"{server}/laporan/{report['tracking_code']}/?t={report['reporter_token']}")
    expect(page.locator("#reporter-actions")).to_be_visible()
    expect(page.locator("#push-offer")).to_be_hidden()
    # Nor on the public page, in a browser without the private link: nobody else can follow it by push.
    other = new_phone()
    other.goto(f"{server}/laporan/{report['tracking_code']}/")
    assert other.locator("#push-offer").count() == 0


def test_a_refusal_says_how_to_allow_notifications(new_phone, server):
    report = _street_light_out(server)
    page = new_phone()
    page.add_init_script(
        "Object.defineProperty(Notification, 'permission', {get: () => 'denied'});"
        "Notification.requestPermission = () => Promise.resolve('denied');"
    )
    page.goto(f"{server}/laporan/{report['tracking_code']}/?t={report['reporter_token']}")
    page.locator("#push-offer").get_by_role("button", name="Beri tahu saya jika ada perubahan").tap()
    message = page.locator("#push-offer [data-push-message]")
    expect(message).to_contain_text("diblokir")
    assert "error" in message.get_attribute("class")
    assert not PushSubscription.objects.filter(report_id=report["id"]).exists()


def test_a_supervisor_turns_on_notifications_in_the_inbox(new_phone, server, push_service, staff_users):
    page, browser = _browser_with_push(new_phone, push_service, "supervisor-inbox")
    sign_in(page, server, "dishub-supervisor")
    offer = page.locator("#staff-push")
    expect(offer).to_be_visible()
    offer.get_by_role("button", name="Beri tahu saya jika ada perubahan").tap()
    expect(offer.locator("[data-push-message]")).to_contain_text("Notifikasi aktif")
    kept = PushSubscription.objects.get(endpoint=browser.endpoint)
    assert kept.report_id is None and kept.user.username == "dishub-supervisor"
    screenshot(page, "push-staff-inbox-on")
    # A field crew member, who starts on the nearest tickets, finds the same offer there.
    crew_page, _crew_browser = _browser_with_push(new_phone, push_service, "crew-nearby")
    sign_in(crew_page, server, "dishub-crew")
    expect(crew_page.locator("#staff-push")).to_be_visible()
