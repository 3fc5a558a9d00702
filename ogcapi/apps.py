from django.apps import AppConfig


class OgcApiConfig(AppConfig):
    """OGC API - Features (Part 1: Core) at /ogcapi/ for planners' GIS tools."""

    name = "ogcapi"
    verbose_name = "OGC API - Features"

    def ready(self):
        from common.errors import register_interface

        from .responses import render_error_for_path

        register_interface("/ogcapi/", render_error_for_path)
