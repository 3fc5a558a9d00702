"""The installed app's addresses outside the language prefixes: the service worker must sit at the
site's root to look after every page, and the manifest with it."""

from django.urls import path

from . import views_app

urlpatterns = [
    path("sw.js", views_app.service_worker, name="service-worker"),
    path("manifest.webmanifest", views_app.manifest, name="app-manifest"),
]
