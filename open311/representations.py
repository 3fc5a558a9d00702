"""What each Open311 resource holds, as plain data in the spec's field order; `render` turns it into
XML or JSON. Ids are strings; texts are in the active language.

Nothing about the reporter (name, phone, email: geo_reports.ReporterContact) is read here; fields
are named one by one, so no new model field can leak by accident.
"""

import datetime as dt
from collections.abc import Callable

from django.utils.translation import gettext as _

from common.text import english
from geo_reports.models import Category, CategoryQuestion, Report, ReportUpdate, Status
from geo_reports.workflow import OPEN_STATUSES

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this interface last changed in a way clients may care about.
CHANGESET = dt.datetime(2026, 11, 28, tzinfo=dt.UTC)
FORMATS = ["text/xml", "application/json"]

# Our statuses in FixMyStreet's "extended" vocabulary (servicerequestupdates). Closed is the
# reporter's (or the system's) confirmation of a fix, hence CLOSED rather than FIXED; a report taken
# over by another agency is an INTERNAL_REFERRAL; a rejected one gets NO_FURTHER_ACTION.
FMS_STATUSES = {
    Status.SUBMITTED: "OPEN",
    Status.VERIFIED: "INVESTIGATING",
    Status.IN_PROGRESS: "IN_PROGRESS",
    Status.REFERRED: "INTERNAL_REFERRAL",
    Status.REOPENED: "REOPEN",
    Status.RESOLVED: "FIXED",
    Status.CLOSED: "CLOSED",
    Status.REJECTED: "NO_FURTHER_ACTION",
    Status.DUPLICATE: "DUPLICATE",
}

AbsoluteUrl = Callable[[str], str]


def discovery(*, endpoint_url: str, site_url: str) -> dict:
    return {
        "changeset": CHANGESET,
        "contact": _("Diskominfo Kota Batu, which runs Lapor Batu: %(url)s") % {"url": site_url},
        "key_service": _("API keys for posting requests are issued by Diskominfo Kota Batu; reading needs no key."),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": endpoint_url,
                "changeset": CHANGESET,
                "type": "production",
                "formats": FORMATS,
            }
        ],
    }


def service(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.label,
        "description": category.localized("description"),
        "metadata": bool(category.questions.all()),
        "type": "realtime",  # a POST answers with the service_request_id at once
        "keywords": category.keywords,
        "group": str(category.get_group_display()),
    }


def service_definition(category: Category) -> dict:
    return {
        "service_code": category.code,
        "attributes": [_attribute(question) for question in category.questions.all()],
    }


def _attribute(question: CategoryQuestion) -> dict:
    return {
        "variable": True,
        "code": question.code,
        "datatype": question.datatype,
        "required": question.required,
        "datatype_description": question.localized("help"),
        "order": question.order,
        "description": question.localized("label"),
        "values": [{"key": str(value["key"]), "name": question.choice_name(value["key"])} for value in question.values],
    }


def created_request(report: Report) -> dict:
    """The answer to a POST: the id at once (we are "realtime") and where the report went, and why."""
    return {"service_request_id": str(report.pk), "service_notice": _routing_sentence(report)}


def token(*, service_request_id: int, tracking_code: str) -> dict:
    return {"service_request_id": str(service_request_id), "token": tracking_code}


def service_request(
    report: Report, *, absolute_url: AbsoluteUrl, categories: dict[int, Category] | None = None
) -> dict:
    """A request in the spec's field order; with `categories` (extensions=true) also its answers,
    extended attributes and public timeline. Expects selectors.service_request_search()'s rows."""
    photos = list(report.photos.all())
    timeline = list(report.public_updates)
    data = {
        "service_request_id": str(report.pk),
        "status": "open" if report.status in OPEN_STATUSES else "closed",
        "status_notes": _status_notes(timeline),
        "service_name": report.category.label,
        "service_code": report.category.code,
        "description": report.description,
        "agency_responsible": report.agency.name if report.agency else "",
        "service_notice": _routing_sentence(report),
        "requested_datetime": report.created_at,
        "updated_datetime": report.updated_at,
        "expected_datetime": report.resolve_due,
        "address": _address(report),
        "address_id": None,
        "zipcode": None,
        "lat": round(report.location.y, 7),
        "long": round(report.location.x, 7),
        "media_url": absolute_url(photos[0].image.url) if photos else "",
    }
    if categories is not None:
        data["attributes"] = _answers(report, categories.get(report.category_id, report.category))
        data["extended_attributes"] = {
            "channel": report.channel,
            "tracking_code": report.tracking_code,
            "x": data["long"],
            "y": data["lat"],
            "photos": [
                {
                    "media_url": absolute_url(photo.image.url),
                    "title": _("Photo %(number)d") % {"number": number},
                    "width": photo.width,
                    "height": photo.height,
                    "created_at": photo.created_at,
                }
                for number, photo in enumerate(photos, start=1)
            ],
            "duplicate": report.status == Status.DUPLICATE,
            # Only an original the public may see (open311.selectors.service_request_search).
            "parent_service_request_id": str(report.public_parent_id) if report.public_parent_id else None,
        }
        data["notes"] = [_note(update) for update in timeline]
    return data


def request_update(update: ReportUpdate, *, absolute_url: AbsoluteUrl) -> dict:
    """One entry of servicerequestupdates (FixMyStreet): expects service_request_update_list()."""
    photos = list(update.photos.all())
    status = update.status_then or Status.SUBMITTED
    return {
        "update_id": str(update.pk),
        "service_request_id": str(update.report_id),
        "status": FMS_STATUSES[status],
        "updated_datetime": update.created_at,
        "description": update.message or update.localized_explanation,
        "media_url": absolute_url(photos[0].image.url) if photos else "",
        "external_status_code": status,
    }


def _routing_sentence(report: Report) -> str:
    return (report.routing_explanation_en if english() else "") or report.routing_explanation


def _address(report: Report) -> str:
    return ", ".join([area.label for area in (report.desa, report.kecamatan) if area is not None] + ["Kota Batu"])


def _status_notes(timeline: list[ReportUpdate]) -> str:
    """Why the status last changed: the message of the latest status change (or, for a referral
    without one, the routing sentence it recorded)."""
    changes = [update for update in timeline if update.kind == ReportUpdate.Kind.STATUS]
    if not changes:
        return ""
    return changes[-1].message or changes[-1].localized_explanation


def _answers(report: Report, category: Category) -> list[dict]:
    """The answers as {label, name, value, code}; a multivaluelist answer gives one entry per value,
    so every field stays a single text in XML and JSON alike."""
    entries = []
    for question in category.questions.all():
        if not question.is_public:  # a customer number or a tax object number stays with staff
            continue
        answer = report.answers.get(question.code)
        if answer in (None, "", []):
            continue
        for value in answer if isinstance(answer, list) else [answer]:
            entries.append(
                {
                    "label": question.localized("label"),
                    "name": question.choice_name(value) if question.is_list else str(value),
                    "value": str(value),
                    "code": question.code,
                }
            )
    return entries


def _note(update: ReportUpdate) -> dict:
    if update.kind == ReportUpdate.Kind.STATUS and update.new_status:
        summary = str(Status(update.new_status).label)
    else:
        summary = str(update.get_kind_display())
    return {
        "datetime": update.created_at,
        "summary": summary,
        "description": update.message or update.localized_explanation,
        "type": update.kind,
    }
