"""Reporting by WhatsApp: whole conversations through the Cloud API webhook, in Indonesian unless the
citizen writes English, with the same routing, deadlines and privacy as the web."""

import io
import json
import re
import time
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.utils import formats, timezone, translation
from PIL import Image

from chat.models import Conversation, ConversationPhoto, InboundMessage
from chat.services.inbound import message_key
from districts.selectors import areas_containing
from geo_reports.models import Report, ReporterContact, ReportPhoto
from geo_reports.services.base import reporter_token_matches
from tests import images
from tests.conftest import run_worker

from .conftest import CODE, quiet_street_light
from .platforms import WHATSAPP_VERIFY_TOKEN, WhatsAppCitizen, whatsapp_options, whatsapp_signature, whatsapp_text

pytestmark = pytest.mark.django_db


def place_label(point) -> str:
    areas = list(areas_containing(point=point))
    desa = next(a for a in areas if a.kind in ("desa", "kelurahan"))
    kecamatan = next(a for a in areas if a.kind == "kecamatan")
    return f"{desa.label}, {kecamatan.label}"


def only(replies: list[dict]) -> dict:
    assert len(replies) == 1, replies
    return replies[0]


def file_street_light_report(chat, point=None) -> Report:
    """The shortest whole conversation: location, category, answer, no photo, no description, send."""
    point = point or quiet_street_light()
    chat.say(chat.citizen.text("halo"))
    chat.say(chat.citizen.location(point.x, point.y))
    chat.say(chat.citizen.row("cat:pju-mati"))
    chat.say(chat.citizen.row("ans:out"))
    chat.say(chat.citizen.button("skip"))
    chat.say(chat.citizen.button("skip"))
    confirmation = whatsapp_text(only(chat.say(chat.citizen.button("send"))))
    return Report.objects.get(tracking_code=CODE.search(confirmation).group())


def test_the_webhook_handshake_echoes_the_challenge_only_for_our_verify_token(server):
    asked = {"hub.mode": "subscribe", "hub.challenge": "1158201444"}
    right = httpx.get(f"{server}/channels/whatsapp/", params={**asked, "hub.verify_token": WHATSAPP_VERIFY_TOKEN})
    assert (right.status_code, right.text) == (200, "1158201444")
    wrong = httpx.get(f"{server}/channels/whatsapp/", params={**asked, "hub.verify_token": "tebakan"})
    assert wrong.status_code == 403
    assert "1158201444" not in wrong.text


def test_a_full_report_by_shared_location_with_a_photo(whatsapp_chat, api, webhooks):
    chat = whatsapp_chat()
    citizen = chat.citizen
    point = quiet_street_light()

    greeting = only(chat.say(citizen.text("Halo, lampu jalan di depan rumah saya mati")))
    assert greeting["interactive"]["type"] == "location_request_message"
    assert whatsapp_text(greeting).startswith("Halo! Ini Lapor Batu")
    assert "Di mana masalahnya?" in whatsapp_text(greeting)

    categories = only(chat.say(citizen.location(point.x, point.y)))
    assert whatsapp_text(categories) == f"Lokasi: {place_label(point)}.\nApa masalahnya? Pilih kategori."
    assert categories["interactive"]["type"] == "list"
    options = whatsapp_options(categories)
    assert options["cat:pju-mati"] == "Lampu PJU mati"
    assert len(options) == 10 and "cat:izin-bangunan" not in options  # complaints only, a list holds 10

    question = only(chat.say(citizen.row("cat:pju-mati", "Lampu PJU mati")))
    assert whatsapp_text(question) == "Apa masalahnya?"
    assert set(whatsapp_options(question)) == {"ans:out", "ans:flicker", "ans:day", "ans:pole"}

    asked_photo = only(chat.say(citizen.row("ans:out")))
    assert whatsapp_text(asked_photo) == "Kirim foto masalahnya (paling banyak 2), atau ketuk Lewati."
    assert whatsapp_options(asked_photo) == {"skip": "Lewati"}

    media = chat.graph_api.add_media(images.phone_photo())
    got_photo = only(chat.say(citizen.image(media)))
    assert whatsapp_text(got_photo) == "Foto 1 diterima. Kirim satu lagi, atau ketuk Lanjut."
    assert whatsapp_options(got_photo) == {"next": "Lanjut"}

    asked_description = only(chat.say(citizen.button("next", "Lanjut")))
    assert whatsapp_text(asked_description).startswith("Jelaskan masalahnya dengan singkat")

    summary = only(chat.say(citizen.text("Lampu mati sejak tiga malam, jalan gelap sekali.")))
    text = whatsapp_text(summary)
    assert text.startswith("Periksa laporan Anda:\nKategori: Lampu PJU mati\n")
    assert f"Tempat: {place_label(point)}" in text
    assert "\nApa masalahnya? Mati\n" in text
    assert "Foto: 1" in text and "Keterangan: Lampu mati sejak tiga malam" in text
    routing = re.search(r"Laporan ini akan diteruskan ke (.+?) karena (.+)\.\n", text)
    assert routing, text
    assert whatsapp_options(summary) == {"send": "Kirim", "cancel": "Batal"}

    confirmation = whatsapp_text(only(chat.say(citizen.button("send", "Kirim"))))
    code = CODE.search(confirmation).group()
    report = Report.objects.select_related("agency", "contact").get(tracking_code=code)
    assert confirmation.startswith(f"Terima kasih! Laporan Anda tercatat dengan kode {code}.")
    assert routing.group(1) == report.agency.name
    assert f"Laporan ini diteruskan ke {report.agency.name} karena {routing.group(2)}." in confirmation
    with translation.override("id"):
        due = formats.date_format(timezone.localtime(report.resolve_due), "l, j F Y")
    assert f"Target selesai paling lambat {due}." in confirmation
    assert re.search(r"(Senin|Selasa|Rabu|Kamis|Jumat|Sabtu|Minggu), \d+ \w+ 20\d\d", due)
    link = re.search(r"Tautan pribadi Anda \(jangan dibagikan\): (\S+)", confirmation).group(1)
    assert link.startswith(f"http://127.0.0.1:8000/laporan/{code}/?t=")
    assert reporter_token_matches(report, parse_qs(urlsplit(link).query)["t"][0])
    assert f'Ketik "cek {code}"' in confirmation

    # Stored as from any channel, with the chat as the reporter's private contact.
    assert report.channel == "whatsapp"
    assert report.category.code == "pju-mati"
    assert report.answers == {"problem": "out"}
    assert report.description == "Lampu mati sejak tiga malam, jalan gelap sekali."
    assert report.location.distance(point) < 1e-6
    assert (report.contact.phone, report.contact.chat_platform, report.contact.chat_id) == (
        f"+{chat.wa_id}",
        "whatsapp",
        chat.wa_id,
    )
    assert Conversation.objects.get(chat_id=chat.wa_id).state == "idle"
    assert not ConversationPhoto.objects.filter(conversation__chat_id=chat.wa_id).exists()
    # The photo, fetched from the Graph API, is stored stripped like a web photo.
    (photo,) = ReportPhoto.objects.filter(report=report)
    stored = api.get(photo.image.url).content
    assert not Image.open(io.BytesIO(stored)).getexif()
    assert images.OWNER.encode() not in stored and images.SERIAL.encode() not in stored
    # Every message went out with the token, and nobody else was sent the number by SMS.
    assert all(m["messaging_product"] == "whatsapp" for m in chat.graph_api.to(chat.wa_id))
    assert not any(code.encode() in r["body"] for r in webhooks.received if r["path"] == "/sms")


def test_a_location_outside_batu_is_answered_and_nothing_is_stored(whatsapp_chat):
    chat = whatsapp_chat()
    chat.say(chat.citizen.text("halo"))
    reply = only(chat.say(chat.citizen.location(112.6326, -7.9666)))  # Alun-alun Malang
    assert whatsapp_text(reply) == (
        "Lokasi di luar wilayah Kota Batu. Bagikan lokasi di dalam Kota Batu, atau ketik nama tempatnya."
    )
    assert reply["interactive"]["type"] == "location_request_message"
    conversation = Conversation.objects.get(chat_id=chat.wa_id)
    assert conversation.state == "location"
    assert "lon" not in conversation.data
    assert not ReporterContact.objects.filter(chat_id=chat.wa_id).exists()


def test_an_unsigned_or_wrongly_signed_delivery_gets_403_and_nothing_is_stored(server, graph_api, app_env):
    citizen = WhatsAppCitizen(server, "6281299990001")
    update = citizen.update(citizen.text("halo"))
    body = json.dumps(update).encode()
    stored = InboundMessage.objects.count()
    for response in (
        citizen.deliver(update, signed=False),
        citizen.deliver(update, signature=whatsapp_signature(body, secret="rahasia-orang-lain")),
        citizen.deliver(update, signature=whatsapp_signature(body + b" ")),
        citizen.deliver(update, signature="sha256="),
    ):
        assert response.status_code == 403
        assert response.json() == {"detail": "Permintaan ini tidak ditandatangani oleh platform."}
    run_worker(app_env)
    assert InboundMessage.objects.count() == stored
    assert not Conversation.objects.filter(chat_id=citizen.wa_id).exists()
    assert graph_api.to(citizen.wa_id) == []


def test_the_same_delivery_twice_is_one_step_and_one_report(whatsapp_chat):
    chat = whatsapp_chat()
    citizen = chat.citizen
    point = quiet_street_light()
    chat.say(citizen.text("halo"))
    location = citizen.update(citizen.location(point.x, point.y))
    for _ in range(2):  # the platform retries before our first answer reached it
        assert citizen.deliver(location).status_code == 200
    assert (
        InboundMessage.objects.filter(
            platform="whatsapp",
            key=message_key("whatsapp", location["entry"][0]["changes"][0]["value"]["messages"][0]["id"]),
        ).count()
        == 1
    )
    before = len(chat.graph_api.to(chat.wa_id))
    run_worker(chat.env)
    assert len(chat.graph_api.to(chat.wa_id)) == before + 1  # one category list
    for message in (
        citizen.row("cat:pju-mati"),
        citizen.row("ans:day"),
        citizen.button("skip"),
        citizen.button("skip"),
    ):
        chat.say(message)

    send = citizen.update(citizen.button("send", "Kirim"))
    assert citizen.deliver(send).status_code == 200
    assert citizen.deliver(send).status_code == 200
    before = len(chat.graph_api.to(chat.wa_id))
    run_worker(chat.env)
    assert citizen.deliver(send).status_code == 200  # once more, after the step was taken
    run_worker(chat.env)
    replies = chat.graph_api.to(chat.wa_id)[before:]
    assert len(replies) == 1 and whatsapp_text(replies[0]).startswith("Terima kasih!")
    assert Report.objects.filter(contact__chat_id=chat.wa_id).count() == 1


def test_a_photo_too_large_or_not_an_image_is_answered_and_not_kept(whatsapp_chat, app_env):
    chat = whatsapp_chat()
    citizen = chat.citizen
    point = quiet_street_light()
    for message in (citizen.text("halo"), citizen.location(point.x, point.y), citizen.row("cat:pju-mati")):
        chat.say(message)
    chat.say(citizen.row("ans:pole"))
    graph = chat.graph_api

    announced_large = graph.add_media(images.phone_photo(), announced_size=12 * 1024 * 1024)
    reply = only(chat.say(citizen.image(announced_large)))
    assert whatsapp_text(reply) == "Foto terlalu besar (12.0 MB); batasnya 10 MB."
    assert whatsapp_options(reply) == {"skip": "Lewati"}

    # Larger than announced: the download stops at the limit (1 MB for this worker), whether the file
    # server says its size or not.
    for unsized, said in (
        (False, "Foto terlalu besar (1.6 MB); batasnya 1 MB."),
        (True, "Foto terlalu besar; batasnya 1 MB."),
    ):
        large = graph.add_media(images.phone_photo() + b"\0" * 1_600_000, announced_size=900, unsized=unsized)
        reply = only(chat.say(citizen.image(large), env={**app_env, "LAPOR_PHOTO_MAX_BYTES": "1048576"}))
        assert whatsapp_text(reply) == said

    not_an_image = "Berkas ini bukan foto yang dapat dibaca. Kirim gambar JPEG, PNG, atau WebP."
    pdf = graph.add_media(b"%PDF-1.4\n%%EOF\n", mime_type="application/pdf")
    assert whatsapp_text(only(chat.say(citizen.document(pdf, "application/pdf", "surat.pdf")))) == not_an_image
    disguised = graph.add_media(images.SVG_WITH_SCRIPT, mime_type="image/jpeg")
    assert whatsapp_text(only(chat.say(citizen.image(disguised)))) == not_an_image
    broken = graph.add_media(images.truncated_jpeg())
    assert whatsapp_text(only(chat.say(citizen.image(broken)))) == not_an_image

    assert not ConversationPhoto.objects.filter(conversation__chat_id=chat.wa_id).exists()
    assert Conversation.objects.get(chat_id=chat.wa_id).state == "photos"


def test_status_changes_and_public_replies_reach_the_chat(whatsapp_chat, api, staff_users):
    chat = whatsapp_chat()
    report = file_street_light_report(chat)
    admin = {"Authorization": f"Token {staff_users['admin-test']}"}
    before = len(chat.graph_api.to(chat.wa_id))
    api.post(
        f"/api/reports/{report.pk}/transition/",
        json={"status": "verified", "version": 1, "message": "Petugas datang besok pagi."},
        headers=admin,
    ).raise_for_status()
    api.post(
        f"/api/reports/{report.pk}/comments/",
        json={"message": "Kabel sudah kami cek.", "internal": False},
        headers=admin,
    ).raise_for_status()
    api.post(
        f"/api/reports/{report.pk}/comments/",
        json={"message": "Catatan internal 5531", "internal": True},
        headers=admin,
    ).raise_for_status()
    run_worker(chat.env)
    told = chat.graph_api.to(chat.wa_id)[before:]
    assert [m["type"] for m in told] == ["text", "text"]  # within 24 hours of the citizen's last message
    link = f"http://127.0.0.1:8000/laporan/{report.tracking_code}/"
    assert whatsapp_text(told[0]) == (
        f"Laporan {report.tracking_code} (Lampu PJU mati) kini berstatus: Diverifikasi.\n"
        "Pesan dari Pemerintah Kota Batu: Petugas datang besok pagi.\n" + link
    )
    assert whatsapp_text(told[1]) == (
        f"Balasan dari Pemerintah Kota Batu tentang laporan {report.tracking_code} (Lampu PJU mati):\n"
        "Kabel sudah kami cek.\n" + link
    )


def test_after_24_hours_a_status_change_goes_as_the_approved_template(whatsapp_chat, api, staff_users):
    two_days_ago = time.time() - 2 * 86400
    chat = whatsapp_chat(sent_at=two_days_ago)
    report = file_street_light_report(chat)
    admin = {"Authorization": f"Token {staff_users['dishub-operator']}"}
    before = len(chat.graph_api.to(chat.wa_id))
    api.post(
        f"/api/reports/{report.pk}/transition/",
        json={"status": "in_progress", "version": 1, "message": "Sedang\ndiperbaiki."},
        headers=admin,
    ).raise_for_status()
    run_worker(chat.env)
    told = only(chat.graph_api.to(chat.wa_id)[before:])
    assert told["type"] == "template"
    template = told["template"]
    assert (template["name"], template["language"]) == ("lapor_status_update", {"code": "id"})
    assert [p["text"] for p in template["components"][0]["parameters"]] == [
        report.tracking_code,
        "Ditindaklanjuti",
        "Sedang diperbaiki.",  # a template parameter holds no line break
        f"http://127.0.0.1:8000/laporan/{report.tracking_code}/",
    ]


def test_cek_batal_and_an_unknown_command(whatsapp_chat):
    chat = whatsapp_chat()
    citizen = chat.citizen
    report = file_street_light_report(chat)

    status = whatsapp_text(only(chat.say(citizen.text(f"cek {report.tracking_code.lower().replace('-', '')}"))))
    assert status.startswith(f"Laporan {report.tracking_code} (Lampu PJU mati)\nStatus: Diterima (sejak ")
    assert f"Ditangani oleh: {report.agency.name}" in status
    assert "Target selesai paling lambat " in status
    assert whatsapp_text(only(chat.say(citizen.text("cek ZZZZ-ZZZZ")))) == "Tidak ada laporan dengan kode ZZZZ-ZZZZ."

    point = quiet_street_light()
    chat.say(citizen.text("halo"))
    chat.say(citizen.location(point.x, point.y))
    assert Conversation.objects.get(chat_id=chat.wa_id).state == "category"
    cancelled = only(chat.say(citizen.text("Batal")))
    assert whatsapp_text(cancelled) == "Dibatalkan: tidak ada yang dikirim. Tulis apa saja untuk membuat laporan baru."
    conversation = Conversation.objects.get(chat_id=chat.wa_id)
    assert (conversation.state, conversation.data) == ("idle", {"offered": []})

    unknown = whatsapp_text(only(chat.say(citizen.text("/laporkan sekarang"))))
    assert unknown.startswith("Saya tidak mengenal perintah /laporkan.\nLapor Batu menerima laporan")
    assert '"cek <kode>"' in unknown and '"hapus data saya"' in unknown
    assert Report.objects.filter(contact__chat_id=chat.wa_id).count() == 1


def test_hapus_data_saya_erases_the_number_and_chat_id_and_keeps_the_reports(whatsapp_chat, api, staff_users):
    chat = whatsapp_chat()
    first = file_street_light_report(chat)
    second = file_street_light_report(chat)
    reply = only(chat.say(chat.citizen.text("hapus data saya")))
    assert whatsapp_text(reply) == (
        "Selesai: nomor Anda dan chat ini sudah dihapus dari 2 laporan. Laporannya tetap ada, tanpa kontak "
        "Anda, dan Anda tidak akan lagi menerima kabarnya di sini."
    )
    assert Report.objects.filter(pk__in=[first.pk, second.pk]).count() == 2
    assert not ReporterContact.objects.filter(report__in=[first, second]).exists()
    assert not ReporterContact.objects.filter(phone__contains=chat.wa_id[2:]).exists()
    assert not Conversation.objects.filter(chat_id=chat.wa_id).exists()  # gone once the answer was sent

    admin = {"Authorization": f"Token {staff_users['admin-test']}"}
    before = len(chat.graph_api.to(chat.wa_id))
    api.post(
        f"/api/reports/{first.pk}/transition/", json={"status": "verified", "version": 1}, headers=admin
    ).raise_for_status()
    run_worker(chat.env)
    assert len(chat.graph_api.to(chat.wa_id)) == before  # nobody to tell any more


def test_english_when_the_citizen_writes_english(whatsapp_chat):
    chat = whatsapp_chat()
    point = quiet_street_light()
    greeting = whatsapp_text(only(chat.say(chat.citizen.text("Hello, I want to report a broken street light"))))
    assert greeting.startswith("Hello! This is Lapor Batu: your report goes straight to the agency responsible.")
    categories = only(chat.say(chat.citizen.location(point.x, point.y)))
    assert whatsapp_text(categories).endswith("What is the problem? Choose a category.")
    assert whatsapp_options(categories)["cat:pju-mati"] == "Street light out"
    assert Conversation.objects.get(chat_id=chat.wa_id).language == "en"
