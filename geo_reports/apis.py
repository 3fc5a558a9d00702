"""The reports API. Views parse input with a serializer, call one selector or service, and render."""

import hashlib
import json
import uuid

from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied, Throttled, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from config.parsers import JSONParser

from . import abuse, exports, policy, selectors, services, tiles
from .documents import DocumentError
from .filters import ReportFilter
from .models import IdempotencyKey, Report
from .models.reports import Channel
from .routing import RoutingError, route
from .serializers import (
    CategorySerializer,
    DocumentSerializer,
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


def guarded(check) -> None:
    """Run an abuse check; a refusal becomes 429 (with Retry-After) or 403."""
    try:
        check()
    except abuse.Refused as exc:
        if exc.status == 429:
            raise Throttled(wait=exc.retry_after, detail=str(exc.message)) from exc
        raise PermissionDenied(str(exc.message)) from exc


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
        if not (key and IdempotencyKey.objects.filter(key=key).exists()):  # a retry is not a new submission
            contact = values.get("reporter") or {}
            guarded(
                lambda: abuse.guard_report_submission(
                    request, phone=contact.get("phone", ""), email=contact.get("email", "")
                )
            )
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
                documents=values.get("documents", []),
                channel=Channel.WEB if request.headers.get("X-Lapor-Channel") == "web" else Channel.API,
                idempotency_key=key,
                fingerprint=fingerprint,
                flags=("location_from_photo",) if values.get("location_from_photo") else (),
            )
        except RoutingError as exc:
            raise routing_error(exc) from exc
        except DocumentError as exc:
            raise ValidationError({"documents": [str(exc.message)]}, code=exc.code) from exc
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
            # Only the requester, holding the token, is told where their documents are.
            body["properties"]["documents"] = DocumentSerializer(
                selectors.report_documents(report),
                many=True,
                context={"request": request, "reporter_token": result.reporter_token},
            ).data
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


class MapFilterMixin:
    """The map's endpoints: public reports, the list's filters, and those filters in terms of the
    counts kept per map cell (geo_reports.tiles.cell_scope)."""

    filterset_class = ReportFilter
    pagination_class = None

    def get_queryset(self):
        return selectors.report_public()

    def map_reports(self) -> tuple[QuerySet, tiles.CellScope | None]:
        """The matching public reports and the same filters in kept counts, from one filterset
        (the list's filters refuse bad values the same way)."""
        filterset = DjangoFilterBackend().get_filterset(self.request, self.get_queryset(), self)
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        return filterset.qs, tiles.cell_scope(filterset)


class ReportCountApi(MapFilterMixin, generics.GenericAPIView):
    """How many public reports match the filters (for the map's summary line)."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request):
        reports, scope = self.map_reports()
        return Response({"count": tiles.report_count(reports=reports, scope=scope)})


class ReportTileApi(MapFilterMixin, generics.GenericAPIView):
    """A vector tile (MVT) of public reports: one point per report where the tile holds at most
    300 of them, else counts per cell of the map's grid (geo_reports.tiles); the same filters as
    the list. Cached by browsers for a minute, revalidated by ETag."""

    @extend_schema(responses={(200, "application/vnd.mapbox-vector-tile"): OpenApiTypes.BINARY})
    def get(self, request, z: int, x: int, y: int):
        reports, scope = self.map_reports()
        try:
            tile = tiles.report_tile(reports=reports, z=z, x=x, y=y, scope=scope)
        except tiles.TileOutOfRange:
            raise Http404 from None
        etag = '"' + hashlib.sha256(tile).hexdigest()[:32] + '"'
        headers = {"ETag": etag, "Cache-Control": "public, max-age=60", "Vary": "Accept-Encoding"}
        if request.headers.get("If-None-Match") == etag:
            return HttpResponse(status=304, headers=headers)
        return HttpResponse(tile, content_type="application/vnd.mapbox-vector-tile", headers=headers)


class RoutingPreviewApi(APIView):
    """Where a report would go, and why, with nearby open reports of the same category. Saves nothing."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(request=REPORT_INPUT_SCHEMA, responses=OpenApiTypes.OBJECT)
    def post(self, request):
        data = report_input(request)
        data.pop("photos", None)
        data.pop("documents", None)
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
    """One report by its tracking code: a public one for anyone, a private one (a service request)
    only with its requester's token in `t`."""

    @extend_schema(
        parameters=[OpenApiParameter("t", str, required=False, description="The requester's private token")],
        responses=ReportDetailSerializer,
    )
    def get(self, request, code: str):
        report = get_object_or_404(selectors.report_own_detail(), tracking_code=services.normalize_tracking_code(code))
        if not (report.category.is_public or services.reporter_token_matches(report, request.GET.get("t", ""))):
            raise Http404
        return Response(ReportDetailSerializer(report, context={"request": request}).data)


class ReportDocumentApi(APIView):
    """One document of a service request, as a download: for its requester (the private link's token
    in `t`) and for staff who may read the report's private fields (geo_reports.policy). Anyone else
    gets 404, which does not even confirm that the document exists."""

    @extend_schema(
        parameters=[OpenApiParameter("t", str, required=False, description="The requester's private token")],
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            404: OpenApiResponse(description="Not found, or not yours"),
        },
    )
    def get(self, request, pk: int, document: uuid.UUID):
        found = selectors.report_document(report_id=pk, document_id=document)
        if found is None or not (
            services.reporter_token_matches(found.report, request.GET.get("t", ""))
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


class ReportSupportApi(APIView):
    """ "+1": the same problem here too. Counted once per device."""

    @extend_schema(
        request=SupportInputSerializer,
        responses={
            201: OpenApiResponse(OpenApiTypes.OBJECT, description="Counted: this device's first +1."),
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="Already counted for this device."),
        },
    )
    def post(self, request, pk: int):
        report = get_object_or_404(selectors.report_public_list(), pk=pk)
        if request.user.is_authenticated:
            supporter = f"account:{request.user.pk}"
        else:
            serializer = SupportInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            supporter = f"device:{serializer.validated_data['device_id']}"
        guarded(lambda: abuse.guard_support(request, supporter=supporter))
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
