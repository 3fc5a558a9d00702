"""The city information pages: public ones under /info/ with their RSS and Atom feeds, the agencies'
under /petugas/info/ (Indonesian at /…, English at /en/…)."""

from django.urls import path

from . import feeds, views, views_staff

app_name = "city_info"

urlpatterns = [
    path("info/acara/", views.events, name="events"),
    path("info/acara/rss/", feeds.EventsFeed(), name="events-rss"),
    path("info/acara/atom/", feeds.EventsAtomFeed(), name="events-atom"),
    path("info/acara/<int:pk>/", views.event_detail, name="event-detail"),
    path("info/harga/", views.prices, name="prices"),
    path("info/lowongan/", views.jobs, name="jobs"),
    path("info/lowongan/<int:pk>/", views.job_detail, name="job-detail"),
    path("info/pengumuman/", views.announcements, name="announcements"),
    path("info/pengumuman/rss/", feeds.AnnouncementsFeed(), name="announcements-rss"),
    path("info/pengumuman/atom/", feeds.AnnouncementsAtomFeed(), name="announcements-atom"),
    path("info/pengumuman/<int:pk>/", views.announcement_detail, name="announcement-detail"),
    path("petugas/info/", views_staff.dashboard, name="staff"),
    path("petugas/info/harga/", views_staff.prices, name="staff-prices"),
    path("petugas/info/<str:kind>/baru/", views_staff.item_edit, name="staff-new"),
    path("petugas/info/<str:kind>/<int:pk>/", views_staff.item_edit, name="staff-edit"),
    path("petugas/info/<str:kind>/<int:pk>/hapus/", views_staff.item_delete, name="staff-delete"),
]
