from django import template
from django.urls import translate_url
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from geo_reports.workflow import MAP_GROUPS
from web.strings import js_strings

register = template.Library()


@register.simple_tag(takes_context=True)
def other_language_link(context) -> dict:
    """The same page in the other language (Indonesian at /…, English at /en/…)."""
    request = context["request"]
    current = (get_language() or "id")[:2]
    target = "id" if current == "en" else "en"
    return {
        "url": translate_url(request.get_full_path(), target),
        "code": target,
        "label": target.upper(),
        "title": "Bahasa Indonesia" if target == "id" else "English",
    }


@register.simple_tag
def status_group(status: str) -> str:
    return next((group for group, statuses in MAP_GROUPS.items() if status in statuses), "open")


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def timesince_is_past(moment) -> bool:
    return bool(moment and moment < timezone.now())


@register.filter
def flag_label(flag: str) -> str:
    return js_strings()["flags"].get(flag, flag)


@register.filter
def moderation_label(action: str) -> str:
    """A moderation's timeline entry, as staff read it (geo_reports.services.moderation)."""
    return MODERATION_LABELS.get(action) or _("Moderated")


MODERATION_LABELS = {
    "redact": gettext_lazy("Public text changed"),
    "publish": gettext_lazy("Text published as written"),
    "keep_masked": gettext_lazy("Personal data kept hidden"),
    "photo_hidden": gettext_lazy("Photo hidden from the public"),
    "photo_shown": gettext_lazy("Photo shown in public again"),
    "hidden": gettext_lazy("Report hidden from the public"),
    "shown": gettext_lazy("Report shown in public again"),
}
