from django.urls import path

from common.signin import TokenApi

from .apis import public, staff

app_name = "geo_reports"

urlpatterns = [
    path("categories/", public.CategoryListApi.as_view(), name="categories"),
    path("routing/preview/", public.RoutingPreviewApi.as_view(), name="routing-preview"),
    path("reports/", public.ReportListCreateApi.as_view(), name="reports"),
    path("reports/track/<str:code>/", public.ReportTrackApi.as_view(), name="report-track"),
    path("reports/<int:pk>/", public.ReportDetailApi.as_view(), name="report-detail"),
    path("reports/<int:pk>/support/", public.ReportSupportApi.as_view(), name="report-support"),
    path("reports/<int:pk>/documents/<uuid:document>/", public.ReportDocumentApi.as_view(), name="report-document"),
    path("reports/<int:pk>/reporter/", public.ReporterActionApi.as_view(), name="report-reporter"),
    path("reports/nearby/", staff.NearbyApi.as_view(), name="report-nearby"),
    path("reports/<int:pk>/transition/", staff.ReportTransitionApi.as_view(), name="report-transition"),
    path("reports/<int:pk>/reroute/", staff.ReportRerouteApi.as_view(), name="report-reroute"),
    path("reports/<int:pk>/comments/", staff.ReportCommentApi.as_view(), name="report-comments"),
    path("reports/<int:pk>/assign/", staff.ReportAssignApi.as_view(), name="report-assign"),
    path("reports/<int:pk>/public-text/", staff.ReportPublicTextApi.as_view(), name="report-public-text"),
    path("reports/<int:pk>/review/", staff.ReportReviewApi.as_view(), name="report-review"),
    path("reports/<int:pk>/visibility/", staff.ReportVisibilityApi.as_view(), name="report-visibility"),
    path(
        "reports/<int:pk>/photos/<uuid:photo>/visibility/",
        staff.ReportPhotoVisibilityApi.as_view(),
        name="report-photo-visibility",
    ),
    path("reports/<int:pk>/co-handlers/", staff.ReportCoHandlersApi.as_view(), name="report-co-handlers"),
    path("reports/<int:pk>/co-handlers/<slug:agency>/", staff.ReportCoHandlerApi.as_view(), name="report-co-handler"),
    path("staff/inbox/", staff.StaffInboxApi.as_view(), name="staff-inbox"),
    path("staff/reports/<int:pk>/", staff.StaffReportApi.as_view(), name="staff-report"),
    path("auth/token/", TokenApi.as_view(), name="auth-token"),  # counted by the sign-in throttling
]
