"""The structural parts (markets and commodities) are kept here by administrators; the items themselves
are managed by agency staff on their pages (/petugas/info/), and are listed here for administrators."""

from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from .models import Announcement, Commodity, Event, JobVacancy, Market, Price


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
