"""A collection's queryable properties, and the `filter` of an items request (a CQL2 tree from
ogcapi.cql2) as a query on them: every property it names must be a queryable of the collection, every
value must suit that property's type, and the result is Django Q objects over the queryables' lookups
(never SQL text), so the filter runs in the same query as the page and its count.

What a filter means here:

- A comparison with a property that has no value (null) is false, and NOT makes it true:
  `NOT (resolved_at < DATE('2026-12-01'))` includes the reports not resolved at all. (Django's
  negation and OGR SQL, which GDAL and QGIS users write, read it the same way.)
- A date is that whole day in the city's time zone, as in `datetime`: `updated_at = DATE('2026-12-01')`
  is any time that day (WIB), `updated_at < DATE('2026-12-01')` is before it began and
  `updated_at > DATE('2026-12-01')` after it ended. A TIMESTAMP is an instant, to the microsecond.
- T_BEFORE, T_AFTER, T_DURING (strictly inside), T_INTERSECTS (inside or on an end), T_DISJOINT
  and T_EQUALS take a date-time property and then a TIMESTAMP, a DATE or an INTERVAL.
- GDAL's OAPIF driver writes the values of date fields as quoted text, a date as `'2026-12-01T'` and
  a time as `'2026-12-01T08:00:00Z'` (hours or minutes may be all it writes): compared with a
  date-time property, such text is read as the date or the time it writes.
- A LIKE pattern is CQL2's: `%` any run of characters, `_` one character, `\\` takes the next one
  as it is. ILIKE ignores case.
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce

from django.db.models import Expression, Q, QuerySet
from django.utils.translation import gettext as _

from . import cql2
from .cql2 import InvalidFilter, Literal, Property
from .params import day_bounds

STRING, INTEGER, BOOLEAN, DATE_TIME = "string", "integer", "boolean", "date-time"

# What GDAL writes for a date ('2026-12-01T') and for a time without seconds ('2026-12-01T08:30Z').
GDAL_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})T$")
GDAL_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2})(?::(\d{2}))?Z$")

ORDERING = {"<": "lt", "<=": "lte", ">": "gt", ">=": "gte"}
# The comparison read from the property's side when the value is written first (3 < support_count).
MIRRORED = {"=": "=", "<>": "<>", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


@dataclass(frozen=True)
class Queryable:
    """A property a filter may name: its type, and where its values are (a lookup path, or an
    expression made per request and named after the property)."""

    name: str
    type: str  # STRING, INTEGER, BOOLEAN or DATE_TIME
    title: str
    lookup: str = ""  # a field path; the property's name when neither this nor `expression` is given
    expression: Callable[[], Expression] | None = None
    values: tuple[str, ...] = ()  # the values a string property can have, when they are few and fixed
    role: str = ""  # x-ogc-role (OGC API - Features Part 5): "primary-instant" for what `datetime` reads

    def schema(self) -> dict:
        """This property in the queryables' JSON Schema."""
        schema = {"title": str(self.title), "type": "string" if self.type == DATE_TIME else self.type}
        if self.type == DATE_TIME:
            schema["format"] = "date-time"
        if self.values:
            schema["enum"] = list(self.values)
        if self.role:
            schema["x-ogc-role"] = self.role
        return schema


def filtered(rows: QuerySet, queryables: tuple[Queryable, ...], node: cql2.Node, collection_id: str) -> QuerySet:
    """The rows that match the filter; InvalidFilter (before any query runs) when it names anything
    but the collection's queryables or compares them with values of another type."""
    translator = _Translator({queryable.name: queryable for queryable in queryables}, collection_id)
    condition = translator.condition(node)
    if translator.aliases:
        rows = rows.alias(**translator.aliases)
    return rows.filter(condition)


class _Translator:
    def __init__(self, queryables: dict[str, Queryable], collection_id: str):
        self.queryables = queryables
        self.collection_id = collection_id
        self.aliases: dict[str, Expression] = {}

    # --- the tree ---

    def condition(self, node: cql2.Node) -> Q:
        match node:
            case cql2.And(operands):
                return reduce(lambda a, b: a & b, (self.condition(o) for o in operands))
            case cql2.Or(operands):
                return reduce(lambda a, b: a | b, (self.condition(o) for o in operands))
            case cql2.Not(operand):
                return ~self.condition(operand)
            case cql2.Constant(value):
                return _always(value)
            case cql2.IsNull(subject):
                queryable = self.queryable(subject, "IS NULL")
                return Q(**{f"{self.path(queryable)}__isnull": True})
            case cql2.Comparison(operator, left, right):
                return self.comparison(operator, left, right)
            case cql2.Like(subject, pattern, case_insensitive):
                return self.like(subject, pattern, case_insensitive)
            case cql2.Between(subject, low, high):
                return self.between(subject, low, high)
            case cql2.In(subject, values):
                return self.within(subject, values)
            case cql2.Temporal(function, left, right):
                return self.temporal(function, left, right)

    def comparison(self, operator: str, left: cql2.Operand, right: cql2.Operand) -> Q:
        if isinstance(left, Literal) and isinstance(right, Property):
            operator, left, right = MIRRORED[operator], right, left
        if not isinstance(left, Property) or not isinstance(right, Literal):
            raise InvalidFilter(
                _("filter: a comparison names one queryable property and one value, not %(found)s.")
                % {"found": f"{_shown(left)} {operator} {_shown(right)}"}
            )
        queryable = self.queryable(left, operator)
        if queryable.type == DATE_TIME:
            low, high = self.bounds(queryable, right, instant_only=True)
            return self.instant_comparison(queryable, operator, low, high)
        if queryable.type == BOOLEAN and operator not in ("=", "<>"):
            raise self.not_applicable(operator, queryable)
        value = self.value(queryable, right)
        if operator == "=":
            return self.leaf(queryable, "exact", value)
        if operator == "<>":
            return self.present(queryable) & ~Q(**{f"{self.path(queryable)}__exact": value})
        return self.leaf(queryable, ORDERING[operator], value)

    def instant_comparison(self, queryable: Queryable, operator: str, low, high) -> Q:
        """A date-time property against an instant that lasts from `low` to `high`: one moment for a
        TIMESTAMP, the first and the last microsecond of the day for a date."""
        match operator:
            case "=":
                return self.leaf(queryable, "range", (low, high))
            case "<>":
                return self.present(queryable) & ~Q(**{f"{self.path(queryable)}__range": (low, high)})
            case "<":
                return self.leaf(queryable, "lt", low)
            case "<=":
                return self.leaf(queryable, "lte", high)
            case ">":
                return self.leaf(queryable, "gt", high)
            case _:  # ">="
                return self.leaf(queryable, "gte", low)

    def like(self, subject: cql2.Operand, pattern: cql2.Operand, case_insensitive: bool) -> Q:
        operator = "ILIKE" if case_insensitive else "LIKE"
        queryable = self.queryable(subject, operator)
        if queryable.type != STRING:
            raise self.not_applicable(operator, queryable)
        if not isinstance(pattern, Literal) or pattern.kind != "text":
            raise self.wrong_value(queryable, pattern)
        return self.leaf(queryable, "iregex" if case_insensitive else "regex", _like_regex(pattern.value))

    def between(self, subject: cql2.Operand, low: cql2.Operand, high: cql2.Operand) -> Q:
        queryable = self.queryable(subject, "BETWEEN")
        if queryable.type == BOOLEAN:
            raise self.not_applicable("BETWEEN", queryable)
        if queryable.type == DATE_TIME:
            start = self.bounds(queryable, low, instant_only=True)[0]
            end = self.bounds(queryable, high, instant_only=True)[1]
            return self.leaf(queryable, "range", (start, end))
        return self.leaf(queryable, "range", (self.value(queryable, low), self.value(queryable, high)))

    def within(self, subject: cql2.Operand, values: tuple[cql2.Operand, ...]) -> Q:
        queryable = self.queryable(subject, "IN")
        if queryable.type == DATE_TIME:
            return reduce(lambda a, b: a | b, (self.comparison("=", subject, value) for value in values))
        return self.leaf(queryable, "in", [self.value(queryable, value) for value in values])

    def temporal(self, function: str, left: cql2.Operand, right: cql2.Operand) -> Q:
        if not isinstance(left, Property) or not isinstance(right, Literal):
            raise InvalidFilter(
                _("filter: %(function)s takes a date-time property first and then a TIMESTAMP, DATE or INTERVAL.")
                % {"function": function}
            )
        queryable = self.queryable(left, function)
        if queryable.type != DATE_TIME:
            raise self.not_applicable(function, queryable)
        low, high = self.bounds(queryable, right, instant_only=function == "T_EQUALS")
        if function == "T_EQUALS":
            return self.instant_comparison(queryable, "=", low, high)
        if function == "T_BEFORE":
            return self.leaf(queryable, "lt", low) if low is not None else _always(False)
        if function == "T_AFTER":
            return self.leaf(queryable, "gt", high) if high is not None else _always(False)
        strictly = function == "T_DURING"
        inside = self.present(queryable)
        if low is not None:
            inside &= self.leaf(queryable, "gt" if strictly else "gte", low)
        if high is not None:
            inside &= self.leaf(queryable, "lt" if strictly else "lte", high)
        if function == "T_DISJOINT":
            return self.present(queryable) & ~inside
        return inside  # T_DURING, T_INTERSECTS

    # --- properties and values ---

    def queryable(self, operand: cql2.Operand, operator: str) -> Queryable:
        if not isinstance(operand, Property):
            raise InvalidFilter(
                _("filter: %(operator)s applies to a queryable property, not to %(value)s.")
                % {"operator": operator, "value": _shown(operand)}
            )
        queryable = self.queryables.get(operand.name)
        if queryable is None:
            raise InvalidFilter(
                _("filter: %(name)s is not a queryable property of %(collection)s; these are: %(names)s.")
                % {"name": operand.name[:100], "collection": self.collection_id, "names": ", ".join(self.queryables)}
            )
        return queryable

    def path(self, queryable: Queryable) -> str:
        if queryable.expression is None:
            return queryable.lookup or queryable.name
        alias = f"cql_{queryable.name}"
        self.aliases[alias] = queryable.expression()
        return alias

    def leaf(self, queryable: Queryable, lookup: str, value) -> Q:
        """One test on a property, false where it has no value (under NOT too: see the module)."""
        return self.present(queryable) & Q(**{f"{self.path(queryable)}__{lookup}": value})

    def present(self, queryable: Queryable) -> Q:
        return Q(**{f"{self.path(queryable)}__isnull": False})

    def value(self, queryable: Queryable, operand: cql2.Operand):
        """The literal as a value of the property's type (not a date-time: see bounds)."""
        if isinstance(operand, Literal):
            if queryable.type == STRING and operand.kind == "text":
                return operand.value
            if queryable.type == INTEGER and operand.kind == "number" and operand.value == int(operand.value):
                return int(operand.value)
            if queryable.type == BOOLEAN and operand.kind == "boolean":
                return operand.value
            # GDAL writes a boolean field's values as 0 and 1.
            if queryable.type == BOOLEAN and operand.kind == "number" and operand.value in (0, 1):
                return operand.value == 1
        raise self.wrong_value(queryable, operand)

    def bounds(self, queryable: Queryable, operand: cql2.Operand, *, instant_only: bool):
        """The first and last moment a temporal value covers (None for an open end of an interval)."""
        if not isinstance(operand, Literal):
            raise self.wrong_value(queryable, operand)
        if operand.kind == "interval":
            if instant_only:
                raise InvalidFilter(
                    _(
                        "filter: %(value)s is an interval; compare %(name)s with it using T_DURING, "
                        "T_INTERSECTS, T_BEFORE, T_AFTER or T_DISJOINT."
                    )
                    % {"value": operand.text, "name": queryable.name}
                )
            start, end = operand.value
            low = _moments(start)[0] if start is not None else None
            high = _moments(end)[1] if end is not None else None
            if low is not None and high is not None and low > high:
                raise InvalidFilter(_("filter: %(value)s ends before it starts.") % {"value": operand.text})
            return low, high
        if operand.kind in ("timestamp", "date"):
            return _moments(operand.value)
        if operand.kind == "text":
            moment = _gdal_instant(operand.value)
            if moment is None:
                raise InvalidFilter(
                    _(
                        "filter: %(value)s is not a date (2026-12-01) or a time with its time zone "
                        "(2026-12-01T08:00:00Z) to compare %(name)s with."
                    )
                    % {"value": operand.text, "name": queryable.name}
                )
            return _moments(moment)
        raise self.wrong_value(queryable, operand)

    # --- messages ---

    def wrong_value(self, queryable: Queryable, operand: cql2.Operand) -> InvalidFilter:
        return InvalidFilter(
            _("filter: %(name)s holds %(type)s values; %(value)s is not one.")
            % {"name": queryable.name, "type": queryable.type, "value": _shown(operand)}
        )

    def not_applicable(self, operator: str, queryable: Queryable) -> InvalidFilter:
        return InvalidFilter(
            _("filter: %(operator)s does not apply to %(name)s (%(type)s).")
            % {"operator": operator, "name": queryable.name, "type": queryable.type}
        )


def _always(value: bool) -> Q:
    """TRUE or FALSE as a condition that NOT can turn round (an empty Q stays empty under NOT)."""
    return Q(pk__isnull=not value)


def _moments(value: dt.date | dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """A date's first and last microsecond in the city; a time is one moment."""
    if isinstance(value, dt.datetime):
        return value, value
    return day_bounds(value)


def _gdal_instant(text: str) -> dt.date | dt.datetime | None:
    """A date or a time in RFC 3339, or as GDAL writes them (see the module)."""
    if (moment := cql2.instant(text)) is not None:
        return moment
    if match := GDAL_DATE.match(text):
        return cql2.instant(match[1])
    if match := GDAL_TIME.match(text):
        return cql2.instant(f"{match[1]}T{match[2]}:{match[3] or '00'}:00Z")
    return None


def _like_regex(pattern: str) -> str:
    """A CQL2 LIKE pattern as an anchored POSIX regular expression (PostgreSQL `~`): every other
    character is escaped, and a backslash before a non-alphanumeric character is that character."""
    parts, characters = ["^"], iter(pattern)
    for character in characters:
        if character == "\\":
            character = next(characters, "\\")  # a backslash at the end stands for itself
            parts.append(re.escape(character))
        elif character == "%":
            parts.append(".*")
        elif character == "_":
            parts.append(".")
        else:
            parts.append(re.escape(character))
    parts.append("$")
    return "".join(parts)


def _shown(operand: cql2.Operand) -> str:
    return operand.name if isinstance(operand, Property) else operand.text
