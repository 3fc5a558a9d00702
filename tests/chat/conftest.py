"""Conversations over the real webhooks: a citizen's message goes to the running app (gunicorn) as
the platform delivers it, the real worker takes the step, and the replies are read where the app
sent them (the fake Graph API and Bot API on loopback)."""

import itertools
import re

import pytest
from django.contrib.gis.geos import Point

from districts.models import Asset
from geo_reports.models import Category
from geo_reports.selectors import report_nearby_open
from tests.conftest import run_worker
from tests.places import beside

from .platforms import TelegramCitizen, WhatsAppCitizen

CODE = re.compile(r"\b[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}\b")
_numbers = itertools.count(1)


class WhatsAppChat:
    """One citizen's WhatsApp chat with the app: `say` delivers a message, runs the worker and returns
    the Graph API messages the app sent to that citizen since."""

    def __init__(self, citizen: WhatsAppCitizen, graph_api, env: dict):
        self.citizen = citizen
        self.graph_api = graph_api
        self.env = env
        self.worker_output = ""

    @property
    def wa_id(self) -> str:
        return self.citizen.wa_id

    def say(self, message: dict, env: dict | None = None) -> list[dict]:
        before = len(self.graph_api.to(self.wa_id))
        self.citizen.send(message)
        self.worker_output += run_worker(env or self.env)
        return self.graph_api.to(self.wa_id)[before:]


class TelegramChat:
    def __init__(self, citizen: TelegramCitizen, bot_api, env: dict):
        self.citizen = citizen
        self.bot_api = bot_api
        self.env = env

    @property
    def chat_id(self) -> int:
        return self.citizen.chat_id

    def say(self, update: dict, env: dict | None = None) -> list[dict]:
        before = len(self.bot_api.to(self.chat_id))
        self.citizen.send(update)
        run_worker(env or self.env)
        return self.bot_api.to(self.chat_id)[before:]


@pytest.fixture
def whatsapp_chat(server, graph_api, app_env):
    """A new citizen on WhatsApp for each call (a number of its own)."""

    def make(**options) -> WhatsAppChat:
        number = f"62811{7300000 + next(_numbers) * 7919 % 1000000:07d}"
        return WhatsAppChat(WhatsAppCitizen(server, number, **options), graph_api, app_env)

    return make


@pytest.fixture
def telegram_chat(server, bot_api, app_env):
    def make(**options) -> TelegramChat:
        chat_id = 6_100_000_000 + next(_numbers) * 104_729
        return TelegramChat(TelegramCitizen(server, chat_id, **options), bot_api, app_env)

    return make


def quiet_street_light() -> Point:
    """A pin 4 m from a street light with no open street-light report within 100 m (others' tests
    file reports at the first lights; this takes them from the other end)."""
    category = Category.objects.get(code="pju-mati")
    for light in Asset.objects.filter(layer__code="street_lights").order_by("-external_id"):
        point = beside(light, 4)
        if not report_nearby_open(category=category, point=point, radius_m=100).exists():
            return point
    raise AssertionError("no quiet street light left")
