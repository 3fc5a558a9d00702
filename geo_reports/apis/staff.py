"""The staff API: inbox, a report's private view, actions (status, re-routing, replies and notes,
assignment, moderation, co-handling), and the field crew's nearby tickets.

Every action is checked against geo_reports.policy for this report: staff act only on their own
agency's reports, or read and reply to those it co-handles (403 otherwise, Django's PermissionDenied
rendered by DRF; 401 when not signed in). After a change made from the staff pages, the sentence
saying what happened is added to the session's messages (geo_reports.confirmations). Sign in with a
session (the staff pages) or a token (`POST /api/auth/token/`, for a crew's phone app). A stale
`version` answers 409 with the report as it is now.
"""

import uuid

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from common.parsers import JSONParser
from districts.models import Agency
from districts.selectors import is_staff_member, staff_agencies
from districts.spatial import lonlat_point

from .. import confirmations, policy, selectors
from ..models import Report, Status
from ..policy import Action
from ..serializers.inputs import (
    AssignInputSerializer,
    CoHandlerInputSerializer,
    CommentInputSerializer,
    InboxQuerySerializer,
    NearbyQuerySerializer,
    PhotoVisibilityInputSerializer,
    PublicTextInputSerializer,
    ReportVisibilityInputSerializer,
    RerouteInputSerializer,
    ReviewInputSerializer,
    TransitionInputSerializer,
)
from ..serializers.staff import ConflictSerializer, NearbyTicketsSerializer, ReportStaffSerializer, StaffInboxSerializer
from ..services import cohandling, handling, moderation
from ..services.base import ReportConflict, normalize_tracking_code
from ..workflow import OPEN_STATUSES


class StaffApiView(APIView):
    permission_classes = [IsAuthenticated]

    def report_for(self, request, pk: int, action: Action) -> tuple[Report, str, Agency | None]:
        """The report, the role the user acts in, and the agency they act for (none for city-wide
        roles; a co-handling agency's staff act for their own); PermissionDenied (403) when not theirs."""
        report = get_object_or_404(
            Report.objects.select_related("agency", "category").prefetch_related("co_handlers"), pk=pk
        )
        acting = policy.authorize(request.user, report, action)
        return report, acting.role, acting.agency

    def report_for_any(self, request, pk: int, actions) -> Report:
        """The report, when the user may do at least one of `actions` on it (403 otherwise)."""
        report = get_object_or_404(Report.objects.select_related("agency").prefetch_related("co_handlers"), pk=pk)
        policy.authorize_any(request.user, report, actions)
        return report

    def confirm(self, request, text: str) -> None:
        """The sentence a staff page shows after the change (Django's messages, shown by the page the
        script then opens): only for the pages' session, never for token clients."""
        if isinstance(request.successful_authenticator, SessionAuthentication):
            messages.success(request, text)

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
            agencies=values["agencies"],
            statuses=values["status"],
            overdue=values["overdue"],
            needs_review=values["needs_review"],
            order=values["order"],
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
        # Who may act on the report at all is checked before the body is read, and the status asked for
        # before the after-photo is decoded: someone else's photo costs the server nothing.
        report = self.report_for_any(request, pk, policy.STATUS_ACTIONS.values())
        # Closing and reopening are the reporter's (or the system's); for staff the workflow explains why.
        asked = request.data.get("status") if isinstance(request.data, dict) else None
        if asked in Status.values:
            policy.authorize(request.user, report, policy.STATUS_ACTIONS.get(asked, Action.VERIFY))
        serializer = TransitionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
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
        changed = handling.report_transition(
            report_id=report.pk,
            new_status=values["status"],
            actor=request.user,
            role=role,
            actor_agency=agency,
            expected_version=values["version"],
            message=values.get("message", ""),
            duplicate_of=duplicate_of,
            refer_to=refer_to,
            category=values.get("category"),
            photo=values.get("photo"),
        )
        self.confirm(request, confirmations.status_changed(changed, duplicate_of=duplicate_of))
        return self.current(request, report.pk)


class ReportRerouteApi(StaffApiView):
    """Move the pin or change the category; routing runs again and the timeline says why."""

    @extend_schema(request=RerouteInputSerializer, responses={200: ReportStaffSerializer, 409: ConflictSerializer})
    def post(self, request, pk: int):
        report, role, agency = self.report_for(request, pk, Action.REROUTE)
        serializer = RerouteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        changed = handling.report_reroute(
            report_id=report.pk,
            actor=request.user,
            role=role,
            actor_agency=agency,
            expected_version=values["version"],
            geometry=values.get("geometry"),
            category=values.get("category"),
            message=values.get("message", ""),
        )
        self.confirm(request, confirmations.rerouted(changed))
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
        self.confirm(request, confirmations.commented(report, internal=internal))
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
        changed = handling.report_assign(
            report_id=report.pk,
            actor=request.user,
            role=role,
            actor_agency=agency,
            expected_version=serializer.validated_data["version"],
            assignee=assignee,
        )
        self.confirm(request, confirmations.assigned(changed))
        return self.current(request, report.pk)


class NearbyApi(StaffApiView):
    """My agencies' open reports within `radius` metres of a point, nearest first, with distance_m.
    The answer is built by PostgreSQL in one statement (selectors.report_nearby_for_staff)."""

    @extend_schema(parameters=[NearbyQuerySerializer], responses=NearbyTicketsSerializer)
    def get(self, request):
        if not is_staff_member(request.user):
            raise PermissionDenied(_("Only agency staff see nearby tickets."))
        query = NearbyQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        answer = selectors.report_nearby_for_staff(
            agencies=staff_agencies(request.user),
            point=lonlat_point(values["lon"], values["lat"]),
            radius_m=values["radius"],
            statuses=OPEN_STATUSES,
            limit=values["limit"],
            user=request.user,
            assigned_only=values["mine"],
        )
        # The JSON is PostgreSQL's, whole (NearbyTicketsSerializer documents it): handed on as it is.
        return HttpResponse(answer, content_type="application/json")


class ReportPublicTextApi(StaffApiView):
    """Redact what the public reads (the description, answers to public text questions), with a
    reason; the reporter's words stay for staff. Clears the review of masked personal data."""

    @extend_schema(request=PublicTextInputSerializer, responses={200: ReportStaffSerializer, 409: ConflictSerializer})
    def post(self, request, pk: int):
        report, role, agency = self.report_for(request, pk, Action.MODERATE)
        serializer = PublicTextInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        moderation.report_public_text_set(
            report_id=report.pk,
            actor=request.user,
            role=role,
            actor_agency=agency,
            expected_version=values["version"],
            description=values["description"],
            answers=values.get("answers"),
            reason=values["reason"],
        )
        self.confirm(request, confirmations.public_text_saved(report))
        return self.current(request, report.pk)


class ReportReviewApi(StaffApiView):
    """Personal data was masked on arrival: publish the text as written, or keep it masked."""

    @extend_schema(request=ReviewInputSerializer, responses={200: ReportStaffSerializer, 409: ConflictSerializer})
    def post(self, request, pk: int):
        report, role, agency = self.report_for(request, pk, Action.MODERATE)
        serializer = ReviewInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        publish = serializer.validated_data["publish"]
        moderation.report_review(
            report_id=report.pk,
            actor=request.user,
            role=role,
            actor_agency=agency,
            expected_version=serializer.validated_data["version"],
            publish=publish,
        )
        self.confirm(request, confirmations.reviewed(report, publish=publish))
        return self.current(request, report.pk)


class ReportPhotoVisibilityApi(StaffApiView):
    """Hide one photo from the public (with a reason), or show it again; staff still see it."""

    @extend_schema(request=PhotoVisibilityInputSerializer, responses=ReportStaffSerializer)
    def post(self, request, pk: int, photo: uuid.UUID):
        report, role, agency = self.report_for(request, pk, Action.MODERATE)
        serializer = PhotoVisibilityInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        public = serializer.validated_data["public"]
        moderation.report_photo_visibility_set(
            report_id=report.pk,
            actor=request.user,
            role=role,
            actor_agency=agency,
            photo_uuid=photo,
            public=public,
            reason=serializer.validated_data.get("reason", ""),
        )
        self.confirm(request, confirmations.photo_visibility(report, public=public))
        return self.current(request, report.pk)


class ReportVisibilityApi(StaffApiView):
    """Hide the report from the public altogether (abusive, a test, personal data), or show it again.
    Its reporter's private link and the staff pages still show it."""

    @extend_schema(
        request=ReportVisibilityInputSerializer, responses={200: ReportStaffSerializer, 409: ConflictSerializer}
    )
    def post(self, request, pk: int):
        report, role, agency = self.report_for(request, pk, Action.MODERATE)
        serializer = ReportVisibilityInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        moderation.report_visibility_set(
            report_id=report.pk,
            actor=request.user,
            role=role,
            actor_agency=agency,
            expected_version=values["version"],
            hidden=values["hidden"],
            reason=values.get("reason", ""),
            note=values.get("note", ""),
        )
        self.confirm(request, confirmations.visibility(report, hidden=values["hidden"]))
        return self.current(request, report.pk)


class ReportCoHandlersApi(StaffApiView):
    """Copy the report to another agency (tembusan): it sees the report in its inbox and may reply."""

    @extend_schema(request=CoHandlerInputSerializer, responses=ReportStaffSerializer)
    def post(self, request, pk: int):
        report, role, agency = self.report_for(request, pk, Action.CO_HANDLE)
        serializer = CoHandlerInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        copied_to = serializer.validated_data["agency"]
        cohandling.report_co_handler_add(
            report_id=report.pk,
            actor=request.user,
            role=role,
            actor_agency=agency,
            agency=copied_to,
            reason=serializer.validated_data.get("reason", ""),
        )
        self.confirm(request, confirmations.co_handling_added(report, copied_to))
        return self.current(request, report.pk)


class ReportCoHandlerApi(StaffApiView):
    """Stop copying the report to an agency."""

    @extend_schema(responses=ReportStaffSerializer)
    def delete(self, request, pk: int, agency: str):
        report, role, acting_for = self.report_for(request, pk, Action.CO_HANDLE)
        copied_to = get_object_or_404(Agency, code=agency)
        cohandling.report_co_handler_remove(
            report_id=report.pk, actor=request.user, role=role, actor_agency=acting_for, agency=copied_to
        )
        self.confirm(request, confirmations.co_handling_ended(report, copied_to))
        return self.current(request, report.pk)
