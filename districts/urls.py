from django.urls import path

from . import apis

app_name = "districts"

urlpatterns = [
    path("areas/", apis.AreaContainingApi.as_view(), name="areas"),
    path("agencies/", apis.AgencyListApi.as_view(), name="agencies"),
    path("boundaries/", apis.BoundaryListApi.as_view(), name="boundaries"),
    path("geocode/", apis.PlaceSearchApi.as_view(), name="geocode"),
]
