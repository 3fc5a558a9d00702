import datetime as dt

from django import template
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from common.text import english

register = template.Library()


@register.filter
def localized(item, field: str) -> str:
    """`{{ event|localized:"title" }}`: the English text on English pages when there is one."""
    return item.localized(field)


@register.filter
def rupiah(value) -> str:
    """13500 → "Rp 13.500" (Indonesian) or "Rp 13,500" (English)."""
    if value is None or value == "":
        return "—"
    grouped = f"{int(value):,}"
    return "Rp " + (grouped if english() else grouped.replace(",", "."))


@register.filter
def plain_number(value) -> str:
    """13500 → "13.500" / "13,500", for table cells whose heading says "Rp"."""
    if value is None or value == "":
        return "—"
    grouped = f"{int(value):,}"
    return grouped if english() else grouped.replace(",", ".")


@register.simple_tag
def event_when(event) -> str:
    """When an event takes place, as the city writes it (city time): "Minggu, 29 November 2026 · 06.00-08.00",
    or over several days "8 Desember 09.00 - 10 Desember 2026 21.00" (with en dashes)."""
    start = timezone.localtime(event.starts_at)
    end = timezone.localtime(event.ends_at)
    clock = "%H:%M" if english() else "%H.%M"
    if start.date() == end.date():
        return f"{formats.date_format(start, 'l, j F Y')} · {start:{clock}}–{end:{clock}}"
    first = formats.date_format(start, "j F" if start.year == end.year else "j F Y")
    return f"{first} {start:{clock}} – {formats.date_format(end, 'j F Y')} {end:{clock}}"


@register.simple_tag
def closes_label(closes_on: dt.date) -> str:
    today = timezone.localdate()
    if closes_on < today:
        return _("Closed on %(date)s") % {"date": formats.date_format(closes_on, "j F Y")}
    if closes_on == today:
        return _("Closes today")
    if closes_on == today + dt.timedelta(days=1):
        return _("Closes tomorrow")
    return _("Closes on %(date)s") % {"date": formats.date_format(closes_on, "j F Y")}


@register.filter
def signed_change(value) -> str:
    """A price change: "▲ 500", "▼ 3.000" or "tetap"/"no change"."""
    if value is None:
        return "—"
    if value == 0:
        return _("no change")
    return ("▲ " if value > 0 else "▼ ") + plain_number(abs(value))
