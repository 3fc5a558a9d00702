"""Who may post to the Open311 interface: API keys, one per client application."""

import hashlib

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiKey(models.Model):
    """A client's key for POST requests (reading needs none).

    Only a SHA-256 hash of the key is kept, like the reporter's private link: a leaked database
    backup does not let anyone post in a client's name. The key itself is shown once, when it is made
    (services.api_key_create); `prefix` lets staff tell keys apart afterwards.
    """

    client_name = models.CharField(_("client"), max_length=120, help_text=_("Who uses this key, e.g. an app's name."))
    prefix = models.CharField(_("key starts with"), max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")
        ordering = ["client_name", "created_at"]

    def __str__(self):
        return f"{self.client_name} ({self.prefix}…)"


def key_hash_of(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()
