"""Writes of the city's information. Who may call them is city_info.policy's business (the API and the
staff pages check it first). What makes an item valid is the models' validation, run here before every
write (the place inside Kota Batu and inside the announcement's area, an event ending after it starts:
in the models' clean(), so that the admin holds the same rules) and the price rules below (a plausible
range, not in the future). Invalid input raises django.core.exceptions.ValidationError keyed by model
field, with every fault at once.
"""

import datetime as dt
from typing import Any

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from districts.models import Agency, Area

from .models import MAX_PRICE_RUPIAH, Announcement, Commodity, Event, JobVacancy, Market, PageVisit, Price

EVENT_FIELDS = frozenset(
    {
        "agency",
        "title",
        "title_en",
        "description",
        "description_en",
        "organiser_name",
        "place_name",
        "location",
        "starts_at",
        "ends_at",
    }
)
JOB_FIELDS = frozenset(
    {
        "agency",
        "employer",
        "position",
        "position_en",
        "description",
        "description_en",
        "place_name",
        "location",
        "closes_on",
        "how_to_apply",
        "how_to_apply_en",
    }
)
ANNOUNCEMENT_FIELDS = frozenset(
    {"agency", "kind", "title", "title_en", "body", "body_en", "published_on", "area", "location"}
)


def _save(instance) -> None:
    """Model validation (the place inside Kota Batu and its area, an event ending after it starts: see
    the models' clean()), every message at once, then the row. The constraints are the database's."""
    instance.full_clean(validate_constraints=False)
    instance.save()


def _apply(instance, data: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise TypeError(f"cannot change {sorted(unknown)} of {type(instance).__name__}")
    for name, value in data.items():
        setattr(instance, name, value)


# --- Events -----------------------------------------------------------------------------------


@transaction.atomic
def event_create(
    *,
    agency: Agency,
    title: str,
    description: str,
    location: Point,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    title_en: str = "",
    description_en: str = "",
    organiser_name: str = "",
    place_name: str = "",
    created_by=None,
    is_demo: bool = False,
) -> Event:
    event = Event(
        agency=agency,
        title=title,
        title_en=title_en,
        description=description,
        description_en=description_en,
        organiser_name=organiser_name,
        place_name=place_name,
        location=location,
        starts_at=starts_at,
        ends_at=ends_at,
        created_by=created_by,
        is_demo=is_demo,
    )
    _save(event)
    return event


@transaction.atomic
def event_update(*, event: Event, data: dict[str, Any]) -> Event:
    _apply(event, data, EVENT_FIELDS)
    _save(event)
    return event


@transaction.atomic
def event_delete(*, event: Event) -> None:
    event.delete()


# --- Job vacancies ----------------------------------------------------------------------------


@transaction.atomic
def job_create(
    *,
    agency: Agency,
    employer: str,
    position: str,
    description: str,
    location: Point,
    closes_on: dt.date,
    how_to_apply: str,
    position_en: str = "",
    description_en: str = "",
    how_to_apply_en: str = "",
    place_name: str = "",
    created_by=None,
    is_demo: bool = False,
) -> JobVacancy:
    job = JobVacancy(
        agency=agency,
        employer=employer,
        position=position,
        position_en=position_en,
        description=description,
        description_en=description_en,
        place_name=place_name,
        location=location,
        closes_on=closes_on,
        how_to_apply=how_to_apply,
        how_to_apply_en=how_to_apply_en,
        created_by=created_by,
        is_demo=is_demo,
    )
    _save(job)
    return job


@transaction.atomic
def job_update(*, job: JobVacancy, data: dict[str, Any]) -> JobVacancy:
    _apply(job, data, JOB_FIELDS)
    _save(job)
    return job


@transaction.atomic
def job_delete(*, job: JobVacancy) -> None:
    job.delete()


# --- Announcements and news -------------------------------------------------------------------


@transaction.atomic
def announcement_create(
    *,
    agency: Agency,
    title: str,
    body: str,
    kind: str = Announcement.Kind.ANNOUNCEMENT,
    published_on: dt.date | None = None,
    title_en: str = "",
    body_en: str = "",
    area: Area | None = None,
    location: Point | None = None,
    created_by=None,
    is_demo: bool = False,
) -> Announcement:
    announcement = Announcement(
        agency=agency,
        kind=kind,
        title=title,
        title_en=title_en,
        body=body,
        body_en=body_en,
        published_on=published_on or timezone.localdate(),
        area=area,
        location=location,
        created_by=created_by,
        is_demo=is_demo,
    )
    _save(announcement)
    return announcement


@transaction.atomic
def announcement_update(*, announcement: Announcement, data: dict[str, Any]) -> Announcement:
    _apply(announcement, data, ANNOUNCEMENT_FIELDS)
    _save(announcement)
    return announcement


@transaction.atomic
def announcement_delete(*, announcement: Announcement) -> None:
    announcement.delete()


# --- Food prices ------------------------------------------------------------------------------


def _validate_price(*, market: Market, commodity: Commodity, date: dt.date, price: int) -> None:
    errors: dict[str, list[str]] = {}
    if date > timezone.localdate():
        errors["date"] = [_("Prices can only be recorded for today or earlier.")]
    if not market.is_active:
        errors["market"] = [_("This market is no longer active.")]
    if not commodity.is_active:
        errors["commodity"] = [_("This commodity is no longer watched.")]
    if isinstance(price, bool) or not isinstance(price, int) or not 1 <= price <= MAX_PRICE_RUPIAH:
        errors["price"] = [_("Enter the price in whole rupiah, from 1 to 5,000,000.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def price_record(
    *,
    market: Market,
    commodity: Commodity,
    date: dt.date,
    price: int,
    recorded_by=None,
    is_demo: bool = False,
) -> tuple[Price, bool]:
    """The price of `commodity` at `market` on `date`: recorded, or corrected when one was recorded
    already. Returns the row and whether it is new."""
    _validate_price(market=market, commodity=commodity, date=date, price=price)
    return Price.objects.update_or_create(
        market=market,
        commodity=commodity,
        date=date,
        defaults={"price": price, "recorded_by": recorded_by, "is_demo": is_demo},
    )


@transaction.atomic
def prices_record(*, market: Market, date: dt.date, prices: dict[Commodity, int], recorded_by=None) -> int:
    """One market's survey of the day: several commodities at once, all or nothing. A price equal to the
    one recorded already is left alone (with its recorder). Returns how many were recorded or corrected."""
    recorded = dict(Price.objects.filter(market=market, date=date).values_list("commodity_id", "price"))
    errors: dict[str, list[str]] = {}
    changed = 0
    for commodity, price in prices.items():
        if recorded.get(commodity.pk) == price:
            continue
        try:
            price_record(market=market, commodity=commodity, date=date, price=price, recorded_by=recorded_by)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                key = commodity.code if name == "price" else name
                errors.setdefault(key, []).extend(m for m in messages if m not in errors.get(key, []))
        else:
            changed += 1
    if errors:
        raise ValidationError(errors)
    return changed


# --- Page visits ------------------------------------------------------------------------------

# One statement, so that simultaneous views of a page never lose a count (the ORM cannot say this).
PAGE_VISIT_SQL = """
INSERT INTO {table} (day, path, views) VALUES (%s, %s, 1)
ON CONFLICT (day, path) DO UPDATE SET views = {table}.views + 1
"""


def page_visit_count(*, path: str, day: dt.date) -> None:
    """One more view of the page at `path` on `day`: nothing else about the visit is kept."""
    with connection.cursor() as cursor:
        cursor.execute(PAGE_VISIT_SQL.format(table=PageVisit._meta.db_table), [day, path[:200]])
