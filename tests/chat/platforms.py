"""The chat platforms as the tests meet them: a fake Graph API (WhatsApp Cloud API) and a fake Telegram
Bot API, each a real HTTP server on loopback that records what the app sends and serves media, and
citizens who write to the app's webhooks exactly as the platforms deliver their messages (signed)."""

import hashlib
import hmac
import itertools
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

from tests.conftest import free_port

WHATSAPP_VERIFY_TOKEN = "uji-verifikasi-webhook"
WHATSAPP_APP_SECRET = "uji-rahasia-aplikasi-meta"
WHATSAPP_TOKEN = "uji-token-graph-api"
WHATSAPP_PHONE_NUMBER_ID = "109876543210987"
TELEGRAM_BOT_TOKEN = "7000000001:uji-token-bot-telegram"
TELEGRAM_SECRET = "uji-rahasia-telegram"

_ids = itertools.count(1)


class _FakeServer:
    """A ThreadingHTTPServer on a free loopback port; subclasses answer `get` and `post`."""

    def __init__(self):
        server = self
        self.lock = threading.Lock()
        self.fail_next = 0  # answer 503 to that many message sends first

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self._answer(server.get(self.path, dict(self.headers)))

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self._answer(server.post(self.path, dict(self.headers), body))

            def _answer(self, answer):
                status, content_type, content, *unsized = answer
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                if not unsized:  # else the body ends when the connection closes (HTTP/1.0)
                    self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def log_message(self, *args):
                pass

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()

    @staticmethod
    def json(status: int, data) -> tuple[int, str, bytes]:
        return status, "application/json", json.dumps(data).encode()

    def failing(self) -> bool:
        with self.lock:
            if self.fail_next > 0:
                self.fail_next -= 1
                return True
        return False


class FakeGraphApi(_FakeServer):
    """The Graph API of the WhatsApp Cloud API: POST /<phone number id>/messages (recorded),
    GET /<media id> (the media's address and size), GET /files/<media id> (its bytes)."""

    def __init__(self):
        super().__init__()
        self.sent: list[dict] = []  # the message bodies, in the order they came
        self.media: dict[str, tuple[bytes, str, int, bool]] = {}

    def add_media(
        self, content: bytes, mime_type: str = "image/jpeg", announced_size: int | None = None, unsized: bool = False
    ) -> str:
        """Media to serve: `announced_size` is what the media's description says; an `unsized` file is
        sent without Content-Length."""
        media_id = f"{next(_ids)}{int(time.time() * 1000)}"
        size = announced_size if announced_size is not None else len(content)
        self.media[media_id] = (content, mime_type, size, unsized)
        return media_id

    def to(self, wa_id: str) -> list[dict]:
        return [m for m in self.sent if m.get("to") == wa_id]

    def authorised(self, headers: dict) -> bool:
        return headers.get("Authorization") == f"Bearer {WHATSAPP_TOKEN}"

    def get(self, path, headers):
        if not self.authorised(headers):
            return self.json(401, {"error": {"message": "Invalid OAuth access token.", "code": 190}})
        found = re.fullmatch(r"/files/(\w+)", path) or re.fullmatch(r"/(\w+)", path)
        if not found or found.group(1) not in self.media:
            return self.json(404, {"error": {"message": "Unsupported get request.", "code": 100}})
        content, mime_type, size, unsized = self.media[found.group(1)]
        if path.startswith("/files/"):
            return (200, mime_type, content, "unsized") if unsized else (200, mime_type, content)
        return self.json(
            200,
            {
                "messaging_product": "whatsapp",
                "url": f"{self.url}/files/{found.group(1)}",
                "mime_type": mime_type,
                "sha256": hashlib.sha256(content).hexdigest(),
                "file_size": size,
                "id": found.group(1),
            },
        )

    def post(self, path, headers, body):
        if path != f"/{WHATSAPP_PHONE_NUMBER_ID}/messages" or not self.authorised(headers):
            return self.json(401, {"error": {"message": "Invalid OAuth access token.", "code": 190}})
        if self.failing():
            return self.json(503, {"error": {"message": "Service temporarily unavailable", "code": 2}})
        message = json.loads(body)
        with self.lock:
            self.sent.append(message)
        return self.json(
            200,
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": message["to"], "wa_id": message["to"]}],
                "messages": [{"id": f"wamid.keluar{next(_ids)}"}],
            },
        )


class FakeBotApi(_FakeServer):
    """The Telegram Bot API: POST /bot<token>/<method> (sendMessage, answerCallbackQuery, getFile,
    setWebhook; recorded), GET /file/bot<token>/<file path> (the file's bytes)."""

    def __init__(self):
        super().__init__()
        self.calls: list[tuple[str, dict]] = []
        self.files: dict[str, tuple[bytes, int]] = {}

    def add_file(self, content: bytes, announced_size: int | None = None) -> str:
        file_id = f"AgACAgUAAx{next(_ids)}kBAAE"
        self.files[file_id] = (content, announced_size if announced_size is not None else len(content))
        return file_id

    def called(self, method: str) -> list[dict]:
        return [body for name, body in self.calls if name == method]

    def to(self, chat_id: int | str) -> list[dict]:
        return [body for body in self.called("sendMessage") if str(body["chat_id"]) == str(chat_id)]

    def get(self, path, headers):
        found = re.fullmatch(rf"/file/bot{re.escape(TELEGRAM_BOT_TOKEN)}/photos/(\w+)\.jpg", path)
        if not found or found.group(1) not in self.files:
            return self.json(404, {"ok": False, "error_code": 404, "description": "Not Found"})
        return 200, "image/jpeg", self.files[found.group(1)][0]

    def post(self, path, headers, body):
        found = re.fullmatch(rf"/bot{re.escape(TELEGRAM_BOT_TOKEN)}/(\w+)", path)
        if not found:
            return self.json(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        method, request = found.group(1), json.loads(body or b"{}")
        if method == "sendMessage" and self.failing():
            return self.json(502, {"ok": False, "error_code": 502, "description": "Bad Gateway"})
        with self.lock:
            self.calls.append((method, request))
        if method == "sendMessage":
            return self.json(
                200,
                {
                    "ok": True,
                    "result": {
                        "message_id": next(_ids),
                        "date": int(time.time()),
                        "chat": {"id": int(request["chat_id"]), "type": "private"},
                        "text": request["text"],
                    },
                },
            )
        if method == "getFile":
            file_id = request["file_id"]
            if file_id not in self.files:
                return self.json(400, {"ok": False, "error_code": 400, "description": "Bad Request: invalid file_id"})
            return self.json(
                200,
                {
                    "ok": True,
                    "result": {
                        "file_id": file_id,
                        "file_unique_id": file_id[-8:],
                        "file_size": self.files[file_id][1],
                        "file_path": f"photos/{file_id}.jpg",
                    },
                },
            )
        return self.json(200, {"ok": True, "result": True})


# --- citizens writing to the app ----------------------------------------------------------------------


def whatsapp_signature(body: bytes, secret: str = WHATSAPP_APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class WhatsAppCitizen:
    """Someone writing to the city's WhatsApp number: each message goes to the app's webhook as the
    Cloud API delivers it (an `entry[].changes[].value.messages[]` update, signed with the app secret)."""

    def __init__(self, server: str, wa_id: str, name: str = "Warga Uji", sent_at: float | None = None):
        self.server = server
        self.wa_id = wa_id
        self.name = name
        self.sent_at = sent_at  # a fixed time for every message (seconds), else now

    def update(self, message: dict, message_id: str | None = None) -> dict:
        message = {
            "from": self.wa_id,
            "id": message_id or f"wamid.HBgN{self.wa_id}FQIAEhgU{next(_ids):08d}",
            "timestamp": str(int(self.sent_at or time.time())),
            **message,
        }
        return {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": "102290129340398",
                    "changes": [
                        {
                            "value": {
                                "messaging_product": "whatsapp",
                                "metadata": {
                                    "display_phone_number": "6281100000000",
                                    "phone_number_id": WHATSAPP_PHONE_NUMBER_ID,
                                },
                                "contacts": [{"profile": {"name": self.name}, "wa_id": self.wa_id}],
                                "messages": [message],
                            },
                            "field": "messages",
                        }
                    ],
                }
            ],
        }

    def deliver(self, update: dict, *, signed: bool = True, signature: str | None = None) -> httpx.Response:
        body = json.dumps(update).encode()
        headers = {"Content-Type": "application/json"}
        if signed:
            headers["X-Hub-Signature-256"] = signature or whatsapp_signature(body)
        return httpx.post(f"{self.server}/channels/whatsapp/", content=body, headers=headers, timeout=30)

    def send(self, message: dict) -> httpx.Response:
        response = self.deliver(self.update(message))
        assert response.status_code == 200, response.text
        return response

    def text(self, body: str) -> dict:
        return {"type": "text", "text": {"body": body}}

    def location(self, lon: float, lat: float) -> dict:
        return {"type": "location", "location": {"latitude": lat, "longitude": lon}}

    def image(self, media_id: str, mime_type: str = "image/jpeg") -> dict:
        return {"type": "image", "image": {"id": media_id, "mime_type": mime_type, "sha256": "x"}}

    def document(self, media_id: str, mime_type: str, filename: str) -> dict:
        return {"type": "document", "document": {"id": media_id, "mime_type": mime_type, "filename": filename}}

    def button(self, button_id: str, title: str = "") -> dict:
        return {
            "type": "interactive",
            "interactive": {"type": "button_reply", "button_reply": {"id": button_id, "title": title}},
        }

    def row(self, row_id: str, title: str = "") -> dict:
        return {
            "type": "interactive",
            "interactive": {"type": "list_reply", "list_reply": {"id": row_id, "title": title}},
        }


class TelegramCitizen:
    """Someone writing to the city's Telegram bot: each update goes to the app's webhook as the Bot API
    delivers it, with the secret token header."""

    def __init__(self, server: str, chat_id: int, first_name: str = "Warga", language_code: str = "id"):
        self.server = server
        self.chat_id = chat_id
        self.user = {"id": chat_id, "is_bot": False, "first_name": first_name, "language_code": language_code}
        self.chat = {"id": chat_id, "first_name": first_name, "type": "private"}
        self.pressed: list[str] = []  # the ids of the button presses sent

    def deliver(self, update: dict, secret: str | None = TELEGRAM_SECRET) -> httpx.Response:
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        return httpx.post(f"{self.server}/channels/telegram/", json=update, headers=headers, timeout=30)

    def send(self, update: dict) -> httpx.Response:
        response = self.deliver(update)
        assert response.status_code == 200, response.text
        return response

    def message(self, **content) -> dict:
        number = next(_ids)
        return {
            "update_id": 800_000_000 + number,
            "message": {
                "message_id": number,
                "from": self.user,
                "chat": self.chat,
                "date": int(time.time()),
                **content,
            },
        }

    def text(self, text: str) -> dict:
        return self.message(text=text)

    def location(self, lon: float, lat: float) -> dict:
        return self.message(location={"latitude": lat, "longitude": lon})

    def photo(self, file_id: str, size: int) -> dict:
        # As Telegram sends a photo: the same picture in several sizes, the smallest first.
        return self.message(
            photo=[
                {"file_id": file_id + "s", "file_unique_id": "s", "file_size": 1200, "width": 90, "height": 67},
                {"file_id": file_id, "file_unique_id": "m", "file_size": size, "width": 640, "height": 480},
            ]
        )

    def press(self, data: str) -> dict:
        number = next(_ids)
        self.pressed.append(f"{number}4839201")
        return {
            "update_id": 800_000_000 + number,
            "callback_query": {
                "id": f"{number}4839201",
                "from": self.user,
                "message": {
                    "message_id": number,
                    "from": {"id": 7000000001, "is_bot": True},
                    "chat": self.chat,
                    "date": int(time.time()),
                },
                "chat_instance": "-58213",
                "data": data,
            },
        }


# --- reading what the app sent ----------------------------------------------------------------------------


def whatsapp_text(message: dict) -> str:
    """The words of a Graph API message body (a template's: its parameters)."""
    kind = message["type"]
    if kind == "text":
        return message["text"]["body"]
    if kind == "interactive":
        return message["interactive"]["body"]["text"]
    if kind == "template":
        return " | ".join(p["text"] for c in message["template"]["components"] for p in c["parameters"])
    raise AssertionError(f"unexpected message type {kind}")


def whatsapp_options(message: dict) -> dict[str, str]:
    """The buttons or list rows of a Graph API message: id → title."""
    if message["type"] != "interactive":
        return {}
    interactive = message["interactive"]
    if interactive["type"] == "button":
        return {b["reply"]["id"]: b["reply"]["title"] for b in interactive["action"]["buttons"]}
    if interactive["type"] == "list":
        return {r["id"]: r["title"] for s in interactive["action"]["sections"] for r in s["rows"]}
    return {}


def telegram_options(message: dict) -> dict[str, str]:
    keyboard = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return {button["callback_data"]: button["text"] for row in keyboard for button in row}
