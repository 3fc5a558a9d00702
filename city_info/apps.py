from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CityInfoConfig(AppConfig):
    """The city's information for everyone: events, food prices, job vacancies, announcements and news."""

    name = "city_info"
    verbose_name = _("City information")
