from django.core.management.base import BaseCommand

from open311.services import api_key_create


class Command(BaseCommand):
    help = "Issue an Open311 API key for a client application and print it (it is shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("client_name", help="Who uses the key, e.g. an app's name")

    def handle(self, *args, client_name, **options):
        issued = api_key_create(client_name=client_name[:120])
        self.stdout.write(issued.key)
