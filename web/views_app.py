"""The installable app: its manifest, its service worker (web/service_worker.js, served from the site's
root so that it may look after every page), the page shown offline, and "Laporan saya", the
citizen's own reports kept on the device.

The service worker's release is the hash of the static files' manifest and of its own code: every
new release of any page's CSS or JavaScript makes a new worker, which precaches that release's pages
and assets and then removes the old release's caches (no mix of old and new)."""

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from geo_reports.workflow import MAP_GROUPS

from .views import api_urls

SERVICE_WORKER = Path(__file__).resolve().parent / "service_worker.js"
# What a phone keeps of what it has seen (basemap tiles, report data, photos), oldest out first.
RUNTIME_CACHE_BYTES = 30 * 1024 * 1024


def _pages() -> list[str]:
    """The pages that work offline from the first visit on: the city's language's, and the offline page
    in English (English pages join the shell as they are visited)."""
    with translation.override("id"):
        pages = [reverse("web:home"), reverse("web:report"), reverse("web:my-reports"), reverse("web:offline")]
    return [*pages, _offline_url("en")]


def _shell_pages() -> list[str]:
    """Every page the shell may hold (both languages): a visit to one keeps it up to date."""
    shell = []
    for language in ("id", "en"):
        with translation.override(language):
            shell += [reverse("web:home"), reverse("web:report"), reverse("web:my-reports"), reverse("web:offline")]
    return shell


@lru_cache(maxsize=1)
def _static_release() -> str:
    """A fingerprint of the collected static files (their hashed names), or of nothing in development."""
    manifest = getattr(staticfiles_storage, "manifest_name", None)
    try:
        return hashlib.sha256(staticfiles_storage.open(manifest).read()).hexdigest() if manifest else "dev"
    except (OSError, ValueError):
        return "dev"


@require_GET
def service_worker(request):
    """The worker, checked by the browser on every visit (a new release is found at once): answered
    304 while the release is the same, so the check costs a few hundred bytes."""
    code = SERVICE_WORKER.read_text()
    config = {
        "pages": _pages(),
        "shell": _shell_pages(),
        "offline": {"id": _offline_url("id"), "en": _offline_url("en")},
        "outbox": static("web/js/outbox.js"),
        "crew": static("web/js/crew.js"),  # the field crew's queue and saved tickets (issue #16)
        "icon": static("web/icons/icon-192.png"),
        "runtimeBytes": RUNTIME_CACHE_BYTES,
    }
    release = hashlib.sha256((_static_release() + json.dumps(config, sort_keys=True) + code).encode()).hexdigest()
    etag = f'"{release[:32]}"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        head = f"self.LAPOR_SW = {json.dumps({**config, 'version': release[:16]})};\n"
        response = HttpResponse(head + code, content_type="text/javascript; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"  # may be kept, but asked about each time
    response["Service-Worker-Allowed"] = "/"
    return response


def _offline_url(language: str) -> str:
    with translation.override(language):
        return reverse("web:offline")


@require_GET
@cache_control(max_age=3600, public=True)
def manifest(request):
    """The web app manifest (Indonesian: the city's language; the pages themselves follow the visitor)."""
    with translation.override("id"):
        data = {
            "id": "/",
            "name": "Lapor Batu",
            "short_name": "Lapor Batu",
            "description": _("Report problems in public places in Kota Batu and follow how the city handles them."),
            "lang": "id",
            "dir": "ltr",
            "start_url": "/?sumber=aplikasi",
            "scope": "/",
            "display": "standalone",
            "orientation": "portrait",
            "theme_color": "#0b5d4b",
            "background_color": "#f6f4ef",
            "categories": ["government", "utilities"],
            "icons": [
                {"src": static("web/icons/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
                {"src": static("web/icons/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
                {
                    "src": static("web/icons/icon-maskable-192.png"),
                    "sizes": "192x192",
                    "type": "image/png",
                    "purpose": "maskable",
                },
                {
                    "src": static("web/icons/icon-maskable-512.png"),
                    "sizes": "512x512",
                    "type": "image/png",
                    "purpose": "maskable",
                },
            ],
            "shortcuts": [
                {"name": _("Report a problem"), "url": reverse("web:report")},
                {"name": _("My reports"), "url": reverse("web:my-reports")},
            ],
        }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@require_GET
def offline(request):
    """What a page that was never opened before shows without a connection."""
    return render(request, "web/offline.html", {"nav": ""})


@require_GET
def my_reports(request):
    """The reports sent from this device, and those still waiting for a signal: all kept on the device
    (IndexedDB), nothing on the server knows which are whose."""
    return render(
        request,
        "web/my_reports.html",
        {
            "nav": "mine",
            "page_config": {
                "api": api_urls(),
                "groups": {status: group for group, statuses in MAP_GROUPS.items() for status in statuses},
            },
        },
    )
