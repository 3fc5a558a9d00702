"""The city information API under /api/info/: events, job vacancies, announcements (GeoJSON
FeatureCollections, paginated), markets with their latest prices, commodities and price series.

Reading is open to everyone. Writing is for agency staff (a session or a token) through the same
services and policy as the staff pages: 401 when not signed in, 403 for someone who may not manage
that kind of item or that agency's item (planners read only), 400 with the project's error shape for
bad input or parameters.
"""

from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from common.pagination import FeaturePagination

from . import policy, selectors, services
from .policy import Kind
from .serializers import (
    AnnouncementFeatureSerializer,
    AnnouncementInputSerializer,
    AnnouncementQuerySerializer,
    CommoditySerializer,
    EventFeatureSerializer,
    EventInputSerializer,
    EventQuerySerializer,
    JobFeatureSerializer,
    JobInputSerializer,
    JobQuerySerializer,
    MarketFeatureSerializer,
    PriceInputSerializer,
    PriceQuerySerializer,
    PriceSerializer,
)

# API field ↔ model field, where they differ.
API_TO_MODEL = {"geometry": "location"}
MODEL_TO_API = {model: api for api, model in API_TO_MODEL.items()}


class ReadOrSignedIn(BasePermission):
    """Anyone reads; writing needs a signed-in user (401 otherwise); policy decides the rest."""

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or bool(request.user and request.user.is_authenticated)


def feature_input(request, *, partial: bool = False) -> dict[str, Any]:
    """The properties of a GeoJSON Feature, with its geometry. In a PATCH a null geometry (a Feature must
    have the member) leaves the place as it is."""
    body = request.data
    if not isinstance(body, dict) or body.get("type") != "Feature":
        raise ValidationError(
            {
                "non_field_errors": [
                    _(
                        "Send a GeoJSON Feature with a geometry and properties "
                        '({"type": "Feature", "geometry": ..., "properties": {...}}).'
                    )
                ]
            }
        )
    properties = body.get("properties") or {}
    if not isinstance(properties, dict):
        raise ValidationError({"properties": [_("properties must be an object.")]})
    data = dict(properties)
    if "geometry" in body and not (partial and body["geometry"] is None):
        data["geometry"] = body["geometry"]
    return data


def api_validation_error(exc: DjangoValidationError) -> ValidationError:
    """A service's ValidationError (keyed by model field) as the API's 400 (keyed by API field)."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
    return ValidationError({MODEL_TO_API.get(name, name): messages for name, messages in errors.items()})


def model_values(validated: dict[str, Any]) -> dict[str, Any]:
    return {API_TO_MODEL.get(name, name): value for name, value in validated.items()}


def authorize(user, kind: Kind, agency=None) -> None:
    try:
        policy.authorize(user, kind, agency)
    except PermissionDenied as exc:
        raise ApiPermissionDenied(str(exc)) from exc


def publishing_agency(user, kind: Kind, named):
    """The agency named in the input, or the one agency the user manages for this kind."""
    if named is not None:
        return named
    agencies = list(policy.managed_agencies(user, kind)[:2])
    if len(agencies) == 1:
        return agencies[0]
    raise ValidationError({"agency": [_("Name the publishing agency (its code).")]})


class PublishedItemApi:
    """What the list and detail endpoints of one kind of published item need to know."""

    kind: ClassVar[Kind]
    input_serializer_class: ClassVar[type]
    create_item: ClassVar[Any]
    update_item: ClassVar[Any]
    delete_item: ClassVar[Any]

    def output(self, item) -> dict:
        return self.serializer_class(item, context={"request": self.request}).data


class PublishedListApi(PublishedItemApi, generics.ListAPIView):
    permission_classes = [ReadOrSignedIn]

    def post(self, request):
        authorize(request.user, self.kind)
        serializer = self.input_serializer_class(data=feature_input(request))
        serializer.is_valid(raise_exception=True)
        values = model_values(serializer.validated_data)
        agency = publishing_agency(request.user, self.kind, values.pop("agency", None))
        authorize(request.user, self.kind, agency)
        try:
            item = self.create_item(agency=agency, created_by=request.user, **values)
        except DjangoValidationError as exc:
            raise api_validation_error(exc) from exc
        return Response(
            self.output(item), status=status.HTTP_201_CREATED, headers={"Location": request.path + f"{item.pk}/"}
        )


class PublishedDetailApi(PublishedItemApi, generics.GenericAPIView):
    permission_classes = [ReadOrSignedIn]
    pagination_class = None

    def managed_item(self, request, pk: int):
        item = get_object_or_404(self.serializer_class.Meta.model.objects.select_related("agency"), pk=pk)
        authorize(request.user, self.kind, item.agency)
        return item

    def get(self, request, pk: int):
        return Response(self.output(get_object_or_404(self.get_queryset(), pk=pk)))

    def patch(self, request, pk: int):
        item = self.managed_item(request, pk)
        serializer = self.input_serializer_class(data=feature_input(request, partial=True), partial=True)
        serializer.is_valid(raise_exception=True)
        changes = model_values(serializer.validated_data)
        if "agency" in changes:
            authorize(request.user, self.kind, changes["agency"])
        try:
            item = self.update_item(item, changes)
        except DjangoValidationError as exc:
            raise api_validation_error(exc) from exc
        return Response(self.output(item))

    def delete(self, request, pk: int):
        self.delete_item(self.managed_item(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


def _query(serializer_class, request) -> dict[str, Any]:
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


FEATURE_INPUT = OpenApiTypes.OBJECT  # a GeoJSON Feature: {"type": "Feature", "geometry": ..., "properties": {...}}
WRITE_RESPONSES = {
    400: OpenApiResponse(description="Bad input: {detail, errors}"),
    401: OpenApiResponse(description="Not signed in"),
    403: OpenApiResponse(description="Not staff of the publishing agency"),
}


# --- Events -----------------------------------------------------------------------------------


class EventApi:
    kind = Kind.EVENTS
    serializer_class = EventFeatureSerializer
    input_serializer_class = EventInputSerializer
    create_item = staticmethod(services.event_create)
    update_item = staticmethod(lambda event, data: services.event_update(event=event, data=data))
    delete_item = staticmethod(lambda event: services.event_delete(event=event))


class EventListApi(EventApi, PublishedListApi):
    """Events as a GeoJSON FeatureCollection, soonest first. POST (staff): publish an event."""

    def get_queryset(self) -> QuerySet:
        query = _query(EventQuerySerializer, self.request)
        events = selectors.event_upcoming() if query["upcoming"] else selectors.event_list()
        if query["upcoming"] is False:
            events = events.exclude(pk__in=selectors.event_upcoming().values("pk"))
        if query.get("agency"):
            events = events.filter(agency=query["agency"])
        return selectors.event_between(events, since=query["since"], until=query["until"]).order_by("starts_at", "id")

    @extend_schema(parameters=[EventQuerySerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=FEATURE_INPUT, responses={201: EventFeatureSerializer, **WRITE_RESPONSES})
    def post(self, request):
        return super().post(request)


class EventDetailApi(EventApi, PublishedDetailApi):
    """One event. PATCH, DELETE: staff of the publishing agency."""

    def get_queryset(self):
        return selectors.event_list()

    @extend_schema(request=FEATURE_INPUT, responses={200: EventFeatureSerializer, **WRITE_RESPONSES})
    def patch(self, request, pk: int):
        return super().patch(request, pk)


# --- Job vacancies ----------------------------------------------------------------------------


class JobApi:
    kind = Kind.JOBS
    serializer_class = JobFeatureSerializer
    input_serializer_class = JobInputSerializer
    create_item = staticmethod(services.job_create)
    update_item = staticmethod(lambda job, data: services.job_update(job=job, data=data))
    delete_item = staticmethod(lambda job: services.job_delete(job=job))


class JobListApi(JobApi, PublishedListApi):
    """Job vacancies as a GeoJSON FeatureCollection, closing soonest first. POST (Disnaker staff)."""

    def get_queryset(self) -> QuerySet:
        query = _query(JobQuerySerializer, self.request)
        jobs = selectors.job_open() if query["open"] else selectors.job_list().order_by("closes_on", "id")
        if query["open"] is False:
            jobs = jobs.exclude(pk__in=selectors.job_open().values("pk"))
        return selectors.job_search(jobs, query.get("q", ""))

    @extend_schema(parameters=[JobQuerySerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=FEATURE_INPUT, responses={201: JobFeatureSerializer, **WRITE_RESPONSES})
    def post(self, request):
        return super().post(request)


class JobDetailApi(JobApi, PublishedDetailApi):
    """One job vacancy (closed ones too, with is_open false). PATCH, DELETE: Disnaker staff."""

    def get_queryset(self):
        return selectors.job_list()

    @extend_schema(request=FEATURE_INPUT, responses={200: JobFeatureSerializer, **WRITE_RESPONSES})
    def patch(self, request, pk: int):
        return super().patch(request, pk)


# --- Announcements ----------------------------------------------------------------------------


class AnnouncementApi:
    kind = Kind.ANNOUNCEMENTS
    serializer_class = AnnouncementFeatureSerializer
    input_serializer_class = AnnouncementInputSerializer
    create_item = staticmethod(services.announcement_create)
    update_item = staticmethod(lambda item, data: services.announcement_update(announcement=item, data=data))
    delete_item = staticmethod(lambda item: services.announcement_delete(announcement=item))


class AnnouncementListApi(AnnouncementApi, PublishedListApi):
    """Announcements and news dated today or earlier, newest first; the geometry is the point, else the
    area's outline, else null. POST (staff): publish one (a later date schedules it)."""

    def get_queryset(self) -> QuerySet:
        query = _query(AnnouncementQuerySerializer, self.request)
        items = selectors.announcement_public()
        if query.get("kind"):
            items = items.filter(kind=query["kind"])
        if query.get("agency"):
            items = items.filter(agency=query["agency"])
        if query.get("area"):
            items = selectors.announcement_in_area(items, query["area"])
        if query["has_place"]:
            items = selectors.announcement_with_place(items)
        elif query["has_place"] is False:
            items = items.filter(location__isnull=True, area__isnull=True)
        return items

    @extend_schema(parameters=[AnnouncementQuerySerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=FEATURE_INPUT, responses={201: AnnouncementFeatureSerializer, **WRITE_RESPONSES})
    def post(self, request):
        return super().post(request)


class AnnouncementDetailApi(AnnouncementApi, PublishedDetailApi):
    """One announcement (published ones; scheduled ones are 404 until their date). PATCH, DELETE: staff."""

    def get_queryset(self):
        return selectors.announcement_public()

    @extend_schema(request=FEATURE_INPUT, responses={200: AnnouncementFeatureSerializer, **WRITE_RESPONSES})
    def patch(self, request, pk: int):
        return super().patch(request, pk)


# --- Food prices ------------------------------------------------------------------------------


class RowPagination(PageNumberPagination):
    """Plain pages ({count, next, previous, results}) with the same page_size rules as the features."""

    page_size = 500
    max_page_size = 2000
    page_size_query_param = "page_size"
    get_page_size = FeaturePagination.get_page_size


class MarketListApi(APIView):
    """Markets as a GeoJSON FeatureCollection, each with the latest price of every commodity."""

    @extend_schema(responses=MarketFeatureSerializer(many=True))
    def get(self, request):
        latest: dict[int, list] = {}
        for price in selectors.price_latest():
            latest.setdefault(price.market_id, []).append(price)
        serializer = MarketFeatureSerializer(selectors.market_list(), many=True, context={"latest": latest})
        return Response(serializer.data)


class CommodityListApi(APIView):
    """The staples whose prices are recorded, with their units."""

    @extend_schema(responses=CommoditySerializer(many=True))
    def get(self, request):
        return Response(CommoditySerializer(selectors.commodity_list(), many=True).data)


class PriceListApi(generics.ListAPIView):
    """Recorded prices of the last `days` days (default 30), oldest first, by commodity and/or market.
    POST (trade agency staff): record one price, or correct that day's record (200)."""

    serializer_class = PriceSerializer
    pagination_class = RowPagination
    permission_classes = [ReadOrSignedIn]

    def get_queryset(self):
        query = _query(PriceQuerySerializer, self.request)
        return selectors.price_series(commodity=query.get("commodity"), market=query.get("market"), days=query["days"])

    @extend_schema(parameters=[PriceQuerySerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=PriceInputSerializer, responses={201: PriceSerializer, 200: PriceSerializer, **WRITE_RESPONSES}
    )
    def post(self, request):
        authorize(request.user, Kind.PRICES)
        serializer = PriceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            price, created = services.price_record(**serializer.validated_data, recorded_by=request.user)
        except DjangoValidationError as exc:
            raise api_validation_error(exc) from exc
        return Response(PriceSerializer(price).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
