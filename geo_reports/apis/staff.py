"""The staff API: inbox, a report's private view, actions, and the field crew's nearby tickets.

Every action is checked against geo_reports.policy for this report: staff act only on their own
agency's reports (403 otherwise, Django's PermissionDenied rendered by DRF; 401 when not signed
in). Sign in with a session (the staff pages) or a token (`POST /api/auth/token/`, for a crew's
phone app). A stale `version` answers 409 with the report as it is now.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from common.parsers import JSONParser
from districts.models import Agency
from districts.selectors import is_staff_member, staff_agencies
from districts.spatial import lonlat_point

from .. import policy, selectors
from ..models import Report
from ..policy import Action
from ..serializers.inputs import (
    AssignInputSerializer,
    CommentInputSerializer,
    InboxQuerySerializer,
    NearbyQuerySerializer,
    RerouteInputSerializer,
    TransitionInputSerializer,
)
from ..serializers.staff import ConflictSerializer, NearbyTicketsSerializer, ReportStaffSerializer, StaffInboxSerializer
from ..services import handling
from ..services.base import ReportConflict, normalize_tracking_code
from ..workflow import OPEN_STATUSES


class StaffApiView(APIView):
    permission_classes = [IsAuthenticated]

    def report_for(self, request, pk: int, action: Action) -> tuple[Report, str, Agency | None]:
        """The report, the role the user acts in, and the agency they act for (none for city-wide
        roles); PermissionDenied (403) when not theirs."""
        report = get_object_or_404(Report.objects.select_related("agency"), pk=pk)
        role = policy.authorize(request.user, report, action)
        agency = None if role in policy.CITY_WIDE else report.agency
        return report, role, agency

    def current(self, request, report_id: int) -> Response:
        report = selectors.report_staff_detail().get(pk=report_id)
        return Response(ReportStaffSerializer(report, context={"request": request}).data)

    def handle_exception(self, exc):
        """A stale version: 409 with the report as it is now, so the client can show both states."""
        if isinstance(exc, ReportConflict):
            report = selectors.report_staff_detail().get(pk=exc.report.pk)
            body = {**exc.body(), "report": ReportStaffSerializer(report, context={"request": self.request}).data}
            return Response(body, status=status.HTTP_409_CONFLICT)
        return super().handle_exception(exc)


class StaffInboxApi(StaffApiView):
    """Reports routed to my agencies, soonest deadline first, with counts per status."""

    @extend_schema(parameters=[InboxQuerySerializer], responses=StaffInboxSerializer)
    def get(self, request):
        if not is_staff_member(request.user):
            raise PermissionDenied(_("Only agency staff have an inbox."))
        query = InboxQuerySerializer(data=request.query_params, context={"user": request.user})
        query.is_valid(raise_exception=True)
        values = query.validated_data
        reports = selectors.report_inbox(
            agencies=values["agencies"], statuses=values["status"], overdue=values["overdue"], order=values["order"]
        )[:500]
        body = {
            "counts": selectors.inbox_counts(agencies=values["agencies"]),
            "reports": {"type": "FeatureCollection", "features": reports},
        }
        return Response(StaffInboxSerializer(body, context={"request": request}).data)


class StaffReportApi(StaffApiView):
    """One report with its private fields (contact, internal notes); 403 unless it is my agency's."""

    @extend_schema(responses=ReportStaffSerializer)
    def get(self, request, pk: int):
        report, _role, _agency = self.report_for(request, pk, Action.READ_PRIVATE)
        return self.current(request, report.pk)


class ReportTransitionApi(StaffApiView):
    """Verify, start, resolve (with an after-photo), reject (reason), duplicate, refer."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(request=TransitionInputSerializer, responses={200: ReportStaffSerializer, 409: ConflictSerializer})
    def post(self, request, pk: int):
        serializer = TransitionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        # Closing and reopening are the reporter's (or the system's); for staff the workflow explains why.
        action = policy.STATUS_ACTIONS.get(values["status"], Action.VERIFY)
        report, role, agency = self.report_for(request, pk, action)
        duplicate_of = refer_to = None
        if values.get("duplicate_of"):
            duplicate_of = Report.objects.filter(tracking_code=normalize_tracking_code(values["duplicate_of"])).first()
            if duplicate_of is None:
                raise ValidationError({"duplicate_of": [_("No report has this tracking code.")]})
        if values.get("agency"):
            refer_to = Agency.objects.filter(code=values["agency"], is_active=True).first()
            if refer_to is None:
                raise ValidationError({"agency": [_("Unknown agency %(code)s.") % {"code": values["agency"]}]})
        handling.report_transition(
            report_id=report.pk,
            new_status=values["status"],
            actor=request.user,
            role=role,
            actor_agency=agency,
            expected_version=values["version"],
            message=values.get("message", ""),
            duplicate_of=duplicate_of,
            refer_to=refer_to,
            photo=values.get("photo"),
        )
        return self.current(request, report.pk)


class ReportRerouteApi(StaffApiView):
    """Move the pin or change the category; routing runs again and the timeline says why."""

    @extend_schema(request=RerouteInputSerializer, responses={200: ReportStaffSerializer, 409: ConflictSerializer})
    def post(self, request, pk: int):
        report, role, agency = self.report_for(request, pk, Action.REROUTE)
        serializer = RerouteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        handling.report_reroute(
            report_id=report.pk,
            actor=request.user,
            role=role,
            actor_agency=agency,
            expected_version=values["version"],
            geometry=values.get("geometry"),
            category=values.get("category"),
            message=values.get("message", ""),
        )
        return self.current(request, report.pk)


class ReportCommentApi(StaffApiView):
    """A public reply (shown on the report page, sent to the reporter) or an internal note."""

    @extend_schema(request=CommentInputSerializer, responses=ReportStaffSerializer)
    def post(self, request, pk: int):
        serializer = CommentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        internal = serializer.validated_data["internal"]
        report, role, agency = self.report_for(request, pk, Action.NOTE if internal else Action.REPLY)
        handling.report_comment(
            report_id=report.pk,
            actor=request.user,
            role=role,
            actor_agency=agency,
            message=serializer.validated_data["message"],
            internal=internal,
        )
        return self.current(request, report.pk)


class ReportAssignApi(StaffApiView):
    """Give the report to a crew member of the agency (by username); empty unassigns."""

    @extend_schema(request=AssignInputSerializer, responses={200: ReportStaffSerializer, 409: ConflictSerializer})
    def post(self, request, pk: int):
        report, role, agency = self.report_for(request, pk, Action.ASSIGN)
        serializer = AssignInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        username = serializer.validated_data["assignee"].strip()
        assignee = None
        if username:
            assignee = get_user_model().objects.filter(username=username, is_active=True).first()
            if assignee is None:
                raise ValidationError({"assignee": [_("No staff member has this user name.")]})
        handling.report_assign(
            report_id=report.pk,
            actor=request.user,
            role=role,
            actor_agency=agency,
            expected_version=serializer.validated_data["version"],
            assignee=assignee,
        )
        return self.current(request, report.pk)


class NearbyApi(StaffApiView):
    """My agencies' open reports within `radius` metres of a point, nearest first, with distance_m."""

    @extend_schema(parameters=[NearbyQuerySerializer], responses=NearbyTicketsSerializer)
    def get(self, request):
        if not is_staff_member(request.user):
            raise PermissionDenied(_("Only agency staff see nearby tickets."))
        query = NearbyQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        tickets = selectors.report_nearby_for_staff(
            agencies=staff_agencies(request.user),
            point=lonlat_point(values["lon"], values["lat"]),
            radius_m=values["radius"],
            statuses=OPEN_STATUSES,
            limit=values["limit"],
        )
        body = {"count": len(tickets), "radius_m": values["radius"], "reports": tickets}
        return Response(NearbyTicketsSerializer(body).data)
