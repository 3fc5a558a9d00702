"""Filing a report: the one submission path of every channel (the REST API, the web form, Open311,
the chat channels).

    submission = submission_validate(data)      # InvalidInput naming every field at fault
    result = report_submit(submission=submission, channel=..., sender=Sender(ip=...), idempotency_key=...)

`report_submit` replays the first report for a retry of the same submission under the same
Idempotency-Key, refuses the key with anything different (IdempotencyMismatch, 422), applies the abuse
bounds to new submissions (Refused, 429 or 403), routes (RoutingError, 400), and stores the report,
its photos and documents, its first timeline entry and (through the report_received event) its
notification rows, in one transaction.
"""

import base64
import datetime as dt
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import ApplicationError, InvalidInput
from common.prefetch import set_prefetched
from common.sql_insert import insert_together

from .. import abuse, events
from ..documents import ProcessedDocument, check_accepted
from ..models import Category, IdempotencyKey, Report, ReportDocument, ReporterContact, ReportUpdate, Status
from ..models.reports import Channel
from ..photos import ProcessedPhoto
from ..routing import RoutingDecision, route
from ..serializers.inputs import ReportInputSerializer
from .base import deadlines_set, decision_apply, new_tracking_code, photo_store, reporter_token_matches, token_hash
from .cohandling import co_handlers_from_rule
from .moderation import public_version


class IdempotencyMismatch(ApplicationError):
    """The same Idempotency-Key was sent with a different report."""

    status = 422
    default_code = "idempotency_key_reused"
    default_field = "Idempotency-Key"

    def __init__(self):
        super().__init__(_("This Idempotency-Key was already used for a different report."))


@dataclass(frozen=True)
class Sender:
    """Who is sending, for the abuse bounds: the connection's address (and, for the chat channels,
    the account on the platform, e.g. "telegram:<chat id>", counted and blocked instead)."""

    ip: str = ""
    account: str = ""


@dataclass
class Submission:
    """A report as every channel sends it, checked: what `report_submit` files."""

    category: Category
    geometry: GEOSGeometry
    description: str = ""
    answers: dict = field(default_factory=dict)
    # name, phone, email; a chat channel adds chat_platform and chat_id (never read from a client)
    contact: dict = field(default_factory=dict)
    photos: list[ProcessedPhoto] = field(default_factory=list)
    documents: list[ProcessedDocument] = field(default_factory=list)
    location_from_photo: bool = False

    def fingerprint(self) -> str:
        """What makes two submissions the same report, for Idempotency-Key replays: everything the
        sender chose (category, place, text, answers, contact, and the photos' and documents' bytes)."""
        contact = {key: value for key, value in sorted(self.contact.items()) if value}
        parts = {
            "category": self.category.code,
            "geometry": self.geometry.ewkt,
            "description": self.description,
            "answers": self.answers,
            "contact": contact,
            "photos": [photo.source_sha256 for photo in self.photos],
            "documents": [document.sha256 for document in self.documents],
        }
        return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass
class NewReport:
    report: Report
    reporter_token: str | None  # the secret for the reporter's private link; only on first creation
    replayed: bool = False


def submission_validate(data: dict) -> Submission:
    """A report in the API's input shape (category code, GeoJSON geometry, description, answers,
    reporter, photo and document uploads) → a Submission; InvalidInput naming every field at fault."""
    serializer = ReportInputSerializer(data=data)
    if not serializer.is_valid():
        raise InvalidInput(serializer.errors)
    values = serializer.validated_data
    return Submission(
        category=values["category"],
        geometry=values["geometry"],
        description=values.get("description", ""),
        answers=values.get("answers") or {},
        contact=dict(values.get("reporter") or {}),
        photos=values.get("photos", []),
        documents=values.get("documents", []),
        location_from_photo=bool(values.get("location_from_photo")),
    )


def report_submit(
    *, submission: Submission, channel: str, sender: Sender, idempotency_key: str | None = None
) -> NewReport:
    fingerprint = submission.fingerprint()
    if idempotency_key:
        replay = _replay(idempotency_key, fingerprint)
        if replay is not None:  # a retry is not a new submission: no abuse bound applies
            return replay
    abuse.guard_report_submission(
        ip=sender.ip,
        phone=submission.contact.get("phone", ""),
        email=submission.contact.get("email", ""),
        account=sender.account,
    )
    return report_create(
        category=submission.category,
        geometry=submission.geometry,
        description=submission.description,
        answers=submission.answers,
        contact=submission.contact,
        photos=submission.photos,
        documents=submission.documents,
        channel=channel,
        idempotency_key=idempotency_key,
        fingerprint=fingerprint,
        flags=("location_from_photo",) if submission.location_from_photo else (),
    )


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
    """Store a report whose input is already checked (by submission_validate, or by the demo data).
    Routing errors (RoutingError) and documents sent to a category that takes none (DocumentError)
    are raised before anything is written; the files of a report whose transaction fails are removed
    again. With an idempotency key, a retry (even one racing the first request) returns the first
    report."""
    if idempotency_key:
        replay = _replay(idempotency_key, fingerprint)
        if replay is not None:
            return replay
    check_accepted(category, documents)
    decision = route(category=category, geometry=geometry)
    decision.flags.extend(flags)
    token = _replayable_token(idempotency_key) or secrets.token_urlsafe(24)
    key = IdempotencyKey(key=idempotency_key, fingerprint=fingerprint) if idempotency_key else None
    public = public_version(category=category, description=description, answers=answers or {})
    for attempt in range(TRACKING_CODE_ATTEMPTS):
        files: list = []  # stored files, removed again if the transaction does not commit
        try:
            with transaction.atomic():
                report = _insert_report(decision, public, contact or {}, photos, channel, token, created_at, key, files)
                _attach_documents(report, documents, files)
                events.report_received.send(sender=__name__, report=report)
            return NewReport(report=report, reporter_token=token)
        except IntegrityError as exc:
            _discard(files)
            if "tracking_code" in str(exc) and attempt + 1 < TRACKING_CODE_ATTEMPTS:
                continue  # 31^8 codes: another report has this one; draw again
            if idempotency_key:
                replay = _replay(idempotency_key, fingerprint)
                if replay is not None:
                    return replay
            raise
        except BaseException:
            _discard(files)
            raise
    raise AssertionError("unreachable")  # pragma: no cover


TRACKING_CODE_ATTEMPTS = 5


# An Idempotency-Key at least this long is taken as a secret of the device that made it (the web app
# makes a random UUID per report): a retry with it and the same content gets the private link again.
SECRET_KEY_LENGTH = 32


def _replayable_token(key: str | None) -> str | None:
    """The private link's token of a report submitted with a device's secret Idempotency-Key: derived
    from the key, so a device whose first answer was lost (the connection dropped, the app was closed)
    learns it on its retry. Shorter keys (hand-made, guessable) get a random token, told once."""
    if not key or len(key) < SECRET_KEY_LENGTH:
        return None
    digest = hmac.new(settings.SECRET_KEY.encode(), f"reporter-token:{key}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:32]


def _replay(key: str, fingerprint: str) -> NewReport | None:
    earlier = IdempotencyKey.objects.select_related("report").filter(key=key).first()
    if earlier is None:
        return None
    if earlier.fingerprint != fingerprint:
        raise IdempotencyMismatch()
    token = _replayable_token(key)
    if token and not reporter_token_matches(earlier.report, token):
        token = None  # made before the secret key changed
    return NewReport(report=earlier.report, reporter_token=token, replayed=True)


def _discard(files: list) -> None:
    for stored in files:
        stored.storage.delete(stored.name)


def _insert_report(
    decision: RoutingDecision, public, contact, photos, channel, token, created_at, key, files
) -> Report:
    """The report, its first timeline entry, its reporter's contact and its Idempotency-Key in one
    statement (insert_together); then its photos and the co-handlers its routing rule names."""
    report = Report(
        tracking_code=new_tracking_code(),
        description=public.description,
        answers=public.answers,
        description_original=public.description_original,
        answers_original=public.answers_original,
        needs_review=public.masked,
        channel=channel,
        reporter_token_hash=token_hash(token),
    )
    decision_apply(report, decision)
    report.created_at = created_at or timezone.now()
    deadlines_set(report)
    entry = ReportUpdate(
        report=report,
        kind=ReportUpdate.Kind.CREATED,
        actor_role=ReportUpdate.Role.CITIZEN,
        agency=decision.agency,
        new_status=Status.SUBMITTED,
        data={
            "explanation": decision.explanation,
            "explanation_en": decision.explanation_en,
            **({"masked": list(public.kinds)} if public.masked else {}),
        },
        created_at=report.created_at,
    )
    contact_row = None
    if any(contact.get(k) for k in ("name", "phone", "email", "chat_id")):
        contact_row = ReporterContact(
            report=report,
            name=contact.get("name", "")[:120],
            phone=contact.get("phone", "")[:30],
            email=contact.get("email", ""),
            chat_platform=contact.get("chat_platform", ""),
            chat_id=contact.get("chat_id", ""),
        )
    if key is not None:
        key.report = report
    insert_together(report, [row for row in (entry, contact_row, key) if row is not None])
    report._state.fields_cache["contact"] = contact_row  # the notifications read it: no query
    stored = []
    for photo in photos:
        record = photo_store(report, photo, update=None)
        files.extend([record.image, record.thumbnail])
        stored.append(record)
    co_handlers = co_handlers_from_rule(report, decision)
    # What report_own_detail would read, from what was just written: the answer needs no query.
    set_prefetched(report, "photos", [record for record in stored if record.is_public])
    set_prefetched(report, "co_handlers", co_handlers)
    if not co_handlers:  # else the timeline also holds their entries: the answer reads it
        set_prefetched(entry, "photos", [])
        report.public_updates = [entry]
    return report


def _attach_documents(report: Report, documents: list[ProcessedDocument], files: list) -> None:
    """Store a request's documents under random names, with one internal timeline entry naming them."""
    set_prefetched(report, "documents", [])
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
    records = []
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
        records.append(record)
    set_prefetched(report, "documents", records)
