from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from common import housekeeping
        from geo_reports import events

        from . import receivers, tasks

        events.report_received.connect(receivers.on_report_received, dispatch_uid="notifications.received")
        events.report_updated.connect(receivers.on_report_updated, dispatch_uid="notifications.updated")
        events.report_overdue.connect(receivers.on_report_overdue, dispatch_uid="notifications.overdue")
        housekeeping.register("requeued", tasks.notifications_requeue)
