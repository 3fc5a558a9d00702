"""Reads for the chat channels. Each returns a QuerySet, a model instance or None; none writes."""

from django.db.models import Q, QuerySet

from geo_reports.models import Category, Report
from geo_reports.selectors import PUBLIC_REPORTS, category_list, report_own_detail
from geo_reports.services.base import normalize_tracking_code

from .models import Conversation, InboundMessage


def chat_categories() -> QuerySet[Category]:
    """What can be reported in a chat: the active complaint categories that take a pin (a permit
    application or a tax question needs documents and forms: the web's /layanan/)."""
    return category_list().filter(kind=Category.Kind.COMPLAINT, geometry_kinds__contains=["Point"])


def report_for_chat(*, code: str, platform: str, chat_id: str) -> Report | None:
    """A report by its tracking code, as a chat may see it (a public one, not hidden by staff, or one
    filed in this chat), with its public timeline."""
    own = Q(contact__chat_platform=platform, contact__chat_id=chat_id) if chat_id else Q(pk__in=[])
    return report_own_detail().filter(PUBLIC_REPORTS | own, tracking_code=normalize_tracking_code(code)).first()


def conversation_of(*, platform: str, chat_id: str) -> Conversation | None:
    return Conversation.objects.filter(platform=platform, chat_id=chat_id).first()


def inbound_pending(*, platform: str, chat_id: str) -> QuerySet[InboundMessage]:
    """A chat's messages not yet handled, in the order they were sent."""
    return InboundMessage.objects.filter(platform=platform, chat_id=chat_id, processed_at=None).order_by(
        "sent_at", "id"
    )
