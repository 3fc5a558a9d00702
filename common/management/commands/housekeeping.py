from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from common import housekeeping


class Command(BaseCommand):
    help = (
        "Periodic work (make run calls it every minute), as registered by each app: tell supervisors of "
        "newly overdue reports, close resolved reports after the confirmation window, forget old rate "
        "counters, hand forgotten notifications to the worker, merge the map's cell counts, hand the news "
        "sources due to the worker."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", help="Act as if it were this time (ISO 8601), e.g. to check a backlog")
        parser.add_argument("--only", action="append", help="Run only this job (repeatable)")

    def handle(self, *args, now=None, only=None, **options):
        moment = None
        if now:
            moment = parse_datetime(now)
            if moment is None or moment.tzinfo is None:
                raise CommandError("--now needs an ISO 8601 time with a time zone, e.g. 2026-12-01T09:00:00+07:00")
        unknown = sorted(set(only or []) - set(housekeeping.job_names()))
        if unknown:
            raise CommandError(f"unknown job {unknown[0]}; jobs: {', '.join(housekeeping.job_names())}")
        results = housekeeping.run(now=moment, only=only)
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in results.items()))
        if any(isinstance(count, str) for count in results.values()):
            raise CommandError("a job failed; see the log above")
