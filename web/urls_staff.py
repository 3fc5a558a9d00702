from django.urls import path

from . import views_staff

app_name = "staff"

urlpatterns = [
    path("", views_staff.inbox, name="inbox"),
    path("mulai/", views_staff.start, name="start"),
    path("laporan/<str:code>/", views_staff.report, name="report"),
    path("terdekat/", views_staff.nearby, name="nearby"),
]
