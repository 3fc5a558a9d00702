"""Writes of the news sources: setting one up, and one source's fetch with the items it keeps.

A fetch never raises for the feed's fault. A feed that cannot be read (slow, too large, gone, not a
feed) is recorded on its source (errors in a row, the last error and when) and tried again later, each
failure in a row doubling the wait; the other sources and the pages never notice. Items are stored once
per source (by the feed's id, or its link); a corrected title or summary updates the stored one.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import NewsItem, NewsSource
from . import fetching, parsing, selectors

logger = logging.getLogger(__name__)

# A failing source waits its interval, then twice, four times... as long, up to a day.
MAX_BACKOFF = dt.timedelta(days=1)


@dataclass(frozen=True)
class FetchOutcome:
    source: NewsSource
    added: int = 0
    updated: int = 0
    not_about_the_city: int = 0
    not_modified: bool = False
    error: str = ""

    def __str__(self) -> str:
        """One line for the command's output and the worker's task result."""
        if self.error:
            return f"{self.source.name}: failed: {self.error}"
        if self.not_modified:
            return f"{self.source.name}: not modified"
        return (
            f"{self.source.name}: {self.added} new, {self.updated} updated, "
            f"{self.not_about_the_city} not about the city"
        )


@transaction.atomic
def news_source_save(
    *, name: str, url: str, keywords: str = "", is_enabled: bool = True, fetch_interval_minutes: int = 30
) -> tuple[NewsSource, bool]:
    """The source of this name, created or changed to these values (validated; ValidationError by
    field). Returns it and whether it is new. A changed address is fetched at the next round, afresh."""
    source = NewsSource.objects.filter(name=name).first() or NewsSource(name=name)
    created = source.pk is None
    if source.url != url:
        source.etag, source.last_modified, source.next_fetch_at = "", "", timezone.now()
    source.url = url
    source.keywords = keywords
    source.is_enabled = is_enabled
    source.fetch_interval_minutes = fetch_interval_minutes
    source.full_clean()
    source.save()
    return source, created


def news_source_fetch(*, source: NewsSource, now: dt.datetime | None = None) -> FetchOutcome:
    """Fetch `source` now (a conditional GET, bounded in time and size) and store its new items about
    the city. No transaction is held while the feed is read."""
    now = now or timezone.now()
    try:
        response = fetching.fetch(source.url, etag=source.etag, last_modified=source.last_modified)
        entries = (
            None
            if response.content is None
            else parsing.parse_feed(response.content, url=response.url, content_type=response.content_type)
        )
    except (fetching.FetchError, parsing.ParseError) as exc:
        return _failed(source, str(exc), now)
    except Exception as exc:  # a third party's bytes must not stop the other sources
        logger.exception("news source %s: unexpected failure", source.pk)
        return _failed(source, _("Unexpected error: %(error)s") % {"error": exc.__class__.__name__}, now)

    with transaction.atomic():
        outcome = FetchOutcome(source=source, not_modified=True) if entries is None else _store(source, entries, now)
        source.etag, source.last_modified = response.etag[:300], response.last_modified[:100]
        source.last_fetched_at = source.last_success_at = now
        source.error_count = 0
        source.next_fetch_at = now + dt.timedelta(minutes=source.fetch_interval_minutes)
        source.save(
            update_fields=[
                "etag",
                "last_modified",
                "last_fetched_at",
                "last_success_at",
                "error_count",
                "next_fetch_at",
            ]
        )
    return outcome


def _store(source: NewsSource, entries: list[parsing.Entry], now: dt.datetime) -> FetchOutcome:
    keywords = parsing.Keywords.from_lines(source.keywords, default=selectors.default_keywords())
    about_the_city = [entry for entry in entries if keywords.match(entry.text)]
    find_areas = selectors.area_finder()
    stored = {item.key: item for item in source.items.filter(key__in=[e.key for e in about_the_city])}
    added = updated = 0
    for entry in about_the_city:
        values = {"title": entry.title, "excerpt": entry.excerpt, "link": entry.link}
        item = stored.get(entry.key)
        if item is None:
            # An item dated in the future (a wrong clock at the outlet) would stay on top for days.
            published = min(entry.published_at or now, now)
            item, created = NewsItem.objects.get_or_create(
                source=source, key=entry.key, defaults={**values, "published_at": published}
            )
            if not created:
                continue  # stored a moment ago by another fetch of the same source
            added += 1
        elif any(getattr(item, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(item, name, value)
            item.save(update_fields=list(values))
            updated += 1
        else:
            continue
        item.areas.set(find_areas(entry.text))
    return FetchOutcome(
        source=source, added=added, updated=updated, not_about_the_city=len(entries) - len(about_the_city)
    )


def _failed(source: NewsSource, error: str, now: dt.datetime) -> FetchOutcome:
    errors = source.error_count + 1
    wait = min(dt.timedelta(minutes=source.fetch_interval_minutes) * 2 ** min(errors - 1, 10), MAX_BACKOFF)
    NewsSource.objects.filter(pk=source.pk).update(
        error_count=F("error_count") + 1,
        last_error=error[:500],
        last_error_at=now,
        last_fetched_at=now,
        next_fetch_at=now + wait,
    )
    source.refresh_from_db(fields=["error_count", "last_error", "last_error_at", "last_fetched_at", "next_fetch_at"])
    logger.warning("news source %s (%s): %s", source.pk, source.url, error)
    return FetchOutcome(source=source, error=error)


@transaction.atomic
def news_source_fetch_soon(*, sources, now: dt.datetime | None = None) -> int:
    """Have these sources fetched at the worker's next round (the admin's action); how many."""
    return sources.filter(is_enabled=True).update(next_fetch_at=now or timezone.now())
