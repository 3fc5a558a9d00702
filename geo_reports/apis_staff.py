"""The staff API: inbox, a report's private view, actions, and the field crew's nearby tickets.

Every action is checked against geo_reports.policy for this report: staff act only on their own
agency's reports (403 otherwise; 401 when not signed in). Sign in with a session (the staff pages)
or a token (`POST /api/auth/token/`, for a crew's phone app).
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from config.parsers import JSONParser
from districts.models import Agency
from districts.spatial import lonlat_point

from . import policy, selectors, services
from .models import Report, Status
from .policy import Action
from .routing import RoutingError
from .serializers import (
    AssignInputSerializer,
    CommentInputSerializer,
    NearbyQuerySerializer,
    ReportStaffSerializer,
    RerouteInputSerializer,
    TransitionInputSerializer,
)
from .workflow import OPEN_STATUSES, TransitionError


class StaffApiView(APIView):
    permission_classes = [IsAuthenticated]

    def report_for(self, request, pk: int, action: Action) -> tuple[Report, str, Agency | None]:
        """The report, the role the user acts in, and the agency they act for; 403 when not theirs."""
        report = get_object_or_404(Report.objects.select_related("agency"), pk=pk)
        try:
            role = policy.authorize(request.user, report, action)
        except PermissionDenied as exc:
            raise ApiPermissionDenied(str(exc)) from exc
        agency = report.agency if role in policy.Role.values and role not in policy.CITY_WIDE else None
        return report, policy.timeline_role(role), agency

    def current(self, request, report_id: int) -> Response:
        report = selectors.report_staff_detail().get(pk=report_id)
        return Response(ReportStaffSerializer(report, context={"request": request}).data)

    def conflict(self, exc: services.ReportConflict, request) -> Response:
        report = selectors.report_staff_detail().get(pk=exc.report.pk)
        return Response(
            {
                "detail": _(
                    "Someone else changed this report in the meantime (now version %(version)d). "
                    "Review the current state and try again."
                )
                % {"version": report.version},
                "report": ReportStaffSerializer(report, context={"request": request}).data,
            },
            status=status.HTTP_409_CONFLICT,
        )


class StaffInboxApi(StaffApiView):
    """Reports routed to my agencies, soonest deadline first, with counts per status."""

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, description="Statuses, comma-separated"),
            OpenApiParameter("overdue", bool),
            OpenApiParameter("order", str, enum=["deadline", "newest"]),
            OpenApiParameter("agency", str, description="One of my agencies (code)"),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        if not policy.is_staff_member(request.user):
            raise ApiPermissionDenied(_("Only agency staff have an inbox."))
        agencies = policy.staff_agencies(request.user)
        code = request.query_params.get("agency", "").strip()
        if code:
            chosen = Agency.objects.filter(code=code).first()
            if chosen is None or (agencies is not None and chosen not in agencies):
                raise ValidationError({"agency": [_("You do not work for agency %(code)s.") % {"code": code[:40]}]})
            agencies = [chosen]
        statuses = [s for s in request.query_params.get("status", "").split(",") if s]
        unknown = [s for s in statuses if s not in Status.values]
        if unknown:
            raise ValidationError({"status": [_("Unknown status %(status)s.") % {"status": unknown[0][:40]}]})
        overdue = {"true": True, "1": True, "false": False, "0": False}.get(request.query_params.get("overdue", ""))
        order = request.query_params.get("order", "deadline")
        reports = selectors.report_inbox(agencies=agencies, statuses=statuses, overdue=overdue, order=order)[:500]
        return Response(
            {
                "counts": selectors.inbox_counts(agencies=agencies),
                "reports": ReportStaffSerializer(reports, many=True, context={"request": request}).data,
            }
        )


class StaffReportApi(StaffApiView):
    """One report with its private fields (contact, internal notes); 403 unless it is my agency's."""

    @extend_schema(responses=ReportStaffSerializer)
    def get(self, request, pk: int):
        report, _role, _agency = self.report_for(request, pk, Action.READ_PRIVATE)
        return self.current(request, report.pk)


class ReportTransitionApi(StaffApiView):
    """Verify, start, resolve (with an after-photo), reject (reason), duplicate, refer."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(request=TransitionInputSerializer, responses={200: ReportStaffSerializer, 409: OpenApiTypes.OBJECT})
    def post(self, request, pk: int):
        serializer = TransitionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        # Closing and reopening are the reporter's (or the system's); for staff the workflow explains why.
        action = policy.STATUS_ACTIONS.get(values["status"], Action.VERIFY)
        report, role, agency = self.report_for(request, pk, action)
        duplicate_of = refer_to = None
        if values.get("duplicate_of"):
            duplicate_of = Report.objects.filter(
                tracking_code=services.normalize_tracking_code(values["duplicate_of"])
            ).first()
            if duplicate_of is None:
                raise ValidationError({"duplicate_of": [_("No report has this tracking code.")]})
        if values.get("agency"):
            refer_to = Agency.objects.filter(code=values["agency"], is_active=True).first()
            if refer_to is None:
                raise ValidationError({"agency": [_("Unknown agency %(code)s.") % {"code": values["agency"]}]})
        try:
            services.report_transition(
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
        except services.ReportConflict as exc:
            return self.conflict(exc, request)
        except TransitionError as exc:
            raise ValidationError({exc.field: [str(exc.message)]}) from exc
        return self.current(request, report.pk)


class ReportRerouteApi(StaffApiView):
    """Move the pin or change the category; routing runs again and the timeline says why."""

    @extend_schema(request=RerouteInputSerializer, responses={200: ReportStaffSerializer, 409: OpenApiTypes.OBJECT})
    def post(self, request, pk: int):
        report, role, agency = self.report_for(request, pk, Action.REROUTE)
        serializer = RerouteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        try:
            services.report_reroute(
                report_id=report.pk,
                actor=request.user,
                role=role,
                actor_agency=agency,
                expected_version=values["version"],
                geometry=values.get("geometry"),
                category=values.get("category"),
                message=values.get("message", ""),
            )
        except services.ReportConflict as exc:
            return self.conflict(exc, request)
        except RoutingError as exc:
            raise ValidationError({exc.field: [str(exc.message)]}) from exc
        return self.current(request, report.pk)


class ReportCommentApi(StaffApiView):
    """A public reply (shown on the report page, sent to the reporter) or an internal note."""

    @extend_schema(request=CommentInputSerializer, responses=ReportStaffSerializer)
    def post(self, request, pk: int):
        serializer = CommentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        internal = serializer.validated_data["internal"]
        report, role, agency = self.report_for(request, pk, Action.NOTE if internal else Action.REPLY)
        try:
            services.report_comment(
                report_id=report.pk,
                actor=request.user,
                role=role,
                actor_agency=agency,
                message=serializer.validated_data["message"],
                internal=internal,
            )
        except TransitionError as exc:
            raise ValidationError({exc.field: [str(exc.message)]}) from exc
        return self.current(request, report.pk)


class ReportAssignApi(StaffApiView):
    """Give the report to a crew member of the agency (by username); empty unassigns."""

    @extend_schema(request=AssignInputSerializer, responses={200: ReportStaffSerializer, 409: OpenApiTypes.OBJECT})
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
        try:
            services.report_assign(
                report_id=report.pk,
                actor=request.user,
                role=role,
                actor_agency=agency,
                expected_version=serializer.validated_data["version"],
                assignee=assignee,
            )
        except services.ReportConflict as exc:
            return self.conflict(exc, request)
        except TransitionError as exc:
            raise ValidationError({exc.field: [str(exc.message)]}) from exc
        return self.current(request, report.pk)


class NearbyApi(StaffApiView):
    """My agencies' open reports within `radius` metres of a point, nearest first, with distance_m."""

    @extend_schema(parameters=[NearbyQuerySerializer], responses=OpenApiTypes.OBJECT)
    def get(self, request):
        if not policy.is_staff_member(request.user):
            raise ApiPermissionDenied(_("Only agency staff see nearby tickets."))
        query = NearbyQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        tickets = selectors.report_nearby_for_staff(
            agencies=policy.staff_agencies(request.user),
            point=lonlat_point(values["lon"], values["lat"]),
            radius_m=values["radius"],
            statuses=OPEN_STATUSES,
            limit=values["limit"],
        )
        return Response({"count": len(tickets), "radius_m": values["radius"], "reports": tickets})
