from django import template
from django.templatetags.static import static
from django.utils.html import format_html, json_script

from districts.selectors import is_staff_member

from .. import basemap as basemap_data

register = template.Library()


@register.simple_tag(takes_context=True)
def basemap(context):
    """On a page with a map: the basemap's configuration (tile address with its version, attribution)
    and the script that draws it on every Leaflet map of the page (static/maps/js/basemap.js)."""
    request = context.get("request")
    staff = bool(request and is_staff_member(request.user))
    config = json_script(basemap_data.page_config(staff=staff), "lapor-basemap")
    return format_html('{}<script src="{}"></script>', config, static("maps/js/basemap.js"))
