"""What the public may read of a report, and staff's say over it (what FixMyStreet staff rely on).

On arrival, personal data in the reporter's free text (the description, text answers to public
questions, a message when they reopen or confirm) is masked in the public version
(`public_version`, geo_reports.personal_data); the report waits for a review and keeps the original
for staff. Staff of the agency handling it (policy.Action.MODERATE) then:

- review it: publish the text as written, or keep it as masked (`report_review`);
- redact the public description or answers themselves, with a reason (`report_public_text_set`);
- hide a photo from the public, or show it again (`report_photo_visibility_set`);
- hide the whole report from the public (abusive, a test, personal data), or show it again
  (`report_visibility_set`): it then leaves every public list, map, tile, count, feed and
  interface, while its reporter's private link and the staff pages still show it.

Each is one transaction on the locked report, leaving an internal timeline entry and an audit entry.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from districts.models import Agency

from ..models import Category, CategoryQuestion, HiddenReason, Report, ReportPhoto, ReportUpdate
from ..personal_data import mask
from ..workflow import TransitionError
from .base import report_locked
from .handling import audit_record

TEXT_TYPES = (CategoryQuestion.Datatype.STRING, CategoryQuestion.Datatype.TEXT)


@dataclass
class PublicVersion:
    """A report's texts as the public will read them, and the originals staff keep."""

    description: str
    answers: dict
    description_original: str = ""
    answers_original: dict = field(default_factory=dict)
    kinds: tuple[str, ...] = ()  # the kinds of personal data masked (personal_data.KINDS)

    @property
    def masked(self) -> bool:
        return bool(self.kinds)


def public_text_answers(category: Category) -> list[CategoryQuestion]:
    """The questions whose answers are free text the public reads."""
    return [q for q in category.questions.all() if q.is_public and q.datatype in TEXT_TYPES]


def public_version(*, category: Category, description: str, answers: dict) -> PublicVersion:
    """The description and answers of a new report with personal data masked."""
    kinds: list[str] = []
    result = mask(description)
    kinds += result.kinds
    version = PublicVersion(description=result.text, answers=dict(answers))
    if result.found:
        version.description_original = description
    for question in public_text_answers(category):
        value = answers.get(question.code)
        if not isinstance(value, str):
            continue
        found = mask(value)
        if found.found:
            version.answers[question.code] = found.text
            version.answers_original[question.code] = value
            kinds += found.kinds
    version.kinds = tuple(dict.fromkeys(kinds))
    return version


def _moderated(report: Report, *, actor, role: str, agency: Agency | None, data: dict, message: str = "") -> None:
    ReportUpdate.objects.create(
        report=report,
        kind=ReportUpdate.Kind.MODERATED,
        actor=actor,
        actor_role=role,
        agency=agency,
        message=message.strip(),
        is_internal=True,  # what was hidden, and why, stays with staff
        data=data,
    )


def _texts(report: Report) -> dict:
    return {"description": report.description, "answers": report.answers, "needs_review": report.needs_review}


@transaction.atomic
def report_public_text_set(
    *,
    report_id: int,
    actor,
    role: str,
    actor_agency: Agency | None,
    expected_version: int | None,
    description: str,
    answers: dict[str, str] | None = None,
    reason: str,
) -> Report:
    """Staff redact what the public reads: the description, and answers to public text questions.
    The reporter's words stay for staff; giving them back unchanged publishes them again."""
    if not reason.strip():
        raise TransitionError(_("Say why the public text changes."), "reason_required", "reason")
    report = report_locked(report_id, expected_version)
    before = _texts(report)
    original = report.staff_description
    report.description = description.strip()
    report.description_original = "" if report.description == original else original
    editable = {question.code for question in public_text_answers(report.category)}
    for code, value in (answers or {}).items():
        if code not in editable or code not in report.answers:
            raise TransitionError(
                _("Only answers to the report's public text questions can be changed."), "not_editable", "answers"
            )
        written = report.answers_original.get(code, report.answers[code])
        report.answers[code] = value.strip()
        if report.answers[code] == written:
            report.answers_original.pop(code, None)
        else:
            report.answers_original[code] = written
    report.needs_review = False
    report.version += 1
    report.save()
    _moderated(report, actor=actor, role=role, agency=actor_agency, data={"action": "redact", "reason": reason})
    audit_record(report, actor, role, "mod:text", before, **_texts(report), reason=reason)
    return report


@transaction.atomic
def report_review(
    *, report_id: int, actor, role: str, actor_agency: Agency | None, expected_version: int | None, publish: bool
) -> Report:
    """Staff looked at what was masked on arrival: publish the text as the reporter wrote it
    (`publish`), or keep it as it is now."""
    report = report_locked(report_id, expected_version)
    before = _texts(report)
    if publish:
        report.description = report.staff_description
        report.answers = report.staff_answers
        report.description_original = ""
        report.answers_original = {}
    report.needs_review = False
    report.version += 1
    report.save()
    action = "publish" if publish else "keep_masked"
    _moderated(report, actor=actor, role=role, agency=actor_agency, data={"action": action})
    audit_record(report, actor, role, f"mod:{action}", before, **_texts(report))
    return report


@transaction.atomic
def report_photo_visibility_set(
    *, report_id: int, actor, role: str, actor_agency: Agency | None, photo_uuid, public: bool, reason: str = ""
) -> ReportPhoto:
    """Hide one photo from the public (with a reason), or show it again. Staff still see it."""
    if not public and not reason.strip():
        raise TransitionError(_("Say why the photo is hidden."), "reason_required", "reason")
    report = report_locked(report_id, None)
    photo = ReportPhoto.objects.filter(report=report, uuid=photo_uuid).first()
    if photo is None:
        raise TransitionError(_("The report has no such photo."), "unknown_photo", "photo")
    before = {"photo": photo.uuid.hex, "public": photo.is_public}
    photo.is_public = public
    photo.save(update_fields=["is_public"])
    report.save(update_fields=["updated_at"])  # public outputs and map tiles changed
    action = "photo_shown" if public else "photo_hidden"
    data = {"action": action, "photo": photo.uuid.hex, "reason": reason}
    _moderated(report, actor=actor, role=role, agency=actor_agency, data=data)
    audit_record(report, actor, role, f"mod:{action}", before, photo=photo.uuid.hex, public=public, reason=reason)
    return photo


@transaction.atomic
def report_visibility_set(
    *,
    report_id: int,
    actor,
    role: str,
    actor_agency: Agency | None,
    expected_version: int | None,
    hidden: bool,
    reason: str = "",
    note: str = "",
) -> Report:
    """Hide the report from the public altogether (`reason`: a HiddenReason), or show it again."""
    if hidden and reason not in HiddenReason.values:
        raise TransitionError(_("Choose why the report is hidden."), "reason_required", "reason")
    report = report_locked(report_id, expected_version)
    before = {"hidden": report.is_hidden, "hidden_reason": report.hidden_reason}
    report.is_hidden = hidden
    report.hidden_reason = reason if hidden else ""
    report.version += 1
    report.save()
    action = "hidden" if hidden else "shown"
    _moderated(
        report, actor=actor, role=role, agency=actor_agency, data={"action": action, "reason": reason}, message=note
    )
    audit_record(
        report, actor, role, f"mod:{action}", before, hidden=hidden, hidden_reason=report.hidden_reason, note=note
    )
    return report
