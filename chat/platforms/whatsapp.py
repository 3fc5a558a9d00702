"""WhatsApp Cloud API: the webhook's verification handshake and signature, its messages read into
Incoming, replies rendered as Graph API messages, and media downloads.

    GET  <LAPOR_WHATSAPP_API_URL>/<media id>              → {"url": ..., "file_size": ...}
    GET  <that url>                                       → the file (with the same bearer token)
    POST <LAPOR_WHATSAPP_API_URL>/<phone number id>/messages
"""

import datetime as dt
import hashlib
import hmac

from django.conf import settings

from ..messages import Incoming, Reply
from .base import Delivery, MediaTooLarge, PlatformError, cut, download_limited, get_json, post_json

BODY_LIMIT = 4096
INTERACTIVE_BODY_LIMIT = 1024
BUTTON_TITLE_LIMIT = 20
ROW_TITLE_LIMIT = 24
ROW_DESCRIPTION_LIMIT = 72


class WhatsApp:
    name = "whatsapp"

    def enabled(self) -> bool:
        return all(
            (
                settings.LAPOR_WHATSAPP_VERIFY_TOKEN,
                settings.LAPOR_WHATSAPP_APP_SECRET,
                settings.LAPOR_WHATSAPP_TOKEN,
                settings.LAPOR_WHATSAPP_PHONE_NUMBER_ID,
            )
        )

    # --- the webhook ------------------------------------------------------------------------------

    def handshake(self, params) -> str | None:
        """The challenge to echo when Meta verifies the webhook with our verify token, else None."""
        token = params.get("hub.verify_token", "")
        if params.get("hub.mode") == "subscribe" and hmac.compare_digest(
            token.encode(), settings.LAPOR_WHATSAPP_VERIFY_TOKEN.encode()
        ):
            return params.get("hub.challenge", "")
        return None

    def verified(self, request) -> bool:
        """X-Hub-Signature-256: HMAC-SHA256 of the raw body with the app secret."""
        sent = request.headers.get("X-Hub-Signature-256", "")
        expected = (
            "sha256=" + hmac.new(settings.LAPOR_WHATSAPP_APP_SECRET.encode(), request.body, hashlib.sha256).hexdigest()
        )
        return hmac.compare_digest(sent.encode(), expected.encode())

    def deliveries(self, update: dict) -> list[Delivery]:
        """The citizens' messages to our number in an update (delivery receipts and other numbers'
        messages are left out)."""
        if update.get("object") != "whatsapp_business_account":
            return []
        found = []
        for entry in update.get("entry") or []:
            for change in entry.get("changes") or []:
                value = change.get("value") or {}
                if change.get("field") != "messages":
                    continue
                if (value.get("metadata") or {}).get("phone_number_id") != settings.LAPOR_WHATSAPP_PHONE_NUMBER_ID:
                    continue
                for message in value.get("messages") or []:
                    sender = str(message["from"])
                    found.append(
                        Delivery(
                            message_id=str(message["id"]),
                            chat_id=sender,
                            phone="+" + sender,
                            sent_at=dt.datetime.fromtimestamp(int(message["timestamp"]), tz=dt.UTC),
                            payload=message,
                        )
                    )
        return found

    def read(self, payload: dict) -> Incoming:
        kind = payload.get("type")
        if kind == "text":
            return Incoming(Incoming.TEXT, text=str((payload.get("text") or {}).get("body", "")))
        if kind == "location":
            place = payload.get("location") or {}
            return Incoming(Incoming.LOCATION, lon=float(place["longitude"]), lat=float(place["latitude"]))
        if kind == "image":
            return Incoming(Incoming.PHOTO, media_id=str(payload["image"]["id"]))
        if kind == "document":
            document = payload.get("document") or {}
            if str(document.get("mime_type", "")).startswith("image/"):
                return Incoming(Incoming.PHOTO, media_id=str(document["id"]))
            return Incoming(Incoming.FILE)
        if kind == "interactive":
            interactive = payload.get("interactive") or {}
            pressed = interactive.get("button_reply") or interactive.get("list_reply") or {}
            return Incoming(Incoming.CHOICE, choice=str(pressed.get("id", "")), text=str(pressed.get("title", "")))
        if kind == "button":  # a quick-reply button of a template message
            button = payload.get("button") or {}
            return Incoming(Incoming.CHOICE, choice=str(button.get("payload", "")), text=str(button.get("text", "")))
        return Incoming(Incoming.OTHER)

    # --- calls to the Graph API -------------------------------------------------------------------

    def _headers(self) -> dict:
        return {"Authorization": f"Bearer {settings.LAPOR_WHATSAPP_TOKEN}"}

    def _url(self, path: str) -> str:
        return f"{settings.LAPOR_WHATSAPP_API_URL.rstrip('/')}/{path}"

    def send(self, chat_id: str, reply: Reply) -> None:
        post_json(
            self._url(f"{settings.LAPOR_WHATSAPP_PHONE_NUMBER_ID}/messages"),
            self.render(chat_id, reply),
            headers=self._headers(),
        )

    def render(self, chat_id: str, reply: Reply) -> dict:
        message = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": chat_id}
        if reply.template is not None:
            template = reply.template
            # Template parameters may not hold line breaks or tabs.
            params = [" ".join(str(p).split()) or "-" for p in template.params]
            return {
                **message,
                "type": "template",
                "template": {
                    "name": template.name,
                    "language": {"code": template.language},
                    "components": [{"type": "body", "parameters": [{"type": "text", "text": p} for p in params]}],
                },
            }
        body = {"text": cut(reply.text, INTERACTIVE_BODY_LIMIT)}
        if reply.ask_location:
            interactive = {"type": "location_request_message", "body": body, "action": {"name": "send_location"}}
        elif reply.buttons:
            interactive = {
                "type": "button",
                "body": body,
                "action": {
                    "buttons": [
                        {"type": "reply", "reply": {"id": b.id, "title": cut(b.title, BUTTON_TITLE_LIMIT)}}
                        for b in reply.buttons[:3]
                    ]
                },
            }
        elif reply.rows:
            rows = []
            for row in reply.rows[:10]:
                description = row.description or (row.title if len(row.title) > ROW_TITLE_LIMIT else "")
                rendered = {"id": row.id, "title": cut(row.title, ROW_TITLE_LIMIT)}
                if description:
                    rendered["description"] = cut(description, ROW_DESCRIPTION_LIMIT)
                rows.append(rendered)
            interactive = {
                "type": "list",
                "body": body,
                "action": {"button": cut(reply.rows_label, BUTTON_TITLE_LIMIT), "sections": [{"rows": rows}]},
            }
        else:
            return {**message, "type": "text", "text": {"body": cut(reply.text, BODY_LIMIT), "preview_url": False}}
        return {**message, "type": "interactive", "interactive": interactive}

    def download(self, incoming: Incoming) -> bytes:
        limit = settings.LAPOR_PHOTO_MAX_BYTES
        info = get_json(self._url(incoming.media_id), headers=self._headers())
        size = info.get("file_size")
        if isinstance(size, int) and size > limit:
            raise MediaTooLarge(size)
        if not info.get("url"):
            raise PlatformError("the media has no address")
        return download_limited(str(info["url"]), limit=limit, headers=self._headers())

    def acknowledge(self, incoming: Incoming) -> None:
        """Nothing to acknowledge: WhatsApp's buttons need no answer."""
