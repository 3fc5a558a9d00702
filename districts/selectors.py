"""Reads over areas, agencies, assets and who works where. Each returns a QuerySet, a model
instance or plain data; none writes."""

import json

from django.conf import settings
from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.geos import GEOSGeometry
from django.db import connection
from django.db.models import F, Func, QuerySet
from django.db.models.functions import Length
from django.utils.translation import gettext as _

from .models import Agency, Area, Asset, Membership


def areas_containing(*, point: GEOSGeometry) -> QuerySet[Area]:
    """The areas that contain `point`, from the kota down to the desa/kelurahan.

    Kemendagri codes grow one segment per level (35.79 → 35.79.02 → 35.79.02.2001), so ordering by
    code length orders by level.
    """
    return Area.objects.filter(geom__contains=point).select_related("parent").order_by(Length("code"), "code")


def city_area() -> Area | None:
    return Area.objects.filter(code=settings.LAPOR_CITY_CODE).first()


def city_bounds() -> list[list[float]] | None:
    """The city's box as Leaflet wants it: [[south, west], [north, east]]."""
    city = city_area()
    if city is None:
        return None
    min_x, min_y, max_x, max_y = city.geom.extent
    return [[min_y, min_x], [max_y, max_x]]


def city_touches(geometry: GEOSGeometry) -> bool:
    return Area.objects.filter(code=settings.LAPOR_CITY_CODE, geom__intersects=geometry).exists()


def swapped_coordinates_hint(swapped: GEOSGeometry) -> str | None:
    """The message for a pin outside Kota Batu (or out of range) whose numbers in the other order,
    `swapped`, fall inside: the client wrote [latitude, longitude]. None when they do not."""
    if not city_touches(swapped):
        return None
    return _(
        "The location is outside Kota Batu, but with longitude and latitude swapped it would be "
        "inside: GeoJSON coordinates are [longitude, latitude]."
    )


def agency_list(*, active_only: bool = True) -> QuerySet[Agency]:
    agencies = Agency.objects.select_related("area")
    return agencies.filter(is_active=True) if active_only else agencies


def boundaries(*, kinds: list[str], tolerance_degrees: float = 0.00003) -> QuerySet[Area]:
    """Areas of the given kinds with a lightly simplified outline for maps (about 3 m at Batu)."""
    return (
        Area.objects.filter(kind__in=kinds)
        .select_related("parent")
        .annotate(
            outline=Func(
                F("geom"), tolerance_degrees, function="ST_SimplifyPreserveTopology", output_field=GeometryField()
            )
        )
        .defer("geom")
        .order_by("code")
    )


# --- who works where ------------------------------------------------------------------------------


def memberships(user) -> list[Membership]:
    """The user's roles (a superuser is also an administrator), read once per request and kept on
    the user object."""
    if not (user and user.is_authenticated):
        return []
    cached = getattr(user, "_lapor_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("agency"))
        if user.is_superuser:
            cached.append(Membership(user=user, role=Membership.Role.ADMIN))
        user._lapor_memberships = cached
    return cached


def is_staff_member(user) -> bool:
    return bool(memberships(user))


def staff_agencies(user) -> list[Agency] | None:
    """The agencies whose work the user does; None means every agency (planners, administrators)."""
    mine = memberships(user)
    if any(m.role in Membership.CITY_WIDE_ROLES for m in mine):
        return None
    return sorted({m.agency for m in mine if m.agency_id}, key=lambda a: a.short_name)


NEAR_SQL = f"""
SELECT ST_AsGeoJSON(ST_Intersection(geom, ST_Buffer(ST_GeomFromEWKB(%s)::geography, %s)::geometry), 7)
FROM {Asset._meta.db_table} WHERE id = %s
"""  # noqa: S608 (a table name of ours)


def asset_near(*, asset_id: int | None, point: GEOSGeometry, radius_m: float = 75) -> dict | None:
    """The part of an asset within `radius_m` of a point, as a GeoJSON geometry: enough to show which
    road segment, pipe or light a report was routed by, without drawing a whole network."""
    if asset_id is None:
        return None
    with connection.cursor() as cursor:
        cursor.execute(NEAR_SQL, [bytes(point.ewkb), float(radius_m), asset_id])
        row = cursor.fetchone()
    if row is None or not row[0]:
        return None
    geometry = json.loads(row[0])
    return geometry if geometry.get("coordinates") else None
