"""How a notification leaves the platform: one small class per channel kind, chosen by the
notification's channel (for agencies: by their `send_method`). Each raises on failure, so the
worker can retry."""

import hashlib
import hmac
import json

import httpx
from django.conf import settings
from django.core.mail import send_mail

from .models import Notification

TIMEOUT_SECONDS = 10


class DeliveryError(Exception):
    pass


def webhook_signature(body: bytes) -> str:
    secret = settings.LAPOR_WEBHOOK_SECRET or hashlib.sha256(f"webhook:{settings.SECRET_KEY}".encode()).hexdigest()
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class EmailDelivery:
    def send(self, notification: Notification) -> None:
        payload = notification.payload
        send_mail(payload["subject"], payload["body"], None, [payload["to"]], fail_silently=False)


class WebhookDelivery:
    """JSON POST, signed with HMAC-SHA256 over the exact body (header X-Lapor-Signature)."""

    def send(self, notification: Notification) -> None:
        body = json.dumps(notification.payload["body"], ensure_ascii=False, sort_keys=True).encode()
        response = httpx.post(
            notification.payload["url"],
            content=body,
            headers={
                "Content-Type": "application/json",
                "X-Lapor-Event": notification.event,
                "X-Lapor-Signature": webhook_signature(body),
                "X-Lapor-Delivery": str(notification.pk),
            },
            timeout=TIMEOUT_SECONDS,
        )
        if response.status_code >= 300:
            raise DeliveryError(f"webhook answered {response.status_code}")


class Open311Delivery:
    """Forward to another Open311 server (e.g. a utility's own system) as a new service request."""

    def send(self, notification: Notification) -> None:
        payload = notification.payload
        response = httpx.post(payload["url"], data=payload["form"], timeout=TIMEOUT_SECONDS)
        if response.status_code >= 300:
            raise DeliveryError(f"Open311 server answered {response.status_code}: {response.text[:200]}")
        try:
            answer = response.json()
            remote = answer[0].get("service_request_id") or answer[0].get("token")
        except (ValueError, LookupError, AttributeError):
            remote = None
        if remote:
            notification.payload = {**payload, "remote_id": str(remote)}


CHANNELS = {
    Notification.Channel.AGENCY_EMAIL: EmailDelivery(),
    Notification.Channel.AGENCY_WEBHOOK: WebhookDelivery(),
    Notification.Channel.AGENCY_OPEN311: Open311Delivery(),
    Notification.Channel.REPORTER_EMAIL: EmailDelivery(),
    Notification.Channel.REPORTER_WEBHOOK: WebhookDelivery(),
    Notification.Channel.SUPERVISOR_EMAIL: EmailDelivery(),
}
