from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CityInfoConfig(AppConfig):
    """The city's information for everyone: events, food prices, job vacancies, announcements and news,
    and what the media say about the city."""

    name = "city_info"
    verbose_name = _("City information")

    def ready(self):
        from common import housekeeping

        from .news.tasks import news_sources_queue

        housekeeping.register("news_sources_queued", news_sources_queue)
