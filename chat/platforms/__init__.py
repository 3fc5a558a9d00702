"""The chat platforms, one adapter each, all with the same face: `enabled()`, `verified(request)`,
`deliveries(update)`, `read(payload) -> Incoming`, `send(chat_id, reply)`, `download(incoming)`,
`acknowledge(incoming)`."""

from .base import Delivery, MediaTooLarge, PlatformError
from .telegram import Telegram
from .whatsapp import WhatsApp

PLATFORMS = {"whatsapp": WhatsApp(), "telegram": Telegram()}

__all__ = ["PLATFORMS", "Delivery", "MediaTooLarge", "PlatformError", "Telegram", "WhatsApp"]
