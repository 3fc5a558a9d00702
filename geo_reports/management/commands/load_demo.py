from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand

from districts.services.demo import demo_load as districts_demo_load
from geo_reports.services.demo import categories_load, demo_reports_load


class Command(BaseCommand):
    help = (
        "Load the demo data: real Kota Batu boundaries, agencies, synthetic asset layers, categories, "
        "routing rules, holidays and demo reports. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reports", type=int, default=120, help="Demo reports to have (default 120)")

    def handle(self, *args, reports, **options):
        districts_demo_load(log=self.stdout.write)
        result = categories_load()
        self.stdout.write(f"categories: {len(result.created)} created, {len(result.kept)} kept as edited")
        created = demo_reports_load(count=reports)
        self.stdout.write(f"demo reports: {created} created")
        if apps.is_installed("city_info"):  # the city's information pages have demo data of their own
            call_command("load_city_info_demo", stdout=self.stdout)
