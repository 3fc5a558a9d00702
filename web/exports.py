"""Links to the exports of the reports a page shows (analytics' export endpoints take the report
list's filters), for the staff inbox and the figures page."""

from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse

FORMATS = [("geojson", "GeoJSON"), ("csv", "CSV"), ("gpkg", "GeoPackage")]


def export_links(query: dict) -> list[dict]:
    """One link per format the site exports, each with the page's filters (`query`)."""
    links = []
    for fmt, label in FORMATS:
        try:
            url = reverse("analytics:report-export", kwargs={"fmt": fmt})
        except NoReverseMatch:  # a format this installation does not export
            continue
        links.append({"format": fmt, "label": label, "url": url + ("?" + urlencode(query) if query else "")})
    return links
