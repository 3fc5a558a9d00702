from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin

from .models import Agency, Area, Asset, AssetLayer, AssetOwnership, Membership


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
    list_display = ("code", "name", "geometry_type", "owner_attribute", "default_owner", "is_synthetic")
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


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Who works where, in which role (operator, field crew, supervisor; planner, administrator)."""

    list_display = ("user", "role", "agency")
    list_filter = ("role", "agency")
    search_fields = ("user__username", "user__email")
    autocomplete_fields = ("agency",)
    raw_id_fields = ("user",)
