from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework_gis.pagination import GeoJsonPagination


class FeaturePagination(GeoJsonPagination):
    """Pages of a GeoJSON FeatureCollection with count/next/previous. A page size beyond the
    maximum is refused rather than silently cut, so a client knows why it got fewer features."""

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
