"""The public reports API: categories, filing a report, the routing preview, reading reports, +1, the
reporter's own actions and a request's documents. Views parse input, call one selector or service,
and render; errors are application errors (common.errors), rendered once."""

import json
import uuid
from functools import partial

from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from common.pagination import NewestFirstFeaturePagination
from common.parsers import JSONParser
from districts.selectors import asset_near

from .. import abuse, devices, policy, private_links, selectors
from ..filters import ReportFilter
from ..models import Report
from ..models.reports import Channel
from ..routing import route
from ..serializers.inputs import ReportInputSerializer, SupportInputSerializer
from ..serializers.outputs import (
    CategorySerializer,
    ReportCreatedSerializer,
    ReportDetailSerializer,
    ReportFeatureSerializer,
    RoutingDecisionSerializer,
    RoutingPreviewSerializer,
)
from ..services import reporter
from ..services.base import normalize_tracking_code, reporter_token_matches
from ..services.intake import Sender, report_submit, submission_validate

REPORT_FIELDS = ("category", "geometry", "description", "answers", "reporter")


def report_input(request) -> dict:
    """A report as a GeoJSON Feature (JSON) or as form fields with photo files (multipart), in the
    input shape of the submission service."""
    if request.content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        form = request.data
        data = {key: form.get(key) for key in ("category", "geometry", "description") if form.get(key) is not None}
        for key in ("answers", "reporter"):
            if form.get(key):
                try:
                    data[key] = json.loads(form.get(key))
                except (ValueError, RecursionError):
                    raise ValidationError({key: [_("This field must hold JSON.")]}) from None
        contact = {k: form.get(f"reporter_{k}") for k in ("name", "phone", "email") if form.get(f"reporter_{k}")}
        if contact:
            data["reporter"] = contact
        photos = request.FILES.getlist("photos") + request.FILES.getlist("photo")
        if photos:
            data["photos"] = photos
        documents = request.FILES.getlist("documents")
        if documents:
            data["documents"] = documents
        return data
    body = request.data
    if not isinstance(body, dict) or body.get("type") != "Feature":
        raise ValidationError(
            {
                "non_field_errors": [
                    _(
                        "Send the report as a GeoJSON Feature with a geometry and properties "
                        '({"type": "Feature", "geometry": ..., "properties": {...}}).'
                    )
                ]
            }
        )
    properties = body.get("properties") or {}
    if not isinstance(properties, dict):
        raise ValidationError({"properties": [_("properties must be an object.")]})
    data = {key: properties[key] for key in REPORT_FIELDS if key in properties and properties[key] is not None}
    if body.get("geometry") is not None:
        data["geometry"] = body["geometry"]
    return data


REPORT_INPUT_SCHEMA = {
    "application/json": OpenApiTypes.OBJECT,
    "multipart/form-data": inline_serializer(
        "ReportMultipartInput",
        fields={
            "category": serializers.CharField(),
            "geometry": serializers.CharField(help_text="GeoJSON geometry"),
            "description": serializers.CharField(required=False),
            "answers": serializers.CharField(required=False, help_text="JSON object"),
            "reporter_name": serializers.CharField(required=False),
            "reporter_phone": serializers.CharField(required=False),
            "reporter_email": serializers.CharField(required=False),
            "photos": serializers.ListField(child=serializers.FileField(), required=False),
            "documents": serializers.ListField(
                child=serializers.FileField(),
                required=False,
                help_text="Service requests only: PDF, JPEG, PNG or WebP files, private to the requester and staff",
            ),
        },
    ),
}


class CategoryListApi(APIView):
    """What can be reported: categories with their questions, snapping and deadlines."""

    @extend_schema(responses=CategorySerializer(many=True))
    def get(self, request):
        return Response(CategorySerializer(selectors.category_list(), many=True).data)


class ReportListCreateApi(generics.ListAPIView):
    """GET: public reports as a FeatureCollection, newest first, in pages (NewestFirstFeaturePagination:
    `next` links by cursor give every match once, even while reports are added; `count` is exact up to
    1,000 and PostgreSQL's estimate beyond, flagged by `count_exact`; `page=N` still works). The
    features are built by PostgreSQL (selectors.report_public_features) in ReportFeatureSerializer's
    shape. POST: file a report."""

    serializer_class = ReportFeatureSerializer
    filterset_class = ReportFilter
    pagination_class = NewestFirstFeaturePagination
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[Report]:
        return selectors.report_public_page()

    def list(self, request, *args, **kwargs):
        reports = self.filter_queryset(self.get_queryset())
        render = partial(selectors.report_public_features, absolute=request.build_absolute_uri)
        # In a bbox, the newest are read from the index of place and time (geo_reports migration 0015).
        in_box = bool(request.query_params.get("bbox"))
        return self.paginator.feature_page(reports, request, render=render, in_box=in_box)

    @extend_schema(
        request=REPORT_INPUT_SCHEMA,
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)],
        responses={
            201: ReportCreatedSerializer,
            200: OpenApiResponse(ReportCreatedSerializer, description="A retry: the first report (no token)."),
            422: OpenApiResponse(description="The Idempotency-Key was already used for a different report."),
        },
    )
    def post(self, request):
        submission = submission_validate(report_input(request))
        result = report_submit(
            submission=submission,
            channel=Channel.WEB if request.headers.get("X-Lapor-Channel") == "web" else Channel.API,
            sender=Sender(ip=abuse.client_ip(request)),
            idempotency_key=(request.headers.get("Idempotency-Key") or "").strip()[:100] or None,
        )
        # A new report answers from what was written (its relations are loaded); a replay reads it.
        report = selectors.report_own_detail().get(pk=result.report.pk) if result.replayed else result.report
        context = {
            "request": request,
            "duplicates": selectors.report_duplicate_candidates(
                category=report.category, point=report.location, exclude=report.pk
            ),
            "reporter_token": result.reporter_token,
            "asset_geometry": True,
        }
        headers = {"Location": f"/api/reports/{report.pk}/"}
        if result.replayed:
            headers["Idempotent-Replayed"] = "true"
        return Response(
            ReportCreatedSerializer(report, context=context).data,
            status=status.HTTP_200_OK if result.replayed else status.HTTP_201_CREATED,
            headers=headers,
        )


class RoutingPreviewApi(APIView):
    """Where a report would go, and why, with nearby open reports of the same category. Saves nothing."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(request=REPORT_INPUT_SCHEMA, responses=RoutingPreviewSerializer)
    def post(self, request):
        data = report_input(request)
        data.pop("photos", None)
        data.pop("documents", None)
        serializer = ReportInputSerializer(data=data, context={"preview": True})
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        decision = route(category=values["category"], geometry=values["geometry"])
        stored = decision.as_data()
        asset = decision.asset
        preview = {
            "agency": decision.agency,
            "areas": {"desa": decision.desa, "kecamatan": decision.kecamatan},
            "asset": (
                {
                    "layer": asset.layer.code,
                    "external_id": asset.external_id,
                    "distance_m": round(decision.distance_m, 1),
                    "synthetic": asset.is_synthetic,
                    "geometry": asset_near(asset_id=asset.pk, point=decision.point),
                }
                if asset
                else None
            ),
            "routing": RoutingDecisionSerializer.of(stored, decision.explanation, decision.explanation_en),
            "location": [round(decision.point.x, 7), round(decision.point.y, 7)],
            "duplicates": selectors.report_duplicate_candidates(category=values["category"], point=decision.point),
        }
        return Response(RoutingPreviewSerializer(preview).data)


class ReportDetailApi(generics.RetrieveAPIView):
    """One public report as a Feature, with its public timeline."""

    serializer_class = ReportDetailSerializer

    def get_queryset(self):
        return selectors.report_public_detail()

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "asset_geometry": True}


TOKEN_PARAMETERS = [
    OpenApiParameter(
        private_links.HEADER, str, OpenApiParameter.HEADER, required=False, description="The reporter's private token"
    ),
    OpenApiParameter("t", str, required=False, description="The same, as older links carry it (kept out of logs)"),
]


class ReportTrackApi(APIView):
    """One report by its tracking code: a public one for anyone, a private one (a service request)
    only with its requester's token (the X-Reporter-Token header, or `t`)."""

    @extend_schema(parameters=TOKEN_PARAMETERS, responses=ReportDetailSerializer)
    def get(self, request, code: str):
        report = get_object_or_404(selectors.report_own_detail(), tracking_code=normalize_tracking_code(code))
        is_reporter = reporter_token_matches(report, private_links.request_token(request, report.pk))
        if not (selectors.report_readable_by_public(report) or is_reporter):
            raise Http404
        context = {"request": request, "asset_geometry": True, "private_answers": is_reporter}
        response = Response(ReportDetailSerializer(report, context=context).data)
        # The installed app keeps API answers by address: one with the token is another answer.
        patch_vary_headers(response, (private_links.HEADER, "Cookie"))
        return response


class ReportDocumentApi(APIView):
    """One document of a service request, as a download: for its requester (the report's cookie set by
    the private link, the X-Reporter-Token header, or an older link's `t`) and for staff who may read
    the report's private fields (geo_reports.policy). Anyone else gets 404, which does not even
    confirm that the document exists."""

    @extend_schema(
        parameters=TOKEN_PARAMETERS,
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            404: OpenApiResponse(description="Not found, or not yours"),
        },
    )
    def get(self, request, pk: int, document: uuid.UUID):
        found = selectors.report_document(report_id=pk, document_id=document)
        if found is None or not (
            reporter_token_matches(found.report, private_links.request_token(request, found.report_id))
            or policy.can(request.user, found.report, policy.Action.READ_PRIVATE)
        ):
            raise Http404
        response = FileResponse(
            found.file.open("rb"), as_attachment=True, filename=found.download_name, content_type=found.content_type
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["Referrer-Policy"] = "no-referrer"
        return response


class SupportResultSerializer(serializers.Serializer):
    counted = serializers.BooleanField()
    support_count = serializers.IntegerField()


class ReportSupportApi(APIView):
    """ "+1": the same problem here too. Counted once per account, or per device: the device is the
    server's signed cookie (geo_reports.devices), issued with the first "+1"; a `device_id` in the
    body is ignored."""

    @extend_schema(
        request=SupportInputSerializer,
        responses={
            201: OpenApiResponse(SupportResultSerializer, description="Counted: this device's first +1."),
            200: OpenApiResponse(SupportResultSerializer, description="Already counted for this device."),
        },
    )
    def post(self, request, pk: int):
        report = get_object_or_404(selectors.report_public_list(), pk=pk)
        ip = abuse.client_ip(request)
        issued = None
        if request.user.is_authenticated:
            supporter = f"account:{request.user.pk}"
        else:
            SupportInputSerializer(data=request.data).is_valid(raise_exception=True)
            device = devices.device_of(request)
            if device is None:
                abuse.guard_new_device(ip=ip)
                device = issued = devices.device_new()
            supporter = f"device:{device}"
        abuse.guard_support(ip=ip, supporter=supporter)
        added = reporter.report_support(report=report, supporter_key=supporter)
        report.refresh_from_db(fields=["support_count"])
        response = Response(
            {"counted": added, "support_count": report.support_count},
            status=status.HTTP_201_CREATED if added else status.HTTP_200_OK,
        )
        if issued:
            devices.device_remember(response, issued)
        return response


class ReporterActionApi(APIView):
    """The reporter, through the private link: confirm the fix, reopen, rate, erase their contact
    (name, phone, e-mail, chat id; the report stays), or have the link e-mailed to the address they gave.
    The token comes in the X-Reporter-Token header (older clients and the chat send it as `token`)."""

    reporter_action = inline_serializer(
        "ReporterActionInput",
        fields={
            "token": serializers.CharField(required=False, help_text="Older clients: X-Reporter-Token instead"),
            "action": serializers.ChoiceField(choices=["confirm", "reopen", "rate", "erase_contact", "email_link"]),
            "message": serializers.CharField(required=False, allow_blank=True, max_length=4000),
            "rating": serializers.IntegerField(required=False, min_value=1, max_value=5),
        },
    )

    @extend_schema(request=reporter_action, parameters=TOKEN_PARAMETERS[:1], responses=ReportDetailSerializer)
    def post(self, request, pk: int):
        report = get_object_or_404(Report, pk=pk)
        serializer = self.reporter_action.__class__(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = {**serializer.validated_data}
        values["token"] = request.headers.get(private_links.HEADER) or values.get("token", "")
        if values["action"] == "confirm":
            reporter.report_reporter_confirm(
                report_id=report.pk, token=values["token"], message=values.get("message", "")
            )
        elif values["action"] == "reopen":
            reporter.report_reporter_reopen(
                report_id=report.pk, token=values["token"], message=values.get("message", "")
            )
        elif values["action"] == "erase_contact":
            reporter.report_contact_erase(report_id=report.pk, token=values["token"])
        elif values["action"] == "email_link":
            reporter.report_private_link_email(report_id=report.pk, token=values["token"])
        else:
            if "rating" not in values:
                raise ValidationError({"rating": [_("Give a rating from 1 to 5.")]})
            reporter.report_rate(report_id=report.pk, token=values["token"], rating=values["rating"])
        current = selectors.report_own_detail().get(pk=report.pk)
        context = {"request": request, "private_answers": True}  # the reporter, proven by the token
        return Response(ReportDetailSerializer(current, context=context).data)
