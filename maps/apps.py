from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MapsConfig(AppConfig):
    name = "maps"
    verbose_name = _("Public map")

    def ready(self):
        from common import housekeeping
        from geo_reports import events

        from . import tiles

        housekeeping.register("map_cells_merged", lambda now: tiles.map_cells_merge())
        events.reports_generated.connect(tiles.map_cells_after_bulk, dispatch_uid="maps.generated")
