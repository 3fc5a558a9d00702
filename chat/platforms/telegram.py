"""Telegram Bot API: the webhook's secret token, its updates read into Incoming, replies rendered as
sendMessage calls with keyboards, and file downloads.

    POST <LAPOR_TELEGRAM_API_URL>/bot<token>/<method>     sendMessage, answerCallbackQuery, getFile, setWebhook
    GET  <LAPOR_TELEGRAM_API_URL>/file/bot<token>/<file path>
"""

import hmac

from django.conf import settings
from django.utils import timezone

from ..messages import Incoming, Reply
from .base import Delivery, MediaTooLarge, PlatformError, cut, download_limited, post_json

TEXT_LIMIT = 4096
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header's name)


class Telegram:
    name = "telegram"

    def enabled(self) -> bool:
        return bool(settings.LAPOR_TELEGRAM_BOT_TOKEN and settings.LAPOR_TELEGRAM_SECRET)

    # --- the webhook ------------------------------------------------------------------------------

    def verified(self, request) -> bool:
        """The secret token given to setWebhook, which Telegram sends back with every update."""
        sent = request.headers.get(SECRET_HEADER, "")
        return hmac.compare_digest(sent.encode(), settings.LAPOR_TELEGRAM_SECRET.encode())

    def deliveries(self, update: dict) -> list[Delivery]:
        """The update's message or button press in a private chat (groups and channels are left out:
        a report is one citizen's)."""
        update_id = str(update["update_id"])
        if "message" in update:
            chat = update["message"]["chat"]
            payload = {"message": update["message"]}
        elif "callback_query" in update:
            chat = (update["callback_query"].get("message") or {}).get("chat") or {}
            payload = {"callback_query": update["callback_query"]}
        else:
            return []
        if chat.get("type") != "private":
            return []
        # Telegram delivers a bot's updates one at a time, in order, and a button press carries no
        # time of its own (a message's only whole seconds): the time of arrival orders them.
        return [
            Delivery(message_id=update_id, chat_id=str(chat["id"]), phone="", sent_at=timezone.now(), payload=payload)
        ]

    def read(self, payload: dict) -> Incoming:
        if "callback_query" in payload:
            query = payload["callback_query"]
            return Incoming(Incoming.CHOICE, choice=str(query.get("data", "")), callback_id=str(query.get("id", "")))
        message = payload.get("message") or {}
        if "location" in message:
            place = message["location"]
            return Incoming(Incoming.LOCATION, lon=float(place["longitude"]), lat=float(place["latitude"]))
        if message.get("photo"):
            # Telegram sends each photo in several sizes: the largest within the limit (or, when none
            # is, the smallest, which is then refused as too large).
            sizes = sorted(message["photo"], key=lambda size: size.get("file_size") or 0)
            fitting = [s for s in sizes if (s.get("file_size") or 0) <= settings.LAPOR_PHOTO_MAX_BYTES]
            chosen = fitting[-1] if fitting else sizes[0]
            return Incoming(Incoming.PHOTO, media_id=str(chosen["file_id"]), media_size=chosen.get("file_size"))
        if "document" in message:
            document = message["document"]
            if str(document.get("mime_type", "")).startswith("image/"):
                return Incoming(Incoming.PHOTO, media_id=str(document["file_id"]), media_size=document.get("file_size"))
            return Incoming(Incoming.FILE)
        if "text" in message:
            return Incoming(Incoming.TEXT, text=str(message["text"]))
        return Incoming(Incoming.OTHER)

    # --- calls to the Bot API ---------------------------------------------------------------------

    def _method(self, method: str) -> str:
        return f"{settings.LAPOR_TELEGRAM_API_URL.rstrip('/')}/bot{settings.LAPOR_TELEGRAM_BOT_TOKEN}/{method}"

    def call(self, method: str, body: dict) -> dict:
        answer = post_json(self._method(method), body)
        if not answer.get("ok"):
            raise PlatformError(f"{method} was refused: {answer.get('description', '')[:200]}")
        return answer.get("result") or {}

    def send(self, chat_id: str, reply: Reply) -> None:
        self.call("sendMessage", self.render(chat_id, reply))

    def render(self, chat_id: str, reply: Reply) -> dict:
        message = {"chat_id": chat_id, "text": cut(reply.text, TEXT_LIMIT)}
        if reply.ask_location:
            message["reply_markup"] = {
                "keyboard": [[{"text": reply.ask_location, "request_location": True}]],
                "resize_keyboard": True,
                "one_time_keyboard": True,
            }
        elif reply.buttons:
            message["reply_markup"] = {
                "inline_keyboard": [[{"text": b.title, "callback_data": b.id} for b in reply.buttons]]
            }
        elif reply.rows:
            message["reply_markup"] = {
                "inline_keyboard": [[{"text": r.title, "callback_data": r.id}] for r in reply.rows]
            }
        else:
            message["reply_markup"] = {"remove_keyboard": True}
        return message

    def download(self, incoming: Incoming) -> bytes:
        limit = settings.LAPOR_PHOTO_MAX_BYTES
        if incoming.media_size and incoming.media_size > limit:
            raise MediaTooLarge(incoming.media_size)
        found = self.call("getFile", {"file_id": incoming.media_id})
        if (found.get("file_size") or 0) > limit:
            raise MediaTooLarge(found["file_size"])
        if not found.get("file_path"):
            raise PlatformError("the file has no path")
        base = settings.LAPOR_TELEGRAM_API_URL.rstrip("/")
        return download_limited(f"{base}/file/bot{settings.LAPOR_TELEGRAM_BOT_TOKEN}/{found['file_path']}", limit=limit)

    def acknowledge(self, incoming: Incoming) -> None:
        """Stop the pressed button's spinner."""
        if incoming.callback_id:
            self.call("answerCallbackQuery", {"callback_query_id": incoming.callback_id})

    def set_webhook(self, url: str) -> dict:
        return self.call(
            "setWebhook",
            {
                "url": url,
                "secret_token": settings.LAPOR_TELEGRAM_SECRET,
                "allowed_updates": ["message", "callback_query"],
            },
        )
