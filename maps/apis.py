"""The maps' data: report tiles (MVT), the count of matching reports, light points and area outlines,
with the report list's filters (geo_reports.filters.ReportFilter); and the app's basemap tiles."""

import hashlib

from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import get_conditional_response
from django.utils.decorators import method_decorator
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from districts.selectors import boundaries, is_staff_member
from districts.serializers import BoundaryFeatureSerializer, BoundaryQuerySerializer
from geo_reports.filters import ReportFilter
from geo_reports.selectors import report_public

from . import basemap, tile_cache, tiles
from .selectors import report_map_points
from .serializers import BOUNDARIES, CountSerializer, MapPointsSerializer


class ReportMapApi(generics.GenericAPIView):
    """Public reports as light points for the map (same filters as the list, no pagination)."""

    filterset_class = ReportFilter
    pagination_class = None

    def get_queryset(self):
        return report_public()

    @extend_schema(responses=MapPointsSerializer)
    def get(self, request):
        return Response(report_map_points(self.filter_queryset(self.get_queryset())))


class MapFilterMixin:
    """The map's endpoints: public reports, the list's filters, and those filters in terms of the
    counts kept per map cell (maps.tiles.cell_scope)."""

    filterset_class = ReportFilter
    pagination_class = None

    def get_queryset(self):
        return report_public()

    def map_reports(self) -> tuple[QuerySet, tiles.CellScope | None]:
        """The matching public reports and the same filters in kept counts, from one filterset
        (the list's filters refuse bad values the same way)."""
        filterset = DjangoFilterBackend().get_filterset(self.request, self.get_queryset(), self)
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        return filterset.qs, tiles.cell_scope(filterset)


class ReportCountApi(MapFilterMixin, generics.GenericAPIView):
    """How many public reports match the filters (for the map's summary line)."""

    @extend_schema(responses=CountSerializer)
    def get(self, request):
        reports, scope = self.map_reports()
        return Response({"count": tiles.report_count(reports=reports, scope=scope)})


class ReportTileApi(MapFilterMixin, generics.GenericAPIView):
    """A vector tile (MVT) of public reports: one point per report where the tile holds at most
    300 of them, else counts per cell of the map's grid (maps.tiles); the same filters as
    the list. Cached by browsers for a minute, revalidated by ETag."""

    @extend_schema(responses={(200, "application/vnd.mapbox-vector-tile"): OpenApiTypes.BINARY})
    def get(self, request, z: int, x: int, y: int):
        try:
            tiles.check_tile(z, x, y)
        except tiles.TileOutOfRange:
            raise Http404 from None
        # A kept tile is served before the filters are parsed: only a tile whose filters were valid
        # was kept, under the very values this request gives (maps.tile_cache).
        key = tile_cache.report_filters_key(request.GET, filter_names=ReportFilter.base_filters, code=tiles.DRAWING)
        tile = None if key is None else tile_cache.lookup(layer=tile_cache.REPORTS, z=z, x=x, y=y, filters=key)
        if tile is None:
            reports, scope = self.map_reports()

            def render() -> bytes:
                return tiles.report_tile(reports=reports, z=z, x=x, y=y, scope=scope)

            if key is None:
                tile = tile_cache.Tile(render())
            else:
                tile = tile_cache.fill(layer=tile_cache.REPORTS, z=z, x=x, y=y, filters=key, render=render)
        return tile_response(request, tile, cache_control="public, max-age=60")


@method_decorator(cache_control(public=True, max_age=3600), name="get")
class BoundaryListApi(APIView):
    """Area outlines for maps (`?kind=kota,kecamatan,desa`), simplified to about 3 m."""

    @extend_schema(
        parameters=[BoundaryQuerySerializer],
        responses={200: BOUNDARIES},
    )
    def get(self, request):
        query = BoundaryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(BoundaryFeatureSerializer(boundaries(kinds=query.validated_data["kind"]), many=True).data)


def _basemap_tile(request, version: str, z: int, x: int, y: int, *, staff: bool) -> HttpResponse:
    try:
        tile, current = basemap.basemap_tile_and_version(z=z, x=x, y=y, staff=staff)
    except tiles.TileOutOfRange:
        raise Http404 from None
    # The version in the address changes with the data: a current one may be kept for a year; an
    # outdated one (a page open since before an import) is served the current tile, kept briefly.
    lifetime = "max-age=31536000, immutable" if version == current else "max-age=60"
    return tile_response(
        request, tile, cache_control=f"{'private' if staff else 'public'}, {lifetime}", vary_cookie=staff
    )


def tile_response(request, tile: tile_cache.Tile, *, cache_control: str, vary_cookie: bool = False) -> HttpResponse:
    """A vector tile with its ETag, answered 304 when the client holds it (the comparison is weak:
    compressed on the way out, the ETag becomes W/"…"). A kept tile's compressed form is sent as it
    is to a client that accepts gzip, as GZipMiddleware would send it (which then leaves it alone)."""
    etag = '"' + hashlib.sha256(tile.data).hexdigest()[:32] + '"'
    headers = {
        "ETag": etag,
        "Cache-Control": cache_control,
        "Vary": "Accept-Encoding" + (", Cookie" if vary_cookie else ""),
    }
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        for name, value in headers.items():
            not_modified.headers[name] = value
        return not_modified
    if tile.gzipped is not None and re_accepts_gzip.search(request.headers.get("Accept-Encoding", "")):
        headers.update({"ETag": "W/" + etag, "Content-Encoding": "gzip"})
        return HttpResponse(tile.gzipped, content_type="application/vnd.mapbox-vector-tile", headers=headers)
    return HttpResponse(tile.data, content_type="application/vnd.mapbox-vector-tile", headers=headers)


@require_GET
def basemap_tile(request, version: str, z: int, x: int, y: int):
    """The app's basemap as MVT (maps.basemap): outlines, roads, lights and places."""
    return _basemap_tile(request, version, z, x, y, staff=False)


@require_GET
def basemap_staff_tile(request, version: str, z: int, x: int, y: int):
    """The basemap with the layers that are not public (water pipes), for agency staff only."""
    if not is_staff_member(request.user):
        raise Http404
    return _basemap_tile(request, version, z, x, y, staff=True)
