"""Tell Telegram where to deliver the bot's updates, with the secret it must send back."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from chat.platforms import PLATFORMS, PlatformError


class Command(BaseCommand):
    help = "Point the Telegram bot's webhook at this site (LAPOR_PUBLIC_URL + /channels/telegram/)."

    def add_arguments(self, parser):
        parser.add_argument("--url", help="the webhook's address, when not LAPOR_PUBLIC_URL's (it must be https)")

    def handle(self, *args, url=None, **options):
        telegram = PLATFORMS["telegram"]
        if not telegram.enabled():
            raise CommandError("Set LAPOR_TELEGRAM_BOT_TOKEN and LAPOR_TELEGRAM_SECRET first.")
        url = url or settings.LAPOR_PUBLIC_URL + reverse("chat:telegram")
        try:
            telegram.set_webhook(url)
        except PlatformError as exc:
            raise CommandError(f"Telegram refused the webhook: {exc}") from exc
        self.stdout.write(f"Telegram delivers the bot's updates to {url}")
