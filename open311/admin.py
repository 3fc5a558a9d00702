from django.contrib import admin, messages
from django.utils.translation import gettext as _

from . import services
from .models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("client_name", "prefix", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("client_name", "prefix")
    fields = ("client_name", "is_active", "prefix", "created_at")
    readonly_fields = ("prefix", "created_at")

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        key = services.api_key_issue(api_key=obj)
        # The only moment the key can be read: the database keeps its hash alone.
        messages.warning(
            request,
            _("The API key for %(client)s is %(key)s. Copy it now: it cannot be shown again.")
            % {"client": obj.client_name, "key": key},
        )
