from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MapsConfig(AppConfig):
    name = "maps"
    verbose_name = _("Public map")

    def ready(self):
        from common import housekeeping
        from geo_reports import events

        from . import tile_cache, tiles

        housekeeping.register("map_cells_merged", lambda now: tiles.map_cells_merge())
        events.reports_generated.connect(tiles.map_cells_after_bulk, dispatch_uid="maps.generated")
        events.reports_generated.connect(tile_cache.reports_flushed_after_bulk, dispatch_uid="maps.tiles_generated")
