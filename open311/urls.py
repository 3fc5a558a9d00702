"""/open311/v2/: every resource as `<name>.xml` or `<name>.json`."""

from django.urls import re_path

from . import views

app_name = "open311"

FORMAT = r"\.(?P<fmt>xml|json)$"

urlpatterns = [
    re_path(r"^discovery" + FORMAT, views.discovery, name="discovery"),
    re_path(r"^services" + FORMAT, views.service_list, name="services"),
    re_path(r"^services/(?P<service_code>[^/]+)" + FORMAT, views.service_definition, name="service-definition"),
    re_path(r"^requests" + FORMAT, views.service_requests, name="requests"),
    re_path(r"^requests/(?P<service_request_id>[^/]+)" + FORMAT, views.service_request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[^/]+)" + FORMAT, views.token_detail, name="token"),
    re_path(r"^servicerequestupdates" + FORMAT, views.service_request_updates, name="updates"),
    # Anything else under /open311/v2/ gets the spec's 404 document, in JSON when asked in JSON.
    re_path(r"^(?P<path>.*?(?:\.(?P<fmt>json))?)$", views.unknown_resource, name="unknown"),
]
