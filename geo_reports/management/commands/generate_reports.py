from django.core.management.base import BaseCommand

from geo_reports.services.bulk import BATCH, reports_generate


class Command(BaseCommand):
    help = (
        "Generate N demo reports in bulk (SQL batches: placed along roads and around desa centres, routed, "
        "spread over the years). For scale tests and benchmarks; marked channel 'demo'."
    )

    def add_arguments(self, parser):
        parser.add_argument("count", type=int)
        parser.add_argument("--years", type=float, default=5.0)
        parser.add_argument("--batch", type=int, default=BATCH)

    def handle(self, *args, count, years, batch, **options):
        def progress(done, total):
            self.stderr.write(f"\r  {done:,}/{total:,} reports", ending="")

        result = reports_generate(count=count, years=years, batch=batch, progress=progress)
        self.stderr.write("")
        self.stdout.write(f"{result.created:,} reports in {result.seconds:.1f} s ({result.per_second:,.0f} reports/s)")
