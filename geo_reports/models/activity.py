"""What staff did (the audit log), and the bounds on abuse (the blocklist, rate counters)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .reports import Report


class AuditEntry(models.Model):
    """One staff action with the state before and after. Append-only: the database refuses UPDATE
    and DELETE, and only administrators read it."""

    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), on_delete=models.PROTECT, null=True, blank=True
    )
    actor_role = models.CharField(_("role"), max_length=12)
    action = models.CharField(_("action"), max_length=20)
    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.PROTECT, related_name="audit")
    before = models.JSONField(_("before"), default=dict)
    after = models.JSONField(_("after"), default=dict)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_role} {self.action} {self.report_id}"


class Blocklist(models.Model):
    """Senders the administrators have blocked: by IP address, phone number, email address or chat
    account ("telegram:<chat id>", "whatsapp:<phone number>")."""

    class Kind(models.TextChoices):
        IP = "ip", _("IP address")
        PHONE = "phone", _("Phone number")
        EMAIL = "email", _("Email address")
        CHAT = "chat", _("Chat account")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    value = models.CharField(_("value"), max_length=254, help_text=_("Compared without spaces, dashes or case."))
    note = models.CharField(_("note"), max_length=250, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("blocklist entry")
        verbose_name_plural = _("blocklist")
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="blocklist_unique_value")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.value}"

    def save(self, *args, **kwargs):
        self.value = self.normalize(self.kind, self.value)
        super().save(*args, **kwargs)

    @staticmethod
    def normalize(kind: str, value: str) -> str:
        value = (value or "").strip().lower()
        if kind == Blocklist.Kind.PHONE:
            digits = "".join(ch for ch in value if ch.isdigit())
            return "62" + digits[1:] if digits.startswith("0") else digits  # 0812… and +62812… are one number
        if kind == Blocklist.Kind.CHAT:
            platform, _colon, account = value.partition(":")
            if platform == "whatsapp":  # a WhatsApp account is a phone number
                account = Blocklist.normalize(Blocklist.Kind.PHONE, account)
            return f"{platform}:{account.strip()}"
        return value


class RateCounter(models.Model):
    """How many times a key (an IP, a device) did something in a fixed window; shared by every
    server process through the database."""

    key = models.CharField(max_length=200)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="ratecounter_unique_window")]
        indexes = [models.Index(fields=["window_start"], name="ratecounter_window_idx")]

    def __str__(self):
        return f"{self.key} @ {self.window_start:%Y-%m-%d %H:00}: {self.count}"
