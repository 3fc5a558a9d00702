"""The CQL2 text reader on its own: the tree it makes, and one exact message per fault."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from ogcapi.cql2 import (
    FALSE,
    TRUE,
    And,
    Between,
    Comparison,
    Constant,
    In,
    InvalidFilter,
    IsNull,
    Like,
    Literal,
    Not,
    Or,
    Property,
    Temporal,
    instant,
    parse,
)

UTC = dt.UTC


def text(value: str) -> Literal:
    return Literal("text", value, "'" + value.replace("'", "''") + "'")


def number(written: str) -> Literal:
    return Literal("number", Decimal(written), written)


@pytest.mark.parametrize(
    ("source", "tree"),
    [
        ("status = 'resolved'", Comparison("=", Property("status"), text("resolved"))),
        ("\"status\"<>'it''s'", Comparison("<>", Property("status"), text("it's"))),
        ("support_count >= -2.5e1", Comparison(">=", Property("support_count"), number("-2.5e1"))),
        ("3 < support_count", Comparison("<", number("3"), Property("support_count"))),
        ("overdue = true", Comparison("=", Property("overdue"), TRUE)),
        (
            "a = 1 and b = 2 OR NOT c = 3",
            Or(
                (
                    And((Comparison("=", Property("a"), number("1")), Comparison("=", Property("b"), number("2")))),
                    Not(Comparison("=", Property("c"), number("3"))),
                )
            ),
        ),
        (
            "a = 1 AND (b = 2 OR c = 3)",
            And(
                (
                    Comparison("=", Property("a"), number("1")),
                    Or((Comparison("=", Property("b"), number("2")), Comparison("=", Property("c"), number("3")))),
                )
            ),
        ),
        ("(resolved_at IS NULL)", IsNull(Property("resolved_at"))),
        ("resolved_at is not null", Not(IsNull(Property("resolved_at")))),
        ("name LIKE 'Jl.%'", Like(Property("name"), text("Jl.%"))),
        ("name NOT ILIKE 'batu'", Not(Like(Property("name"), text("batu"), case_insensitive=True))),
        ("n BETWEEN 1 AND 3", Between(Property("n"), number("1"), number("3"))),
        ("n NOT IN (1, 2)", Not(In(Property("n"), (number("1"), number("2"))))),
        ("TRUE", Constant(True)),
        ("NOT FALSE AND TRUE", And((Not(Constant(False)), Constant(True)))),
        (
            "updated_at >= DATE('2026-12-01')",
            Comparison(">=", Property("updated_at"), Literal("date", dt.date(2026, 12, 1), "DATE('2026-12-01')")),
        ),
        (
            "created_at < timestamp('2026-12-01T08:00:00+07:00')",
            Comparison(
                "<",
                Property("created_at"),
                Literal(
                    "timestamp",
                    dt.datetime(2026, 12, 1, 1, tzinfo=UTC),
                    "TIMESTAMP('2026-12-01T08:00:00+07:00')",
                ),
            ),
        ),
        (
            "T_DURING(created_at, INTERVAL('2026-11-01', '..'))",
            Temporal(
                "T_DURING",
                Property("created_at"),
                Literal("interval", (dt.date(2026, 11, 1), None), "INTERVAL('2026-11-01', '..')"),
            ),
        ),
    ],
)
def test_what_a_filter_reads_as(source, tree):
    assert parse(source) == tree


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("", "filter is empty."),
        ("status = 'x' OR", "filter ends too early: a property name or a value is missing."),
        (
            "status = 'x' status = 'y'",
            'filter: AND, OR or the end of the filter was expected at character 14, not "status".',
        ),
        ("status == 'x'", 'filter: a property name or a value was expected at character 9, not "=".'),
        (
            "status 'x'",
            "filter: a comparison (=, <>, <, <=, >, >=, LIKE, BETWEEN, IN, IS NULL) was expected at character 8, not \"'x'\".",
        ),
        ("status NOT = 'x'", 'filter: LIKE, BETWEEN, IN was expected at character 12, not "=".'),
        ("status = 'x", 'filter: "\'" at character 10 is not CQL2.'),
        ("status ; 1", "filter: ';' at character 8 is not CQL2."),
        ("(status = 'x'", 'filter ends too early: ")" is missing.'),
        ("resolved_at IS 'x'", 'filter: "NULL" was expected at character 16, not "\'x\'".'),
        ("n = - x", 'filter: a number was expected at character 7, not "x".'),
        ("n = 1e999", "filter: the number at character 5 is out of range."),
        (
            "t = DATE('2026-12-01T00:00:00Z')",
            "filter: '2026-12-01T00:00:00Z' at character 10 is not a date (2026-12-01) or a time with its time zone (2026-12-01T08:00:00Z) as DATE takes.",
        ),
        (
            "t = TIMESTAMP('2026-12-01')",
            "filter: '2026-12-01' at character 15 is not a date (2026-12-01) or a time with its time zone (2026-12-01T08:00:00Z) as TIMESTAMP takes.",
        ),
        (
            "t = TIMESTAMP('2026-12-01T08:00:00')",
            "filter: '2026-12-01T08:00:00' at character 15 is not a date (2026-12-01) or a time with its time zone (2026-12-01T08:00:00Z) as TIMESTAMP takes.",
        ),
        (
            "t = DATE('2026-02-30')",
            "filter: '2026-02-30' at character 10 is not a date (2026-12-01) or a time with its time zone (2026-12-01T08:00:00Z) as DATE takes.",
        ),
        (
            "T_AFTER(t, INTERVAL('x', '..'))",
            "filter: 'x' at character 21 is not a date (2026-12-01) or a time with its time zone (2026-12-01T08:00:00Z) as INTERVAL takes.",
        ),
        ("t = DATE(2026)", 'filter: a quoted value for DATE was expected at character 10, not "2026".'),
        ("T_BEFORE(t)", 'filter: "," was expected at character 11, not ")".'),
        ("x" * 4001, "filter is longer than 4000 characters."),
        ("NOT " * 41 + "a = 1", "filter nests more than 40 levels deep."),
        ("(" * 41 + "a = 1" + ")" * 41, "filter nests more than 40 levels deep."),
    ],
)
def test_a_filter_that_is_not_cql2_says_where(source, message):
    with translation.override("en"), pytest.raises(InvalidFilter) as raised:
        parse(source)
    assert str(raised.value) == message


def test_keywords_are_not_property_names_and_names_may_be_quoted():
    assert parse('"and" = 1') == Comparison("=", Property("and"), number("1"))
    with pytest.raises(InvalidFilter):
        parse("and = 1")


@pytest.mark.parametrize(
    ("value", "read"),
    [
        ("2026-12-01", dt.date(2026, 12, 1)),
        ("2026-12-01T08:00:00Z", dt.datetime(2026, 12, 1, 8, tzinfo=UTC)),
        ("2026-12-01t08:00:00.1234567z", dt.datetime(2026, 12, 1, 8, 0, 0, 123456, tzinfo=UTC)),
        ("2026-12-01T08:00:00-01:30", dt.datetime(2026, 12, 1, 9, 30, tzinfo=UTC)),
        ("2026-12-01T", None),
        ("2026-12-01T08:00Z", None),
        ("2026-13-01", None),
        ("0001-01-01T00:00:00+01:00", None),  # before the first moment Python holds in UTC
        ("2026-12-01T08:00:00+25:00", None),
    ],
)
def test_instants_are_rfc_3339(value, read):
    assert instant(value) == read


def test_true_and_false_are_values_too():
    assert parse("overdue <> FALSE") == Comparison("<>", Property("overdue"), FALSE)
