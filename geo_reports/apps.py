from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoReportsConfig(AppConfig):
    """What happened: categories, reports, their routing and their timeline."""

    name = "geo_reports"
    verbose_name = _("Reports")
