"""The reports' files served at the site's root (not under /api/)."""

from django.urls import path

from .views import photo_file

app_name = "report_files"

urlpatterns = [
    path("media/photos/<str:prefix>/<str:filename>", photo_file, name="photo-file"),
]
