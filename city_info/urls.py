"""The city information API, under /api/info/."""

from django.urls import path

from . import apis

app_name = "city_info_api"

urlpatterns = [
    path("events/", apis.EventListApi.as_view(), name="events"),
    path("events/<int:pk>/", apis.EventDetailApi.as_view(), name="event-detail"),
    path("jobs/", apis.JobListApi.as_view(), name="jobs"),
    path("jobs/<int:pk>/", apis.JobDetailApi.as_view(), name="job-detail"),
    path("announcements/", apis.AnnouncementListApi.as_view(), name="announcements"),
    path("announcements/<int:pk>/", apis.AnnouncementDetailApi.as_view(), name="announcement-detail"),
    path("markets/", apis.MarketListApi.as_view(), name="markets"),
    path("commodities/", apis.CommodityListApi.as_view(), name="commodities"),
    path("prices/", apis.PriceListApi.as_view(), name="prices"),
]
