"""The schedule end to end: the housekeeping job hands the news sources due to the real worker
(django-tasks' db_worker in its own process), which fetches the six kinds of feed from the outlets'
server on loopback; the failing ones are recorded on their sources and hold up nobody else."""

import time

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from city_info.models import NewsItem, NewsSource
from common import housekeeping
from tests.conftest import run_worker

from .news_server import ATOM_KEPT, RSS_KEPT, serve_outlets

pytestmark = pytest.mark.django_db
MAX_BYTES = 50_000


@pytest.fixture(scope="module")
def worker_round(committed, feed_server, app_env):
    """Seven sources (committed), one housekeeping round, one worker run; the sources are removed after."""
    urls = serve_outlets(feed_server, "/worker", max_bytes=MAX_BYTES)
    env = {**app_env, "LAPOR_NEWS_TIMEOUT_SECONDS": "1", "LAPOR_NEWS_MAX_BYTES": str(MAX_BYTES)}
    with committed():
        for kind, url in urls.items():
            NewsSource.objects.create(name=f"Pekerja {kind}", url=url)
        queued = housekeeping.run(now=timezone.now(), only=["news_sources_queued"])
        started = time.monotonic()
        output = run_worker(env)
        elapsed = time.monotonic() - started
    yield {"queued": queued, "output": output, "elapsed": elapsed}
    with committed():
        NewsSource.objects.filter(name__startswith="Pekerja ").delete()


def test_the_worker_fetches_the_sources_due_and_records_the_failing_ones(worker_round):
    assert worker_round["queued"] == {"news_sources_queued": 7}
    # Seven fetches, two of them cut off after the one-second timeout: the worker's start-up and a few
    # seconds, never the slow server's three seconds each on top of a stalled queue.
    assert worker_round["elapsed"] < 20, worker_round["elapsed"]
    sources = {s.name.removeprefix("Pekerja "): s for s in NewsSource.objects.filter(name__startswith="Pekerja ")}
    assert set(NewsItem.objects.filter(source=sources["rss"]).values_list("title", flat=True)) == RSS_KEPT
    assert set(NewsItem.objects.filter(source=sources["atom"]).values_list("title", flat=True)) == ATOM_KEPT
    for kind in ("rss", "atom"):
        assert (sources[kind].error_count, sources[kind].last_error) == (0, ""), kind
        assert sources[kind].next_fetch_at > timezone.now()
    for kind in ("malformed", "oversized", "slow", "trickling", "missing"):
        failing = sources[kind]
        assert failing.error_count == 1, kind
        assert failing.last_error and failing.last_error_at is not None, kind
        assert not NewsItem.objects.filter(source=failing).exists()
    # Each task finished (none raised), with what it did as its result.
    results = {
        row.args_kwargs["args"][0]: (row.status, row.return_value)
        for row in DBTaskResult.objects.filter(task_path="city_info.news.tasks.fetch_news_source")
    }
    assert results[sources["rss"].pk] == ("SUCCESSFUL", "Pekerja rss: 3 new, 0 updated, 2 not about the city")
    assert results[sources["missing"].pk][0] == "SUCCESSFUL"
    assert results[sources["missing"].pk][1].startswith("Pekerja missing: failed: ")
