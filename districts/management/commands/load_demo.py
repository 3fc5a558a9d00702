from django.core.management.base import BaseCommand

from districts.services.demo import demo_load


class Command(BaseCommand):
    help = "Load the demo data: real Kota Batu boundaries, agencies, synthetic asset layers. Idempotent."

    def handle(self, *args, **options):
        demo_load(log=self.stdout.write)
