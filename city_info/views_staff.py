"""The agencies' pages for the city information, under /petugas/info/: an overview of their items, one
form per kind of item (events, job vacancies, announcements) for new and existing ones, and the day's
price survey of a market. Every write is checked against city_info.policy and done by a service."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.dateparse import parse_date
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from districts.selectors import city_bounds, staff_agencies

from . import policy, selectors, services
from .forms import AnnouncementForm, EventForm, JobForm, PriceSurveyForm
from .models import Announcement, Event, JobVacancy, Market, Price
from .policy import Kind


@dataclass(frozen=True)
class StaffKind:
    """One kind of item as the staff pages handle it."""

    slug: str  # in the URL: /petugas/info/<slug>/...
    kind: Kind
    model: type
    form_class: type
    items: Callable[..., Any]
    create: Callable[..., Any]
    update: Callable[[Any, dict], Any]
    delete: Callable[[Any], None]
    public_url: str
    heading: Promise
    new_title: Promise
    edit_title: Promise
    saved: Promise
    deleted: Promise


STAFF_KINDS = {
    spec.slug: spec
    for spec in (
        StaffKind(
            slug="acara",
            kind=Kind.EVENTS,
            model=Event,
            form_class=EventForm,
            items=lambda agencies: selectors.event_list(agencies=agencies).order_by("-starts_at"),
            create=services.event_create,
            update=lambda event, data: services.event_update(event=event, data=data),
            delete=lambda event: services.event_delete(event=event),
            public_url="city_info:event-detail",
            heading=gettext_lazy("Events"),
            new_title=gettext_lazy("New event"),
            edit_title=gettext_lazy("Edit event"),
            saved=gettext_lazy("The event is saved and shown to the public."),
            deleted=gettext_lazy("The event is deleted."),
        ),
        StaffKind(
            slug="lowongan",
            kind=Kind.JOBS,
            model=JobVacancy,
            form_class=JobForm,
            items=lambda agencies: selectors.job_list(agencies=agencies).order_by("-closes_on"),
            create=services.job_create,
            update=lambda job, data: services.job_update(job=job, data=data),
            delete=lambda job: services.job_delete(job=job),
            public_url="city_info:job-detail",
            heading=gettext_lazy("Job vacancies"),
            new_title=gettext_lazy("New job vacancy"),
            edit_title=gettext_lazy("Edit job vacancy"),
            saved=gettext_lazy("The job vacancy is saved and shown to the public."),
            deleted=gettext_lazy("The job vacancy is deleted."),
        ),
        StaffKind(
            slug="pengumuman",
            kind=Kind.ANNOUNCEMENTS,
            model=Announcement,
            form_class=AnnouncementForm,
            items=lambda agencies: selectors.announcement_list(agencies=agencies).order_by("-published_on", "-id"),
            create=services.announcement_create,
            update=lambda item, data: services.announcement_update(announcement=item, data=data),
            delete=lambda item: services.announcement_delete(announcement=item),
            public_url="city_info:announcement-detail",
            heading=gettext_lazy("Announcements and news"),
            new_title=gettext_lazy("New announcement or news"),
            edit_title=gettext_lazy("Edit announcement or news"),
            saved=gettext_lazy("The announcement is saved; the public sees it from its date on."),
            deleted=gettext_lazy("The announcement is deleted."),
        ),
    )
}


def refusals_explained(view):
    """A refusal (PermissionDenied) as a page that says why, with status 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            reason = str(exc) or _("These pages are for the staff of the city's agencies.")
            return render(
                request, "city_info/staff/forbidden.html", {"nav": "info-staff", "reason": reason}, status=403
            )

    return wrapper


def _staff_only(request) -> None:
    if not policy.can_read(request.user):
        raise PermissionDenied


def _spec(kind: str) -> StaffKind:
    spec = STAFF_KINDS.get(kind)
    if spec is None:
        raise Http404
    return spec


@never_cache
@login_required
@refusals_explained
def dashboard(request):
    _staff_only(request)
    agencies = staff_agencies(request.user)
    sections = []
    for spec in STAFF_KINDS.values():
        managed = set(policy.managed_agencies(request.user, spec.kind).values_list("pk", flat=True))
        items = list(spec.items(agencies)[:50])
        sections.append(
            {
                "spec": spec,
                "can_add": bool(managed),
                "rows": [(item, item.agency_id in managed) for item in items],
            }
        )
    return render(
        request,
        "city_info/staff/dashboard.html",
        {
            "nav": "info-staff",
            "staff_tab": "overview",
            "agencies": agencies,
            "sections": sections,
            "can_record_prices": policy.can_manage(request.user, Kind.PRICES),
            "surveys": Market.objects.filter(is_active=True).annotate(last=Max("prices__date")).order_by("name"),
        },
    )


def _initial(form_class, item) -> dict[str, Any]:
    initial = {}
    for name in form_class.base_fields:
        value = getattr(item, name, None)
        if name == "area":
            value = item.area.code if item.area_id else ""
        initial[name] = value
    return initial


def _add_service_errors(form, exc: ValidationError, names: dict[str, str] | None = None) -> None:
    """A service's errors (keyed by model field) on the form's fields; others above the form."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
    for name, field_messages in errors.items():
        target = (names or {}).get(name, name)
        for message in field_messages:
            form.add_error(target if target in form.fields else None, message)


@never_cache
@login_required
@refusals_explained
def item_edit(request, kind: str, pk: int | None = None):
    _staff_only(request)
    spec = _spec(kind)
    item = get_object_or_404(spec.model.objects.select_related("agency"), pk=pk) if pk is not None else None
    policy.authorize(request.user, spec.kind, item.agency if item else None)
    form_options = {"user": request.user}
    if spec.form_class is JobForm:
        form_options["is_new"] = item is None
    if request.method == "POST":
        form = spec.form_class(request.POST, **form_options)
        if form.is_valid():
            data = dict(form.cleaned_data)
            policy.authorize(request.user, spec.kind, data["agency"])
            try:
                item = spec.create(**data, created_by=request.user) if item is None else spec.update(item, data)
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                messages.success(request, spec.saved)
                return redirect(spec.public_url, pk=item.pk) if _is_public(item) else redirect("city_info:staff")
    else:
        form = spec.form_class(initial=_initial(spec.form_class, item) if item else {}, **form_options)
    return render(
        request,
        "city_info/staff/item_form.html",
        {
            "nav": "info-staff",
            "spec": spec,
            "item": item,
            "form": form,
            "title": spec.edit_title if item else spec.new_title,
            "page_config": {
                "bounds": city_bounds(),
                "api": {"boundaries": reverse("maps:boundaries")},
                "strings": {"pin": _("Chosen place")},
            },
        },
    )


def _is_public(item) -> bool:
    return not isinstance(item, Announcement) or item.published_on <= timezone.localdate()


@never_cache
@login_required
@refusals_explained
def item_delete(request, kind: str, pk: int):
    _staff_only(request)
    spec = _spec(kind)
    item = get_object_or_404(spec.model.objects.select_related("agency"), pk=pk)
    policy.authorize(request.user, spec.kind, item.agency)
    if request.method == "POST":
        spec.delete(item)
        messages.success(request, spec.deleted)
        return redirect("city_info:staff")
    return render(request, "city_info/staff/confirm_delete.html", {"nav": "info-staff", "spec": spec, "item": item})


@never_cache
@login_required
@refusals_explained
def prices(request):
    """A market's price survey of one day: every staple in one form; a price already recorded for that
    day is shown and may be corrected."""
    _staff_only(request)
    policy.authorize(request.user, Kind.PRICES)
    commodities = list(selectors.commodity_list())
    markets = list(selectors.market_list())
    if not markets:
        raise Http404(_("No market has been set up yet (admin: Markets)."))
    source = request.POST if request.method == "POST" else request.GET
    market = next((m for m in markets if str(m.pk) == source.get("market")), markets[0])
    try:
        day = parse_date(source.get("date") or "") or timezone.localdate()
    except ValueError:  # well-formed but no such day, e.g. 2026-02-30
        day = timezone.localdate()
    if request.method == "POST":
        form = PriceSurveyForm(request.POST, commodities=commodities)
        if form.is_valid():
            try:
                count = services.prices_record(
                    market=form.cleaned_data["market"],
                    date=form.cleaned_data["date"],
                    prices=form.prices(),
                    recorded_by=request.user,
                )
            except ValidationError as exc:
                _add_service_errors(form, exc, {c.code: PriceSurveyForm.field_name(c) for c in commodities})
            else:
                messages.success(
                    request,
                    _("%(count)s prices of %(market)s on %(date)s are saved.")
                    % {
                        "count": count,
                        "market": form.cleaned_data["market"].name,
                        "date": formats.date_format(form.cleaned_data["date"], "j F Y"),
                    },
                )
                query = f"?market={form.cleaned_data['market'].pk}&date={form.cleaned_data['date'].isoformat()}"
                return redirect(reverse("city_info:staff-prices") + query)
    else:
        recorded = {p.commodity_id: p.price for p in Price.objects.filter(market=market, date=day)}
        initial = {"market": market, "date": day}
        initial.update({PriceSurveyForm.field_name(c): recorded.get(c.pk) for c in commodities})
        form = PriceSurveyForm(initial=initial, commodities=commodities)
    return render(
        request,
        "city_info/staff/prices_form.html",
        {
            "nav": "info-staff",
            "form": form,
            "market": market,
            "day": day,
            "markets": markets,
            "rows": _price_rows(form, _previous_prices(market, day)),
        },
    )


def _price_rows(form: PriceSurveyForm, previous: dict[str, Price]) -> list[tuple]:
    """(commodity, its field, its previous record) for the template."""
    return [(commodity, field, previous.get(field.name)) for commodity, field in form.price_rows()]


def _previous_prices(market: Market, day: dt.date) -> dict[str, Price]:
    """Each commodity's last record at this market before `day`, as a hint beside the field."""
    earlier = (
        Price.objects.filter(market=market, date__lt=day)
        .select_related("commodity")
        .order_by("commodity_id", "-date")
        .distinct("commodity_id")
    )
    return {PriceSurveyForm.field_name(p.commodity): p for p in earlier}
