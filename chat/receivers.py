"""The chat app's answer to the report core's events (geo_reports.events), connected in
ChatConfig.ready()."""

from .services.outbound import report_change_tell


def on_report_updated(sender, *, update, **kwargs) -> None:
    report_change_tell(update=update)
