"""Newly resolved reports as RSS 2.0 and Atom, for the whole city or one desa, kelurahan or kecamatan,
so that residents and local media can follow what gets fixed where. Public fields only: the tracking
code, the category, the desa, when it was resolved and the public page's link; never the reporter's
contact, their answers or the description they wrote, nor staff notes."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from districts.models import Area

from .selectors import report_resolved_recent

ITEMS = 50
FEED_AREA_KINDS = (*Area.LOCAL_KINDS, Area.Kind.KECAMATAN)


class ResolvedReportsFeed(Feed):
    feed_type = Rss201rev2Feed
    url_name = "analytics_feeds:resolved-rss"

    def get_object(self, request, code: str | None = None):
        return get_object_or_404(Area, code=code, kind__in=FEED_AREA_KINDS) if code else None

    def title(self, area):
        return _("Resolved reports in %(area)s") % {"area": area.label if area else "Kota Batu"}

    def description(self, area):
        return _("Reports of problems in public places that the city has resolved, latest first.")

    subtitle = description

    def link(self, area):
        return reverse("web:statistics")

    def feed_url(self, area):
        return reverse(self.url_name, args=[area.code] if area else [])

    def items(self, area):
        return report_resolved_recent(area=area)[:ITEMS]

    def _title(self, report) -> str:
        place = report.desa.label if report.desa_id else "Kota Batu"
        return f"{report.category.label} · {place}"

    def item_title(self, report):
        return escape(self._title(report))

    def item_description(self, report):
        resolved = formats.date_format(timezone.localtime(report.resolved_at), "j F Y")
        sentence = _("Report %(code)s (%(category)s) in %(place)s was resolved on %(date)s.") % {
            "code": report.tracking_code,
            "category": report.category.label,
            "place": report.desa.label if report.desa_id else "Kota Batu",
            "date": resolved,
        }
        return f"<p>{escape(sentence)}</p>"

    def item_link(self, report):
        return reverse("web:report-detail", args=[report.tracking_code])

    def item_pubdate(self, report):
        return report.resolved_at

    def item_categories(self, report):
        return [report.category.label]


class ResolvedReportsAtomFeed(ResolvedReportsFeed):
    feed_type = Atom1Feed
    url_name = "analytics_feeds:resolved-atom"

    def item_title(self, report):
        return self._title(report)
