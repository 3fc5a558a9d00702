from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoReportsConfig(AppConfig):
    """What happened: categories, reports, their routing and their timeline."""

    name = "geo_reports"
    verbose_name = _("Reports")

    def ready(self):
        from common import housekeeping

        from .services.housekeeping import JOBS

        for name, job in JOBS.items():
            housekeeping.register(name, job)
