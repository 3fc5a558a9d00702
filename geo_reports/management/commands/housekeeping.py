from django.core.management.base import BaseCommand, CommandError

from geo_reports.services import reports_housekeeping


class Command(BaseCommand):
    help = (
        "Periodic work (make run calls it every minute): tell supervisors of newly overdue reports, close "
        "resolved reports after the confirmation window, and hand forgotten notifications to the worker."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", help="Act as if it were this time (ISO 8601), e.g. to check a backlog")

    def handle(self, *args, now=None, **options):
        moment = None
        if now:
            from django.utils.dateparse import parse_datetime

            moment = parse_datetime(now)
            if moment is None or moment.tzinfo is None:
                raise CommandError("--now needs an ISO 8601 time with a time zone, e.g. 2026-12-01T09:00:00+07:00")
        result = reports_housekeeping(now=moment)
        self.stdout.write(
            f"overdue notices: {result['overdue']}, closed: {result['closed']}, requeued: {result['requeued']}, "
            f"map cell rows merged: {result['map_cells_merged']}"
        )
