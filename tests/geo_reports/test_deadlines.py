"""Deadlines in hours, days, working hours and working days, across weekends and holidays."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from geo_reports.deadlines import due
from geo_reports.models import PublicHoliday

WIB = ZoneInfo("Asia/Jakarta")
pytestmark = pytest.mark.django_db


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=WIB)


@pytest.mark.parametrize(
    ("start", "amount", "unit", "expected"),
    [
        ("2026-11-27 10:00", 6, "hours", "2026-11-27 16:00"),  # plain hours run through the night
        ("2026-11-27 22:00", 6, "hours", "2026-11-28 04:00"),
        ("2026-11-27 10:00", 2, "days", "2026-11-29 10:00"),
        ("2026-11-27 10:00", 1, "working_days", "2026-11-30 10:00"),  # Friday → Monday
        ("2026-11-28 10:00", 1, "working_days", "2026-11-30 10:00"),  # Saturday → Monday
        ("2026-11-27 10:00", 5, "working_days", "2026-12-04 10:00"),
        ("2026-11-27 15:00", 3, "working_hours", "2026-11-30 10:00"),  # 1 h Friday, 2 h Monday
        ("2026-11-27 18:00", 1, "working_hours", "2026-11-30 09:00"),  # after hours: starts Monday 08:00
        ("2026-11-30 07:00", 8, "working_hours", "2026-11-30 16:00"),  # a whole office day
    ],
)
def test_deadlines(start, amount, unit, expected):
    assert due(at(start), amount, unit) == at(expected)


def test_a_holiday_does_not_count_as_a_working_day():
    # 25 December 2026 (Christmas, from fixtures/holidays.json) is a Friday.
    assert PublicHoliday.objects.filter(date="2026-12-25").exists()
    assert due(at("2026-12-24 09:00"), 1, "working_days") == at("2026-12-28 09:00")
    assert due(at("2026-12-24 15:00"), 2, "working_hours") == at("2026-12-28 09:00")


def test_a_new_holiday_moves_the_deadline():
    PublicHoliday.objects.create(date="2026-12-01", name="Hari libur daerah (uji)")
    assert due(at("2026-11-30 10:00"), 1, "working_days") == at("2026-12-02 10:00")
