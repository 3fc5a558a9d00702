"""What the platform tells people about reports, kept until it has been told."""

from django.db import models
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
