"""The sentences the chat says that are made of a report's facts: where it goes and why, its
deadline in words, its links, its status. Called inside translation.override(<the chat's language>).
"""

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.text import english
from geo_reports.models import OPEN_STATUSES, Report, ReportUpdate, RoutingRule, Status
from geo_reports.routing import RoutingDecision

# Why the agency gets the report, finishing "…because <reason>" (geo_reports.routing.REASONS).
BECAUSE = {
    "asset": gettext_lazy("%(noun)s %(asset)s, %(distance)s m away, is in its care"),
    "asset_rule": gettext_lazy("a routing rule gives it %(noun)s %(asset)s, %(distance)s m away"),
    "rule_area": gettext_lazy("it handles %(category)s in %(area)s"),
    "rule": gettext_lazy("a routing rule gives it %(category)s"),
    "default": gettext_lazy("it handles %(category)s"),
    "triage": gettext_lazy("no asset or rule matched, so it sorts the report out first"),
    "referred": gettext_lazy("staff referred the report to it"),
}


def place_of(desa, kecamatan) -> str:
    return ", ".join(area.label for area in (desa, kecamatan) if area) or "Kota Batu"


def routing_sentence(decision: RoutingDecision, *, filed: bool) -> str:
    """The routing sentence: "This report will be forwarded to <agency> because <reason> (<place>).",
    once filed "It was forwarded…"."""
    place = place_of(decision.desa, decision.kecamatan)
    if decision.agency is None:
        return _("The city will choose the agency for this report (%(place)s).") % {"place": place}
    layer = decision.category.asset_layer
    noun = ((layer.feature_noun_en if english() else "") or layer.feature_noun) if layer else ""
    distance = decision.distance_m
    key = decision.reason
    if key == "rule" and decision.rule is not None and decision.rule.area_id:
        key = "rule_area"
    reason = str(BECAUSE.get(key, BECAUSE["default"])) % {
        "noun": noun,
        "asset": decision.asset.external_id if decision.asset else "",
        "distance": "< 1" if distance is not None and distance < 1 else f"{distance or 0:.0f}",
        "category": decision.category.label,
        "area": decision.rule.area.label if decision.rule is not None and decision.rule.area_id else "",
    }
    values = {"agency": decision.agency.name, "reason": reason, "place": place}
    if filed:
        return _("It was forwarded to %(agency)s because %(reason)s (%(place)s).") % values
    return _("This report will be forwarded to %(agency)s because %(reason)s (%(place)s).") % values


def decision_of(report: Report) -> RoutingDecision:
    """The routing decision stored on a report, to say it again."""
    rule = (report.routing or {}).get("rule") or {}
    return RoutingDecision(
        category=report.category,
        geometry=report.geometry,
        point=report.location,
        agency=report.agency,
        reason=(report.routing or {}).get("reason", "unrouted"),
        desa=report.desa,
        kecamatan=report.kecamatan,
        asset=report.asset,
        distance_m=report.asset_distance_m,
        rule=RoutingRule.objects.select_related("area").filter(pk=rule.get("id")).first() if rule else None,
    )


def deadline_words(moment: dt.datetime) -> str:
    """A deadline in words: "by Thursday, 10 December 2026" ("paling lambat Kamis, 10 Desember 2026")."""
    return _("by %(date)s") % {"date": formats.date_format(timezone.localtime(moment), "l, j F Y")}


def report_link(report: Report, token: str | None = None) -> str:
    """The report's page in the chat's language; with the reporter's token, their private link."""
    with translation.override("en" if english() else "id"):
        path = reverse("web:report-detail", args=[report.tracking_code])
    return settings.LAPOR_PUBLIC_URL + path + (f"?t={token}" if token else "")


def status_label(status: str) -> str:
    return str(Status(status).label)


def change_text(update: ReportUpdate) -> str:
    """A public change of a report, as the chat tells it (a status change, or a reply from staff)."""
    report = update.report
    values = {
        "code": report.tracking_code,
        "category": report.category.label,
        "status": status_label(report.status),
        "agency": update.agency.name if update.agency else _("the city"),
        "message": update.message,
    }
    if update.kind == ReportUpdate.Kind.COMMENT:
        lines = [_("Reply from %(agency)s about report %(code)s (%(category)s):") % values, update.message]
    else:
        lines = [_("Report %(code)s (%(category)s) is now: %(status)s.") % values]
        if update.message:
            lines.append(_("Message from %(agency)s: %(message)s") % values)
    lines.append(report_link(report))
    return "\n".join(lines)


def change_template_params(update: ReportUpdate) -> list[str]:
    """The parameters of the approved templates (README: {{1}} the code, {{2}} the new status or
    the agency replying, {{3}} the message, {{4}} the report's page)."""
    report = update.report
    if update.kind == ReportUpdate.Kind.COMMENT:
        second = update.agency.name if update.agency else _("the city")
    else:
        second = status_label(report.status)
    return [report.tracking_code, second, update.message[:500] or "-", report_link(report)]


def report_status_text(report: Report) -> str:
    """The answer to "cek <code>" (the report read with its public timeline)."""
    timeline = report.public_updates
    changed = next((u for u in reversed(timeline) if u.new_status), None)
    said = next((u for u in reversed(timeline) if u.message), None)
    since = formats.date_format(timezone.localtime(changed.created_at if changed else report.created_at), "j M Y")
    lines = [
        _("Report %(code)s (%(category)s)") % {"code": report.tracking_code, "category": report.category.label},
        _("Status: %(status)s (since %(date)s)") % {"status": status_label(report.status), "date": since},
        _("Handled by: %(agency)s") % {"agency": report.agency.name if report.agency else "-"},
    ]
    if said is not None:
        lines.append(
            _("Latest message from %(agency)s: %(message)s")
            % {"agency": said.agency.name if said.agency else _("the city"), "message": said.message[:500]}
        )
    if report.status in OPEN_STATUSES and report.resolve_due:
        lines.append(_("To be resolved %(deadline)s.") % {"deadline": deadline_words(report.resolve_due)})
    lines.append(report_link(report))
    return "\n".join(lines)
