"""The worker fetches the news sources (django-tasks, database backend: `manage.py db_worker`), one task
per source, so that a slow feed only delays its own task; the housekeeping job hands it those due."""

import datetime as dt

from django_tasks import task

from ..models import NewsSource
from . import services

# A source handed to the worker is not handed again for this long (the task sets its next fetch).
LEASE = dt.timedelta(minutes=10)
# Sources handed over per housekeeping round: a city has a few dozen at most.
BATCH = 100


@task()
def fetch_news_source(source_id: int) -> str:
    source = NewsSource.objects.filter(pk=source_id, is_enabled=True).first()
    if source is None:
        return "disabled or deleted"
    return str(services.news_source_fetch(source=source))


def news_sources_queue(now: dt.datetime) -> int:
    """Housekeeping (inside its transaction): hand the worker the enabled sources whose next fetch is
    due, leased so that the next rounds do not hand them again while the worker is busy."""
    due = list(
        NewsSource.objects.select_for_update(skip_locked=True)
        .filter(is_enabled=True, next_fetch_at__lte=now)
        .order_by("next_fetch_at")
        .values_list("pk", flat=True)[:BATCH]
    )
    NewsSource.objects.filter(pk__in=due).update(next_fetch_at=now + LEASE)
    for pk in due:
        fetch_news_source.enqueue(pk)
    return len(due)
