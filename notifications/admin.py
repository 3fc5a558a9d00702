from django.contrib import admin

from .models import Notification


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
