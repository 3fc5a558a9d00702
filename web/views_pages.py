"""The pages about the service itself: what it is (/tentang/), the privacy notice (/privasi/) and the
terms of use (/ketentuan/). Each is one template per language (web/pages/<name>_<language>.html):
long texts read better whole than cut into messages. The figures they state come from the settings
and the code that keeps the promise, so the pages say what the platform does."""

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_GET

from geo_reports import abuse
from maps.basemap import attribution

# When the texts last changed (the privacy notice must say it). A change of what they promise
# changes the date too.
PRIVACY_NOTICE_DATE = dt.date(2026, 12, 6)
TERMS_DATE = dt.date(2026, 12, 6)


def _language(request) -> str:
    return "en" if (getattr(request, "LANGUAGE_CODE", "") or "").startswith("en") else "id"


def service_facts() -> dict:
    """What the texts state about the running service, as configured."""
    tile_host = urlsplit(settings.LAPOR_TILE_URL).hostname if settings.LAPOR_TILE_URL else ""
    return {
        "operator": settings.LAPOR_OPERATOR_NAME,
        "privacy_email": settings.LAPOR_PRIVACY_CONTACT_EMAIL,
        "hotline": settings.LAPOR_DISASTER_HOTLINE,
        "hotline_name": settings.LAPOR_DISASTER_HOTLINE_NAME,
        "retention_days": settings.LAPOR_CONTACT_RETENTION_DAYS,
        "auto_close_days": settings.LAPOR_AUTO_CLOSE_DAYS,
        "reopen_days": settings.LAPOR_REOPEN_DAYS,
        "counters_hours": int(abuse.COUNTERS_KEPT.total_seconds() // 3600),
        "chat_idle_minutes": settings.LAPOR_CHAT_IDLE_MINUTES,
        "photo_limit": settings.LAPOR_PHOTOS_PER_REPORT,
        "tile_host": tile_host,
        "nominatim": settings.LAPOR_GEOCODER == "nominatim",
        "reporter_gateway": bool(settings.LAPOR_REPORTER_WEBHOOK_URL),
        "counts_page_views": settings.LAPOR_COUNT_PAGE_VIEWS,
    }


def _page(request, name: str, extra: dict | None = None):
    context = {"nav": name, **service_facts(), **(extra or {})}
    return render(request, f"web/pages/{name}_{_language(request)}.html", context)


@require_GET
def about(request):
    return _page(request, "about", {"map_credits": attribution()})


@require_GET
def privacy(request):
    return _page(request, "privacy", {"notice_date": PRIVACY_NOTICE_DATE})


@require_GET
def terms(request):
    return _page(request, "terms", {"terms_date": TERMS_DATE})
