from django.apps import AppConfig


class Open311Config(AppConfig):
    """Open311 GeoReport v2 at /open311/v2/, over the reports app's services and selectors."""

    name = "open311"
    verbose_name = "Open311 GeoReport v2"
