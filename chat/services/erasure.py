"""Erasure ("hapus data saya"): a chat's contact taken off its reports. The reports stay, anonymous."""

from django.db import transaction
from django.utils import timezone

from geo_reports.models import ReporterContact
from geo_reports.services.contact import CHAT_FIELDS, Reason, reporter_contacts_erase

from ..models import Conversation, ConversationPhoto, InboundMessage, OutboundMessage


@transaction.atomic
def chat_data_erase(*, conversation: Conversation) -> int:
    """Remove the chat's phone number and chat id from every report filed in it, and what the chat
    still holds (its answers so far, photos, messages waiting to be handled or sent). The conversation
    itself goes once its last message, the confirmation, is sent. Returns how many reports it was."""
    reports = ReporterContact.objects.filter(
        chat_platform=conversation.platform, chat_id=conversation.chat_id
    ).values_list("report_id", flat=True)
    count = len(reporter_contacts_erase(report_ids=list(reports), reason=Reason.CHAT, fields=CHAT_FIELDS))
    InboundMessage.objects.filter(
        platform=conversation.platform, chat_id=conversation.chat_id, processed_at=None
    ).update(chat_id="", payload={}, processed_at=timezone.now())
    OutboundMessage.objects.filter(conversation=conversation, state=OutboundMessage.State.QUEUED).delete()
    ConversationPhoto.objects.filter(conversation=conversation).delete()
    conversation.state = Conversation.State.IDLE
    conversation.data = {}
    return count
