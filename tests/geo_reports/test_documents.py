"""Service requests (a permit application, a local-tax question) with private documents, through the
real server: what is accepted, what is refused (with a message in Indonesian and English, and nothing
written), who may download a document (everyone else gets 404), and that neither the requests nor
their documents appear in any public output."""

import hashlib
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image
from pypdf import PdfWriter

from geo_reports.models import Report, ReportDocument, ReportUpdate
from tests import images

pytestmark = pytest.mark.django_db

BATU = [112.5290, -7.8763]  # inside Kelurahan Sisir
PERMIT = "izin-bangunan"
TAX = "pajak-daerah"
PERMIT_ANSWERS = {"permit_type": "pbg", "applicant": "person", "object_name": "Rumah tinggal Jl. Diponegoro 12"}
TAX_ANSWERS = {"tax_type": "pbb", "topic": "bill"}
PERMIT_NAME = {
    "id": "Permohonan izin",
    "en": "Permit application",
}


# --- files ----------------------------------------------------------------------------------------


def pdf(pages: int = 1, colour=(255, 255, 255)) -> bytes:
    """A real PDF, written by Pillow (not by the library that checks uploads)."""
    sheets = [Image.new("RGB", (420, 594), colour) for _ in range(pages)]
    out = io.BytesIO()
    sheets[0].save(out, "PDF", save_all=True, append_images=sheets[1:])
    return out.getvalue()


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(420, 594)
    writer.encrypt("rahasia")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PE_EXECUTABLE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 200
)
ELF_EXECUTABLE = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 300


def stored_files() -> set[str]:
    root = Path(settings.LAPOR_PRIVATE_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def counts() -> tuple[int, int, int]:
    return Report.objects.count(), ReportDocument.objects.count(), ReportUpdate.objects.count()


def file_request(api, category=PERMIT, answers=None, files=(), language="id", **fields):
    """POST a request as the form does: multipart, with `documents` files [(name, bytes, type)]."""
    data = {
        "category": category,
        "geometry": json.dumps({"type": "Point", "coordinates": BATU}),
        "answers": json.dumps(PERMIT_ANSWERS if answers is None else answers),
        "description": "Mohon diproses.",
        **fields,
    }
    upload = [("documents", file) for file in files]
    headers = {"Accept-Language": language}
    return api.post("/api/reports/", data=data, files=upload or None, headers=headers)


@pytest.fixture(scope="session")
def permit_staff(committed) -> dict[str, str]:
    """Staff of DPMPTSP (who handle permits) and of Bapenda (taxes): username → API token."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from districts.models import Agency, Membership

    tokens = {}
    with committed():
        for username, agency in (("dpmptsp-operator", "dpmptsp"), ("bapenda-operator", "bapenda")):
            user, _ = get_user_model().objects.get_or_create(username=username)
            Membership.objects.get_or_create(user=user, agency=Agency.objects.get(code=agency), role="operator")
            tokens[username] = Token.objects.get_or_create(user=user)[0].key
    return tokens


def staff(token: str) -> dict:
    return {"Authorization": f"Token {token}"}


# --- accepted -------------------------------------------------------------------------------------


def test_a_permit_application_with_a_pdf_and_a_photo_is_routed_to_dpmptsp(api, permit_staff):
    plans = pdf(pages=2)
    photo = images.phone_photo()
    before_files = stored_files()
    response = file_request(
        api,
        files=[("Gambar Rencana Rumah.pdf", plans, "application/pdf"), ("ktp pemohon.jpg", photo, "image/jpeg")],
    )
    assert response.status_code == 201, response.text
    props = response.json()["properties"]
    assert props["agency"]["code"] == "dpmptsp"
    assert props["category"]["code"] == PERMIT
    assert props["answers"] == PERMIT_ANSWERS

    # The requester is told where the documents are: links that carry the private token.
    listed = props["documents"]
    assert [(d["name"], d["content_type"], d["pages"]) for d in listed] == [
        ("Gambar Rencana Rumah.pdf", "application/pdf", 2),
        ("ktp pemohon.jpg", "image/jpeg", None),
    ]
    token = props["reporter_token"]
    for document in listed:
        assert document["url"].endswith(f"?t={token}")

    # Stored outside MEDIA_ROOT, under random names, the PDF byte for byte, the photo without EXIF.
    records = list(ReportDocument.objects.filter(report_id=props["id"]).order_by("created_at", "id"))
    new_files = stored_files() - before_files
    assert new_files == {record.file.name for record in records}
    for record in records:
        path = Path(settings.LAPOR_PRIVATE_ROOT) / record.file.name
        assert not path.resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())
        assert re.fullmatch(r"documents/[0-9a-f]{2}/[0-9a-f]{32}\.(pdf|jpg)", record.file.name)
        assert hashlib.sha256(path.read_bytes()).hexdigest() == record.sha256
    assert records[0].sha256 == hashlib.sha256(plans).hexdigest() and records[0].size == len(plans)
    stored_photo = (Path(settings.LAPOR_PRIVATE_ROOT) / records[1].file.name).read_bytes()
    assert images.SERIAL.encode() not in stored_photo and images.OWNER.encode() not in stored_photo

    # The upload is in the timeline, as an internal entry: staff see it, the public timeline does not.
    staff_view = api.get(f"/api/staff/reports/{props['id']}/", headers=staff(permit_staff["dpmptsp-operator"]))
    assert staff_view.status_code == 200
    entries = staff_view.json()["properties"]["timeline"]
    assert [(e["kind"], e["is_internal"]) for e in entries] == [("created", False), ("documents", True)]
    assert [d["name"] for d in entries[1]["data"]["documents"]] == ["Gambar Rencana Rumah.pdf", "ktp pemohon.jpg"]
    assert [d["name"] for d in staff_view.json()["properties"]["documents"]] == [d["name"] for d in listed]
    assert [e["kind"] for e in props["timeline"]] == ["created"]


def test_a_tax_question_goes_to_bapenda_with_the_nop_normalised_and_documents_optional(api):
    for nop in ("35.79.010.001.001-0001.0", "357901000100100010", "35 79 010 001 001 0001 0"):
        response = file_request(api, category=TAX, answers={**TAX_ANSWERS, "nop": nop})
        assert response.status_code == 201, response.text
        props = response.json()["properties"]
        assert props["agency"]["code"] == "bapenda"
        assert props["documents"] == []
    assert props["answers"]["nop"] == "35.79.010.001.001-0001.0"
    assert Report.objects.get(pk=props["id"]).answers["nop"] == "35.79.010.001.001-0001.0"
    with_notice = file_request(
        api, category=TAX, answers=TAX_ANSWERS, files=[("SPPT 2026.pdf", pdf(), "application/pdf")]
    )
    assert with_notice.status_code == 201, with_notice.text
    assert [d["name"] for d in with_notice.json()["properties"]["documents"]] == ["SPPT 2026.pdf"]


@pytest.mark.parametrize(
    ("nop", "indonesian", "english"),
    [
        (
            "35.79.010.001",
            "Nomor Objek Pajak (NOP) terdiri dari 18 angka, mis. 35.79.010.001.001-0001.0.",
            "A tax object number (NOP) has 18 digits, e.g. 35.79.010.001.001-0001.0.",
        ),
        (
            "35.79.O1O.001.001-0001.0",
            "Nomor Objek Pajak (NOP) terdiri dari 18 angka, mis. 35.79.010.001.001-0001.0.",
            "A tax object number (NOP) has 18 digits, e.g. 35.79.010.001.001-0001.0.",
        ),
    ],
)
def test_a_malformed_nop_is_refused(api, nop, indonesian, english):
    before = counts()
    for language, message in (("id", indonesian), ("en", english)):
        response = file_request(api, category=TAX, answers={**TAX_ANSWERS, "nop": nop}, language=language)
        assert response.status_code == 400, response.text
        assert response.json()["errors"]["answers.nop"] == [message]
    assert counts() == before


def test_the_categories_say_what_they_take(api):
    categories = {c["code"]: c for c in api.get("/api/categories/").json()}
    permit, tax, waste = categories[PERMIT], categories[TAX], categories["sampah"]
    assert (permit["kind"], permit["group"], permit["is_public"], permit["default_agency"]) == (
        "request",
        "services",
        False,
        "dpmptsp",
    )
    assert (tax["kind"], tax["group"], tax["is_public"], tax["default_agency"]) == (
        "request",
        "services",
        False,
        "bapenda",
    )
    assert permit["accepts_documents"] and permit["documents_required"]
    assert tax["accepts_documents"] and not tax["documents_required"]
    assert not waste["accepts_documents"] and not waste["documents_required"]
    assert (permit["acknowledge_within"], permit["acknowledge_unit"]) == (2, "working_days")
    assert (permit["resolve_within"], permit["resolve_unit"]) == (28, "working_days")
    permit_type = permit["questions"][0]
    assert (permit_type["code"], permit_type["datatype"], permit_type["required"]) == (
        "permit_type",
        "singlevaluelist",
        True,
    )
    assert [v["key"] for v in permit_type["values"]] == ["pbg", "slf", "reklame", "keramaian", "lainnya"]
    assert permit_type["values"][0]["name"] == "Persetujuan Bangunan Gedung (PBG)"
    english = {c["code"]: c for c in api.get("/api/categories/", headers={"Accept-Language": "en"}).json()}
    assert english[PERMIT]["name"] == PERMIT_NAME["en"]
    assert english[PERMIT]["documents_hint"].startswith("For example the applicant's ID card")


# --- refused: a message in both languages, and nothing written -----------------------------------

CASES = [
    (
        "text renamed .pdf",
        {"files": [("permohonan.pdf", b"Ini hanya teks biasa, bukan PDF.\n", "application/pdf")]},
        "permohonan.pdf bukan PDF ataupun gambar yang dapat kami baca. Kirim PDF, atau gambar JPEG, PNG atau WebP.",
        "permohonan.pdf is neither a PDF nor an image we can read. Send a PDF, or a JPEG, PNG or WebP image.",
    ),
    (
        "text with a PDF header",
        {"files": [("surat.pdf", b"%PDF-1.7\nsebenarnya hanya teks\n%%EOF\n", "application/pdf")]},
        "surat.pdf bukan PDF yang utuh dan dapat dibaca. Simpan atau pindai ulang, lalu kirim berkas yang baru.",
        "surat.pdf is not a complete, readable PDF. Save or scan it again and send the new file.",
    ),
    (
        "truncated PDF",
        {"files": [("rencana.pdf", pdf(pages=3)[:-400], "application/pdf")]},
        "rencana.pdf bukan PDF yang utuh dan dapat dibaca. Simpan atau pindai ulang, lalu kirim berkas yang baru.",
        "rencana.pdf is not a complete, readable PDF. Save or scan it again and send the new file.",
    ),
    (
        "Windows executable",
        {"files": [("formulir.exe", PE_EXECUTABLE, "application/x-msdownload")]},
        "formulir.exe bukan PDF ataupun gambar yang dapat kami baca. Kirim PDF, atau gambar JPEG, PNG atau WebP.",
        "formulir.exe is neither a PDF nor an image we can read. Send a PDF, or a JPEG, PNG or WebP image.",
    ),
    (
        "Linux executable renamed .pdf",
        {"files": [("scan.pdf", ELF_EXECUTABLE, "application/pdf")]},
        "scan.pdf bukan PDF ataupun gambar yang dapat kami baca. Kirim PDF, atau gambar JPEG, PNG atau WebP.",
        "scan.pdf is neither a PDF nor an image we can read. Send a PDF, or a JPEG, PNG or WebP image.",
    ),
    (
        "password-protected PDF",
        {"files": [("terkunci.pdf", encrypted_pdf(), "application/pdf")]},
        "terkunci.pdf dilindungi kata sandi. Kirim berkas tanpa kata sandi.",
        "terkunci.pdf is protected by a password. Send it without the password.",
    ),
    (
        "empty file",
        {"files": [("kosong.pdf", b"", "application/pdf")]},
        "kosong.pdf kosong.",
        "kosong.pdf is empty.",
    ),
    (
        "over 5 MB",
        {"files": [("besar.pdf", b"%PDF-1.4\n" + b"0" * (6 * 1024 * 1024), "application/pdf")]},
        "besar.pdf terlalu besar (6.0 MB); batasnya 5 MB per dokumen.",
        "besar.pdf is too large (6.0 MB); the limit is 5 MB per document.",
    ),
    (
        "six documents",
        {"files": [(f"lampiran-{n}.pdf", pdf(), "application/pdf") for n in range(6)]},
        "Kirim paling banyak 5 dokumen.",
        "Send at most 5 documents.",
    ),
    (
        "documents with a complaint",
        {
            "category": "sampah",
            "answers": {"problem": "dumping"},
            "files": [("foto-tps.pdf", pdf(), "application/pdf")],
        },
        "Dokumen hanya dapat dilampirkan pada permohonan layanan (izin, pajak), tidak pada Sampah.",
        "Documents can only be attached to service requests (permits, taxes), not to Waste.",
    ),
    (
        "a permit without documents",
        {},
        f"Lampirkan paling sedikit satu dokumen (PDF atau foto) untuk {PERMIT_NAME['id']}.",
        f"Attach at least one document (PDF or photo) for {PERMIT_NAME['en']}.",
    ),
]


@pytest.mark.parametrize(("case", "request_fields", "indonesian", "english"), CASES, ids=[c[0] for c in CASES])
def test_bad_documents_are_refused_and_nothing_is_written(api, case, request_fields, indonesian, english):
    before, before_files = counts(), stored_files()
    for language, message in (("id", indonesian), ("en", english)):
        response = file_request(api, language=language, **request_fields)
        assert response.status_code == 400, response.text
        assert response.json()["errors"]["documents"] == [message]
        assert response.headers["content-language"] == language
    assert counts() == before
    assert stored_files() == before_files


def test_a_document_error_is_reported_with_the_other_faults(api):
    """A bad answer and a missing document in one response, and still nothing written."""
    before = counts()
    response = file_request(api, answers={"permit_type": "pabrik-nuklir", "applicant": "person"})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"answers.permit_type", "answers.object_name", "documents"}
    assert counts() == before


# --- who may download -----------------------------------------------------------------------------


@pytest.fixture
def permit_with_plans(api) -> dict:
    plans = pdf(pages=1, colour=(250, 240, 200))
    response = file_request(api, files=[("denah lantai.pdf", plans, "application/pdf")])
    assert response.status_code == 201, response.text
    props = response.json()["properties"]
    (document,) = props["documents"]
    return {
        "report": props,
        "token": props["reporter_token"],
        "path": f"/api/reports/{props['id']}/documents/{document['id']}/",
        "bytes": plans,
    }


def test_the_requester_downloads_with_the_private_token(api, permit_with_plans):
    got = api.get(permit_with_plans["path"], params={"t": permit_with_plans["token"]})
    assert got.status_code == 200
    assert got.content == permit_with_plans["bytes"]
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["content-disposition"] == 'attachment; filename="denah lantai.pdf"'
    assert got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["cache-control"] == "private, no-store"


@pytest.mark.parametrize("user", ["dpmptsp-operator", "planner-test", "admin-test"])
def test_the_agency_handling_it_planners_and_administrators_download(
    api, permit_with_plans, permit_staff, staff_users, user
):
    token = {**permit_staff, **staff_users}[user]
    got = api.get(permit_with_plans["path"], headers=staff(token))
    assert got.status_code == 200
    assert got.content == permit_with_plans["bytes"]
    assert got.headers["cache-control"] == "private, no-store"


def test_everyone_else_gets_404(api, permit_with_plans, permit_staff, staff_users):
    path, token = permit_with_plans["path"], permit_with_plans["token"]
    other = file_request(api, files=[("lain.pdf", pdf(), "application/pdf")]).json()["properties"]
    other_document = other["documents"][0]["id"]
    attempts = {
        "anonymous, no token": api.get(path),
        "wrong token": api.get(path, params={"t": token[:-2] + "xx"}),
        "another request's token": api.get(path, params={"t": other["reporter_token"]}),
        "empty token": api.get(path, params={"t": ""}),
        "another agency's operator": api.get(path, headers=staff(staff_users["dishub-operator"])),
        "another agency's field crew": api.get(path, headers=staff(staff_users["dishub-crew"])),
        "another agency's operator (DLH)": api.get(path, headers=staff(staff_users["dlh-operator"])),
        "Bapenda for a permit": api.get(path, headers=staff(permit_staff["bapenda-operator"])),
        # The right token, with the document of another request or under another report's id.
        "another request's document": api.get(
            f"/api/reports/{permit_with_plans['report']['id']}/documents/{other_document}/", params={"t": token}
        ),
        "no such document": api.get(
            f"/api/reports/{permit_with_plans['report']['id']}/documents/00000000-0000-4000-8000-000000000000/",
            params={"t": token},
        ),
    }
    assert {name: r.status_code for name, r in attempts.items()} == dict.fromkeys(attempts, 404)
    for response in attempts.values():
        assert permit_with_plans["bytes"] not in response.content


def test_no_public_url_reaches_a_stored_document(api, permit_with_plans):
    record = ReportDocument.objects.get(report_id=permit_with_plans["report"]["id"])
    name = record.file.name  # documents/ab/<uuid>.pdf under LAPOR_PRIVATE_ROOT
    prefix, filename = name.split("/")[1:]
    for path in (
        f"/media/{name}",
        f"/media/photos/{prefix}/{filename}",
        f"/media/photos/{prefix}/{record.uuid.hex}.jpg",
        f"/static/{name}",
        f"/{name}",
    ):
        response = api.get(path)
        assert response.status_code == 404, path
        assert permit_with_plans["bytes"] not in response.content


def test_the_private_folder_cannot_be_set_inside_a_public_one():
    base = Path(settings.BASE_DIR)
    for inside in (Path(settings.MEDIA_ROOT) / "dokumen", Path(settings.STATIC_ROOT) / "dokumen"):
        result = subprocess.run(
            [sys.executable, "-c", "import config.settings"],
            cwd=base,
            env={**os.environ, "LAPOR_PRIVATE_ROOT": str(inside)},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode != 0
        assert "LAPOR_PRIVATE_ROOT must not lie inside" in result.stderr


def test_the_private_page_lists_the_documents_and_the_staff_page_too(api, client, permit_with_plans, permit_staff):
    from django.contrib.auth import get_user_model

    code, token = permit_with_plans["report"]["tracking_code"], permit_with_plans["token"]
    page = api.get(f"/laporan/{code}/", params={"t": token})
    assert page.status_code == 200
    assert "denah lantai.pdf" in page.text
    # Its links carry no token: the download takes the report's cookie (or the X-Reporter-Token header).
    assert f'href="{permit_with_plans["path"]}"' in page.text and f"{permit_with_plans['path']}?t=" not in page.text
    assert api.get(f"/laporan/{code}/").status_code == 404
    assert api.get(f"/laporan/{code}/", params={"t": "salah"}).status_code == 404

    client.force_login(get_user_model().objects.get(username="dpmptsp-operator"))
    staff_page = client.get(f"/petugas/laporan/{code}/")
    assert staff_page.status_code == 200
    text = staff_page.content.decode()
    assert "denah lantai.pdf" in text and permit_with_plans["path"] in text
    assert "Rumah tinggal Jl. Diponegoro 12" in text  # the answers are on the staff page
    assert f"?t={token}" not in text


# --- never public ---------------------------------------------------------------------------------


def test_requests_and_their_documents_never_appear_in_public(api):
    marker = "izin-rahasia-5521"
    permit = file_request(api, description=marker, files=[(f"{marker}.pdf", pdf(), "application/pdf")])
    tax = file_request(
        api, category=TAX, answers={**TAX_ANSWERS, "nop": "35.79.010.001.001-0001.0"}, description=marker
    )
    assert permit.status_code == tax.status_code == 201
    filed = [permit.json()["properties"], tax.json()["properties"]]
    secrets = [marker, "35.79.010.001.001-0001.0", filed[0]["documents"][0]["id"]]
    secrets += [r["tracking_code"] for r in filed] + [r["reporter_token"] for r in filed]

    public = {
        "list": api.get("/api/reports/", params={"page_size": 1000}),
        "list by category": api.get("/api/reports/", params={"category": PERMIT}),
        "search": api.get("/api/reports/", params={"q": filed[0]["tracking_code"]}),
        "map": api.get("/api/reports/map/"),
        "geojson export": api.get("/api/reports/export.geojson"),
        "csv export": api.get("/api/reports/export.csv"),
        "statistics": api.get("/api/stats/", params={"group": "category"}),
        "open311 requests": api.get("/open311/v2/requests.json", params={"page_size": 1000}),
        "open311 requests of the service": api.get("/open311/v2/requests.json", params={"service_code": PERMIT}),
        "ogc api items": api.get("/ogcapi/collections/reports/items", params={"limit": 10000}),
        "home page": api.get("/"),
        "statistics page": api.get("/statistik/"),
    }
    for name, response in public.items():
        assert response.status_code == 200, name
        for secret in secrets:
            assert secret not in response.text, (name, secret)
    assert api.get("/api/reports/count/", params={"category": PERMIT}).json() == {"count": 0}
    assert {PERMIT, TAX}.isdisjoint(row["key"] for row in public["statistics"].json()["rows"])
    # The public map does not even offer them as a filter: nothing of theirs is ever on it.
    assert f'value="{PERMIT}"' not in public["home page"].text and f'value="{TAX}"' not in public["home page"].text
    assert api.get("/api/reports/", params={"category": PERMIT}).json()["features"] == []

    for report in filed:
        for path in (
            f"/api/reports/{report['id']}/",
            f"/api/reports/track/{report['tracking_code']}/",
            f"/laporan/{report['tracking_code']}/",
            f"/en/laporan/{report['tracking_code']}/",
            f"/open311/v2/requests/{report['id']}.json",
            f"/ogcapi/collections/reports/items/{report['id']}",
        ):
            response = api.get(path)
            assert response.status_code == 404, path
            for secret in secrets[:3]:  # (a 404 page may repeat the code it was asked for, in its links)
                assert secret not in response.text, (path, secret)
        # With the private token, the requester follows the request through the API, still without
        # the documents in that (public-shaped) answer.
        tracked = api.get(f"/api/reports/track/{report['tracking_code']}/", params={"t": report["reporter_token"]})
        assert tracked.status_code == 200
        assert "documents" not in tracked.json()["properties"]


def test_the_files_of_a_submission_that_fails_to_commit_are_removed():
    from django.contrib.gis.geos import Point
    from django.db import DataError

    from geo_reports import documents
    from geo_reports.selectors import category_by_code
    from geo_reports.services.intake import report_create

    before, before_files = counts(), stored_files()
    # An Idempotency-Key longer than its column: the database refuses the last row of the
    # transaction, after the documents' files were stored.
    with pytest.raises(DataError):
        report_create(
            category=category_by_code(PERMIT),
            geometry=Point(*BATU, srid=settings.LAPOR_SRID),
            answers=PERMIT_ANSWERS,
            photos=[],
            documents=[documents.process(pdf(), "rencana.pdf"), documents.process(images.png(), "peta.png")],
            idempotency_key="uji-gagal-simpan-" + "x" * 100,
        )
    assert counts() == before
    assert stored_files() == before_files
