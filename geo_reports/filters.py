"""Filters of the report list (and of the exports, which take the same parameters)."""

import datetime as dt

import django_filters
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ValidationError

from common.bbox import parse_bbox
from common.errors import ApplicationError
from common.text import codes, printable

from .models import Report, Status
from .workflow import MAP_GROUPS


class StatusError(ApplicationError):
    default_field = "status"
    default_code = "unknown_status"


def statuses_of(value: str) -> set[str]:
    """The statuses named by a `status` parameter: status codes and the map's groups, comma-separated."""
    statuses: set[str] = set()
    for code in codes(value):
        if code in MAP_GROUPS:
            statuses.update(MAP_GROUPS[code])
        elif code in Status.values:
            statuses.add(code)
        else:
            raise StatusError(_("Unknown status %(status)s.") % {"status": printable(code)})
    return statuses


class MomentFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 moment, compared in UTC: Python takes offsets up to ±24 h, PostgreSQL only ±16 h."""

    def __init__(self, *args, param: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.param = param

    def filter(self, qs, value):
        if value is not None:
            try:
                value = value.astimezone(dt.UTC)
            except OverflowError:  # e.g. 0001-01-01T00:00+01:00 is before the first representable moment
                raise ValidationError({self.param: [_("The date is out of range.")]}) from None
        return super().filter(qs, value)


class ReportFilter(django_filters.FilterSet):
    bbox = django_filters.CharFilter(
        method="filter_bbox", label=gettext_lazy("Bounding box minLon,minLat,maxLon,maxLat (WGS84)")
    )
    status = django_filters.CharFilter(
        method="filter_status",
        label=gettext_lazy("Statuses, comma-separated; also the groups open, in_progress, resolved, dismissed"),
    )
    category = django_filters.CharFilter(
        method="filter_category", label=gettext_lazy("Category codes, comma-separated")
    )
    agency = django_filters.CharFilter(method="filter_agency", label=gettext_lazy("Agency codes, comma-separated"))
    area = django_filters.CharFilter(method="filter_area", label=gettext_lazy("Area code (kota, kecamatan or desa)"))
    since = MomentFilter(
        param="since", field_name="created_at", lookup_expr="gte", label=gettext_lazy("Submitted at or after")
    )
    until = MomentFilter(
        param="until", field_name="created_at", lookup_expr="lte", label=gettext_lazy("Submitted at or before")
    )
    q = django_filters.CharFilter(
        method="filter_text", label=gettext_lazy("Text in the description, or a tracking code")
    )
    asset = django_filters.CharFilter(
        method="filter_asset",
        label=gettext_lazy("The asset reports were routed by, as layer:id (e.g. water_pipes:PM-0003)"),
    )

    class Meta:
        model = Report
        fields = []

    def filter_bbox(self, queryset, name, value):
        return queryset.filter(location__within=parse_bbox(value))

    def filter_status(self, queryset, name, value):
        return queryset.filter(status__in=statuses_of(value))

    def filter_category(self, queryset, name, value):
        return queryset.filter(category__code__in=codes(value))

    def filter_agency(self, queryset, name, value):
        return queryset.filter(agency__code__in=codes(value))

    def filter_area(self, queryset, name, value):
        code = value.strip()
        if code == settings.LAPOR_CITY_CODE:
            return queryset
        return queryset.filter(Q(desa__code=code) | Q(kecamatan__code=code))

    def filter_asset(self, queryset, name, value):
        layer, _colon, external_id = value.strip().partition(":")
        if not external_id:
            raise ValidationError({"asset": [_("Name the asset as layer:id, e.g. water_pipes:PM-0003.")]})
        return queryset.filter(asset__layer__code=layer.strip(), asset__external_id=external_id.strip())

    def filter_text(self, queryset, name, value):
        text = value.strip()[:200]
        if not text:
            return queryset
        return queryset.filter(Q(description__icontains=text) | Q(tracking_code__iexact=text))
