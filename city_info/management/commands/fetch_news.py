from django.core.management.base import BaseCommand, CommandError

from city_info.models import NewsSource
from city_info.news.services import news_source_fetch


class Command(BaseCommand):
    help = (
        "Fetch the news sources now, one after another (the worker does this on a schedule): every enabled "
        "source, or those named. Prints what each gave; a failing source is recorded and the others go on."
    )

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", metavar="NAME", help="Only these sources (also when disabled)")

    def handle(self, *args, names, **options):
        sources = NewsSource.objects.filter(name__in=names) if names else NewsSource.objects.filter(is_enabled=True)
        unknown = sorted(set(names) - set(sources.values_list("name", flat=True)))
        if unknown:
            raise CommandError(f"no news source named {unknown[0]!r}")
        failed = 0
        for source in sources.order_by("name"):
            outcome = news_source_fetch(source=source)
            failed += bool(outcome.error)
            self.stdout.write(str(outcome))
        if not names and not sources.exists():
            self.stdout.write("no news source is enabled (add one with add_news_source)")
        if failed:
            raise CommandError(f"{failed} source(s) failed; each is recorded on its source (see the admin)")
