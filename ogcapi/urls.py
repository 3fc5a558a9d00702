"""OGC API - Features at /ogcapi/ (config/urls.py). A trailing slash is accepted on every resource."""

from django.urls import re_path

from . import views

app_name = "ogcapi"

COLLECTION = r"(?P<collection_id>[^/]+)"

urlpatterns = [
    re_path(r"^$", views.landing, name="landing"),
    re_path(r"^conformance/?$", views.conformance, name="conformance"),
    re_path(r"^api/?$", views.api, name="api"),
    re_path(r"^collections/?$", views.collections, name="collections"),
    re_path(rf"^collections/{COLLECTION}/?$", views.collection, name="collection"),
    re_path(rf"^collections/{COLLECTION}/items/?$", views.items, name="items"),
    re_path(rf"^collections/{COLLECTION}/queryables/?$", views.queryables, name="queryables"),
    re_path(rf"^collections/{COLLECTION}/items/(?P<feature_id>[^/]+)/?$", views.item, name="item"),
]
