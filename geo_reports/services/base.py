"""Building blocks the write services share: the report's lock and version, the reporter's secret,
tracking codes, storing a photo, applying a routing decision."""

import hashlib
import hmac
import secrets

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from common.errors import ApplicationError

from .. import deadlines
from ..models import Category, Report, ReportPhoto, ReportUpdate
from ..photos import ProcessedPhoto
from ..routing import RoutingDecision

TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: easy to read out and type
Role = ReportUpdate.Role
STAFF_ROLES = {Role.OPERATOR, Role.CREW, Role.SUPERVISOR, Role.ADMIN}


class ReportConflict(ApplicationError):
    """Someone changed the report since the client read it (HTTP 409); `report` is its state now."""

    status = 409
    default_code = "conflict"

    def __init__(self, report: Report):
        super().__init__(
            _(
                "Someone else changed this report in the meantime (now version %(version)d). "
                "Review the current state and try again."
            )
            % {"version": report.version}
        )
        self.report = report


def new_tracking_code() -> str:
    raw = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def normalize_tracking_code(text: str) -> str:
    raw = "".join(ch for ch in text.upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:]}" if len(raw) == 8 else raw


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def reporter_token_matches(report: Report, token: str) -> bool:
    return bool(token) and hmac.compare_digest(report.reporter_token_hash, token_hash(token))


def report_locked(report_id: int, expected_version: int | None) -> Report:
    """The report, locked for this transaction; ReportConflict when it is no longer at the version
    the client read."""
    report = (
        Report.objects.select_for_update(of=("self",))
        .select_related("category", "agency", "desa", "kecamatan")
        .get(pk=report_id)
    )
    if expected_version is not None and report.version != expected_version:
        raise ReportConflict(report)
    return report


def category_set(report: Report, category: Category) -> None:
    """File the report under `category`. Privacy is sticky: a report filed under a category that is
    not public (a service request) stays private under any later one, so re-routing a permit
    application to a public category never publishes the applicant's description and answers."""
    report.category = category
    report.is_private = report.is_private or not category.is_public


def decision_apply(report: Report, decision: RoutingDecision) -> None:
    report.geometry = decision.geometry
    report.location = decision.point
    category_set(report, decision.category)
    report.agency = decision.agency
    report.desa = decision.desa
    report.kecamatan = decision.kecamatan
    report.asset = decision.asset
    report.asset_distance_m = round(decision.distance_m, 2) if decision.distance_m is not None else None
    report.routing = decision.as_data()
    report.routing_explanation = decision.explanation[:500]
    report.routing_explanation_en = decision.explanation_en[:500]


def deadlines_set(report: Report) -> None:
    category = report.category
    report.acknowledge_due, report.resolve_due = deadlines.dues_of(
        report.created_at,
        [(category.acknowledge_within, category.acknowledge_unit), (category.resolve_within, category.resolve_unit)],
    )


def photo_store(report: Report, photo: ProcessedPhoto, update: ReportUpdate | None) -> ReportPhoto:
    record = ReportPhoto(
        report=report, update=update, extension=photo.extension, width=photo.width, height=photo.height
    )
    record.image.save("photo" + photo.extension, ContentFile(photo.content), save=False)
    record.thumbnail.save("thumb.jpg", ContentFile(photo.thumbnail), save=False)
    record.save()
    return record
