from django.urls import path

from . import views, views_app, views_pages

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("layanan/", views.services, name="services"),
    path("layanan/<slug:code>/", views.apply, name="apply"),
    path("lapor/", views.report, name="report"),
    path("laporan/<str:code>/", views.report_detail, name="report-detail"),
    path("lacak/", views.track, name="track"),
    path("statistik/", views.statistics, name="statistics"),
    path("tentang/", views_pages.about, name="about"),
    path("privasi/", views_pages.privacy, name="privacy"),
    path("ketentuan/", views_pages.terms, name="terms"),
    path("laporan-saya/", views_app.my_reports, name="my-reports"),
    path("offline/", views_app.offline, name="offline"),
]
