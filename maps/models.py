"""The counts behind the public map's zoomed-out tiles."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from geo_reports.models import Category

# The public map's grid: at zoom z a tile is split into 8 x 8 cells, each the Web Mercator tile
# (z + 3, cx, cy), so a cell is 32 pixels of a 256-pixel tile and cells line up across tiles.
CELL_ZOOM_OFFSET = 3
# Zooms whose cells are kept counted; below the first, cells are merged from it; above the last,
# tiles hold few enough reports to be counted from the reports themselves.
MAP_CELL_ZOOMS = range(10, 17)


class MapCell(models.Model):
    """How many reports of a category and status lie in a cell of the public map's grid, per zoom,
    with the sums of their Web Mercator coordinates (for the cell's centroid). Zoomed-out tiles read
    these instead of the reports: a tile over a million reports adds up a few hundred rows.

    Written only by triggers on the report table (maps/migrations/0001): an insert adds +1, a delete
    -1, a change of status, category or place both, in the same transaction as the change. Several rows
    may share a key, so that concurrent submissions never wait on one another; housekeeping merges
    them (maps.tiles.map_cells_merge). Readers always sum."""

    z = models.SmallIntegerField(_("zoom"))
    cx = models.IntegerField()
    cy = models.IntegerField()
    category = models.ForeignKey(
        Category, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+", db_index=False
    )
    status = models.CharField(max_length=12)
    n = models.IntegerField(_("reports"))
    sx = models.FloatField()
    sy = models.FloatField()
    merged = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("map cell")
        verbose_name_plural = _("map cells")
        indexes = [
            models.Index(fields=["z", "cx", "cy"], name="mapcell_cell_idx"),
            models.Index(fields=["id"], condition=Q(merged=False), name="mapcell_unmerged_idx"),
        ]

    def __str__(self):
        return f"z{self.z} {self.cx}/{self.cy} {self.category_id} {self.status}: {self.n}"


class CachedTile(models.Model):
    """A rendered vector tile kept for the next request that asks for the same one (maps.tile_cache):
    `layer` (the report tiles, the basemap, the staff basemap), the tile, and for report tiles a key
    of the filters it was made with. The table is UNLOGGED (a crash may empty it: it is a cache).

    Rows are removed by triggers in the transaction of any write that changes what a kept tile shows
    (maps/migrations/0004): a report's tiles by its old and new place, the basemap's by the bounding
    box of the changed road, light, pipe, area or place; a change to categories, agencies, area codes
    or asset layers empties the layers that draw them. Rows are evicted oldest first beyond
    LAPOR_TILE_CACHE_MAX_TILES."""

    layer = models.CharField(max_length=16)
    z = models.SmallIntegerField()
    x = models.IntegerField()
    y = models.IntegerField()
    filters = models.CharField(max_length=64, blank=True)
    tile = models.BinaryField()
    # The tile gzip-compressed, when that is shorter: sent as it is to clients that accept gzip.
    gzipped = models.BinaryField(null=True)
    id = models.BigAutoField(primary_key=True)

    class Meta:
        verbose_name = _("cached tile")
        verbose_name_plural = _("cached tiles")
        constraints = [
            models.UniqueConstraint(fields=["layer", "z", "x", "y", "filters"], name="cachedtile_unique_key"),
        ]

    def __str__(self):
        return f"{self.layer} {self.z}/{self.x}/{self.y} {self.filters}"
