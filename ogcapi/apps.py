from django.apps import AppConfig


class OgcApiConfig(AppConfig):
    """OGC API - Features (Part 1: Core) at /ogcapi/ for planners' GIS tools."""

    name = "ogcapi"
    verbose_name = "OGC API - Features"
