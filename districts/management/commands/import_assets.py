import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from districts.models import AssetLayer
from districts.services.assets import AssetFileError, assets_import


class Command(BaseCommand):
    help = (
        "Import features into an asset layer from a GeoJSON, GeoPackage or Shapefile (any CRS GDAL "
        "knows; reprojected to WGS84). Idempotent on the external id."
    )

    def add_arguments(self, parser):
        parser.add_argument("layer", help="Asset layer code, e.g. roads, water_pipes, street_lights")
        parser.add_argument("path", help="File to import")
        parser.add_argument(
            "--id-field",
            help="Attribute holding the external id (default: external_id, id, ... or the feature id)",
        )
        parser.add_argument("--name-field", help="Attribute holding a display name (default: name or nama)")
        parser.add_argument("--source-layer", help="Layer inside the file (default: the first)")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Remove features of the layer that are not in the file",
        )

    def handle(self, *args, layer, path, id_field, name_field, source_layer, replace, **options):
        asset_layer = AssetLayer.objects.filter(code=layer).first()
        if asset_layer is None:
            codes = ", ".join(AssetLayer.objects.values_list("code", flat=True)) or "none yet"
            raise CommandError(f"no asset layer {layer!r} (layers: {codes})")

        def progress(done, total):
            if sys.stderr.isatty() or total >= 10_000:
                self.stderr.write(f"\r  {done}/{total} features read", ending="")

        try:
            report = assets_import(
                layer=asset_layer,
                path=Path(path),
                id_field=id_field,
                name_field=name_field,
                source_layer=source_layer,
                replace=replace,
                progress=progress,
            )
        except AssetFileError as exc:
            raise CommandError(f"nothing was imported: {exc}") from exc
        self.stderr.write("")
        for repair in report.repairs:
            self.stdout.write(f"  repaired {repair.feature}: {repair.reason}")
        for rejection in report.rejected:
            self.stdout.write(f"  rejected {rejection.feature}: {rejection.reason}")
        self.stdout.write(report.summary())
