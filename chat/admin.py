"""Chats in the admin, read-only: administrators see where conversations stand, what is waiting to be
sent and why a message failed (and a Telegram chat id to block, under geo_reports' blocklist)."""

from django.contrib import admin

from .models import Conversation, InboundMessage, OutboundMessage


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Conversation)
class ConversationAdmin(ReadOnly):
    list_display = ("pk", "platform", "state", "language", "stepped_at", "last_inbound_at", "created_at")
    list_filter = ("platform", "state", "language")
    search_fields = ("chat_id", "phone")
    exclude = ("data",)


@admin.register(OutboundMessage)
class OutboundMessageAdmin(ReadOnly):
    list_display = ("pk", "conversation", "kind", "report", "state", "attempts", "next_attempt_at", "sent_at")
    list_filter = ("state", "kind")
    list_select_related = ("conversation", "report")


@admin.register(InboundMessage)
class InboundMessageAdmin(ReadOnly):
    list_display = ("pk", "platform", "sent_at", "received_at", "attempts", "processed_at")
    list_filter = ("platform",)
    exclude = ("payload",)
