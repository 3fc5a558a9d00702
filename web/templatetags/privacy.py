"""What the reporter's private page says about their contact details (templates/web/_erase_contact.html)."""

from django import template

from geo_reports.services.contact import report_has_contact as contact_kept

register = template.Library()


@register.simple_tag
def report_has_contact(report) -> bool:
    return contact_kept(report)
