"""The sentence a member of staff reads after a change to a report: what happened, to which report,
and where it is now. Shown by the staff pages (the staff API adds it to the session's messages)."""

from django.utils.translation import gettext as _

from districts.models import Agency
from districts.selectors import staff_display_name

from .models import Report, Status


def status_changed(report: Report, *, duplicate_of: Report | None = None) -> str:
    values = {"code": report.tracking_code, "status": report.get_status_display()}
    if report.status == Status.REFERRED:
        return _("Report %(code)s referred to %(agency)s, filed as %(category)s.") % {
            **values,
            "agency": report.agency.name if report.agency else "—",
            "category": report.category.label,
        }
    if report.status == Status.REJECTED:
        return _("Report %(code)s rejected. Its public page gives the reason.") % values
    if report.status == Status.DUPLICATE and duplicate_of is not None:
        return _("Report %(code)s marked as a duplicate of %(original)s.") % {
            **values,
            "original": duplicate_of.tracking_code,
        }
    if report.status == Status.RESOLVED:
        return _("Report %(code)s is resolved. The reporter may confirm the fix or reopen it.") % values
    return _("Report %(code)s is now: %(status)s.") % values


def rerouted(report: Report) -> str:
    return _("Report %(code)s routed again: %(category)s, now with %(agency)s.") % {
        "code": report.tracking_code,
        "category": report.category.label,
        "agency": report.agency.name if report.agency else "—",
    }


def commented(report: Report, *, internal: bool) -> str:
    if internal:
        return _("Internal note added to report %(code)s. Only staff see it.") % {"code": report.tracking_code}
    return _("Reply published on report %(code)s.") % {"code": report.tracking_code}


def assigned(report: Report) -> str:
    if report.assigned_to is None:
        return _("Report %(code)s is no longer assigned to anyone.") % {"code": report.tracking_code}
    return _("Report %(code)s assigned to %(name)s.") % {
        "code": report.tracking_code,
        "name": staff_display_name(report.assigned_to, agency=report.agency),
    }


def public_text_saved(report: Report) -> str:
    return _("The public text of report %(code)s is saved. Staff still see what the reporter wrote.") % {
        "code": report.tracking_code
    }


def reviewed(report: Report, *, publish: bool) -> str:
    if publish:
        return _("Report %(code)s: the text is now public as the reporter wrote it.") % {"code": report.tracking_code}
    return _("Report %(code)s: the personal data stays hidden from the public.") % {"code": report.tracking_code}


def photo_visibility(report: Report, *, public: bool) -> str:
    if public:
        return _("The photo of report %(code)s is public again.") % {"code": report.tracking_code}
    return _("The photo of report %(code)s is hidden from the public. Staff still see it.") % {
        "code": report.tracking_code
    }


def visibility(report: Report, *, hidden: bool) -> str:
    if hidden:
        return _("Report %(code)s is hidden from the public. Its reporter and staff still see it.") % {
            "code": report.tracking_code
        }
    return _("Report %(code)s is public again.") % {"code": report.tracking_code}


def co_handling_added(report: Report, agency: Agency) -> str:
    return _("Report %(code)s copied to %(agency)s, which now co-handles it.") % {
        "code": report.tracking_code,
        "agency": agency.name,
    }


def co_handling_ended(report: Report, agency: Agency) -> str:
    return _("%(agency)s no longer co-handles report %(code)s.") % {"code": report.tracking_code, "agency": agency.name}
