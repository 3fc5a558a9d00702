"""Staff pages: the agency inbox, a report's working page, and the field crew's "nearest" page.
They read through selectors and check geo_reports.policy; every action goes through the staff API."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie

from districts.models import Agency, Membership
from districts.selectors import city_bounds, is_staff_member
from geo_reports import policy, selectors
from geo_reports.models import Status
from geo_reports.serializers.inputs import InboxQuerySerializer
from geo_reports.serializers.outputs import CategorySerializer
from geo_reports.serializers.staff import ReportStaffSerializer
from geo_reports.services.base import normalize_tracking_code
from geo_reports.workflow import OPEN_STATUSES, TRANSITIONS

from .views import api_urls


def _staff_only(request):
    if not is_staff_member(request.user):
        raise PermissionDenied


def _staff_api_urls() -> dict[str, str]:
    return {
        **api_urls(),
        "nearby": reverse("geo_reports:report-nearby"),
        "staff_report_page": reverse("staff:report", args=["CODE"]),
    }


@never_cache
@login_required
def inbox(request):
    _staff_only(request)
    # The API's parameters (geo_reports.serializers.inputs); a link with a bad one shows the default view.
    query = InboxQuerySerializer(data=request.GET, context={"user": request.user})
    values = query.validated_data if query.is_valid() else InboxQuerySerializer.defaults_for(request.user)
    agencies, overdue, order = values["agencies"], values["overdue"], values["order"]
    status = request.GET.get("status", "") if query.is_valid() else ""
    reports = selectors.report_inbox(agencies=agencies, statuses=values["status"], overdue=overdue, order=order)[:300]
    return render(
        request,
        "web/staff/inbox.html",
        {
            "nav": "staff",
            "agencies": agencies,
            "reports": reports,
            "counts": selectors.inbox_counts(agencies=agencies),
            "statuses": Status.choices,
            "status": status,
            "overdue": overdue,
            "order": order,
            "open_statuses": OPEN_STATUSES,
        },
    )


@never_cache
@ensure_csrf_cookie
@login_required
def report(request, code: str):
    _staff_only(request)
    found = selectors.report_staff_detail().filter(tracking_code=normalize_tracking_code(code)).first()
    if found is None:
        raise Http404
    if not policy.can(request.user, found, policy.Action.READ_PRIVATE):
        raise PermissionDenied
    allowed = {action for action in policy.Action if policy.can(request.user, found, action)}
    moves = [
        (status, label)
        for status, label in Status.choices
        if status in TRANSITIONS[found.status] and policy.STATUS_ACTIONS.get(status) in allowed
    ]
    crew = Membership.objects.filter(agency=found.agency, role__in=Membership.AGENCY_ROLES).select_related("user")
    assignable = sorted({m.user for m in crew}, key=lambda u: u.get_username())
    feature = ReportStaffSerializer(found, context={"request": request, "asset_geometry": True}).data
    return render(
        request,
        "web/staff/report.html",
        {
            "nav": "staff",
            "report": found,
            "feature": feature,
            "timeline": found.all_updates,
            "answers": selectors.report_answer_rows(found, private=True),
            "moves": moves,
            "can": {action.value: True for action in allowed},
            "agencies": Agency.objects.filter(is_active=True).exclude(pk=found.agency_id).order_by("short_name"),
            "assignable": assignable,
            "categories": selectors.category_list(),
            "page_config": {
                "api": _staff_api_urls(),
                "bounds": city_bounds(),
                "report": {
                    "id": found.pk,
                    "version": found.version,
                    "geometry": feature["geometry"],
                    "category": found.category.code,
                },
                "categories": CategorySerializer(selectors.category_list(), many=True).data,
            },
        },
    )


@never_cache
@ensure_csrf_cookie
@login_required
def nearby(request):
    _staff_only(request)
    return render(
        request,
        "web/staff/nearby.html",
        {"nav": "nearby", "page_config": {"api": _staff_api_urls(), "bounds": city_bounds()}},
    )
