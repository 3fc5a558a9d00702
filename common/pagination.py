from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework_gis.pagination import GeoJsonPagination


class KeysFirstPaginator(Paginator):
    """Finds the page's primary keys first, then reads only those rows with their joins: sorting
    thousands of matches (a bbox in the town centre at a million reports) then moves narrow rows,
    not rows widened by every joined table."""

    def page(self, number):
        if not hasattr(self.object_list, "values_list"):  # a list, not a query
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        return self._get_page(list(self.object_list.filter(pk__in=keys)), number, self)


class FeaturePagination(GeoJsonPagination):
    """Pages of a GeoJSON FeatureCollection with count/next/previous. A page size beyond the
    maximum is refused rather than silently cut, so a client knows why it got fewer features."""

    django_paginator_class = KeysFirstPaginator
    page_size = 100
    max_page_size = 1000
    page_size_query_param = "page_size"

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw in (None, ""):
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            raise ValidationError({"page_size": [_("page_size must be a whole number.")]}) from None
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {"page_size": [_("page_size must be between 1 and %(max)d.") % {"max": self.max_page_size}]}
            )
        return size

    def get_paginated_response_schema(self, schema):
        """What the response really is: one FeatureCollection with the page's count and links.
        drf-spectacular describes a list of GeoJSON features as a FeatureCollection component
        ("…FeatureList" holding "…Feature" items); the page holds those items directly."""
        reference = schema.get("$ref", "") if isinstance(schema, dict) else ""
        if reference.endswith("FeatureList"):
            features = {"type": "array", "items": {"$ref": reference[: -len("List")]}}
        else:
            features = schema.get("properties", {}).get("features", schema) if isinstance(schema, dict) else schema
        return {
            "type": "object",
            "required": ["type", "features"],
            "properties": {
                "type": {"type": "string", "enum": ["FeatureCollection"]},
                "count": {"type": "integer", "example": 123},
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "features": features,
            },
        }
