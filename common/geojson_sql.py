"""GeoJSON built by PostgreSQL (`json_build_object`, `ST_AsGeoJSON`) and handed to Python as text: no
model instance, no geometry object and no per-feature serializer is made, so a page of 10,000
features, or an export of a million, costs one query and string joins. Django has no expression for
these functions, so each is a small `Func` here; everything else (filters, joins, ordering, paging)
stays ORM. Used by the exports, by OGC API - Features, by the crews' nearby tickets and by the pages
of the report list (whole answers built as one JSON text: JSONAgg, JSONText).
"""

from django.conf import settings
from django.contrib.postgres.aggregates.mixins import OrderableAggMixin
from django.db.models import Aggregate, BooleanField, Expression, F, FloatField, Func, JSONField, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce

# Coordinates are written with at most 7 decimals: about 1 cm at Batu's latitude.
COORDINATE_DECIMALS = 7


class JSONBuildObject(Func):
    """`json_build_object(k1, v1, k2, v2, ...)`: keys in the given order, values typed by PostgreSQL
    (numbers, booleans, RFC 3339 timestamps, nested json)."""

    function = "json_build_object"
    output_field = JSONField()

    def __init__(self, members: dict[str, Expression], **extra):
        arguments = []
        for key, value in members.items():
            arguments += [Cast(Value(key), TextField()), value]
        super().__init__(*arguments, **extra)


class JSONBuildArray(Func):
    """`json_build_array(v1, v2, ...)`."""

    function = "json_build_array"
    output_field = JSONField()


class Rounded(Func):
    """`round(x::numeric, places)`: a number as JSON writes it, without float noise (PostgreSQL rounds
    only numerics to a number of places)."""

    template = "round((%(expressions)s)::numeric, %(places)d)"
    output_field = FloatField()

    def __init__(self, expression, places: int, **extra):
        super().__init__(expression, places=int(places), **extra)


class JSONAgg(OrderableAggMixin, Aggregate):
    """`json_agg(value ORDER BY ...)`: the rows' values as one JSON array, in the given order (`order_by`);
    null when there are no rows (JSONAggOrEmpty gives [] then)."""

    function = "json_agg"
    template = "%(function)s(%(expressions)s %(order_by)s)"
    output_field = JSONField()


def JSONAggOrEmpty(value: Expression, *, order_by) -> Expression:
    """JSONAgg, or `[]` when there are no rows."""
    return Coalesce(JSONAgg(value, order_by=order_by), RawSQL("'[]'::json", (), output_field=JSONField()))


class JSONText(Func):
    """A JSON value as its text (`::text`), for answers handed on as they are: psycopg would otherwise
    parse the JSON into Python objects, only for them to be written again."""

    template = "(%(expressions)s)::text"
    output_field = TextField()


class JSONBBuildObject(JSONBuildObject):
    function = "jsonb_build_object"


class GeoJSONGeometry(Func):
    """`ST_AsGeoJSON(geom, 7)::json`: the geometry as a GeoJSON object (not a quoted string)."""

    template = f"ST_AsGeoJSON(%(expressions)s, {COORDINATE_DECIMALS})::json"
    output_field = JSONField()


class JSONBWithout(Func):
    """`jsonb - 'key1' - 'key2'`: an object without the given members."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = JSONField()

    def __init__(self, expression, keys: list[str], **extra):
        super().__init__(expression, *(Cast(Value(key), TextField()) for key in keys), **extra)


class JSONBMerge(Func):
    """`a || b`: the members of both objects; b's win where both have a key."""

    arg_joiner = " || "
    template = "(%(expressions)s)"
    output_field = JSONField()


class JSONTruthy(Func):
    """Whether a JSON member is set the way Python's bool() would read it: absent, null, false, 0,
    "", [] and {} are false (as `Asset.is_synthetic` reads `attributes["synthetic"]`)."""

    template = (
        "COALESCE((%(expressions)s -> %(key)s) NOT IN "
        "('null'::jsonb, 'false'::jsonb, '0'::jsonb, '\"\"'::jsonb, '[]'::jsonb, '{}'::jsonb), false)"
    )
    output_field = BooleanField()

    def __init__(self, expression, key: str, **extra):
        # The key is a constant of ours, never client input.
        super().__init__(expression, key="'" + key.replace("'", "''") + "'", **extra)


class LocalTimestamp(Func):
    """A timestamptz column as RFC 3339 text in the city's time zone (settings.TIME_ZONE), with that
    zone's offset at that moment: `2026-12-06T12:10:43.493133+07:00` (null stays null).

    PostgreSQL writes a timestamptz in the session's time zone, which Django sets to UTC, while every
    page shows WIB. The conversion is written out here rather than by changing the session's
    TimeZone, so the text never depends on the connection: the exports read through a server-side
    cursor that Django declares outside any transaction (a transaction-local setting would not
    reach it), and connections persist between requests (a session setting would leak into the
    next one). The offset is computed per value from the zone's rules (Jakarta was +08:00 before
    1964), not written as a constant."""

    # The local wall time as PostgreSQL writes timestamps in JSON (trailing zeros of the fraction
    # dropped), then the sign and the absolute offset: to_char writes a negative interval as -03:-30.
    template = (
        "((to_json(%(expressions)s AT TIME ZONE %(zone)s) #>> '{}') || "
        "CASE WHEN %(offset)s < interval '0' THEN '-' ELSE '+' END || "
        "to_char(GREATEST(%(offset)s, -%(offset)s), 'HH24:MI'))"
    )
    output_field = TextField()

    def __init__(self, column: str, **extra):
        # A column, never an expression: the template names it five times, while the parameters of
        # an expression would be passed once. The zone is a setting of ours, never client input.
        zone = "'" + settings.TIME_ZONE.replace("'", "''") + "'"
        super().__init__(F(column), zone=zone, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        column, _ = compiler.compile(self.source_expressions[0])  # a column has no parameters
        offset = f"(({column} AT TIME ZONE {self.extra['zone']}) - ({column} AT TIME ZONE 'UTC'))"
        return super().as_sql(compiler, connection, offset=offset, **extra_context)


def feature_text(*, geometry: str, properties: Expression) -> Expression:
    """One GeoJSON Feature as text, its id the row's primary key."""
    return Cast(
        JSONBuildObject(
            {
                "type": Value("Feature"),
                "id": F("pk"),
                "geometry": GeoJSONGeometry(F(geometry)),
                "properties": properties,
            }
        ),
        TextField(),
    )


def flattened_properties(*, attributes: str, fixed: dict[str, Expression]) -> Expression:
    """A JSON attributes column's members as top-level properties, beside (and overridden by) the
    fixed ones."""
    return JSONBMerge(JSONBWithout(F(attributes), list(fixed)), JSONBBuildObject(fixed))
