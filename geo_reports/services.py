"""Writes to reports. Every change is one transaction and leaves one timeline entry behind."""

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from districts.models import Agency

from . import deadlines, notifications
from .documents import ProcessedDocument, check_accepted
from .models import (
    AuditEntry,
    Category,
    IdempotencyKey,
    Report,
    ReportDocument,
    ReporterContact,
    ReportPhoto,
    ReportSupport,
    ReportUpdate,
    Status,
)
from .models.reports import Channel
from .photos import ProcessedPhoto
from .routing import RoutingDecision, explain, route
from .workflow import OPEN_STATUSES, TransitionError, check_transition

TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: easy to read out and type
Role = ReportUpdate.Role
STAFF_ROLES = {Role.OPERATOR, Role.CREW, Role.SUPERVISOR, Role.ADMIN}


class ReportConflict(Exception):
    """Someone changed the report since the client read it (HTTP 409)."""

    def __init__(self, report: Report):
        super().__init__(f"report {report.pk} is at version {report.version}")
        self.report = report


class IdempotencyMismatch(Exception):
    """The same Idempotency-Key was sent with a different report."""


class ReporterError(ValueError):
    def __init__(self, message, code: str, field: str = "token"):
        super().__init__(str(message))
        self.message, self.code, self.field = message, code, field


@dataclass
class NewReport:
    report: Report
    reporter_token: str | None  # the secret for the reporter's private link; only on first creation
    replayed: bool = False


def new_tracking_code() -> str:
    raw = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def normalize_tracking_code(text: str) -> str:
    raw = "".join(ch for ch in text.upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:]}" if len(raw) == 8 else raw


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def reporter_token_matches(report: Report, token: str) -> bool:
    return bool(token) and hmac.compare_digest(report.reporter_token_hash, _token_hash(token))


def _apply_decision(report: Report, decision: RoutingDecision) -> None:
    report.geometry = decision.geometry
    report.location = decision.point
    report.category = decision.category
    report.agency = decision.agency
    report.desa = decision.desa
    report.kecamatan = decision.kecamatan
    report.asset = decision.asset
    report.asset_distance_m = round(decision.distance_m, 2) if decision.distance_m is not None else None
    report.routing = decision.as_data()
    report.routing_explanation = decision.explanation[:500]
    report.routing_explanation_en = decision.explanation_en[:500]


def _set_deadlines(report: Report) -> None:
    category = report.category
    report.acknowledge_due = deadlines.due(report.created_at, category.acknowledge_within, category.acknowledge_unit)
    report.resolve_due = deadlines.due(report.created_at, category.resolve_within, category.resolve_unit)


def report_create(
    *,
    category: Category,
    geometry: GEOSGeometry,
    description: str = "",
    answers: dict | None = None,
    contact: dict | None = None,
    photos: list[ProcessedPhoto] = (),
    documents: list[ProcessedDocument] = (),
    channel: str = Channel.API,
    idempotency_key: str | None = None,
    fingerprint: str = "",
    created_at: dt.datetime | None = None,
    flags: tuple[str, ...] = (),
) -> NewReport:
    """File a report. Routing errors (RoutingError) and documents sent to a category that takes none
    (documents.DocumentError) are raised before anything is written; the files of a report whose
    transaction fails are removed again. Documents are checked by the caller (documents.process and
    documents.check_for_category), as answers are.

    With an idempotency key, a retry (even one racing the first request) returns the first report.
    """
    if idempotency_key:
        replay = _replay(idempotency_key, fingerprint)
        if replay is not None:
            return replay
    check_accepted(category, documents)
    decision = route(category=category, geometry=geometry)
    decision.flags.extend(flags)
    token = secrets.token_urlsafe(24)
    files: list = []  # stored files, removed again if the transaction does not commit
    try:
        with transaction.atomic():
            report = _insert_report(
                decision, description, answers or {}, contact or {}, photos, channel, token, created_at, files
            )
            _attach_documents(report, documents, files)
            if idempotency_key:
                IdempotencyKey.objects.create(key=idempotency_key, fingerprint=fingerprint, report=report)
    except IntegrityError:
        _discard(files)
        if idempotency_key:
            replay = _replay(idempotency_key, fingerprint)
            if replay is not None:
                return replay
        raise
    except BaseException:
        _discard(files)
        raise
    return NewReport(report=report, reporter_token=token)


def _discard(files: list) -> None:
    for stored in files:
        stored.storage.delete(stored.name)


def _attach_documents(report: Report, documents: list[ProcessedDocument], files: list) -> None:
    """Store a request's documents under random names, with one internal timeline entry naming them."""
    if not documents:
        return
    entry = ReportUpdate.objects.create(
        report=report,
        kind=ReportUpdate.Kind.DOCUMENTS,
        actor_role=ReportUpdate.Role.CITIZEN,
        is_internal=True,  # file names can be personal; the requester sees the documents on their own page
        data={
            "documents": [
                {"name": d.original_name, "type": d.content_type, "size": d.size, "sha256": d.sha256} for d in documents
            ]
        },
        created_at=report.created_at,
    )
    for document in documents:
        record = ReportDocument(
            report=report,
            update=entry,
            original_name=document.original_name,
            content_type=document.content_type,
            extension=document.extension,
            size=document.size,
            sha256=document.sha256,
            pages=document.pages,
        )
        record.file.save("document" + document.extension, ContentFile(document.content), save=False)
        files.append(record.file)
        record.save()


def _replay(key: str, fingerprint: str) -> NewReport | None:
    earlier = IdempotencyKey.objects.select_related("report").filter(key=key).first()
    if earlier is None:
        return None
    if fingerprint and earlier.fingerprint and earlier.fingerprint != fingerprint:
        raise IdempotencyMismatch(key)
    return NewReport(report=earlier.report, reporter_token=None, replayed=True)


def _insert_report(decision, description, answers, contact, photos, channel, token, created_at, files) -> Report:
    for _attempt in range(5):
        report = Report(
            tracking_code=new_tracking_code(),
            description=description,
            answers=answers,
            channel=channel,
            reporter_token_hash=_token_hash(token),
        )
        _apply_decision(report, decision)
        report.created_at = created_at or timezone.now()
        _set_deadlines(report)
        try:
            with transaction.atomic():
                report.save(force_insert=True)
            break
        except IntegrityError as exc:
            if "tracking_code" not in str(exc):
                raise
    else:  # pragma: no cover (31^8 codes: five collisions in a row do not happen)
        raise RuntimeError("could not find a free tracking code")
    if any(contact.get(k) for k in ("name", "phone", "email")):
        ReporterContact.objects.create(
            report=report,
            name=contact.get("name", "")[:120],
            phone=contact.get("phone", "")[:30],
            email=contact.get("email", ""),
        )
    for photo in photos:
        record = _save_photo(report, photo, update=None)
        files.extend([record.image, record.thumbnail])
    ReportUpdate.objects.create(
        report=report,
        kind=ReportUpdate.Kind.CREATED,
        actor_role=ReportUpdate.Role.CITIZEN,
        agency=decision.agency,
        new_status=Status.SUBMITTED,
        data={"explanation": decision.explanation, "explanation_en": decision.explanation_en},
        created_at=report.created_at,
    )
    if channel != Channel.DEMO:
        notifications.notify_received(report)
    return report


def _save_photo(report: Report, photo: ProcessedPhoto, update: ReportUpdate | None) -> ReportPhoto:
    record = ReportPhoto(
        report=report, update=update, extension=photo.extension, width=photo.width, height=photo.height
    )
    record.image.save("photo" + photo.extension, ContentFile(photo.content), save=False)
    record.thumbnail.save("thumb.jpg", ContentFile(photo.thumbnail), save=False)
    record.save()
    return record


def _snapshot(report: Report) -> dict:
    return {
        "status": report.status,
        "agency": report.agency.code if report.agency_id else None,
        "category": report.category.code,
        "assigned_to": report.assigned_to.get_username() if report.assigned_to_id else None,
        "location": [round(report.location.x, 7), round(report.location.y, 7)],
        "version": report.version,
    }


def _audit(report: Report, actor, role: str, action: str, before: dict, **extra) -> None:
    """Staff actions only: citizens and the system leave the timeline, not the audit log."""
    if role not in STAFF_ROLES:
        return
    AuditEntry.objects.create(
        report=report, actor=actor, actor_role=role, action=action, before=before, after={**_snapshot(report), **extra}
    )


def _locked(report_id: int, expected_version: int | None) -> Report:
    report = (
        Report.objects.select_for_update(of=("self",))
        .select_related("category", "agency", "desa", "kecamatan")
        .get(pk=report_id)
    )
    if expected_version is not None and report.version != expected_version:
        raise ReportConflict(report)
    return report


@transaction.atomic
def report_transition(
    *,
    report_id: int,
    new_status: str,
    actor=None,
    role: str,
    actor_agency: Agency | None = None,
    expected_version: int | None,
    message: str = "",
    duplicate_of: Report | None = None,
    refer_to: Agency | None = None,
    photo: ProcessedPhoto | None = None,
    at: dt.datetime | None = None,
) -> Report:
    report = _locked(report_id, expected_version)
    check_transition(report.status, new_status, by_reporter=role == Role.REPORTER, by_system=role == Role.SYSTEM)
    before = _snapshot(report)
    data = {}
    if new_status == Status.REJECTED and not message.strip():
        raise TransitionError(_("Give the reason for rejecting the report."), "reason_required", "message")
    if new_status == Status.DUPLICATE:
        if duplicate_of is None:
            raise TransitionError(
                _("Name the original report this one duplicates."), "original_required", "duplicate_of"
            )
        if duplicate_of.pk == report.pk:
            raise TransitionError(_("A report cannot duplicate itself."), "original_is_self", "duplicate_of")
        report.duplicate_of = duplicate_of
        data["duplicate_of"] = duplicate_of.tracking_code
    if new_status == Status.REFERRED:
        if refer_to is None:
            raise TransitionError(_("Choose the agency to refer the report to."), "agency_required", "agency")
        if refer_to.pk == report.agency_id:
            raise TransitionError(_("The report is already with this agency."), "same_agency", "agency")
        data.update(_refer(report, refer_to))

    now = at or timezone.now()
    old_status = report.status
    report.status = new_status
    if role in STAFF_ROLES and report.first_response_at is None:
        report.first_response_at = now
    if new_status == Status.RESOLVED:
        report.resolved_at = now
    elif new_status == Status.CLOSED:
        report.closed_at = now
    elif new_status == Status.REOPENED:
        report.resolved_at = None
    report.version += 1
    report.save()
    update = ReportUpdate.objects.create(
        report=report,
        kind=ReportUpdate.Kind.STATUS,
        actor=actor,
        actor_role=role,
        agency=actor_agency,
        old_status=old_status,
        new_status=new_status,
        message=message.strip(),
        data=data,
        created_at=now,
    )
    if photo is not None:
        _save_photo(report, photo, update=update)
    _audit(report, actor, role, f"status:{new_status}", before, message=update.message)
    notifications.notify_update(update)
    return report


def _refer(report: Report, agency: Agency) -> dict:
    """Re-route to another agency by a person's decision, keeping the spatial facts."""
    previous = report.agency
    decision = RoutingDecision(
        category=report.category,
        geometry=report.geometry,
        point=report.location,
        agency=agency,
        reason="referred",
        desa=report.desa,
        kecamatan=report.kecamatan,
        asset=report.asset,
        distance_m=report.asset_distance_m,
        flags=list(report.routing.get("flags", [])),
    )
    explain(decision, previous=previous)
    before = report.routing
    routing = decision.as_data()
    routing["alternatives"] = before.get("alternatives", routing["alternatives"])
    routing["previous_agency"] = previous.code if previous else None
    report.agency = agency
    report.routing = routing
    report.routing_explanation = decision.explanation[:500]
    report.routing_explanation_en = decision.explanation_en[:500]
    return {
        "from_agency": previous.code if previous else None,
        "to_agency": agency.code,
        "explanation": decision.explanation,
        "explanation_en": decision.explanation_en,
    }


@transaction.atomic
def report_reroute(
    *,
    report_id: int,
    actor=None,
    role: str,
    actor_agency: Agency | None = None,
    expected_version: int | None,
    geometry: GEOSGeometry | None = None,
    category: Category | None = None,
    message: str = "",
) -> Report:
    """Staff moved the pin or changed the category: route again and record why."""
    report = _locked(report_id, expected_version)
    audit_before = _snapshot(report)
    before = {
        "category": report.category.code,
        "agency": report.agency.code if report.agency else None,
        "location": list(report.location.coords),
        "explanation": report.routing_explanation,
    }
    decision = route(category=category or report.category, geometry=geometry or report.geometry)
    category_changed = decision.category.pk != report.category_id
    _apply_decision(report, decision)
    if category_changed:
        _set_deadlines(report)
    report.version += 1
    report.save()
    ReportUpdate.objects.create(
        report=report,
        kind=ReportUpdate.Kind.REROUTED,
        actor=actor,
        actor_role=role,
        agency=actor_agency,
        message=message.strip(),
        data={
            "before": before,
            "after": {
                "category": decision.category.code,
                "agency": decision.agency.code if decision.agency else None,
                "location": list(decision.point.coords),
            },
            "explanation": decision.explanation,
            "explanation_en": decision.explanation_en,
        },
    )
    _audit(report, actor, role, "reroute", audit_before)
    return report


@transaction.atomic
def report_comment(
    *,
    report_id: int,
    actor=None,
    role: str,
    actor_agency: Agency | None = None,
    message: str,
    internal: bool,
    at: dt.datetime | None = None,
) -> ReportUpdate:
    if not message.strip():
        raise TransitionError(_("Write a message."), "message_required", "message")
    now = at or timezone.now()
    report = _locked(report_id, None)
    before = _snapshot(report)
    if not internal and role in STAFF_ROLES and report.first_response_at is None:
        report.first_response_at = now
        report.save(update_fields=["first_response_at", "updated_at"])
    update = ReportUpdate.objects.create(
        report=report,
        kind=ReportUpdate.Kind.NOTE if internal else ReportUpdate.Kind.COMMENT,
        actor=actor,
        actor_role=role,
        agency=actor_agency,
        message=message.strip(),
        is_internal=internal,
        created_at=now,
    )
    _audit(report, actor, role, "note" if internal else "reply", before, message=update.message)
    notifications.notify_update(update)
    return update


@transaction.atomic
def report_assign(
    *, report_id: int, actor, role: str, actor_agency: Agency | None = None, expected_version: int | None, assignee
) -> Report:
    """Give the report to a crew member (or operator) of the agency handling it; None unassigns."""
    from districts.models import Membership

    report = _locked(report_id, expected_version)
    if (
        assignee is not None
        and not Membership.objects.filter(
            user=assignee, agency_id=report.agency_id, role__in=Membership.AGENCY_ROLES
        ).exists()
    ):
        raise TransitionError(_("Assign the report to someone of the agency handling it."), "not_a_member", "assignee")
    before = _snapshot(report)
    report.assigned_to = assignee
    report.version += 1
    report.save(update_fields=["assigned_to", "version", "updated_at"])
    ReportUpdate.objects.create(
        report=report,
        kind=ReportUpdate.Kind.ASSIGNED,
        actor=actor,
        actor_role=role,
        agency=actor_agency,
        is_internal=True,  # a person's name stays inside the agency
        data={"assignee": assignee.get_username() if assignee else None},
    )
    _audit(report, actor, role, "assign", before)
    return report


def report_support(*, report: Report, supporter_key: str) -> bool:
    """A "+1" from a device or account; True when it counted, False when it had counted before."""
    if report.status not in OPEN_STATUSES:
        raise TransitionError(_("Only open reports can be supported."), "not_open", "report")
    supporter_hash = hashlib.sha256(f"{settings.SECRET_KEY}:{supporter_key}".encode()).hexdigest()
    try:
        with transaction.atomic():
            ReportSupport.objects.create(report=report, supporter_hash=supporter_hash)
            Report.objects.filter(pk=report.pk).update(support_count=F("support_count") + 1)
    except IntegrityError:
        return False
    return True


def _reporter_report(report_id: int, token: str) -> Report:
    report = _locked(report_id, None)
    if not reporter_token_matches(report, token):
        raise ReporterError(_("This private link is not valid for this report."), "bad_token")
    return report


@transaction.atomic
def report_reporter_confirm(*, report_id: int, token: str, message: str = "") -> Report:
    report = _reporter_report(report_id, token)
    return report_transition(
        report_id=report.pk,
        new_status=Status.CLOSED,
        role=Role.REPORTER,
        expected_version=None,
        message=message,
    )


@transaction.atomic
def report_reporter_reopen(*, report_id: int, token: str, message: str) -> Report:
    report = _reporter_report(report_id, token)
    if report.status == Status.RESOLVED and report.resolved_at is not None:
        window = dt.timedelta(days=settings.LAPOR_REOPEN_DAYS)
        if timezone.now() - report.resolved_at > window:
            raise ReporterError(
                _("A report can be reopened only within %(days)d days of being resolved.")
                % {"days": settings.LAPOR_REOPEN_DAYS},
                "reopen_window_passed",
                "status",
            )
    if not message.strip():
        raise ReporterError(_("Say what is still wrong."), "message_required", "message")
    return report_transition(
        report_id=report.pk,
        new_status=Status.REOPENED,
        role=Role.REPORTER,
        expected_version=None,
        message=message,
    )


@transaction.atomic
def report_rate(*, report_id: int, token: str, rating: int) -> Report:
    report = _reporter_report(report_id, token)
    if report.status not in (Status.RESOLVED, Status.CLOSED):
        raise ReporterError(_("A report can be rated once it is resolved."), "not_resolved", "rating")
    if not 1 <= rating <= 5:
        raise ReporterError(_("Give a rating from 1 to 5."), "rating_range", "rating")
    report.rating = rating
    report.save(update_fields=["rating", "updated_at"])
    ReportUpdate.objects.create(
        report=report, kind=ReportUpdate.Kind.RATED, actor_role=Role.REPORTER, data={"rating": rating}
    )
    return report


def reports_housekeeping(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Overdue notices to supervisors (once per report), closing resolved reports after the
    confirmation window, re-handing queued notifications whose task was lost, and merging the
    map's cell counts."""
    from .models import Notification
    from .tasks import send_notification

    now = now or timezone.now()
    overdue = 0
    for report in Report.objects.filter(
        status__in=OPEN_STATUSES, resolve_due__lt=now, overdue_notified_at__isnull=True
    ).select_related("category", "agency", "desa", "kecamatan")[:500]:
        with transaction.atomic():
            Report.objects.filter(pk=report.pk).update(overdue_notified_at=now)
            notifications.notify_overdue(report)
        overdue += 1
    closed = 0
    window = dt.timedelta(days=settings.LAPOR_AUTO_CLOSE_DAYS)
    for report_id in Report.objects.filter(status=Status.RESOLVED, resolved_at__lt=now - window).values_list(
        "pk", flat=True
    )[:500]:
        report_transition(
            report_id=report_id,
            new_status=Status.CLOSED,
            role=Role.SYSTEM,
            expected_version=None,
            message=_("Closed automatically %(days)d days after it was resolved.")
            % {"days": settings.LAPOR_AUTO_CLOSE_DAYS},
        )
        closed += 1
    from .abuse import forget_old_counters

    forget_old_counters(now=now)
    stale = now - dt.timedelta(minutes=10)
    requeued = 0
    for pk in Notification.objects.filter(state=Notification.State.QUEUED, next_attempt_at__lt=stale).values_list(
        "pk", flat=True
    )[:1000]:
        send_notification.enqueue(pk)
        requeued += 1
    from .tiles import map_cells_merge

    return {"overdue": overdue, "closed": closed, "requeued": requeued, "map_cells_merged": map_cells_merge()}
