from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from districts.services.areas import BoundaryFileError, areas_load_from_file


class Command(BaseCommand):
    help = "Load administrative boundaries (kota, kecamatan, desa/kelurahan) from a file GDAL reads."

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            default=str(Path(settings.BASE_DIR) / "fixtures" / "batu_boundaries.geojson"),
            help="Boundary file with attributes kind, code, name, parent_code (default: Kota Batu).",
        )

    def handle(self, *args, path, **options):
        try:
            result = areas_load_from_file(path=Path(path))
        except BoundaryFileError as exc:
            problems = "\n  ".join(exc.problems)
            raise CommandError(f"{path} was not loaded; nothing was written:\n  {problems}") from exc
        self.stdout.write(
            f"areas: {result.total} in file, {len(result.created)} created, "
            f"{len(result.updated)} updated, {len(result.unchanged)} unchanged"
        )
