"""The push API: the server's public key, a reporter following their report (with the private link's
token), and staff following their assignments (session or token). Nothing here ever answers with a
subscription's endpoint or keys."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils import translation
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from districts.selectors import is_staff_member
from geo_reports import abuse
from geo_reports.models import Report

from . import push, vapid
from .serializers import (
    PushKeySerializer,
    PushSubscribedSerializer,
    ReporterPushDeleteSerializer,
    ReporterPushInputSerializer,
    StaffPushDeleteSerializer,
    StaffPushInputSerializer,
)

SUBSCRIBED = {
    201: OpenApiResponse(PushSubscribedSerializer, description="This browser now gets the notifications."),
    200: OpenApiResponse(PushSubscribedSerializer, description="It did already; its keys and language are updated."),
}
UNSUBSCRIBED = {204: OpenApiResponse(description="This browser gets no more notifications (also when it got none).")}


def request_language(values: dict) -> str:
    return values.get("language") or ("en" if (translation.get_language() or "id").startswith("en") else "id")


def subscribed(subscription, created: bool) -> Response:
    return Response(
        PushSubscribedSerializer({"subscribed": True, "language": subscription.language}).data,
        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
    )


class PushKeyApi(APIView):
    """The server's VAPID public key, for the browser's pushManager.subscribe({applicationServerKey})."""

    @extend_schema(responses=PushKeySerializer)
    def get(self, request):
        response = Response(PushKeySerializer({"public_key": vapid.public_key()}).data)
        response["Cache-Control"] = "public, max-age=3600"
        return response


class ReporterPushApi(APIView):
    """The reporter, through the private link, has this browser told of each public change of the
    report (status changes and public replies), or no longer. Counted against the hourly limit of
    submissions per address."""

    def guard(self, request) -> None:
        ip = abuse.client_ip(request)
        abuse.count_and_check(key=f"push:ip:{ip}", limit=settings.LAPOR_RATE_REPORTS, ip=ip)

    @extend_schema(request=ReporterPushInputSerializer, responses=SUBSCRIBED)
    def post(self, request, pk: int):
        self.guard(request)
        report = get_object_or_404(Report.objects.only("pk"), pk=pk)
        serializer = ReporterPushInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        subscription, created = push.push_reporter_subscribe(
            report_id=report.pk,
            token=values["token"],
            endpoint=values["subscription"]["endpoint"],
            language=request_language(values),
            **values["subscription"]["keys"],
        )
        return subscribed(subscription, created)

    @extend_schema(request=ReporterPushDeleteSerializer, responses=UNSUBSCRIBED)
    def delete(self, request, pk: int):
        self.guard(request)
        report = get_object_or_404(Report.objects.only("pk"), pk=pk)
        serializer = ReporterPushDeleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        push.push_reporter_unsubscribe(report_id=report.pk, token=values["token"], endpoint=values["endpoint"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class StaffPushApi(APIView):
    """A staff member has this browser told of the reports assigned to them and, for supervisors, of
    their agency's reports going overdue; or no longer."""

    permission_classes = [IsAuthenticated]

    def check_permissions(self, request):
        super().check_permissions(request)
        if not is_staff_member(request.user):
            raise PermissionDenied

    @extend_schema(request=StaffPushInputSerializer, responses=SUBSCRIBED)
    def post(self, request):
        serializer = StaffPushInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        subscription, created = push.push_staff_subscribe(
            user=request.user,
            endpoint=values["subscription"]["endpoint"],
            language=request_language(values),
            **values["subscription"]["keys"],
        )
        return subscribed(subscription, created)

    @extend_schema(request=StaffPushDeleteSerializer, responses=UNSUBSCRIBED)
    def delete(self, request):
        serializer = StaffPushDeleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        push.push_staff_unsubscribe(user=request.user, endpoint=serializer.validated_data["endpoint"])
        return Response(status=status.HTTP_204_NO_CONTENT)
