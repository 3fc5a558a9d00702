"""Periodic jobs (`manage.py housekeeping`, every minute under `make run`). Each app registers the
jobs that guard its own data in its AppConfig.ready(); this module only runs them, in registration
order, each in its own transaction, one failing job never stopping the others."""

import datetime as dt
import logging
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

Job = Callable[[dt.datetime], int]
_jobs: dict[str, Job] = {}


def register(name: str, job: Job) -> None:
    """`job(now)` does one round of work and returns how many things it handled."""
    _jobs[name] = job


def job_names() -> list[str]:
    return list(_jobs)


def run(*, now: dt.datetime | None = None, only: list[str] | None = None) -> dict[str, int | str]:
    """Run the jobs (or those named in `only`); their counts, or "failed: …" for a job that raised."""
    now = now or timezone.now()
    results: dict[str, int | str] = {}
    for name, job in _jobs.items():
        if only is not None and name not in only:
            continue
        try:
            with transaction.atomic():
                results[name] = job(now)
        except Exception as exc:
            logger.exception("housekeeping job %s failed", name)
            results[name] = f"failed: {exc.__class__.__name__}"
    return results
