"""Messages to chats: written as rows with the step or change they answer, and sent by the worker in
each chat's order, a failed one retried with growing delays (notifications.tasks.retry_delay)."""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from geo_reports.models import ReporterContact, ReportUpdate
from notifications.tasks import retry_delay

from .. import texts
from ..messages import Reply, Template
from ..models import Conversation, InboundMessage, OutboundMessage, Platform
from ..platforms import PLATFORMS, PlatformError

logger = logging.getLogger(__name__)
LEASE = dt.timedelta(minutes=5)
# WhatsApp lets a business write freely within 24 hours of the citizen's last message; after that,
# only approved templates. The margin covers the time a message waits in the queue.
WHATSAPP_WINDOW = dt.timedelta(hours=24) - dt.timedelta(minutes=15)
TOLD_KINDS = (ReportUpdate.Kind.STATUS, ReportUpdate.Kind.COMMENT)


def replies_queue(
    *,
    conversation: Conversation,
    replies: list[Reply],
    kind: str = OutboundMessage.Kind.REPLY,
    report=None,
    forget_conversation: bool = False,
) -> list[OutboundMessage]:
    """Queue the replies in order; the worker gets them once the transaction has committed."""
    from ..tasks import chat_outbox_send  # the task module imports this one

    rows = OutboundMessage.objects.bulk_create(
        [
            OutboundMessage(
                conversation=conversation,
                report=report,
                kind=kind,
                payload=reply.as_data(),
                forget_conversation=forget_conversation and number == len(replies) - 1,
            )
            for number, reply in enumerate(replies)
        ]
    )
    if rows:
        transaction.on_commit(lambda: chat_outbox_send.enqueue(conversation.pk))
    return rows


def report_change_tell(*, update: ReportUpdate) -> list[OutboundMessage]:
    """A public change of a report filed in a chat (a status change, a reply from staff) goes to that
    chat, in its language; on WhatsApp with the approved template as well, used when the 24-hour
    window has closed by the time it is sent."""
    if update.is_internal or update.kind not in TOLD_KINDS:
        return []
    contact = ReporterContact.objects.filter(report_id=update.report_id).exclude(chat_id="").first()
    if contact is None or contact.chat_platform not in Platform.values:
        return []
    conversation, _created = Conversation.objects.get_or_create(
        platform=contact.chat_platform, chat_id=contact.chat_id, defaults={"phone": contact.phone}
    )
    with translation.override(conversation.language):
        reply = Reply(text=texts.change_text(update))
        if conversation.platform == Platform.WHATSAPP:
            name = (
                settings.LAPOR_WHATSAPP_TEMPLATE_REPLY
                if update.kind == ReportUpdate.Kind.COMMENT
                else settings.LAPOR_WHATSAPP_TEMPLATE_STATUS
            )
            reply.template = Template(
                name=name, language=conversation.language, params=texts.change_template_params(update)
            )
    return replies_queue(
        conversation=conversation, replies=[reply], kind=OutboundMessage.Kind.STATUS, report=update.report
    )


def outbox_send(*, conversation_id: int) -> str:
    """Send a chat's due messages in order. One worker at a time per chat (a lease on the
    conversation); the others leave the chat's messages to it, and it looks again before leaving."""
    while True:
        now = timezone.now()
        with transaction.atomic():
            conversation = Conversation.objects.select_for_update().filter(pk=conversation_id).first()
            if conversation is None:
                return "gone"
            if conversation.sending_until and conversation.sending_until > now:
                return "busy"
            head = conversation.outbox.filter(state=OutboundMessage.State.QUEUED).order_by("id").first()
            if head is None or head.next_attempt_at > now:
                return "nothing due"
            conversation.sending_until = now + LEASE
            conversation.save(update_fields=["sending_until"])
        try:
            outcome = _send_due(conversation)
        finally:
            Conversation.objects.filter(pk=conversation_id).update(sending_until=None)
        if outcome != "sent":
            return outcome


def _send_due(conversation: Conversation) -> str:
    platform = PLATFORMS[conversation.platform]
    for message in conversation.outbox.filter(state=OutboundMessage.State.QUEUED).order_by("id"):
        now = timezone.now()
        if message.next_attempt_at > now:
            return "waiting"
        reply = Reply.from_data(message.payload)
        if reply.template is not None and _window_open(conversation, now):
            reply.template = None
        try:
            if not platform.enabled():
                raise PlatformError("the channel is not configured")
            platform.send(conversation.chat_id, reply)
        except PlatformError as exc:
            _failed(message, exc)
            if message.state == OutboundMessage.State.QUEUED:
                return "retry"
            continue
        message.attempts += 1
        message.state = OutboundMessage.State.SENT
        message.sent_at = timezone.now()
        message.payload = {}  # what was said may hold the private link: it is the citizen's now
        message.save(update_fields=["attempts", "state", "sent_at", "payload"])
        if message.forget_conversation and not conversation.outbox.filter(state=OutboundMessage.State.QUEUED).exists():
            # "Hapus data saya" is confirmed: the chat goes too, unless the citizen has written again.
            conversation.delete()
            return "forgotten"
    return "sent"


def _window_open(conversation: Conversation, now: dt.datetime) -> bool:
    if conversation.platform != Platform.WHATSAPP:
        return True
    last = conversation.last_inbound_at
    return last is not None and now - last < WHATSAPP_WINDOW


def _failed(message: OutboundMessage, exc: Exception) -> None:
    from ..tasks import chat_outbox_send

    message.attempts += 1
    message.last_error = f"{exc.__class__.__name__}: {exc}"[:2000]
    if message.attempts >= settings.LAPOR_NOTIFY_MAX_ATTEMPTS:
        message.state = OutboundMessage.State.FAILED
        message.payload = {}  # given up: what it said (perhaps the private link) is not kept either
        message.save(update_fields=["attempts", "last_error", "state", "payload"])
        logger.error("chat message %s failed for good: %s", message.pk, message.last_error)
        return
    message.next_attempt_at = timezone.now() + retry_delay(message.attempts)
    message.save(update_fields=["attempts", "last_error", "next_attempt_at"])
    chat_outbox_send.using(run_after=message.next_attempt_at).enqueue(message.conversation_id)
    logger.warning("chat message %s: attempt %s failed (%s)", message.pk, message.attempts, message.last_error)


def chat_requeue(now: dt.datetime) -> int:
    """Housekeeping: hand the worker again the chats with messages (received or to send) whose task
    was lost; the leases keep anything from being done twice."""
    from ..tasks import chat_inbound_process, chat_outbox_send

    stale = now - dt.timedelta(minutes=10)
    requeued = 0
    for conversation_id in (
        OutboundMessage.objects.filter(state=OutboundMessage.State.QUEUED, next_attempt_at__lt=stale)
        .values_list("conversation_id", flat=True)
        .distinct()[:1000]
    ):
        chat_outbox_send.enqueue(conversation_id)
        requeued += 1
    for inbound_id in InboundMessage.objects.filter(processed_at=None, received_at__lt=stale).values_list(
        "pk", flat=True
    )[:1000]:
        chat_inbound_process.enqueue(inbound_id)
        requeued += 1
    return requeued


def outbox_forget(now: dt.datetime) -> int:
    """Housekeeping: messages sent (or given up) a week ago."""
    deleted, _rows = OutboundMessage.objects.filter(
        state__in=[OutboundMessage.State.SENT, OutboundMessage.State.FAILED], created_at__lt=now - dt.timedelta(days=7)
    ).delete()
    return deleted
