"""The notifications app's answers to the report core's events (geo_reports.events), connected in
NotificationsConfig.ready()."""

from geo_reports.models.reports import Channel

from . import services


def on_report_received(sender, *, report, **kwargs) -> None:
    if report.channel != Channel.DEMO:  # demo data tells nobody
        services.notify_received(report)


def on_report_updated(sender, *, update, **kwargs) -> None:
    services.notify_update(update)


def on_report_overdue(sender, *, report, **kwargs) -> None:
    services.notify_overdue(report)


def on_report_assigned(sender, *, report, assignee, actor=None, **kwargs) -> None:
    services.notify_assigned(report, assignee, actor)


def on_report_co_handling_added(sender, *, report, agency, **kwargs) -> None:
    services.notify_co_handling(report, agency)


def on_reporter_link_requested(sender, *, report, token, **kwargs) -> None:
    services.notify_private_link(report, token)
