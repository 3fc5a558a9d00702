from django.contrib import admin

from .models import Notification, PushSubscription


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "channel", "event", "report", "state", "attempts", "next_attempt_at", "sent_at")
    list_filter = ("state", "channel", "event")
    search_fields = ("report__tracking_code",)
    readonly_fields = (
        "channel",
        "report",
        "agency",
        "event",
        "payload",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
    )
    list_select_related = ("report",)


@admin.register(PushSubscription)
class PushSubscriptionAdmin(admin.ModelAdmin):
    """Who follows what by Web Push; never the endpoint or keys (personal data, useless to read)."""

    list_display = ("created_at", "report", "user", "language", "last_used_at")
    list_filter = ("language",)
    search_fields = ("report__tracking_code", "user__username")
    fields = ("report", "user", "language", "created_at", "last_used_at")
    readonly_fields = fields
    list_select_related = ("report", "user")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
