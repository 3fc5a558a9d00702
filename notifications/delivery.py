"""How a notification leaves the platform: one small class per channel kind, chosen by the
notification's channel (for agencies: by their `send_method`). Each raises on failure, so the
worker can retry."""

import hashlib
import hmac
import json
import re

import httpx
import requests
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from pywebpush import WebPushException, webpush

from . import push, vapid
from .models import Notification, PushSubscription

TIMEOUT_SECONDS = 10
PUSH_TTL_SECONDS = 24 * 3600  # a push a phone could not take within a day is dropped by its push service


class DeliveryError(Exception):
    pass


class Undeliverable(Exception):
    """The notification can never be sent (its addressee is gone): the worker gives it up at once."""


def webhook_signature(body: bytes) -> str:
    secret = settings.LAPOR_WEBHOOK_SECRET or hashlib.sha256(f"webhook:{settings.SECRET_KEY}".encode()).hexdigest()
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class EmailDelivery:
    """A plain-text e-mail. The payload's `secrets` (a private link's token) are sent, then taken out
    of the stored copy: the outbox keeps what was said, not the key to the reporter's report."""

    def send(self, notification: Notification) -> None:
        payload = notification.payload
        send_mail(payload["subject"], payload["body"], None, [payload["to"]], fail_silently=False)
        if payload.get("secrets"):
            body = payload["body"]
            for secret in payload["secrets"]:
                body = body.replace(secret, "[…]")
            notification.payload = {**payload, "body": body, "secrets": []}


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


class NoRedirectSession(requests.Session):
    """A push service answers, it does not redirect: following one could lead the worker to an
    address the endpoint's checks never saw."""

    def request(self, *args, **kwargs):
        kwargs["allow_redirects"] = False
        return super().request(*args, **kwargs)


class PushDelivery:
    """Web Push (RFC 8030) with pywebpush: the message encrypted for the browser (aes128gcm, RFC 8291),
    signed with the install's VAPID key (RFC 8292), kept by the push service for a day, one per report
    (Topic) so that a newer one replaces one not yet delivered. A push service answering 404 or 410
    has forgotten the subscription: it is deleted and the notification given up; any other failure is
    retried. Errors never carry the endpoint (it is personal data, and errors are logged)."""

    def send(self, notification: Notification) -> None:
        subscription = PushSubscription.objects.filter(pk=notification.payload.get("subscription")).first()
        if subscription is None:
            raise Undeliverable("Not sent: the push subscription was removed (unsubscribed or erased).")
        try:
            allowed = push.endpoint_addresses_allowed(subscription.endpoint)
        except OSError as exc:
            raise DeliveryError(f"the push service's name could not be resolved ({exc.__class__.__name__})") from None
        if not allowed:
            push.push_endpoint_gone(subscription.endpoint)
            raise Undeliverable("Not sent: the push endpoint points to a local or private address; it was removed.")
        message = notification.payload["message"]
        topic = re.sub(r"[^A-Za-z0-9_-]", "", message.get("tag", ""))[:32]
        with NoRedirectSession() as session:
            try:
                webpush(
                    subscription_info={
                        "endpoint": subscription.endpoint,
                        "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
                    },
                    data=json.dumps(message, ensure_ascii=False),
                    vapid_private_key=vapid.vapid_key(),
                    vapid_claims={"sub": vapid.subject()},
                    ttl=PUSH_TTL_SECONDS,
                    headers={"Urgency": "normal", **({"Topic": topic} if topic else {})},
                    timeout=TIMEOUT_SECONDS,
                    requests_session=session,
                )
            except WebPushException as exc:
                if exc.status_code in (404, 410):
                    push.push_endpoint_gone(subscription.endpoint)
                    raise Undeliverable(
                        f"Not sent: the push service answered {exc.status_code} (subscription gone); it was removed."
                    ) from None
                raise DeliveryError(f"the push service answered {exc.status_code}") from None
            except requests.RequestException as exc:
                raise DeliveryError(f"the push service could not be reached ({exc.__class__.__name__})") from None
        PushSubscription.objects.filter(pk=subscription.pk).update(last_used_at=timezone.now())


CHANNELS = {
    Notification.Channel.AGENCY_EMAIL: EmailDelivery(),
    Notification.Channel.AGENCY_WEBHOOK: WebhookDelivery(),
    Notification.Channel.AGENCY_OPEN311: Open311Delivery(),
    Notification.Channel.REPORTER_EMAIL: EmailDelivery(),
    Notification.Channel.REPORTER_WEBHOOK: WebhookDelivery(),
    Notification.Channel.SUPERVISOR_EMAIL: EmailDelivery(),
    Notification.Channel.REPORTER_PUSH: PushDelivery(),
    Notification.Channel.STAFF_PUSH: PushDelivery(),
}
