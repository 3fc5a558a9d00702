from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    """Reporting by WhatsApp (Cloud API) and Telegram (Bot API) at /channels/, over the reports app's
    submission service; status changes sent back to the chat."""

    name = "chat"
    verbose_name = _("Chat channels")

    def ready(self):
        from common import housekeeping
        from common.errors import register_interface
        from geo_reports import events

        from . import receivers
        from .services import conversation, inbound, outbound

        register_interface("/channels/")
        events.report_updated.connect(receivers.on_report_updated, dispatch_uid="chat.updated")
        housekeeping.register("chat_conversations_expired", conversation.conversations_expire)
        housekeeping.register("chat_requeued", outbound.chat_requeue)
        housekeeping.register("chat_messages_forgotten", inbound.inbound_forget)
        housekeeping.register("chat_sent_forgotten", outbound.outbox_forget)
