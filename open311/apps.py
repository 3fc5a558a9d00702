from django.apps import AppConfig


class Open311Config(AppConfig):
    """Open311 GeoReport v2 at /open311/v2/, over the reports app's services and selectors."""

    name = "open311"
    verbose_name = "Open311 GeoReport v2"

    def ready(self):
        from common.errors import register_interface

        from .render import render_error_for_path

        register_interface("/open311/", render_error_for_path)
