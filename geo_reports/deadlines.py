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


def _holiday_window(amount: int, unit: str) -> int:
    """Days after the start whose holidays can matter: weekends and holidays stretch the span."""
    if unit == DeadlineUnit.WORKING_DAYS:
        return amount * 3 + 14
    if unit == DeadlineUnit.WORKING_HOURS:
        return amount // 4 + 21
    return 0


def due(start: dt.datetime, amount: int, unit: str, holidays: set[dt.date] | None = None) -> dt.datetime:
    """The deadline `amount` `unit`s after `start`. `holidays`: the holidays from the start's day on,
    when the caller already read them (dues_of reads them once for several deadlines)."""
    if unit == DeadlineUnit.HOURS:
        return start + dt.timedelta(hours=amount)
    if unit == DeadlineUnit.DAYS:
        return start + dt.timedelta(days=amount)
    if holidays is None:
        first = _local(start).date()
        holidays = holidays_between(first, first + dt.timedelta(days=_holiday_window(amount, unit)))
    if unit == DeadlineUnit.WORKING_DAYS:
        return add_working_days(start, amount, holidays)
    return add_working_hours(start, amount, holidays)


def dues_of(start: dt.datetime, targets: list[tuple[int, str]]) -> list[dt.datetime]:
    """Several deadlines from the same start (a report's acknowledge and resolve targets), reading
    the holidays at most once."""
    window = max((_holiday_window(amount, unit) for amount, unit in targets), default=0)
    holidays = None
    if window:
        first = _local(start).date()
        holidays = holidays_between(first, first + dt.timedelta(days=window))
    return [due(start, amount, unit, holidays) for amount, unit in targets]
