from django.core.management.base import BaseCommand

from city_info.demo import city_info_demo_load


class Command(BaseCommand):
    help = (
        "Load the demo city information (markets and 45 days of staple prices, events, job vacancies, "
        "announcements and news), marked as demo. Needs the boundaries and agencies (load_demo). Idempotent."
    )

    def handle(self, *args, **options):
        result = city_info_demo_load()
        self.stdout.write(
            f"city info demo: {result.markets} markets, {result.commodities} commodities, {result.prices} prices, "
            f"{result.events} events, {result.jobs} job vacancies, {result.announcements} announcements"
        )
