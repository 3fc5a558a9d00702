from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DistrictsConfig(AppConfig):
    """Where things are and who is responsible: areas, agencies, asset layers."""

    name = "districts"
    verbose_name = _("Areas and agencies")

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
