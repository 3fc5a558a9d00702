"""Feeds of newly resolved reports (pages-level addresses: Indonesian at /…, English at /en/…)."""

from django.urls import path

from . import feeds

app_name = "analytics_feeds"

urlpatterns = [
    path("laporan-selesai/rss/", feeds.ResolvedReportsFeed(), name="resolved-rss"),
    path("laporan-selesai/atom/", feeds.ResolvedReportsAtomFeed(), name="resolved-atom"),
    path("laporan-selesai/<str:code>/rss/", feeds.ResolvedReportsFeed(), name="resolved-rss"),
    path("laporan-selesai/<str:code>/atom/", feeds.ResolvedReportsAtomFeed(), name="resolved-atom"),
]
