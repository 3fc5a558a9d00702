"""The footer of every page (templates/web/_footer.html): the emergency lines and the links to what
the service is, its privacy notice and its terms. Read from the settings when the page is drawn."""

import re

from django import template
from django.conf import settings

register = template.Library()

EMERGENCY_NUMBER = "112"  # Indonesia's single emergency number: police, ambulance, fire, rescue


@register.simple_tag
def emergency_lines() -> list[dict]:
    """112 always; the city's disaster hotline when its number is set."""
    lines = [{"number": EMERGENCY_NUMBER, "tel": EMERGENCY_NUMBER, "name": ""}]
    if settings.LAPOR_DISASTER_HOTLINE.strip():
        number = settings.LAPOR_DISASTER_HOTLINE.strip()
        lines.append({"number": number, "tel": tel_href(number), "name": settings.LAPOR_DISASTER_HOTLINE_NAME})
    return lines


@register.filter
def tel_href(number: str) -> str:
    """A phone number as written ("(0341) 512-345", "+62 812 …") → what a tel: link dials."""
    number = str(number).strip()
    return ("+" if number.startswith("+") else "") + re.sub(r"\D", "", number)


@register.simple_tag
def operator_name() -> str:
    return settings.LAPOR_OPERATOR_NAME
