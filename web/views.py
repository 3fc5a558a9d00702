"""The citizen pages. Each view reads through selectors and renders; the pages' scripts talk to the API."""

import datetime as dt

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from analytics.statistics import app_usage, report_statistics
from districts.models import Area
from districts.selectors import city_bounds
from geo_reports import documents, private_links, selectors
from geo_reports.models import Category
from geo_reports.personal_data import reporter_notice
from geo_reports.serializers.outputs import CategorySerializer, DocumentSerializer, ReportDetailSerializer
from geo_reports.services.base import normalize_tracking_code, reporter_token_matches
from geo_reports.workflow import MAP_GROUPS, OPEN_STATUSES

from .exports import export_links


def api_urls() -> dict[str, str]:
    """The API addresses the pages' scripts use (their page_config)."""
    return {
        "map": reverse("maps:report-map"),
        "count": reverse("maps:report-count"),
        "tiles": reverse("maps:report-tiles", args=[0, 0, 0]).replace("0/0/0", "{z}/{x}/{y}"),
        "reports": reverse("geo_reports:reports"),
        "preview": reverse("geo_reports:routing-preview"),
        "categories": reverse("geo_reports:categories"),
        "boundaries": reverse("maps:boundaries"),
        "geocode": reverse("districts:geocode"),
        "areas": reverse("districts:areas"),
        "report_page": reverse("web:report-detail", args=["CODE"]),
    }


def _grouped(categories) -> list[tuple[str, list]]:
    groups: dict[str, list] = {}
    for category in categories:
        groups.setdefault(category.get_group_display(), []).append(category)
    return list(groups.items())


@require_GET
def home(request):
    categories = list(selectors.category_public_list())
    kecamatan = Area.objects.filter(kind=Area.Kind.KECAMATAN).prefetch_related("children").order_by("name")
    return render(
        request,
        "web/home.html",
        {
            "nav": "map",
            "categories": categories,
            "kecamatan": kecamatan,
            "groups": list(MAP_GROUPS),
            "page_config": {"api": api_urls(), "bounds": city_bounds()},
        },
    )


def _form(request, *, categories: list, selected, request_mode: bool):
    """The report form (complaints) and the application form (service requests): one template, one
    script, each with its own wording and order."""
    return render(
        request,
        "web/report_form.html",
        {
            "nav": "services" if request_mode else "report",
            "request_mode": request_mode,
            "has_requests": selectors.category_service_requests().exists(),
            "category_groups": _grouped(categories),
            "selected_category": selected,
            "photos_per_report": settings.LAPOR_PHOTOS_PER_REPORT,
            "document_limit_mb": settings.LAPOR_DOCUMENT_MAX_BYTES // (1024 * 1024),
            "documents_per_report": settings.LAPOR_DOCUMENTS_PER_REPORT,
            "document_types": ",".join(documents.ACCEPT),
            "privacy_url": reverse("web:privacy"),
            "page_config": {
                "api": api_urls(),
                "bounds": city_bounds(),
                "mode": "request" if request_mode else "complaint",
                "categories": CategorySerializer(categories, many=True).data,
                "photo_limit_bytes": settings.LAPOR_PHOTO_MAX_BYTES,
                "photos_per_report": settings.LAPOR_PHOTOS_PER_REPORT,
                "photo_upload": {
                    "side": settings.LAPOR_PHOTO_UPLOAD_SIDE,
                    "quality": settings.LAPOR_PHOTO_UPLOAD_QUALITY,
                },
                "document_limit_bytes": settings.LAPOR_DOCUMENT_MAX_BYTES,
                "documents_per_report": settings.LAPOR_DOCUMENTS_PER_REPORT,
                "document_types": list(documents.ACCEPT),
                "language": request.LANGUAGE_CODE,
            },
        },
    )


@require_GET
def report(request):
    """The complaint form. /lapor/?kategori=<code> opens it with that category chosen; a service
    request's code goes to its own application form."""
    categories = [c for c in selectors.category_list() if c.kind == Category.Kind.COMPLAINT]
    wanted = request.GET.get("kategori", "")
    if wanted and selectors.category_service_requests().filter(code=wanted).exists():
        return redirect("web:apply", code=wanted)
    selected = next((category for category in categories if category.code == wanted), None)
    return _form(request, categories=categories, selected=selected, request_mode=False)


@require_GET
def apply(request, code: str):
    """A service request (a permit, a question about a local tax): an application, not a problem."""
    categories = list(selectors.category_service_requests())
    selected = next((category for category in categories if category.code == code), None)
    if selected is None:
        raise Http404(_("There is no such service."))
    return _form(request, categories=categories, selected=selected, request_mode=True)


def _private_link_open(request, report, token: str):
    """A sent or kept private link (`?t=`) opened in a browser: the token becomes the report's cookie
    and the browser goes on to the clean address (geo_reports/private_links.py says why)."""
    clean = reverse("web:report-detail", args=[report.tracking_code])
    if private_links.is_cross_site(request):
        # Opened from another site: a redirect would arrive without the new SameSite=Strict cookie;
        # a refresh from this page is this site's own navigation, and carries it.
        response = render(request, "web/private_link_open.html", {"next": clean})
    else:
        response = redirect(clean)
    if reporter_token_matches(report, token):
        private_links.token_remember(response, request=request, report_id=report.pk, token=token)
    add_never_cache_headers(response)
    return private_links.no_referrer(response)


@require_GET
def report_detail(request, code: str):
    report = selectors.report_own_detail().filter(tracking_code=normalize_tracking_code(code)).first()
    if report is None:
        raise Http404(_("No report has this tracking code."))
    link_token = request.GET.get(private_links.QUERY)
    if link_token is not None and private_links.is_browser_navigation(request):
        return _private_link_open(request, report, link_token)
    # The reporter's browser shows its cookie; a client that keeps none may still send the old link.
    token = link_token or request.COOKIES.get(private_links.cookie_name(report.pk), "")
    is_reporter = reporter_token_matches(report, token)
    if not (selectors.report_readable_by_public(report) or is_reporter):
        raise Http404(_("No report has this tracking code."))
    context = {"request": request, "asset_geometry": True, "private_answers": is_reporter}
    feature = ReportDetailSerializer(report, context=context).data
    # A request's documents are the requester's own: listed only to them, their links carrying no
    # token (the download takes the cookie).
    files = DocumentSerializer(selectors.report_documents(report), many=True).data if is_reporter else []
    response = render(
        request,
        "web/report_detail.html",
        {
            "report": report,
            "feature": feature,
            "timeline": report.public_updates,
            "answers": selectors.report_answer_rows(report, private=is_reporter),
            "documents": files,
            "is_open": report.status in OPEN_STATUSES,
            "is_reporter": is_reporter,
            "personal_data_notice": reporter_notice(report) if is_reporter else None,
            "page_config": {
                "api": api_urls(),
                "report": {
                    "id": report.pk,
                    "geometry": feature["geometry"],
                    "status": report.status,
                    "asset": feature["properties"]["asset"],
                },
                # The page's script sends it in the X-Reporter-Token header, never in an address.
                "token": token if is_reporter else None,
            },
        },
    )
    patch_vary_headers(response, ("Cookie",))
    if is_reporter or link_token is not None:
        # The reporter's own page: kept by nothing (nor the installed app's worker), naming no address.
        add_never_cache_headers(response)
        return private_links.no_referrer(response)
    # The public page: always asked again (the status changes), but an installed app may keep it.
    patch_cache_control(response, max_age=0, no_cache=True, must_revalidate=True, private=True)
    return response


@require_GET
def services(request):
    """Every service in one place: report a problem, the service requests (permits, taxes), tracking,
    the figures, and the city's information pages."""
    return render(
        request,
        "web/services.html",
        {"nav": "services", "service_requests": selectors.category_service_requests()},
    )


@require_GET
def track(request):
    code = request.GET.get("kode", "").strip()
    error = None
    if code:
        normalized = normalize_tracking_code(code)
        # Only a report the public may see: a private request's code gets the same answer as an
        # unknown one (its requester opens it with the private link), so the page confirms nothing.
        if selectors.report_public().filter(tracking_code=normalized).exists():
            return redirect("web:report-detail", code=normalized)
        error = _("No report has this tracking code. Check the code and try again.")
    return render(request, "web/track.html", {"nav": "track", "code": code, "error": error})


PERIODS = {"30": 30, "90": 90, "365": 365, "": None}


@require_GET
def statistics(request):
    """The council's view: which agencies answer, and how fast; where problems gather."""
    period = request.GET.get("period", "365")
    if period not in PERIODS:
        period = "365"
    reports = selectors.report_public()
    if PERIODS[period]:
        reports = reports.filter(created_at__gte=timezone.now() - dt.timedelta(days=PERIODS[period]))
    league = report_statistics(reports=reports, group="agency")
    # Fair to volume: by the share on time the agency reaches at least (Wilson), then by volume.
    league.sort(key=lambda row: (-(row["on_time_lower_bound"] or -1), -row["received"], row["label"] or ""))
    start = timezone.localtime(timezone.now() - dt.timedelta(days=PERIODS[period])) if PERIODS[period] else None
    since = start.replace(microsecond=0).isoformat() if start else ""
    return render(
        request,
        "web/statistics.html",
        {
            "nav": "stats",
            "league": league,
            "period": period,
            "totals": {
                "received": sum(r["received"] for r in league),
                "resolved": sum(r["resolved"] for r in league),
            },
            "usage": app_usage(since=timezone.now() - dt.timedelta(days=PERIODS[period]) if PERIODS[period] else None),
            # For the feeds of resolved reports per desa.
            "kecamatan": Area.objects.filter(kind=Area.Kind.KECAMATAN).prefetch_related("children").order_by("name"),
            "exports": export_links({"since": since} if since else {}),
            "page_config": {
                "api": {
                    **api_urls(),
                    "stats": reverse("analytics:stats"),
                    "asset_hotspots": reverse("analytics:stats-asset-hotspots"),
                    "clusters": reverse("analytics:stats-clusters"),
                },
                "bounds": city_bounds(),
                "since": since,
            },
        },
    )
