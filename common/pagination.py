import base64
import binascii
import datetime as dt
import json

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import DateTimeField, DurationField, F, Func, Q, Value
from django.http import HttpResponse
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.utils.urls import remove_query_param, replace_query_param
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


def _cursor_text(created_at, pk) -> str:
    raw = f"{created_at.astimezone(dt.UTC).isoformat()}|{pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _cursor_position(text: str) -> tuple:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        moment, pk = raw.split("|")
        created_at = dt.datetime.fromisoformat(moment)
        if created_at.tzinfo is None:
            raise ValueError("no offset")
        return created_at, int(pk)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise ValidationError(
            {"cursor": [_("The cursor is not one this list gave: follow the `next` link as it is.")]}
        ) from None


def planned_rows(queryset) -> int:
    """PostgreSQL's estimate of how many rows `queryset` returns (EXPLAIN, without running it)."""
    sql, params = queryset.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


# Later than any report: ordering by the distance to it is ordering newest first.
FAR_FUTURE = dt.datetime(2200, 1, 1, tzinfo=dt.UTC)


class NewestFirst(Func):
    """`created_at <-> '2200-01-01'`: newest first, as a distance, which a GiST index over a place and
    the time (btree_gist; geo_reports migration 0015) walks in order inside a box. Equal times come
    in any order: the caller orders them."""

    arg_joiner = " <-> "
    template = "(%(expressions)s)"
    output_field = DurationField()

    def __init__(self, column: str = "created_at", **extra):
        super().__init__(F(column), Value(FAR_FUTURE, output_field=DateTimeField()), **extra)


# The furthest a page number may reach: more rows than any city's reports; a larger OFFSET would
# overflow PostgreSQL's bigint.
MAX_OFFSET = 10**9


class NewestFirstFeaturePagination(FeaturePagination):
    """Pages of a GeoJSON FeatureCollection, newest first (`created_at`, then `id`, both descending),
    for lists that may match hundreds of thousands of rows (a bbox in the town centre at a million
    reports). What a page promises:

    - `next` continues after the page's last feature (keyset pagination, `cursor`): following the
      links from the first page gives every feature that matched when it was asked for exactly once,
      in order, even while features are added (one added meanwhile shows once if it sorts after the
      cursor, and not at all if it sorts before: a newer report waits for the next first page);
    - `count` is exact up to `exact_count_up_to` (`count_exact: true`); beyond it, it is PostgreSQL's
      estimate from its statistics (`count_exact: false`, never less than `exact_count_up_to` + 1),
      because an exact count reads every match;
    - `page=N` (offset pages, as before) is still answered, with `next`/`previous` by page number;
      deep pages cost more, as every skipped row is read.

    The features are rendered by the caller (`render`: primary keys in order → one JSON text each),
    so that the page is written as bytes, not through a serializer."""

    exact_count_up_to = 1000
    cursor_query_param = "cursor"
    ordering = ("-created_at", "-pk")

    def feature_page(self, queryset, request, *, render, in_box: bool = False) -> HttpResponse:
        """The page as the response. `in_box`: the query keeps to a bbox, so the newest are found by
        walking the index of place and time (NewestFirst) rather than by sorting every match."""
        size = self.get_page_size(request)
        cursor, number = request.query_params.get(self.cursor_query_param), request.query_params.get("page")
        if cursor and number:
            raise ValidationError({"cursor": [_("Give either cursor or page, not both.")]})
        ordered = queryset.order_by(*self.ordering)
        page_number = None
        if cursor:
            created_at, pk = _cursor_position(cursor)
            after = queryset.filter(Q(created_at__lte=created_at) & ~Q(created_at=created_at, pk__gte=pk))
            keys = self.newest(after, size + 1, in_box=in_box)
        elif number not in (None, ""):
            try:
                page_number = int(number)
            except ValueError:
                raise NotFound(_("Invalid page.")) from None
            offset = (page_number - 1) * size
            if page_number < 1 or offset > MAX_OFFSET:  # beyond any table (and PostgreSQL's OFFSET)
                raise NotFound(_("Invalid page."))
            keys = list(ordered.values_list("pk", "created_at")[offset : offset + size + 1])
            if page_number > 1 and not keys:
                raise NotFound(_("Invalid page."))
        else:
            keys = self.newest(queryset, size + 1, in_box=in_box)
        more, keys = len(keys) > size, keys[:size]
        count, exact = self.counted(queryset)
        url = request.build_absolute_uri()
        following = previous = None
        if page_number is not None:
            if more:
                following = replace_query_param(url, "page", page_number + 1)
            if page_number > 1:
                previous = (
                    remove_query_param(url, "page")
                    if page_number == 2
                    else replace_query_param(url, "page", page_number - 1)
                )
        elif more:
            following = replace_query_param(url, self.cursor_query_param, _cursor_text(*keys[-1][::-1]))
        features = render([pk for pk, _created in keys])
        head = json.dumps(
            {"type": "FeatureCollection", "count": count, "count_exact": exact, "next": following, "previous": previous}
        )
        body = head[:-1] + ', "features": [' + ", ".join(features) + "]}"
        return HttpResponse(body.encode(), content_type="application/json")

    def newest(self, queryset, limit: int, *, in_box: bool) -> list[tuple]:
        """The first `limit` (pk, created_at) of `queryset`, newest first, equal times by pk (descending)."""
        if not in_box:
            return list(queryset.order_by(*self.ordering).values_list("pk", "created_at")[:limit])
        rows = list(queryset.order_by(NewestFirst()).values_list("pk", "created_at")[:limit])
        if len(rows) == limit:
            # The index gives equal times in any order: all those of the last one are read, so the page
            # ends where the order by (created_at, pk) ends it.
            last = min(created_at for _pk, created_at in rows)
            rows = {*rows, *queryset.filter(created_at=last).values_list("pk", "created_at")}
        return sorted(rows, key=lambda row: (row[1], row[0]), reverse=True)[:limit]

    def counted(self, queryset) -> tuple[int, bool]:
        """(count, exact): exact up to `exact_count_up_to` (counting at most one more), else estimated."""
        limit = self.exact_count_up_to
        found = queryset.order_by()[: limit + 1].count()
        if found <= limit:
            return found, True
        return max(limit + 1, planned_rows(queryset)), False

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        return [
            *parameters,
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Where the page starts: as the `next` link gives it (the page after that link's page).",
                "schema": {"type": "string"},
            },
        ]

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        properties = response["properties"]
        properties["count"] = {
            "type": "integer",
            "example": 123,
            "description": f"How many match: exact up to {self.exact_count_up_to:,}, else PostgreSQL's estimate "
            "(see count_exact).",
        }
        properties["count_exact"] = {
            "type": "boolean",
            "description": "Whether count is exact. Estimates come from the database's statistics: at a million "
            "reports, within about 25 % for a bbox; never below the exact limit + 1.",
        }
        properties["next"] = {
            "type": "string",
            "nullable": True,
            "format": "uri",
            "description": "The next page (by cursor: following these links gives every match once, newest first, "
            "even while reports are added; with `page`, by page number). Null on the last page.",
        }
        properties["previous"]["description"] = "With `page`: the page before. Null with cursors."
        response["required"] = ["type", "count", "count_exact", "next", "previous", "features"]
        return response
