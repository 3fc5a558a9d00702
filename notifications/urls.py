from django.urls import path

from . import apis

app_name = "notifications"

urlpatterns = [
    path("push/key/", apis.PushKeyApi.as_view(), name="push-key"),
    path("push/subscriptions/", apis.StaffPushApi.as_view(), name="push-subscriptions"),
    path("reports/<int:pk>/push/", apis.ReporterPushApi.as_view(), name="report-push"),
]
