"""What the platform adapters share: a delivery as the webhook found it, the errors of a call to a
platform, and downloading a file without reading more than the photo limit."""

import datetime as dt
import re
from dataclasses import dataclass

import httpx

TIMEOUT_SECONDS = 10
LONG_NUMBER = re.compile(r"\d{6,}")


@dataclass
class Delivery:
    """One message found in a webhook's update, before anything is done with it."""

    message_id: str  # the platform's own id: a delivery retried by the platform has the same one
    chat_id: str
    phone: str  # WhatsApp: the sender's number ("+62…"); Telegram does not give it
    sent_at: dt.datetime
    payload: dict  # the message as the platform sent it, read later by the adapter's `read`


class PlatformError(Exception):
    """A call to the platform failed (unreachable, or answered with an error): worth retrying."""


class MediaTooLarge(Exception):
    def __init__(self, size: int | None = None):
        super().__init__("media larger than the photo limit")
        self.size = size


def scrubbed(text: str) -> str:
    """A platform's error text, fit for logs and the admin: numbers that may be a phone number or a
    chat id are masked."""
    return LONG_NUMBER.sub("…", text[:300])


def post_json(url: str, body: dict, headers: dict | None = None) -> dict:
    try:
        response = httpx.post(url, json=body, headers=headers or {}, timeout=TIMEOUT_SECONDS)
    except httpx.HTTPError as exc:
        raise PlatformError(f"{exc.__class__.__name__}") from exc
    if response.status_code >= 300:
        raise PlatformError(f"answered {response.status_code}: {scrubbed(response.text)}")
    try:
        return response.json()
    except ValueError as exc:
        raise PlatformError("answered with something that is not JSON") from exc


def get_json(url: str, headers: dict | None = None, params: dict | None = None) -> dict:
    try:
        response = httpx.get(url, headers=headers or {}, params=params, timeout=TIMEOUT_SECONDS)
    except httpx.HTTPError as exc:
        raise PlatformError(f"{exc.__class__.__name__}") from exc
    if response.status_code >= 300:
        raise PlatformError(f"answered {response.status_code}: {scrubbed(response.text)}")
    try:
        return response.json()
    except ValueError as exc:
        raise PlatformError("answered with something that is not JSON") from exc


def download_limited(url: str, *, limit: int, headers: dict | None = None) -> bytes:
    """The file at `url`, read only up to `limit` bytes: MediaTooLarge beyond, whatever the server
    announced."""
    try:
        with httpx.stream("GET", url, headers=headers or {}, timeout=TIMEOUT_SECONDS) as response:
            if response.status_code >= 300:
                raise PlatformError(f"media download answered {response.status_code}")
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > limit:
                raise MediaTooLarge(int(declared))
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    raise MediaTooLarge()
                chunks.append(chunk)
    except httpx.HTTPError as exc:
        raise PlatformError(f"media download failed: {exc.__class__.__name__}") from exc
    return b"".join(chunks)


def cut(text: str, limit: int) -> str:
    """Text within a platform's length limit, an ellipsis marking what was cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
