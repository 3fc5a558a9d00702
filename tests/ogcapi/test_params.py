"""The parameter readers on their own: what a datetime, a bbox and a limit mean."""

import datetime as dt
import zoneinfo

import pytest

from ogcapi.params import InvalidParameter, parse_bbox, parse_datetime, parse_limit

UTC = dt.UTC
WIB = zoneinfo.ZoneInfo("Asia/Jakarta")


@pytest.mark.parametrize(
    ("value", "start", "end"),
    [
        ("2024-05-01T08:00:00Z", dt.datetime(2024, 5, 1, 8, tzinfo=UTC), dt.datetime(2024, 5, 1, 8, tzinfo=UTC)),
        (
            "2024-05-01t08:00:00.123456789z",
            dt.datetime(2024, 5, 1, 8, 0, 0, 123456, tzinfo=UTC),
            dt.datetime(2024, 5, 1, 8, 0, 0, 123456, tzinfo=UTC),
        ),
        (
            "2024-05-01T15:00:00+07:00/2024-05-02T00:00:00-01:30",
            dt.datetime(2024, 5, 1, 8, tzinfo=UTC),
            dt.datetime(2024, 5, 2, 1, 30, tzinfo=UTC),
        ),
        (
            "2024-05-01",
            dt.datetime(2024, 5, 1, tzinfo=WIB),
            dt.datetime(2024, 5, 1, 23, 59, 59, 999999, tzinfo=WIB),
        ),
        (
            "2024-05-01/2024-05-03",
            dt.datetime(2024, 5, 1, tzinfo=WIB),
            dt.datetime(2024, 5, 3, 23, 59, 59, 999999, tzinfo=WIB),
        ),
        ("../2024-05-01T08:00:00Z", None, dt.datetime(2024, 5, 1, 8, tzinfo=UTC)),
        ("2024-05-01T08:00:00Z/", dt.datetime(2024, 5, 1, 8, tzinfo=UTC), None),
        ("../..", None, None),
    ],
)
def test_datetime_values(value, start, end):
    interval = parse_datetime(value)
    assert (interval.start, interval.end) == (start, end)


def test_a_date_is_the_whole_day_in_the_city():
    interval = parse_datetime("2024-05-01")
    assert interval.start.utcoffset() == interval.end.utcoffset() == dt.timedelta(hours=7)
    assert interval.end - interval.start == dt.timedelta(days=1) - dt.timedelta(microseconds=1)


@pytest.mark.parametrize("value", ["2024-05-02/2024-05-01", "2024-05-01T08:00:00", "2024-5-1", "20240501", ".."])
def test_bad_datetime_values(value):
    with pytest.raises(InvalidParameter, match="datetime"):
        parse_datetime(value)


def test_a_bbox_is_a_polygon_a_line_or_a_point():
    assert parse_bbox("112.5,-7.9,112.6,-7.8").geom_type == "Polygon"
    assert parse_bbox("112.5,-7.9,112.5,-7.8").geom_type == "LineString"
    assert parse_bbox(" 112.5, -7.9, 112.5, -7.9 ").geom_type == "Point"
    assert parse_bbox("112.5,-7.9,112.6,-7.8").extent == (112.5, -7.9, 112.6, -7.8)
    assert parse_bbox("112.5,-7.9,0,112.6,-7.8,10").extent == (112.5, -7.9, 112.6, -7.8)


@pytest.mark.parametrize(("value", "limit"), [(None, 1000), ("1", 1), ("10000", 10000), ("10001", 10000), ("0042", 42)])
def test_limits(value, limit):
    assert parse_limit(value) == limit
