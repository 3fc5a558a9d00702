"""Deadlines from per-category targets: hours, days, working hours or working days.

Working time is Monday to Friday within settings.LAPOR_OFFICE_HOURS (local time), minus public
holidays (the PublicHoliday table, which the city keeps in the admin).
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings

from .models import PublicHoliday
from .models.categories import DeadlineUnit


def _local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE))


def holidays_between(start: dt.date, end: dt.date) -> set[dt.date]:
    return set(PublicHoliday.objects.filter(date__gte=start, date__lte=end).values_list("date", flat=True))


def is_working_day(day: dt.date, holidays: set[dt.date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: dt.datetime, days: int, holidays: set[dt.date]) -> dt.datetime:
    """`days` working days later, at the same local time (Friday 10:00 + 1 → Monday 10:00)."""
    moment = _local(start)
    counted = 0
    while counted < days:
        moment += dt.timedelta(days=1)
        if is_working_day(moment.date(), holidays):
            counted += 1
    return moment


def add_working_hours(start: dt.datetime, hours: int, holidays: set[dt.date]) -> dt.datetime:
    """`hours` of office time later; time outside office hours does not count."""
    opens, closes = settings.LAPOR_OFFICE_HOURS
    moment = _local(start)
    remaining = dt.timedelta(hours=hours)
    while True:
        day_open = moment.replace(hour=opens, minute=0, second=0, microsecond=0)
        day_close = moment.replace(hour=closes, minute=0, second=0, microsecond=0)
        if not is_working_day(moment.date(), holidays) or moment >= day_close:
            moment = (moment + dt.timedelta(days=1)).replace(hour=opens, minute=0, second=0, microsecond=0)
            continue
        moment = max(moment, day_open)
        available = day_close - moment
        if remaining <= available:
            return moment + remaining
        remaining -= available
        moment = day_close


def due(start: dt.datetime, amount: int, unit: str) -> dt.datetime:
    if unit == DeadlineUnit.HOURS:
        return start + dt.timedelta(hours=amount)
    if unit == DeadlineUnit.DAYS:
        return start + dt.timedelta(days=amount)
    # Generous window for the holiday lookup: weekends and holidays stretch the span.
    span_days = amount * 3 + 14 if unit == DeadlineUnit.WORKING_DAYS else amount // 4 + 21
    holidays = holidays_between(_local(start).date(), _local(start).date() + dt.timedelta(days=span_days))
    if unit == DeadlineUnit.WORKING_DAYS:
        return add_working_days(start, amount, holidays)
    return add_working_hours(start, amount, holidays)
