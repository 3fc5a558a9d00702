"""Reads over areas, agencies and assets. Each returns a QuerySet or a model instance."""

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry
from django.db.models import QuerySet
from django.db.models.functions import Length

from .models import Agency, Area


def areas_containing(*, point: GEOSGeometry) -> QuerySet[Area]:
    """The areas that contain `point`, from the kota down to the desa/kelurahan.

    Kemendagri codes grow one segment per level (35.79 → 35.79.02 → 35.79.02.2001), so ordering by
    code length orders by level.
    """
    return Area.objects.filter(geom__contains=point).select_related("parent").order_by(Length("code"), "code")


def city_area() -> Area | None:
    return Area.objects.filter(code=settings.LAPOR_CITY_CODE).first()


def agency_list(*, active_only: bool = True) -> QuerySet[Agency]:
    agencies = Agency.objects.select_related("area")
    return agencies.filter(is_active=True) if active_only else agencies


def boundaries(*, kinds: list[str], tolerance_degrees: float = 0.00003) -> QuerySet[Area]:
    """Areas of the given kinds with a lightly simplified outline for maps (about 3 m at Batu)."""
    from django.contrib.gis.db.models import GeometryField
    from django.db.models import F, Func

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
