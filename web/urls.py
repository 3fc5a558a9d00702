from django.urls import path

from . import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("layanan/", views.services, name="services"),
    path("lapor/", views.report, name="report"),
    path("laporan/<str:code>/", views.report_detail, name="report-detail"),
    path("lacak/", views.track, name="track"),
    path("statistik/", views.statistics, name="statistics"),
]
