"""The city's own feeds (Django's syndication framework, GeoRSS where an item has a place), so that local
media and residents can follow the city in their own readers: announcements and news, and upcoming
events, each as RSS 2.0 and Atom, in the page's language (/en/… for English). Each page links its feeds
with <link rel="alternate">.

Texts are the staff's plain text: an RSS title is escaped once more (readers take it as HTML), an Atom
title is text as it is, and a description is the text escaped into HTML with its line breaks."""

import datetime as dt

from django.contrib.gis.feeds import Feed, GeoAtom1Feed, GeoRSSFeed
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _

from . import selectors
from .templatetags.city_info import event_when

ITEMS = 50


def _html(text: str) -> str:
    return linebreaks(text, autoescape=True)


class AnnouncementsFeed(Feed):
    feed_type = GeoRSSFeed

    def title(self):
        return _("Announcements and news of the Kota Batu government")

    def description(self):
        return _("Road closures, water and power interruptions, warnings and news from the city and its agencies.")

    subtitle = description

    def link(self):
        return reverse("city_info:announcements")

    def feed_url(self):
        return reverse("city_info:announcements-rss")

    def items(self):
        return selectors.announcement_public()[:ITEMS]

    def item_title(self, item):
        return escape(item.localized("title"))

    def item_description(self, item):
        return _html(item.localized("body"))

    def item_link(self, item):
        return reverse("city_info:announcement-detail", args=[item.pk])

    def item_pubdate(self, item):
        return dt.datetime.combine(item.published_on, dt.time.min, tzinfo=timezone.get_current_timezone())

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.agency.name

    def item_categories(self, item):
        return [item.get_kind_display(), *([item.area.label] if item.area_id else [])]

    def item_geometry(self, item):
        return item.location


class AnnouncementsAtomFeed(AnnouncementsFeed):
    feed_type = GeoAtom1Feed

    def feed_url(self):
        return reverse("city_info:announcements-atom")

    def item_title(self, item):
        return item.localized("title")


class EventsFeed(Feed):
    feed_type = GeoRSSFeed

    def title(self):
        return _("Upcoming events in Kota Batu")

    def description(self):
        return _("Upcoming events of the city government and of citizens, with their place on the map.")

    subtitle = description

    def link(self):
        return reverse("city_info:events")

    def feed_url(self):
        return reverse("city_info:events-rss")

    def items(self):
        return selectors.event_upcoming()[:ITEMS]

    def item_title(self, event):
        return escape(event.localized("title"))

    def item_description(self, event):
        facts = [event_when(event), event.place_name, f"{_('Organiser:')} {event.organiser}"]
        return _html("\n".join(fact for fact in facts if fact)) + _html(event.localized("description"))

    def item_link(self, event):
        return reverse("city_info:event-detail", args=[event.pk])

    def item_pubdate(self, event):
        return event.created_at

    def item_updateddate(self, event):
        return event.updated_at

    def item_author_name(self, event):
        return event.organiser

    def item_geometry(self, event):
        return event.location


class EventsAtomFeed(EventsFeed):
    feed_type = GeoAtom1Feed

    def feed_url(self):
        return reverse("city_info:events-atom")

    def item_title(self, event):
        return event.localized("title")
