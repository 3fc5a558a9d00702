from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from common import housekeeping
        from geo_reports import events

        from . import erasure, push, receivers, tasks

        events.report_received.connect(receivers.on_report_received, dispatch_uid="notifications.received")
        events.report_updated.connect(receivers.on_report_updated, dispatch_uid="notifications.updated")
        events.report_overdue.connect(receivers.on_report_overdue, dispatch_uid="notifications.overdue")
        events.report_assigned.connect(receivers.on_report_assigned, dispatch_uid="notifications.assigned")
        events.report_co_handling_added.connect(
            receivers.on_report_co_handling_added, dispatch_uid="notifications.co_handling"
        )
        events.report_contact_erased.connect(erasure.on_report_contact_erased, dispatch_uid="notifications.erased")
        events.reporter_link_requested.connect(receivers.on_reporter_link_requested, dispatch_uid="notifications.link")
        housekeeping.register("requeued", tasks.notifications_requeue)
        housekeeping.register("push_ended", push.push_subscriptions_ended)
