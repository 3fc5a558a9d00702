from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin

from .models import Agency, Area, Asset, AssetLayer, AssetOwnership, Membership, Place, RoadClassRule


@admin.register(Area)
class AreaAdmin(LeafletGeoAdmin):
    list_display = ("code", "name", "kind", "parent")
    list_filter = ("kind", "parent")
    search_fields = ("code", "name")
    ordering = ("code",)
    list_select_related = ("parent",)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("short_name", "name", "kind", "send_method", "handles_triage", "is_active")
    list_filter = ("kind", "send_method", "is_active")
    search_fields = ("code", "name", "short_name")
    list_select_related = ("area",)


class AssetOwnershipInline(admin.TabularInline):
    model = AssetOwnership
    extra = 1
    autocomplete_fields = ("agency",)


@admin.register(AssetLayer)
class AssetLayerAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "geometry_type",
        "owner_attribute",
        "default_owner",
        "is_synthetic",
        "is_public",
        "licence",
    )
    inlines = [AssetOwnershipInline]
    autocomplete_fields = ("default_owner",)


@admin.register(Asset)
class AssetAdmin(LeafletGeoAdmin):
    list_display = ("external_id", "name", "layer", "owner", "synthetic")
    list_filter = ("layer", "owner")
    search_fields = ("external_id", "name")
    list_select_related = ("layer", "owner")
    autocomplete_fields = ("owner",)

    @admin.display(boolean=True, description=_("synthetic"))
    def synthetic(self, asset):
        return asset.is_synthetic


@admin.register(RoadClassRule)
class RoadClassRuleAdmin(admin.ModelAdmin):
    """How manage.py import_osm classes OpenStreetMap roads: the highest-priority matching rule wins;
    a blank road class keeps the way out. The next import applies an edit."""

    list_display = (
        "highway",
        "ref_pattern",
        "operator_pattern",
        "access_pattern",
        "outcome",
        "priority",
        "note",
    )
    list_filter = ("road_class", "highway")
    search_fields = ("highway", "ref_pattern", "operator_pattern", "access_pattern", "note")
    ordering = ("-priority", "highway", "id")

    @admin.display(description=_("road class"), ordering="road_class")
    def outcome(self, rule):
        return rule.get_road_class_display() if rule.road_class else _("not imported")


@admin.register(Place)
class PlaceAdmin(LeafletGeoAdmin):
    """The gazetteer of place search: villages, markets, mosques, schools... (manage.py import_osm)."""

    list_display = ("name", "kind", "source", "external_id", "updated_at")
    list_filter = ("kind", "source")
    search_fields = ("name", "external_id")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Who works where, in which role (operator, field crew, supervisor; planner, administrator)."""

    list_display = ("user", "role", "agency")
    list_filter = ("role", "agency")
    search_fields = ("user__username", "user__email")
    autocomplete_fields = ("agency",)
    raw_id_fields = ("user",)
