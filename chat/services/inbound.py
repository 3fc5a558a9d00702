"""Messages the platforms deliver: stored once each by the webhook (which answers at once), then
handled by the worker one at a time per chat, in the order they were sent."""

import datetime as dt
import hashlib
import logging
import traceback

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from common.errors import Refused
from geo_reports import abuse

from .. import selectors
from ..messages import Incoming
from ..models import Conversation, InboundMessage
from ..platforms import PLATFORMS, Delivery, PlatformError
from .conversation import conversation_step
from .outbound import replies_queue

logger = logging.getLogger(__name__)
MAX_STEP_ATTEMPTS = 3
RETRY_AFTER = dt.timedelta(seconds=30)


def message_key(platform: str, message_id: str) -> str:
    """The platform's message id as kept: hashed (WhatsApp's ids encode the sender's number)."""
    return hashlib.sha256(f"{platform}:{message_id}".encode()).hexdigest()


def inbound_store(*, platform: str, deliveries: list[Delivery]) -> int:
    """Store each delivery once (a platform retrying a delivery changes nothing) and hand the new
    ones to the worker. Returns how many were new."""
    from ..tasks import chat_inbound_process  # the task module imports this one

    new = 0
    for delivery in deliveries:
        with transaction.atomic():
            message, created = InboundMessage.objects.get_or_create(
                platform=platform,
                key=message_key(platform, delivery.message_id),
                defaults={
                    "chat_id": delivery.chat_id,
                    "payload": {"phone": delivery.phone, "message": delivery.payload},
                    "sent_at": delivery.sent_at,
                },
            )
            if created:
                new += 1
                transaction.on_commit(lambda pk=message.pk: chat_inbound_process.enqueue(pk))
    return new


def inbound_process(*, inbound_id: int) -> str:
    """Take the steps for a chat's waiting messages, oldest first (the one named and any sent before
    it). A message whose step keeps failing is given up after MAX_STEP_ATTEMPTS."""
    from ..tasks import chat_inbound_process

    first = InboundMessage.objects.filter(pk=inbound_id, processed_at=None).values("platform", "chat_id").first()
    if first is None:
        return "nothing to do"
    platform, chat_id = first["platform"], first["chat_id"]
    handled = 0
    while True:
        message = selectors.inbound_pending(platform=platform, chat_id=chat_id).first()
        if message is None:
            return f"handled {handled}"
        if message.attempts >= MAX_STEP_ATTEMPTS:
            _give_up(message)
            continue
        try:
            incoming = _step(message)
        except Exception as exc:
            # No message text, phone number or chat id in the log: the exception's kind and place only.
            where = traceback.extract_tb(exc.__traceback__)[-1]
            logger.error(
                "chat message %s: step failed (%s at %s:%s)",
                message.pk,
                exc.__class__.__name__,
                where.filename,
                where.lineno,
            )
            InboundMessage.objects.filter(pk=message.pk).update(attempts=message.attempts + 1)
            chat_inbound_process.using(run_after=timezone.now() + RETRY_AFTER).enqueue(message.pk)
            return "failed"
        handled += 1
        if incoming is not None and incoming.callback_id:
            try:
                PLATFORMS[platform].acknowledge(incoming)
            except PlatformError as exc:
                logger.warning("chat message %s: button press not acknowledged (%s)", message.pk, exc)


@transaction.atomic
def _step(message: InboundMessage) -> Incoming | None:
    conversation, _created = Conversation.objects.get_or_create(platform=message.platform, chat_id=message.chat_id)
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    message = InboundMessage.objects.select_for_update().get(pk=message.pk)
    if message.processed_at is not None:  # another worker took this step while we waited for the chat
        return None
    try:
        abuse.count_and_check(
            key=f"chat:{abuse.account_key(conversation.account)}", limit=settings.LAPOR_RATE_CHAT_MESSAGES
        )
    except Refused:
        _done(message)  # a flood: beyond the bound, a message gets neither a step nor an answer
        return None
    platform = PLATFORMS[message.platform]
    try:
        incoming = platform.read(message.payload.get("message") or {})
    except (KeyError, TypeError, ValueError):
        incoming = Incoming(Incoming.OTHER)
    if message.payload.get("phone"):
        conversation.phone = message.payload["phone"]
    if conversation.last_inbound_at is None or message.sent_at > conversation.last_inbound_at:
        conversation.last_inbound_at = message.sent_at
    step = conversation_step(conversation=conversation, incoming=incoming, platform=platform, message_key=message.key)
    conversation.save()
    replies_queue(conversation=conversation, replies=step.replies, forget_conversation=step.forget)
    _done(message)
    return incoming


def _done(message: InboundMessage) -> None:
    message.processed_at = timezone.now()
    message.payload = {}  # what the citizen said is in the conversation, or was not needed
    message.chat_id = ""
    message.save(update_fields=["processed_at", "payload", "chat_id"])


def _give_up(message: InboundMessage) -> None:
    logger.error("chat message %s: given up after %s failed attempts", message.pk, message.attempts)
    _done(message)


def inbound_forget(now: dt.datetime) -> int:
    """Housekeeping: the hashed ids of handled messages, once no platform would deliver them again
    (WhatsApp retries for up to 7 days)."""
    deleted, _rows = InboundMessage.objects.filter(
        processed_at__isnull=False, received_at__lt=now - dt.timedelta(days=8)
    ).delete()
    return deleted
