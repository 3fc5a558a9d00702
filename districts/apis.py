from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from .geocoding import search_places
from .selectors import agency_list, areas_containing
from .serializers import (
    AgencySerializer,
    AreaFeatureSerializer,
    AreaNameFeatureSerializer,
    AreaQuerySerializer,
    PlaceQuerySerializer,
    PlaceSerializer,
)
from .spatial import lonlat_point


class AreaContainingApi(APIView):
    """The administrative areas (kota, kecamatan, desa/kelurahan) that contain a point."""

    @extend_schema(parameters=[AreaQuerySerializer], responses=AreaFeatureSerializer(many=True))
    def get(self, request):
        query = AreaQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        areas = areas_containing(point=lonlat_point(lon=values["lon"], lat=values["lat"]))
        if not values["geometry"]:
            return Response(AreaNameFeatureSerializer(areas.defer("geom"), many=True).data)
        return Response(AreaFeatureSerializer(areas, many=True).data)


class AgencyListApi(APIView):
    """The agencies that receive reports."""

    @extend_schema(responses=AgencySerializer(many=True))
    def get(self, request):
        return Response(AgencySerializer(agency_list(), many=True).data)


class PlaceSearchApi(APIView):
    """Search a place (desa, kecamatan, a named road or pipe) to centre the map on."""

    @extend_schema(parameters=[PlaceQuerySerializer], responses=PlaceSerializer(many=True))
    def get(self, request):
        query = PlaceQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        places = search_places(query.validated_data["q"])
        return Response(PlaceSerializer([p.as_data() for p in places], many=True).data)
