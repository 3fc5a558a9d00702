"""Reads over areas, agencies, assets and who works where. Each returns a QuerySet, a model
instance or plain data; none writes."""

import json

from django.conf import settings
from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.functions import PointOnSurface
from django.contrib.gis.geos import GEOSGeometry
from django.db import connection
from django.db.models import F, Func, Prefetch, QuerySet
from django.db.models.functions import Length
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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


MEMBERSHIP_ROWS = "membership_rows"


def memberships_prefetch(user_lookup: str) -> Prefetch:
    """Prefetches the memberships of the users at `user_lookup` (e.g. "assigned_to"), so that naming
    many of them (staff_display_name) reads them in one query."""
    return Prefetch(
        f"{user_lookup}__memberships", queryset=Membership.objects.select_related("agency"), to_attr=MEMBERSHIP_ROWS
    )


def memberships(user) -> list[Membership]:
    """The user's roles (a superuser is also an administrator), read once per request and kept on
    the user object."""
    if not (user and user.is_authenticated):
        return []
    cached = getattr(user, "_lapor_memberships", None)
    if cached is None:
        rows = getattr(user, MEMBERSHIP_ROWS, None)  # prefetched with the rows naming people
        cached = list(Membership.objects.filter(user=user).select_related("agency") if rows is None else rows)
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


# The role as one names a colleague: "Joko (Petugas lapangan Dishub)".
ROLE_NOUNS = {
    Membership.Role.OPERATOR: gettext_lazy("Operator"),
    Membership.Role.CREW: gettext_lazy("Field crew"),
    Membership.Role.SUPERVISOR: gettext_lazy("Supervisor"),
    Membership.Role.PLANNER: gettext_lazy("Planner"),
    Membership.Role.ADMIN: gettext_lazy("Administrator"),
}
ROLE_ORDER = [
    Membership.Role.ADMIN,
    Membership.Role.SUPERVISOR,
    Membership.Role.OPERATOR,
    Membership.Role.CREW,
    Membership.Role.PLANNER,
]


def staff_display_name(user, *, agency: Agency | None = None) -> str:
    """How staff pages name a member of staff to other staff (never to the public): the full name,
    else the user name, followed by their role and agency, e.g. "Joko (Field crew Dishub)". With
    `agency`, the role held there is named when there is one."""
    if user is None:
        return ""
    name = user.get_full_name().strip() or user.get_username()
    held = memberships(user)
    chosen = [m for m in held if agency is not None and m.agency_id == agency.pk] or held
    if not chosen:
        return name
    membership = min(chosen, key=lambda m: ROLE_ORDER.index(m.role))
    role = str(ROLE_NOUNS[membership.role])
    return f"{name} ({role} {membership.agency.short_name})" if membership.agency_id else f"{name} ({role})"


def local_area_points() -> list[dict]:
    """Each desa/kelurahan with a point inside it, by kecamatan and name: where a field crew without
    the phone's location can choose to look from."""
    rows = (
        Area.objects.filter(kind__in=Area.LOCAL_KINDS)
        .select_related("parent")
        .annotate(inside=PointOnSurface("geom"))
        .defer("geom")
        .order_by("parent__name", "name")
    )
    return [
        {
            "code": area.code,
            "label": area.label,
            "kecamatan": area.parent.name if area.parent_id else "",
            "lon": round(area.inside.x, 7),
            "lat": round(area.inside.y, 7),
        }
        for area in rows
    ]
