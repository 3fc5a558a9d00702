"""What the platform tells people about reports, kept until it has been told."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from districts.models import Agency
from geo_reports.models import Report


class Notification(models.Model):
    """A message to send (to an agency or a reporter), kept until it is sent: the durable outbox the
    worker drains. A failed attempt is retried with growing delays."""

    class Channel(models.TextChoices):
        AGENCY_EMAIL = "agency_email", _("Agency by email")
        AGENCY_WEBHOOK = "agency_webhook", _("Agency by webhook")
        AGENCY_OPEN311 = "agency_open311", _("Agency by Open311")
        REPORTER_EMAIL = "reporter_email", _("Reporter by email")
        REPORTER_WEBHOOK = "reporter_webhook", _("Reporter by SMS/WhatsApp gateway")
        SUPERVISOR_EMAIL = "supervisor_email", _("Supervisor by email")
        REPORTER_PUSH = "reporter_push", _("Reporter by push notification")
        STAFF_PUSH = "staff_push", _("Staff by push notification")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed for good")

    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="notifications")
    agency = models.ForeignKey(Agency, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    event = models.CharField(_("event"), max_length=20)
    payload = models.JSONField(_("payload"), default=dict)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="notification_due_idx")]

    def __str__(self):
        return f"{self.get_channel_display()} · {self.event} · {self.report_id}"


class PushSubscription(models.Model):
    """A browser's Web Push subscription (its push service's endpoint and the keys that encrypt for it),
    stored with its holder's consent. It follows either one report (its reporter opted in through the
    private link) or a staff member (assignments; overdue reports for supervisors). Personal data: in
    no public output or log line; deleted on unsubscribe, when the push service says it is gone (404,
    410), when the reporter's contact is erased and once the report has ended."""

    class Language(models.TextChoices):
        INDONESIAN = "id", "Bahasa Indonesia"
        ENGLISH = "en", "English"

    endpoint = models.URLField(_("endpoint"), max_length=1000)
    p256dh = models.CharField(_("public key (p256dh)"), max_length=100)
    auth = models.CharField(_("auth secret"), max_length=40)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.INDONESIAN)
    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, null=True, blank=True, related_name="push_subscriptions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="push_subscriptions"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(report__isnull=False, user__isnull=True) | Q(report__isnull=True, user__isnull=False),
                name="push_follows_a_report_or_a_user",
            ),
            # One browser follows a report once; a browser belongs to one staff member at a time.
            models.UniqueConstraint(
                fields=["endpoint", "report"], condition=Q(report__isnull=False), name="push_endpoint_report_unique"
            ),
            models.UniqueConstraint(
                fields=["endpoint"], condition=Q(user__isnull=False), name="push_endpoint_staff_unique"
            ),
        ]
        indexes = [models.Index(fields=["endpoint"], name="push_endpoint_idx")]

    def __str__(self):
        target = f"report {self.report_id}" if self.report_id else f"user {self.user_id}"
        return f"{_('push subscription')} {self.pk} · {target}"
