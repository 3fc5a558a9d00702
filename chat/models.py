"""The chat channels' own rows: conversations with citizens, the messages the platforms delivered
(kept until the worker has taken their step) and the messages to send (kept until sent).

Everything here is private: a chat id is a reporter's contact (on WhatsApp it is the phone number).
The platforms' message ids are kept only as hashes, since WhatsApp's encode the sender's number, and
what was said is cleared once it has been handled or sent.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Platform(models.TextChoices):
    WHATSAPP = "whatsapp", "WhatsApp"
    TELEGRAM = "telegram", "Telegram"


class Conversation(models.Model):
    """One chat with a citizen, and where the guided report in it stands."""

    class State(models.TextChoices):
        IDLE = "idle", _("Idle")
        LOCATION = "location", _("Asked for the location")
        PLACE = "place", _("Confirming a place found by name")
        CATEGORY = "category", _("Asked for the category")
        DUPLICATES = "duplicates", _("Offered nearby reports for +1")
        QUESTION = "question", _("Asking the category's questions")
        PHOTOS = "photos", _("Asked for photos")
        DESCRIPTION = "description", _("Asked for a description")
        CONFIRM = "confirm", _("Showed the summary")

    platform = models.CharField(_("platform"), max_length=10, choices=Platform.choices)
    chat_id = models.CharField(_("chat id"), max_length=64)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    language = models.CharField(_("language"), max_length=5, default="id")
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.IDLE)
    # The answers so far: place, category, question answers, description (photos are rows of their own).
    data = models.JSONField(_("answers so far"), default=dict, blank=True)
    # The citizen's last message: WhatsApp lets a business write freely only within 24 hours of it.
    last_inbound_at = models.DateTimeField(_("last message from the citizen"), null=True, blank=True)
    # The last step taken: a conversation idle for LAPOR_CHAT_IDLE_MINUTES starts over.
    stepped_at = models.DateTimeField(_("last step"), default=timezone.now)
    # While a worker sends this chat's messages (in order), others leave them to it.
    sending_until = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        constraints = [models.UniqueConstraint(fields=["platform", "chat_id"], name="conversation_one_per_chat")]
        indexes = [
            models.Index(fields=["stepped_at"], name="conversation_active_idx", condition=~Q(state="idle")),
        ]

    def __str__(self):
        return f"{self.get_platform_display()} #{self.pk} ({self.state})"

    @property
    def account(self) -> str:
        """The sender on the platform, as the abuse bounds count and block it."""
        return f"{self.platform}:{self.chat_id}"


class ConversationPhoto(models.Model):
    """A photo sent during a conversation: already checked and stripped of its metadata, kept until
    the report is sent or the conversation is given up."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="photos")
    content = models.BinaryField()
    extension = models.CharField(max_length=6)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"photo {self.pk} of conversation {self.conversation_id}"


class InboundMessage(models.Model):
    """A message or button press a platform's webhook delivered. Stored once per platform message id
    (platforms retry deliveries), handed to the worker, and emptied once its step is taken."""

    platform = models.CharField(_("platform"), max_length=10, choices=Platform.choices)
    key = models.CharField(max_length=64, editable=False)  # SHA-256 of the platform's message id
    chat_id = models.CharField(_("chat id"), max_length=64, blank=True)
    payload = models.JSONField(_("message"), default=dict, blank=True)
    sent_at = models.DateTimeField(_("sent"))
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    processed_at = models.DateTimeField(_("handled"), null=True, blank=True)

    class Meta:
        verbose_name = _("message received")
        verbose_name_plural = _("messages received")
        constraints = [models.UniqueConstraint(fields=["platform", "key"], name="inbound_once_per_message")]
        indexes = [
            models.Index(
                fields=["platform", "chat_id", "sent_at"], name="inbound_pending_idx", condition=Q(processed_at=None)
            ),
            models.Index(fields=["received_at"], name="inbound_received_idx"),
        ]

    def __str__(self):
        return f"{self.platform} {self.key[:12]}"


class OutboundMessage(models.Model):
    """A message to a chat, kept until it is sent: the worker sends a chat's messages in order and
    retries a failed one with growing delays, like notifications."""

    class Kind(models.TextChoices):
        REPLY = "reply", _("Reply in the conversation")
        STATUS = "status", _("Status change of a report")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed for good")

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="outbox")
    report = models.ForeignKey("geo_reports.Report", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.REPLY)
    # What to say (chat.replies.Reply as data), cleared once sent: it may hold the private link.
    payload = models.JSONField(_("message"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # Sent after "delete my data": once it is out, the conversation itself is deleted.
    forget_conversation = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("message to send")
        verbose_name_plural = _("messages to send")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["conversation", "id"], name="outbound_queued_idx", condition=Q(state="queued")),
            models.Index(fields=["state", "next_attempt_at"], name="outbound_due_idx"),
        ]

    def __str__(self):
        return f"{self.kind} #{self.pk} ({self.state})"
