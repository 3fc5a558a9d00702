from django import template
from django.urls import translate_url
from django.utils import timezone
from django.utils.translation import get_language

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
