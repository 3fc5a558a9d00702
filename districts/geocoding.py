"""Place search through geopy.

By default a local gazetteer answers from our own data: the city, its kecamatan and desa/kelurahan,
the named places of the gazetteer (villages, markets, mosques, schools... from manage.py
import_osm), and named assets of public layers (a road). It needs no network, which is what a city
server behind a firewall and these tests have. With LAPOR_GEOCODER=nominatim, an OpenStreetMap
Nominatim server is asked instead, bounded to the city's box.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.db.models.functions import PointOnSurface
from django.contrib.gis.geos import GEOSGeometry
from django.db.models import OuterRef, Q, Subquery
from geopy.geocoders import Nominatim
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from .models import Area, Asset
from .models import Place as GazetteerPlace
from .selectors import city_area
from .spatial import degrees_for_metres

MAX_RESULTS = 8
# Results of the same name and kind this close are one place: a market mapped as a point and as an
# area, a street cut into segments.
SAME_PLACE_METRES = 50


@dataclass
class Place:
    name: str
    kind: str
    lon: float
    lat: float
    bbox: tuple[float, float, float, float] | None = None

    def as_data(self) -> dict:
        return {"name": self.name, "kind": self.kind, "lon": self.lon, "lat": self.lat, "bbox": self.bbox}


class LocalGazetteer(Geocoder):
    """A geopy geocoder over the areas, the gazetteer's places and the named assets in our database."""

    def geocode(self, query, *, exactly_one=True, limit=MAX_RESULTS, **kwargs):
        text = " ".join(str(query).split())[:100]
        if len(text) < 2:
            return None if exactly_one else []
        found = self._areas(text) + self._places(text) + self._assets(text)
        # Whole-word and prefix matches first, then areas, places and assets (list order).
        lowered = text.lower()
        found.sort(key=lambda item: _match_rank(item[0].raw["name"].lower(), lowered))
        locations = _distinct(found)[:limit]
        if exactly_one:
            return locations[0] if locations else None
        return locations

    def _areas(self, text: str) -> list[tuple[Location, GEOSGeometry]]:
        found = (
            Area.objects.filter(name__icontains=text)
            .annotate(inside=PointOnSurface("geom"))
            .select_related("parent")
            .order_by("code")[:MAX_RESULTS]
        )
        locations = []
        for area in found:
            parent = f", {area.parent.label}" if area.parent_id and area.kind != Area.Kind.KECAMATAN else ""
            address = f"{area.label}{parent}, Kota Batu" if area.kind != Area.Kind.KOTA else area.name
            raw = {"name": area.name, "kind": area.kind, "code": area.code, "bbox": area.geom.extent}
            locations.append((Location(address, (area.inside.y, area.inside.x), raw), area.geom))
        return locations

    def _places(self, text: str) -> list[tuple[Location, GEOSGeometry]]:
        desa = Area.objects.filter(kind__in=Area.LOCAL_KINDS, geom__contains=OuterRef("location"))
        found = list(
            GazetteerPlace.objects.filter(name__icontains=text)
            .annotate(desa_id=Subquery(desa.values("pk")[:1]))
            .order_by("name", "id")[: MAX_RESULTS * 4]
        )
        areas = Area.objects.in_bulk({place.desa_id for place in found if place.desa_id})
        locations = []
        for place in found:
            address = f"{place.name}, {areas[place.desa_id].label}" if place.desa_id else place.name
            raw = {"name": place.name, "kind": place.kind, "bbox": None}
            locations.append((Location(address, (place.location.y, place.location.x), raw), place.location))
        return locations

    def _assets(self, text: str) -> list[tuple[Location, GEOSGeometry]]:
        found = (
            Asset.objects.filter(layer__is_public=True)
            .exclude(name="")
            .filter(Q(name__icontains=text) | Q(external_id__iexact=text))
            .annotate(inside=PointOnSurface("geom"))
            .select_related("layer")
            .order_by("layer__code", "external_id")[: MAX_RESULTS * 4]
        )
        locations = []
        for asset in found:
            # The demo's names carry their internal id ("Jalan kota B3 (RD-0160)"): not for the public.
            name = " ".join(asset.name.replace(f"({asset.external_id})", "").replace(asset.external_id, "").split())
            if not name:
                continue
            raw = {"name": name, "kind": asset.layer.code, "bbox": asset.geom.extent}
            locations.append((Location(name, (asset.inside.y, asset.inside.x), raw), asset.geom))
        return locations


def _match_rank(name: str, query: str) -> int:
    return 0 if name == query else 1 if name.startswith(query) else 2


def _distinct(found: list[tuple[Location, GEOSGeometry]]) -> list[Location]:
    """The locations in order, one per place: results of the same name and kind joined by a chain of
    gaps of at most SAME_PLACE_METRES (the segments of one street) are one place, shown as the first."""
    keys = [(location.raw["name"].lower(), location.raw["kind"]) for location, _geom in found]
    first = list(range(len(found)))  # each result's representative: the first of its place

    def representative(i: int) -> int:
        while first[i] != i:
            i = first[i]
        return i

    for i, (location, geom) in enumerate(found):
        near = degrees_for_metres(SAME_PLACE_METRES, location.latitude)
        for j in range(i):
            if keys[j] == keys[i] and found[j][1].distance(geom) <= near:
                a, b = representative(i), representative(j)
                first[max(a, b)] = min(a, b)
    return [location for i, (location, _geom) in enumerate(found) if representative(i) == i]


def get_geocoder() -> Geocoder:
    if settings.LAPOR_GEOCODER == "nominatim":
        scheme = "http" if settings.LAPOR_NOMINATIM_URL.startswith("http://") else "https"
        domain = settings.LAPOR_NOMINATIM_URL.split("://", 1)[-1]
        return Nominatim(domain=domain, scheme=scheme, user_agent=settings.LAPOR_NOMINATIM_USER_AGENT, timeout=5)
    return LocalGazetteer()


def search_places(query: str, *, limit: int = MAX_RESULTS) -> list[Place]:
    geocoder = get_geocoder()
    if isinstance(geocoder, Nominatim):
        city = city_area()
        min_x, min_y, max_x, max_y = city.geom.extent if city else (112.47, -7.94, 112.60, -7.73)
        results = geocoder.geocode(
            query,
            exactly_one=False,
            limit=limit,
            viewbox=[(max_y, min_x), (min_y, max_x)],
            bounded=True,
            country_codes="id",
        )
        return [
            Place(
                name=r.address,
                kind=r.raw.get("type", "place"),
                lon=r.longitude,
                lat=r.latitude,
                bbox=_nominatim_bbox(r.raw.get("boundingbox")),
            )
            for r in results or []
        ]
    results = geocoder.geocode(query, exactly_one=False, limit=limit) or []
    return [
        Place(r.address, r.raw["kind"], round(r.longitude, 7), round(r.latitude, 7), r.raw["bbox"]) for r in results
    ]


def _nominatim_bbox(box) -> tuple[float, float, float, float] | None:
    # Nominatim gives [south, north, west, east] as strings.
    if not box or len(box) != 4:
        return None
    south, north, west, east = (float(v) for v in box)
    return (west, south, east, north)
