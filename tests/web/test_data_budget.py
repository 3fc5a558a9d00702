"""Bytes are a feature: a report with two 12-megapixel phone photos sends at most 1 MB in all,
measured from the requests Chromium really made (bodies and headers) over the real server; the
photos arrive upright, smaller and without their camera metadata. The installed app's first visit
(its shell kept for offline use included) keeps to 350 KB and a repeat visit to 20 KB besides report
data, counted from what the server sent. The figures are written as a record
(tests/reliability/records.py) for the README's table."""

import email
import email.policy
import io

import pytest
from django.contrib.gis.geos import Point
from PIL import Image
from playwright.sync_api import expect

from geo_reports.models import Report
from tests import images
from tests.reliability import records

from .conftest import PHONE, screenshot

pytestmark = [pytest.mark.django_db, pytest.mark.browser]
BUDGET_BYTES = 1024 * 1024
FIRST_VISIT_BYTES = 350 * 1024  # the home page's budget (test_quality.py), now with the offline shell
REPEAT_VISIT_BYTES = 20 * 1024
HEADER_BYTES = 1024  # counted for each request: its request and response headers
REPORT_DATA = ("/api/tiles/reports/", "/api/reports/count/")  # what changes as reports come in
MAP_TILES = ("/api/tiles/basemap/",)
# A weak mobile signal's upload, so the progress bar has something to show.
SLOW_UPLOAD = {"offline": False, "latency": 120, "downloadThroughput": 1_500_000 / 8, "uploadThroughput": 2_000_000 / 8}


def _parts(request) -> list[email.message.Message]:
    """The multipart/form-data body of a request, as MIME parts."""
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    message = email.message_from_bytes(head + request.post_data_buffer, policy=email.policy.HTTP)
    return list(message.iter_parts())


def test_two_twelve_megapixel_photos_cost_less_than_a_megabyte(phone, server):
    originals = [images.camera_photo(seed=1), images.camera_photo(seed=2)]
    sent = []
    phone.on("requestfinished", lambda request: sent.append(request))

    phone.goto(server + "/lapor/")
    phone.wait_for_function("() => !!window.leafletmapmap")
    # No pin yet: the photos know where they were taken (EXIF GPS, Kelurahan Sisir), so the pin goes there.
    phone.set_input_files(
        "#photos",
        files=[
            {"name": f"IMG_20261206_{n}.jpg", "mimeType": "image/jpeg", "buffer": b} for n, b in enumerate(originals)
        ],
    )
    expect(phone.locator("#photo-previews img")).to_have_count(2)
    expect(phone.locator("#location-text")).to_contain_text("Kel. Sisir")
    expect(phone.locator(".pin-marker")).to_have_count(1)
    # Removed, then chosen again: appended, never more than the limit.
    phone.get_by_role("button", name="Hapus foto 2").click()
    expect(phone.locator("#photo-previews img")).to_have_count(1)
    phone.set_input_files("#photos", files=[{"name": "lagi.jpg", "mimeType": "image/jpeg", "buffer": originals[1]}])
    expect(phone.locator("#photo-previews img")).to_have_count(2)
    expect(phone.locator("#photos-status")).to_contain_text("2 dari 5 foto")

    phone.locator("label[for=category-sampah]").tap()
    phone.locator("label[for=answer-problem-0]").tap()
    phone.fill("#description", "Tumpukan sampah di pinggir jalan.")
    screenshot(phone, "budget-photos-phone")

    cdp = phone.context.new_cdp_session(phone)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_UPLOAD)
    with phone.expect_request(lambda r: r.url == server + "/api/reports/" and r.method == "POST") as posted:
        phone.click("#submit")
    # The progress bar moves while the photos go up.
    phone.wait_for_function("() => { const v = document.getElementById('upload-bar').value; return v > 0 && v < 100; }")
    screenshot(phone, "budget-progress-phone")
    expect(phone.locator("#success")).to_be_visible(timeout=60_000)
    cdp.send(
        "Network.emulateNetworkConditions",
        {**SLOW_UPLOAD, "uploadThroughput": -1, "downloadThroughput": -1, "latency": 0},
    )
    code = phone.locator("#tracking-code").inner_text()

    request = posted.value
    photos = [part for part in _parts(request) if part.get_param("name", header="content-disposition") == "photos"]
    assert len(photos) == 2
    for part in photos:
        data = part.get_payload(decode=True)
        picture = Image.open(io.BytesIO(data))
        assert picture.format == "JPEG"
        assert picture.size == (1200, 1600)  # made smaller, and turned upright (EXIF orientation 6)
        assert dict(picture.getexif()) == {}
        assert b"Exif" not in data[:64]
    body = request.post_data_buffer
    assert images.OWNER.encode() not in body and images.SERIAL.encode() not in body

    # Everything the page sent, from its first request to the confirmation: bodies and headers.
    up = sum(r.sizes()["requestBodySize"] + r.sizes()["requestHeadersSize"] for r in sent)
    down = sum(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"] for r in sent)
    report_request = request.sizes()["requestBodySize"] + request.sizes()["requestHeadersSize"]
    records.note(
        __name__,
        originals_bytes=sum(len(b) for b in originals),
        photos_sent_bytes=sum(len(p.get_payload(decode=True)) for p in photos),
        report_request_bytes=report_request,
        flow_sent_bytes=up,
        flow_received_bytes=down,
        flow_requests=len(sent),
        budget_bytes=BUDGET_BYTES,
    )
    print(
        f"sent {up / 1024:.0f} KB in {len(sent)} requests (the report {report_request / 1024:.0f} KB), received {down / 1024:.0f} KB"
    )
    assert up <= BUDGET_BYTES

    report = Report.objects.get(tracking_code=code)
    assert report.photos.count() == 2
    # The pin the photo gave: where the camera stood (7°52'34.56"S 112°31'44.4"E).
    assert report.location.distance(Point(112.529, -7.8762667, srid=4326)) < 1e-5


def _cost(rows, leave_out: tuple[str, ...]) -> tuple[int, list]:
    kept = [row for row in rows if not row[1].startswith(leave_out)]
    return sum(row[3] for row in kept) + HEADER_BYTES * len(kept), kept


def _open_home(context, server):
    page = context.new_page()
    page.goto(server + "/")
    page.wait_for_function(
        "() => document.body.dataset.reportsLoaded !== undefined && document.body.dataset.tilesLoaded !== undefined"
    )
    return page


def test_the_installed_app_opens_again_for_a_few_kilobytes(chromium, app_server):
    server = app_server.url
    context = chromium.new_context(viewport=PHONE, locale="id-ID", has_touch=True)
    # Not routed (routing turns Chromium's HTTP cache off): outside requests are only watched for.
    outside = []
    context.on("request", lambda request: None if request.url.startswith(server) else outside.append(request.url))
    try:
        mark = app_server.access_mark()
        page = _open_home(context, server)
        # The worker has kept the shell (the pages that work offline, and all they use) once it controls the page.
        page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=30_000)
        first_bytes, first = _cost(app_server.requests_since(mark), REPORT_DATA + MAP_TILES)
        assert any(path == "/lapor/" for _, path, *_ in first)  # the form's page, for a report made offline
        page.close()

        mark = app_server.access_mark()
        page = _open_home(context, server)
        for _ in range(40):  # the app's check for a new release, made once the page has loaded
            if any(row[1] == "/sw.js" for row in app_server.requests_since(mark)):
                break
        repeat_bytes, repeat = _cost(app_server.requests_since(mark), REPORT_DATA)
        assert not [row for row in repeat if row[1].startswith(("/static/", "/api/tiles/basemap/"))], repeat
        assert ("GET", "/sw.js", 304) in [row[:3] for row in repeat]  # asked, and nothing new
    finally:
        context.close()
    assert outside == []
    records.note(
        __name__,
        first_visit_bytes=first_bytes,
        first_visit_requests=len(first),
        repeat_visit_bytes=repeat_bytes,
        repeat_visit_requests=len(repeat),
        first_visit_budget_bytes=FIRST_VISIT_BYTES,
        repeat_visit_budget_bytes=REPEAT_VISIT_BYTES,
    )
    print(f"first visit {first_bytes / 1024:.1f} KB in {len(first)} requests: {first}")
    print(f"repeat visit {repeat_bytes / 1024:.1f} KB in {len(repeat)} requests: {repeat}")
    assert first_bytes <= FIRST_VISIT_BYTES
    assert repeat_bytes <= REPEAT_VISIT_BYTES
