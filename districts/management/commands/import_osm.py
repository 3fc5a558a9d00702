from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from districts.services.osm import OsmImportError, osm_import

# Below this size an extract is read in a moment: no progress line.
LARGE_FILE_BYTES = 1_000_000


class Command(BaseCommand):
    help = (
        "Import the roads, street lamps and named places of Kota Batu from an OpenStreetMap extract "
        "(.osm.pbf or .osm). Idempotent; road classes follow the road class rules (admin)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The extract: .osm.pbf or .osm XML")
        parser.add_argument(
            "--progress",
            action="store_true",
            help="Show the features read so far on stderr (shown anyway for extracts of 1 MB or more)",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Remove features an earlier OpenStreetMap import brought that the extract no longer has",
        )

    def handle(self, *args, path, replace, progress, **options):
        path = Path(path)
        large = progress or (path.is_file() and path.stat().st_size >= LARGE_FILE_BYTES)

        def show(read: dict[str, int]) -> None:
            counts = ", ".join(f"{layer} {count}" for layer, count in read.items())
            self.stderr.write("\r  " + _("features read: %(counts)s") % {"counts": counts}, ending="")

        try:
            report = osm_import(path=path, replace=replace, progress=show if large else None)
        except OsmImportError as exc:
            raise CommandError(_("nothing was imported: %(reason)s") % {"reason": exc}) from exc
        finally:
            if large:
                self.stderr.write("")
        for line in report.summary_lines():
            self.stdout.write(line)
