from django.urls import path

from . import apis

app_name = "districts"

urlpatterns = [
    path("areas/", apis.AreaContainingApi.as_view(), name="areas"),
    path("agencies/", apis.AgencyListApi.as_view(), name="agencies"),
    path("geocode/", apis.PlaceSearchApi.as_view(), name="geocode"),
]
