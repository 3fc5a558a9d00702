from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin

from .models import (
    AuditEntry,
    Blocklist,
    Category,
    CategoryQuestion,
    PublicHoliday,
    Report,
    ReportCoHandler,
    ReporterContact,
    ReportUpdate,
    RoutingRule,
)


class QuestionInline(admin.StackedInline):
    model = CategoryQuestion
    extra = 0


class RuleInline(admin.TabularInline):
    model = RoutingRule
    extra = 0
    autocomplete_fields = ("agency", "co_handlers")
    raw_id_fields = ("area",)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "group",
        "kind",
        "asset_layer",
        "snap_distance_m",
        "default_agency",
        "is_public",
        "is_active",
    )
    list_filter = ("group", "kind", "is_public", "is_active")
    search_fields = ("code", "name", "name_en", "keywords")
    inlines = [QuestionInline, RuleInline]
    autocomplete_fields = ("default_agency",)


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ("category", "area", "asset_attribute", "asset_value", "agency", "priority", "is_active")
    list_filter = ("category", "agency", "is_active")
    raw_id_fields = ("area",)
    autocomplete_fields = ("agency", "co_handlers")


@admin.register(PublicHoliday)
class PublicHolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "name")
    date_hierarchy = "date"


class TimelineInline(admin.TabularInline):
    """Read-only: the timeline is append-only, here as in the database."""

    model = ReportUpdate
    extra = 0
    can_delete = False
    fields = (
        "created_at",
        "kind",
        "actor_role",
        "agency",
        "old_status",
        "new_status",
        "message",
        "is_internal",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CoHandlerInline(admin.TabularInline):
    """Read-only: staff copy a report to other agencies on its working page (with a timeline entry)."""

    model = ReportCoHandler
    extra = 0
    can_delete = False
    fields = ("agency", "reason", "added_by", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ContactInline(admin.StackedInline):
    model = ReporterContact
    can_delete = False
    extra = 0
    verbose_name_plural = _("reporter contact (private)")


@admin.register(Report)
class ReportAdmin(LeafletGeoAdmin):
    list_display = ("tracking_code", "category", "status", "agency", "desa", "created_at", "support_count")
    list_filter = ("status", "category", "agency", "channel", "needs_review", "is_hidden", "is_private")
    search_fields = ("tracking_code", "description")
    date_hierarchy = "created_at"
    list_select_related = ("category", "agency", "desa")
    # The texts and their moderation change on the staff pages (services.moderation), which keep the
    # reporter's words and leave a timeline and an audit entry; the category changes by re-routing,
    # which keeps a private request private (services.base.category_set).
    readonly_fields = (
        "tracking_code", "status", "agency", "desa", "kecamatan", "asset", "asset_distance_m", "routing",
        "routing_explanation", "routing_explanation_en", "acknowledge_due", "resolve_due",
        "first_response_at", "resolved_at", "closed_at", "support_count", "version", "created_at",
        "updated_at", "description", "answers", "description_original", "answers_original", "needs_review",
        "is_hidden", "hidden_reason", "category", "is_private",
    )  # fmt: skip
    exclude = ("reporter_token_hash", "location", "duplicate_of", "assigned_to")
    inlines = [ContactInline, CoHandlerInline, TimelineInline]

    def has_delete_permission(self, request, obj=None):
        return False  # reports are rejected or closed, never deleted


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Every staff action, before and after; append-only in the database too."""

    list_display = ("created_at", "actor", "actor_role", "action", "report")
    list_filter = ("action", "actor_role")
    search_fields = ("report__tracking_code", "actor__username")
    date_hierarchy = "created_at"
    list_select_related = ("actor", "report")


@admin.register(Blocklist)
class BlocklistAdmin(admin.ModelAdmin):
    """Senders whose reports are refused (403): by IP address, phone number or email address."""

    list_display = ("kind", "value", "note", "created_at")
    list_filter = ("kind",)
    search_fields = ("value", "note")
