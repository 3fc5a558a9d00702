"""The structural parts (markets and commodities) are kept here by administrators; the items themselves
are managed by agency staff on their pages (/petugas/info/), and are listed here for administrators.
News sources are set up here (or with `manage.py add_news_source`), with their fetch state; their items
can be hidden here."""

from django.contrib import admin, messages
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from leaflet.admin import LeafletGeoAdmin

from .models import Announcement, Commodity, Event, JobVacancy, Market, NewsItem, NewsSource, PageVisit, Price
from .news.services import news_source_fetch_soon


@admin.register(Market)
class MarketAdmin(LeafletGeoAdmin):
    list_display = ("name", "desa", "is_active", "is_demo")
    list_filter = ("is_active", "is_demo")
    search_fields = ("name",)
    raw_id_fields = ("desa",)


@admin.register(Commodity)
class CommodityAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "unit", "order", "is_active")
    list_editable = ("order", "is_active")
    search_fields = ("code", "name", "name_en")


@admin.register(Price)
class PriceAdmin(admin.ModelAdmin):
    list_display = ("date", "market", "commodity", "price", "recorded_by", "is_demo")
    list_filter = ("market", "commodity", "is_demo")
    date_hierarchy = "date"
    raw_id_fields = ("recorded_by",)


@admin.register(Event)
class EventAdmin(LeafletGeoAdmin):
    list_display = ("title", "agency", "starts_at", "ends_at", "is_demo")
    list_filter = ("agency", "is_demo")
    search_fields = ("title", "title_en", "place_name", "organiser_name")
    raw_id_fields = ("created_by",)


@admin.register(JobVacancy)
class JobVacancyAdmin(LeafletGeoAdmin):
    list_display = ("position", "employer", "closes_on", "agency", "is_demo")
    list_filter = ("agency", "is_demo")
    search_fields = ("position", "position_en", "employer")
    raw_id_fields = ("created_by",)


@admin.register(Announcement)
class AnnouncementAdmin(LeafletGeoAdmin):
    list_display = ("title", "kind", "published_on", "agency", "area", "is_demo")
    list_filter = ("kind", "agency", "is_demo")
    search_fields = ("title", "title_en")
    raw_id_fields = ("area", "created_by")


@admin.register(NewsSource)
class NewsSourceAdmin(admin.ModelAdmin):
    list_display = ("name", "is_enabled", "last_fetched_at", "last_success_at", "error_count", "last_error", "url")
    list_filter = ("is_enabled",)
    search_fields = ("name", "url")
    readonly_fields = (
        "last_fetched_at",
        "last_success_at",
        "error_count",
        "last_error",
        "last_error_at",
        "etag",
        "last_modified",
        "created_at",
    )
    fieldsets = (
        (None, {"fields": ("name", "url", "is_enabled", "keywords", "fetch_interval_minutes", "next_fetch_at")}),
        (
            _("Fetching"),
            {
                "fields": (
                    "last_fetched_at",
                    "last_success_at",
                    "error_count",
                    "last_error",
                    "last_error_at",
                    "etag",
                    "last_modified",
                    "created_at",
                )
            },
        ),
    )
    actions = ["fetch_soon"]
    # Feeds are served over https; an address typed without a scheme means that (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.action(description=_("Fetch at the worker's next round"))
    def fetch_soon(self, request, queryset):
        count = news_source_fetch_soon(sources=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d source will be fetched within a minute or two.",
                "%(count)d sources will be fetched within a minute or two.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(NewsItem)
class NewsItemAdmin(admin.ModelAdmin):
    list_display = ("title", "source", "published_at", "is_hidden")
    list_filter = ("source", "is_hidden")
    list_editable = ("is_hidden",)
    search_fields = ("title", "excerpt")
    date_hierarchy = "published_at"
    readonly_fields = ("source", "title", "excerpt", "link", "published_at", "areas", "fetched_at")
    formfield_overrides = NewsSourceAdmin.formfield_overrides

    def has_add_permission(self, request):
        return False  # items come from their feeds


@admin.register(PageVisit)
class PageVisitAdmin(admin.ModelAdmin):
    list_display = ("day", "path", "views")
    date_hierarchy = "day"
    search_fields = ("path",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
