"""What both chat channels share: off without settings, the abuse bounds per phone number and chat id,
"+1" from a chat, conversations kept in the database (across a restart, reset when idle), sends
retried in order, and no phone number or chat id in a log line."""

import datetime as dt
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from chat.language import language_of
from chat.models import Conversation, OutboundMessage
from geo_reports.models import Blocklist, Report
from tests.conftest import ARTIFACTS, BASE_DIR, AppServer, run_worker

from .conftest import WhatsAppChat, quiet_street_light
from .platforms import WhatsAppCitizen, telegram_options, whatsapp_options, whatsapp_text
from .test_whatsapp import file_street_light_report, only

pytestmark = pytest.mark.django_db
BLOCKED_PHONE = "0812 9999 0002"
BLOCKED_TELEGRAM = 6_099_000_777


@pytest.fixture(scope="module")
def blocked(committed):
    with committed():
        Blocklist.objects.get_or_create(kind=Blocklist.Kind.PHONE, value=BLOCKED_PHONE)
        Blocklist.objects.get_or_create(kind=Blocklist.Kind.CHAT, value=f"telegram:{BLOCKED_TELEGRAM}")


def test_a_channel_without_its_settings_is_off(db, settings):
    """This process runs without the channels' settings, as a city that has not connected them."""
    settings.LAPOR_WHATSAPP_TOKEN = ""
    settings.LAPOR_TELEGRAM_BOT_TOKEN = ""
    client = Client()
    assert client.get("/channels/whatsapp/", {"hub.mode": "subscribe"}).status_code == 404
    assert client.post("/channels/whatsapp/", b"{}", content_type="application/json").status_code == 404
    assert client.post("/channels/telegram/", b"{}", content_type="application/json").status_code == 404


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Hello, the street light in front of my house is broken", "en"),
        ("Hi, I want to report a leaking water pipe", "en"),
        ("Selamat pagi, mau lapor lampu jalan mati", "id"),
        ("halo min, ada jalan rusak di depan rumah saya", "id"),
        ("Assalamualaikum, tolong sampah belum diangkut", "id"),
        ("Sisir", None),
        ("ok", None),
        ("ABCD-2345", None),
    ],
)
def test_the_language_is_read_from_the_words(text, language):
    assert language_of(text) == language


def test_blocked_numbers_and_chat_ids_are_refused(whatsapp_chat, telegram_chat, blocked):
    refusal = "Laporan dari pengirim ini tidak diterima. Hubungi Diskominfo Kota Batu bila ini keliru."
    phone = whatsapp_chat()
    phone.citizen.wa_id = "6281299990002"  # 0812 9999 0002, written the international way
    assert whatsapp_text(only(phone.say(phone.citizen.text("halo")))) == refusal
    assert Conversation.objects.get(chat_id="6281299990002").state == "idle"
    telegram = telegram_chat()
    telegram.citizen.chat_id = BLOCKED_TELEGRAM
    telegram.citizen.chat["id"] = telegram.citizen.user["id"] = BLOCKED_TELEGRAM
    assert only(telegram.say(telegram.citizen.text("halo")))["text"] == refusal


def test_the_rate_limit_counts_each_chat_on_its_own(whatsapp_chat, app_env):
    strict = {**app_env, "LAPOR_RATE_REPORTS": "1"}
    first, second = whatsapp_chat(), whatsapp_chat()
    first.env = second.env = strict
    file_street_light_report(first)
    other = file_street_light_report(second)  # another number is not held back by the first one's report
    assert other.channel == "whatsapp"

    point = quiet_street_light()
    for message in (
        first.citizen.text("halo"),
        first.citizen.location(point.x, point.y),
        first.citizen.row("cat:pju-mati"),
        first.citizen.row("ans:out"),
        first.citizen.button("skip"),
        first.citizen.button("skip"),
    ):
        first.say(message)
    refused = whatsapp_text(only(first.say(first.citizen.button("send"))))
    assert re.fullmatch(
        r"Terlalu banyak kiriman dari sini\. Silakan coba lagi dalam \d+ menit\.\n"
        r"Tidak ada yang dikirim\. Tulis apa saja untuk mulai lagi\.",
        refused,
    )
    assert Report.objects.filter(contact__chat_id=first.wa_id).count() == 1


def test_a_flood_from_one_chat_gets_no_answers_beyond_the_bound(whatsapp_chat, app_env):
    flooding, other = whatsapp_chat(), whatsapp_chat()
    flooding.env = other.env = {**app_env, "LAPOR_RATE_CHAT_MESSAGES": "3"}
    for _ in range(5):
        flooding.citizen.send(flooding.citizen.text("/bantuan"))
    run_worker(flooding.env)
    assert len(flooding.graph_api.to(flooding.wa_id)) == 3
    assert len(other.say(other.citizen.text("/bantuan"))) == 1  # counted per chat


def test_plus_one_on_a_nearby_report_instead_of_a_new_one(whatsapp_chat):
    filer, neighbour = whatsapp_chat(), whatsapp_chat()
    point = quiet_street_light()
    report = file_street_light_report(filer, point)
    neighbour.say(neighbour.citizen.text("halo"))
    neighbour.say(neighbour.citizen.location(point.x + 0.00002, point.y))
    offer = only(neighbour.say(neighbour.citizen.row("cat:pju-mati")))
    assert whatsapp_text(offer).startswith(
        f"Laporan sejenis yang masih terbuka di dekat tempat ini:\n1. {report.tracking_code} · Diterima · "
    )
    assert whatsapp_options(offer) == {
        f"plus:{report.tracking_code}": f"+1 {report.tracking_code}",
        "new": "Laporan baru",
    }
    thanks = whatsapp_text(only(neighbour.say(neighbour.citizen.button(f"plus:{report.tracking_code}"))))
    assert thanks == (
        f"Terima kasih: +1 Anda tercatat untuk laporan {report.tracking_code} (total 1). Ikuti perkembangannya "
        f"di http://127.0.0.1:8000/laporan/{report.tracking_code}/"
    )
    report.refresh_from_db()
    assert report.support_count == 1
    assert not Report.objects.filter(contact__chat_id=neighbour.wa_id).exists()


def test_the_conversation_lives_in_the_database_across_a_restart(server, graph_api, app_env, django_db_blocker):
    point = quiet_street_light()
    before = WhatsAppChat(WhatsAppCitizen(server, "6281277700001"), graph_api, app_env)
    before.say(before.citizen.text("halo"))
    before.say(before.citizen.location(point.x, point.y))
    restarted = AppServer(app_env, "chat-restart")
    try:
        after = WhatsAppChat(WhatsAppCitizen(restarted.wait_until_up().url, before.wa_id), graph_api, app_env)
        question = only(after.say(after.citizen.row("cat:pju-mati")))
        assert whatsapp_text(question) == "Apa masalahnya?"
    finally:
        restarted.stop()


def test_an_idle_conversation_starts_over(whatsapp_chat, app_env):
    chat = whatsapp_chat()
    point = quiet_street_light()
    chat.say(chat.citizen.text("halo"))
    chat.say(chat.citizen.location(point.x, point.y))
    # The minutely housekeeping, 31 minutes on.
    later = (timezone.now() + dt.timedelta(minutes=31)).isoformat()
    result = subprocess.run(
        [sys.executable, "manage.py", "housekeeping", "--now", later, "--only", "chat_conversations_expired"],
        cwd=BASE_DIR,
        env={**os.environ, **app_env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    again = only(chat.say(chat.citizen.row("cat:pju-mati")))
    assert whatsapp_text(again).startswith(
        "Laporan Anda sebelumnya tidak selesai dalam 30 menit, jadi kita mulai lagi.\n\nHalo! Ini Lapor Batu"
    )
    assert again["interactive"]["type"] == "location_request_message"

    # Without the housekeeping, the next message finds it idle all the same.
    chat.say(chat.citizen.location(point.x, point.y))
    again = only(chat.say(chat.citizen.row("cat:pju-mati"), env={**app_env, "LAPOR_CHAT_IDLE_MINUTES": "0"}))
    assert whatsapp_text(again).startswith("Laporan Anda sebelumnya tidak selesai dalam 0 menit")


def test_a_failed_send_is_retried_and_the_chat_keeps_its_order(whatsapp_chat):
    chat = whatsapp_chat()
    graph = chat.graph_api
    graph.fail_next = 2  # the Graph API is down for two attempts
    assert chat.say(chat.citizen.text("halo")) == []
    chat.citizen.send(chat.citizen.text("/bantuan"))  # a second reply, queued behind the first
    run_worker(chat.env)
    waiting = OutboundMessage.objects.filter(conversation__chat_id=chat.wa_id).order_by("id")
    assert [(m.state, m.attempts) for m in waiting] == [("queued", 2), ("queued", 0)]
    assert "503" in waiting[0].last_error
    assert chat.wa_id not in waiting[0].last_error
    deadline = time.monotonic() + 30
    while len(graph.to(chat.wa_id)) < 2 and time.monotonic() < deadline:
        time.sleep(1)
        run_worker(chat.env)
    first, second = graph.to(chat.wa_id)
    assert whatsapp_text(first).startswith("Halo! Ini Lapor Batu")
    assert whatsapp_text(second).startswith("Lapor Batu menerima laporan")
    assert {m.state for m in waiting.all()} == {"sent"}
    assert all(m.payload == {} for m in waiting.all())  # what was said is not kept


def test_no_log_line_holds_a_phone_number_or_chat_id(server, whatsapp_chat, telegram_chat, app_env):
    chat = whatsapp_chat()
    file_street_light_report(chat)
    chat.say(chat.citizen.text(f"cek {Report.objects.filter(contact__chat_id=chat.wa_id).get().tracking_code}"))
    chat.say(chat.citizen.text("hapus data saya"))
    telegram = telegram_chat()
    telegram_output = ""
    for update in (telegram.citizen.text("halo"), telegram.citizen.text("Giripurno"), telegram.citizen.press("yes")):
        telegram.citizen.send(update)
        telegram_output += run_worker(app_env)
    assert telegram_options(telegram.bot_api.to(telegram.chat_id)[-1])
    port = server.rsplit(":", 1)[1]
    server_log = Path(ARTIFACTS / f"server-main-{port}.log").read_text()
    for secret in (chat.wa_id, chat.wa_id[2:], str(telegram.chat_id), "uji-token-bot-telegram"):
        assert secret not in server_log
        assert secret not in chat.worker_output + telegram_output


def test_administrators_see_the_chats_read_only(admin_client, whatsapp_chat):
    chat = whatsapp_chat()
    chat.say(chat.citizen.text("halo"))
    conversation = Conversation.objects.get(chat_id=chat.wa_id)
    for path in ("/admin/chat/conversation/", "/admin/chat/outboundmessage/", "/admin/chat/inboundmessage/"):
        assert admin_client.get(path).status_code == 200, path
    page = admin_client.get(f"/admin/chat/conversation/{conversation.pk}/change/")
    assert page.status_code == 200
    assert chat.wa_id in page.content.decode()  # administrators may read it (to block a sender)
    assert b'name="state"' not in page.content  # and change nothing
