"""Place search through geopy.

By default a local gazetteer answers from our own data: the city, its kecamatan and desa/kelurahan,
and named assets (a road segment, a pipe by its id such as "PD-0412"). It needs no network, which is
what a city server behind a firewall and these tests have. With LAPOR_GEOCODER=nominatim, an
OpenStreetMap Nominatim server is asked instead, bounded to the city's box.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.db.models.functions import PointOnSurface
from django.db.models import Q
from geopy.geocoders import Nominatim
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from .models import Area, Asset
from .selectors import city_area

MAX_RESULTS = 8


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
    """A geopy geocoder over the areas and named assets in our database."""

    def geocode(self, query, *, exactly_one=True, limit=MAX_RESULTS, **kwargs):
        text = " ".join(str(query).split())[:100]
        if len(text) < 2:
            return None if exactly_one else []
        locations = self._areas(text) + self._assets(text)
        # Whole-word and prefix matches first, then areas before assets (list order), then by name.
        lowered = text.lower()
        locations.sort(
            key=lambda loc: (
                0 if loc.raw["name"].lower() == lowered else 1 if loc.raw["name"].lower().startswith(lowered) else 2
            )
        )
        locations = locations[:limit]
        if exactly_one:
            return locations[0] if locations else None
        return locations

    def _areas(self, text: str) -> list[Location]:
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
            locations.append(Location(address, (area.inside.y, area.inside.x), raw))
        return locations

    def _assets(self, text: str) -> list[Location]:
        found = (
            Asset.objects.exclude(name="")
            .filter(Q(name__icontains=text) | Q(external_id__iexact=text))
            .annotate(inside=PointOnSurface("geom"))
            .select_related("layer")
            .order_by("layer__code", "external_id")[:MAX_RESULTS]
        )
        return [
            Location(
                asset.name,
                (asset.inside.y, asset.inside.x),
                {"name": asset.name, "kind": asset.layer.code, "code": asset.external_id, "bbox": asset.geom.extent},
            )
            for asset in found
        ]


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
