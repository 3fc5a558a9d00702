"""Text that people send: refused when it holds characters that hide or reorder what it says, and
echoed safely in messages."""

import re
import unicodedata

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from rest_framework import serializers

# C0/C1 control characters (tab and newlines are fine) and bidirectional overrides, which can make
# text display differently from what it says.
FORBIDDEN_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def english() -> bool:
    """Whether the active language is English (texts are Indonesian otherwise)."""
    return (get_language() or "id").startswith("en")


def clean_text(value: str, field_label) -> str:
    """The text in Unicode normal form, trimmed; a ValidationError naming the field when it holds
    control or text-direction characters."""
    if FORBIDDEN_CHARACTERS.search(value):
        raise serializers.ValidationError(
            _("%(field)s contains control or text-direction characters; remove them.") % {"field": field_label}
        )
    return unicodedata.normalize("NFC", value).strip()


def printable(text: str, limit: int = 40) -> str:
    """Client text safe to echo in a message: control characters and lone surrogates (which no
    JSON or XML output can carry) escaped, and cut short."""
    return ascii(text[:limit])[1:-1] if not text[:limit].isprintable() or not text.isascii() else text[:limit]


def codes(value: str, limit: int = 50) -> list[str]:
    """A comma-separated parameter's values, trimmed, empty ones dropped."""
    return [part.strip() for part in value.split(",") if part.strip()][:limit]
