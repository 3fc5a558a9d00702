"""The reports API. Views parse input with a serializer, call one selector or service, and render."""

import hashlib
import json

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from . import exports, selectors, services
from .filters import ReportFilter
from .models import Report
from .models.reports import Channel
from .routing import RoutingError, route
from .serializers import (
    CategorySerializer,
    DuplicateCandidateSerializer,
    ReportDetailSerializer,
    ReportFeatureSerializer,
    ReportInputSerializer,
    SupportInputSerializer,
)
from .workflow import TransitionError

REPORT_FIELDS = ("category", "geometry", "description", "answers", "reporter")


def report_input(request) -> dict:
    """A report as a GeoJSON Feature (JSON) or as form fields with photo files (multipart)."""
    if request.content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        form = request.data
        data = {key: form.get(key) for key in ("category", "geometry", "description") if form.get(key) is not None}
        for key in ("answers", "reporter"):
            if form.get(key):
                try:
                    data[key] = json.loads(form.get(key))
                except ValueError:
                    raise ValidationError({key: [_("This field must hold JSON.")]}) from None
        contact = {k: form.get(f"reporter_{k}") for k in ("name", "phone", "email") if form.get(f"reporter_{k}")}
        if contact:
            data["reporter"] = contact
        photos = request.FILES.getlist("photos") + request.FILES.getlist("photo")
        if photos:
            data["photos"] = photos
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


def routing_error(exc: RoutingError) -> ValidationError:
    return ValidationError({exc.field: [str(exc.message)]}, code=exc.code)


def _duplicates(category, point, exclude: int | None = None) -> list[dict]:
    nearby = selectors.report_nearby_open(category=category, point=point)
    return DuplicateCandidateSerializer([r for r in nearby if r.pk != exclude], many=True).data


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
        },
    ),
}


class CategoryListApi(APIView):
    """What can be reported: categories with their questions, snapping and deadlines."""

    @extend_schema(responses=CategorySerializer(many=True))
    def get(self, request):
        return Response(CategorySerializer(selectors.category_list(), many=True).data)


class ReportListCreateApi(generics.ListAPIView):
    """GET: public reports as a paginated FeatureCollection. POST: file a report."""

    serializer_class = ReportFeatureSerializer
    filterset_class = ReportFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[Report]:
        return selectors.report_public_list()

    @extend_schema(
        request=REPORT_INPUT_SCHEMA,
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)],
        responses={
            201: ReportDetailSerializer,
            200: ReportDetailSerializer,
            400: OpenApiResponse(description="Bad input"),
        },
    )
    def post(self, request):
        serializer = ReportInputSerializer(data=report_input(request))
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        key = (request.headers.get("Idempotency-Key") or "").strip()[:100] or None
        fingerprint = hashlib.sha256(
            "|".join([values["category"].code, values["geometry"].wkt, values.get("description", "")]).encode()
        ).hexdigest()
        try:
            result = services.report_create(
                category=values["category"],
                geometry=values["geometry"],
                description=values.get("description", ""),
                answers=values.get("answers"),
                contact=values.get("reporter"),
                photos=values.get("photos", []),
                channel=Channel.WEB if request.headers.get("X-Lapor-Channel") == "web" else Channel.API,
                idempotency_key=key,
                fingerprint=fingerprint,
                flags=("location_from_photo",) if values.get("location_from_photo") else (),
            )
        except RoutingError as exc:
            raise routing_error(exc) from exc
        except services.IdempotencyMismatch:
            return Response(
                {"detail": _("This Idempotency-Key was already used for a different report.")},
                status=status.HTTP_422_UNPROCESSABLE_ENTITY,
            )
        report = selectors.report_own_detail().get(pk=result.report.pk)
        body = ReportDetailSerializer(report, context={"request": request}).data
        body["properties"]["duplicates"] = _duplicates(report.category, report.location, exclude=report.pk)
        if result.reporter_token:
            body["properties"]["reporter_token"] = result.reporter_token
        headers = {"Location": f"/api/reports/{report.pk}/"}
        if result.replayed:
            headers["Idempotent-Replayed"] = "true"
        return Response(
            body, status=status.HTTP_200_OK if result.replayed else status.HTTP_201_CREATED, headers=headers
        )


class ReportMapApi(generics.GenericAPIView):
    """Public reports as light points for the map (same filters as the list, no pagination)."""

    filterset_class = ReportFilter
    pagination_class = None

    def get_queryset(self):
        return selectors.report_public()

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request):
        return Response(selectors.report_map_points(self.filter_queryset(self.get_queryset())))


class ReportExportApi(generics.GenericAPIView):
    """All reports matching the list's filters, streamed: GeoJSON (RFC 7946) or CSV. Anonymous readers
    get public fields; agency staff and planners get private fields where policy allows."""

    filterset_class = ReportFilter
    pagination_class = None
    FORMATS = {
        "geojson": ("application/geo+json", exports.geojson_chunks),
        "csv": ("text/csv; charset=utf-8", exports.csv_chunks),
    }

    @extend_schema(responses={(200, "application/geo+json"): OpenApiTypes.OBJECT, (200, "text/csv"): OpenApiTypes.STR})
    def get(self, request, fmt: str):
        reports, private_agencies = selectors.report_export_scope(request.user)
        reports = self.filter_queryset(reports)
        content_type, chunks = self.FORMATS[fmt]
        response = StreamingHttpResponse(chunks(reports, private_agencies=private_agencies), content_type=content_type)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="lapor-batu-reports-{stamp}.{fmt}"'
        response["Cache-Control"] = "private, no-store" if private_agencies else "public, max-age=60"
        return response


class RoutingPreviewApi(APIView):
    """Where a report would go, and why, with nearby open reports of the same category. Saves nothing."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(request=REPORT_INPUT_SCHEMA, responses=OpenApiTypes.OBJECT)
    def post(self, request):
        data = report_input(request)
        data.pop("photos", None)
        serializer = ReportInputSerializer(data=data, context={"preview": True})
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        try:
            decision = route(category=values["category"], geometry=values["geometry"])
        except RoutingError as exc:
            raise routing_error(exc) from exc
        agency = decision.agency
        return Response(
            {
                "agency": {"code": agency.code, "name": agency.name, "short_name": agency.short_name}
                if agency
                else None,
                "areas": decision.as_data()["areas"],
                "asset": (
                    {
                        "layer": decision.asset.layer.code,
                        "external_id": decision.asset.external_id,
                        "distance_m": round(decision.distance_m, 1),
                        "synthetic": decision.asset.is_synthetic,
                    }
                    if decision.asset
                    else None
                ),
                "routing": {
                    "explanation": decision.explanation,
                    "explanation_en": decision.explanation_en,
                    **{k: v for k, v in decision.as_data().items() if k in ("reason", "rule", "flags", "alternatives")},
                },
                "location": [round(decision.point.x, 7), round(decision.point.y, 7)],
                "duplicates": _duplicates(values["category"], decision.point),
            }
        )


class ReportDetailApi(generics.RetrieveAPIView):
    """One public report as a Feature, with its public timeline."""

    serializer_class = ReportDetailSerializer

    def get_queryset(self):
        return selectors.report_public_detail()


class ReportTrackApi(APIView):
    """One public report by its tracking code."""

    @extend_schema(responses=ReportDetailSerializer)
    def get(self, request, code: str):
        report = get_object_or_404(selectors.report_own_detail(), tracking_code=services.normalize_tracking_code(code))
        return Response(ReportDetailSerializer(report, context={"request": request}).data)


class ReportSupportApi(APIView):
    """ "+1": the same problem here too. Counted once per device."""

    @extend_schema(request=SupportInputSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request, pk: int):
        report = get_object_or_404(selectors.report_public_list(), pk=pk)
        if request.user.is_authenticated:
            supporter = f"account:{request.user.pk}"
        else:
            serializer = SupportInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            supporter = f"device:{serializer.validated_data['device_id']}"
        try:
            added = services.report_support(report=report, supporter_key=supporter)
        except TransitionError as exc:
            raise ValidationError({exc.field: [str(exc.message)]}) from exc
        report.refresh_from_db(fields=["support_count"])
        return Response(
            {"counted": added, "support_count": report.support_count},
            status=status.HTTP_201_CREATED if added else status.HTTP_200_OK,
        )


class ReporterActionApi(APIView):
    """The reporter, through the private link: confirm the fix, reopen, or rate."""

    reporter_action = inline_serializer(
        "ReporterActionInput",
        fields={
            "token": serializers.CharField(),
            "action": serializers.ChoiceField(choices=["confirm", "reopen", "rate"]),
            "message": serializers.CharField(required=False, allow_blank=True, max_length=4000),
            "rating": serializers.IntegerField(required=False, min_value=1, max_value=5),
        },
    )

    @extend_schema(request=reporter_action, responses=ReportDetailSerializer)
    def post(self, request, pk: int):
        report = get_object_or_404(Report, pk=pk)
        serializer = self.reporter_action.__class__(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        try:
            if values["action"] == "confirm":
                services.report_reporter_confirm(
                    report_id=report.pk, token=values["token"], message=values.get("message", "")
                )
            elif values["action"] == "reopen":
                services.report_reporter_reopen(
                    report_id=report.pk, token=values["token"], message=values.get("message", "")
                )
            else:
                if "rating" not in values:
                    raise ValidationError({"rating": [_("Give a rating from 1 to 5.")]})
                services.report_rate(report_id=report.pk, token=values["token"], rating=values["rating"])
        except services.ReporterError as exc:
            code = status.HTTP_403_FORBIDDEN if exc.code == "bad_token" else status.HTTP_400_BAD_REQUEST
            return Response({"detail": str(exc.message), "errors": {exc.field: [str(exc.message)]}}, status=code)
        except TransitionError as exc:
            raise ValidationError({exc.field: [str(exc.message)]}) from exc
        current = selectors.report_own_detail().get(pk=report.pk)
        return Response(ReportDetailSerializer(current, context={"request": request}).data)
