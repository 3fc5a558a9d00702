from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from city_info.news.services import news_source_save


class Command(BaseCommand):
    help = (
        "Set up a news source: an RSS 2.0 or Atom feed of a local outlet or a city agency's site, read by the "
        "worker every --every minutes. Run again with the same name to change it."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="The outlet, as shown to readers")
        parser.add_argument("url", help="The feed's address")
        parser.add_argument(
            "--keyword",
            action="append",
            default=[],
            help="What an item must mention to be kept (repeatable; '-phrase' ignores a phrase). "
            "Default: Batu, Pemkot Batu, DPRD Kota Batu and the city agencies' names",
        )
        parser.add_argument("--every", type=int, default=30, help="Minutes between fetches (5 to 1440)")
        parser.add_argument("--disabled", action="store_true", help="Keep it, but do not fetch it")

    def handle(self, *args, name, url, keyword, every, disabled, **options):
        try:
            source, created = news_source_save(
                name=name,
                url=url,
                keywords="\n".join(keyword),
                is_enabled=not disabled,
                fetch_interval_minutes=every,
            )
        except ValidationError as exc:
            problems = "; ".join(f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items())
            raise CommandError(problems) from exc
        state = "enabled" if source.is_enabled else "disabled"
        self.stdout.write(f"{'added' if created else 'changed'} news source {source.name} ({source.url}, {state})")
