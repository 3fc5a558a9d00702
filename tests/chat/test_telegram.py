"""Reporting by Telegram: the Bot API webhook with its secret token, inline keyboards, a place typed by
name and confirmed, photos fetched with getFile, and status changes sent back."""

import os
import re
import subprocess
import sys

import httpx
import pytest
from django.contrib.gis.geos import Point

from chat.models import Conversation, InboundMessage
from districts.geocoding import search_places
from geo_reports.models import Category, Report
from geo_reports.selectors import report_nearby_open
from tests import images
from tests.conftest import BASE_DIR, run_worker

from .conftest import CODE
from .platforms import TELEGRAM_SECRET, TelegramCitizen, telegram_options

pytestmark = pytest.mark.django_db


def only(replies: list[dict]) -> dict:
    assert len(replies) == 1, replies
    return replies[0]


def choose_category(chat, code: str) -> dict:
    """Press the category; when open reports of it are near the pin (other tests file there too), the
    bot offers them for +1 first, and "Laporan baru" goes on."""
    data = Conversation.objects.get(chat_id=str(chat.chat_id)).data
    near = report_nearby_open(category=Category.objects.get(code=code), point=Point(data["lon"], data["lat"]))
    reply = only(chat.say(chat.citizen.press(f"cat:{code}")))
    if near.exists():
        assert reply["text"].startswith("Laporan sejenis yang masih terbuka di dekat tempat ini:\n1. ")
        reply = only(chat.say(chat.citizen.press("new")))
    return reply


def test_a_wrong_or_missing_secret_token_gets_403_and_nothing_is_stored(server, bot_api, app_env):
    citizen = TelegramCitizen(server, 6_099_000_001)
    stored = InboundMessage.objects.count()
    assert citizen.deliver(citizen.text("halo"), secret=None).status_code == 403
    assert citizen.deliver(citizen.text("halo"), secret=TELEGRAM_SECRET + "x").status_code == 403
    assert httpx.get(f"{server}/channels/telegram/").status_code == 405
    run_worker(app_env)
    assert InboundMessage.objects.count() == stored
    assert not Conversation.objects.filter(chat_id=str(citizen.chat_id)).exists()
    assert bot_api.to(citizen.chat_id) == []


def test_a_report_by_a_place_typed_by_name_with_a_photo(telegram_chat, bot_api):
    chat = telegram_chat()
    citizen = chat.citizen
    greeting = only(chat.say(citizen.text("/start")))
    assert greeting["text"].startswith("Halo! Ini Lapor Batu")
    assert greeting["reply_markup"]["keyboard"] == [[{"text": "Kirim lokasi saya", "request_location": True}]]

    # "Sumber" names several desa: the first is offered, "Bukan" offers the next.
    candidates = {place.name for place in search_places("Sumber") if place.kind != "kota"}
    first = only(chat.say(citizen.text("Sumber")))
    offered = re.fullmatch(r"Maksud Anda (.+)\?", first["text"]).group(1)
    assert offered in candidates
    assert telegram_options(first) == {"yes": "Ya", "no": "Bukan"}
    second = only(chat.say(citizen.press("no")))
    chosen = re.fullmatch(r"Maksud Anda (.+)\?", second["text"]).group(1)
    assert chosen in candidates and chosen != offered

    categories = only(chat.say(citizen.press("yes")))
    assert categories["text"].startswith(f"Lokasi: {chosen.removesuffix(', Kota Batu')}.")
    assert telegram_options(categories)["cat:drainase-banjir"] == "Drainase & banjir"

    question = choose_category(chat, "drainase-banjir")
    assert question["text"] == "Apakah sedang banjir sekarang?"
    assert telegram_options(question) == {"ans:yes": "Ya, air sedang menggenang", "ans:no": "Tidak, saluran tersumbat"}

    chat.say(citizen.press("ans:no"))
    photo = images.phone_photo()
    got = only(chat.say(citizen.photo(bot_api.add_file(photo), len(photo))))
    assert got["text"] == "Foto 1 diterima. Kirim satu lagi, atau ketuk Lanjut."
    chat.say(citizen.press("next"))
    summary = only(chat.say(citizen.press("skip")))
    assert "\nLaporan ini akan diteruskan ke " in summary["text"]
    assert "\nApakah sedang banjir sekarang? Tidak, saluran tersumbat\n" in summary["text"]
    assert telegram_options(summary) == {"send": "Kirim", "cancel": "Batal"}
    confirmation = only(chat.say(citizen.press("send")))["text"]

    report = Report.objects.select_related("contact").get(tracking_code=CODE.search(confirmation).group())
    assert report.channel == "telegram"
    assert report.answers == {"flooding_now": "no"}
    assert report.photos.count() == 1
    assert (report.contact.phone, report.contact.chat_platform, report.contact.chat_id) == (
        "",
        "telegram",
        str(chat.chat_id),
    )
    # Every button press was acknowledged (its spinner stopped).
    acknowledged = {body["callback_query_id"] for body in bot_api.called("answerCallbackQuery")}
    assert set(citizen.pressed) <= acknowledged


def test_a_status_change_reaches_the_telegram_chat(telegram_chat, api, staff_users):
    chat = telegram_chat()
    citizen = chat.citizen
    chat.say(citizen.text("halo"))
    chat.say(citizen.text("Giripurno"))
    chat.say(citizen.press("yes"))
    choose_category(chat, "drainase-banjir")
    for press in ("ans:yes", "skip", "skip"):
        chat.say(citizen.press(press))
    confirmation = only(chat.say(citizen.press("send")))["text"]
    report = Report.objects.get(tracking_code=CODE.search(confirmation).group())

    admin = {"Authorization": f"Token {staff_users['admin-test']}"}
    api.post(
        f"/api/reports/{report.pk}/transition/",
        json={"status": "rejected", "version": 1, "message": "Bukan wewenang kami."},
        headers=admin,
    ).raise_for_status()
    before = len(chat.bot_api.to(chat.chat_id))
    run_worker(chat.env)
    told = only(chat.bot_api.to(chat.chat_id)[before:])
    assert told["text"].startswith(f"Laporan {report.tracking_code} (Drainase & banjir) kini berstatus: Ditolak.\n")
    assert "Pesan dari Pemerintah Kota Batu: Bukan wewenang kami." in told["text"]
    assert "reply_markup" not in told or "inline_keyboard" not in told["reply_markup"]


def test_telegram_set_webhook_points_the_bot_at_the_site(app_env, bot_api):
    result = subprocess.run(
        [sys.executable, "manage.py", "telegram_set_webhook"],
        cwd=BASE_DIR,
        env={**os.environ, **app_env, "LAPOR_PUBLIC_URL": "https://lapor.batukota.go.id"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "https://lapor.batukota.go.id/channels/telegram/" in result.stdout
    assert bot_api.called("setWebhook")[-1] == {
        "url": "https://lapor.batukota.go.id/channels/telegram/",
        "secret_token": TELEGRAM_SECRET,
        "allowed_updates": ["message", "callback_query"],
    }
