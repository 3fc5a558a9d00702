from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The citizen pages: the public map, the report form, report pages and tracking."""

    name = "web"
    verbose_name = _("Web pages")
