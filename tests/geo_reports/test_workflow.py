"""The status model of DESIGN section 5, move by move, and what each move records."""

import pytest

from geo_reports.models import Report, ReportUpdate, Status
from geo_reports.services.base import ReportConflict
from geo_reports.services.handling import report_transition
from geo_reports.services.intake import report_create
from geo_reports.workflow import TransitionError, check_transition
from tests.places import asset_where, beside

S = Status
# Written out from DESIGN section 5, independently of geo_reports.workflow.TRANSITIONS.
STAFF_MAY = {
    S.SUBMITTED: {S.VERIFIED, S.IN_PROGRESS, S.REJECTED, S.DUPLICATE, S.REFERRED},
    S.VERIFIED: {S.IN_PROGRESS, S.RESOLVED, S.REJECTED, S.DUPLICATE, S.REFERRED},
    S.IN_PROGRESS: {S.RESOLVED, S.REFERRED, S.DUPLICATE},
    S.REFERRED: {S.VERIFIED, S.IN_PROGRESS, S.REJECTED, S.DUPLICATE, S.REFERRED},
    S.REOPENED: {S.IN_PROGRESS, S.RESOLVED, S.REFERRED},
    S.RESOLVED: set(),
    S.CLOSED: set(),
    S.REJECTED: set(),
    S.DUPLICATE: set(),
}
REPORTER_MAY = {(S.RESOLVED, S.CLOSED), (S.RESOLVED, S.REOPENED)}


@pytest.mark.parametrize("old", list(Status))
@pytest.mark.parametrize("new", list(Status))
def test_every_move_for_staff(old, new):
    if new in STAFF_MAY[old]:
        check_transition(old, new)
    else:
        with pytest.raises(TransitionError):
            check_transition(old, new)


@pytest.mark.parametrize("old", list(Status))
@pytest.mark.parametrize("new", list(Status))
def test_every_move_for_the_reporter(old, new):
    if (old, new) in REPORTER_MAY:
        check_transition(old, new, by_reporter=True)
    else:
        with pytest.raises(TransitionError):
            check_transition(old, new, by_reporter=True)


def test_a_refused_move_says_what_is_allowed():
    from django.utils import translation

    with translation.override("id"), pytest.raises(TransitionError) as raised:
        check_transition(S.SUBMITTED, S.CLOSED)
    assert str(raised.value.message) == (
        "Laporan berstatus Diterima tidak dapat menjadi Ditutup. Status berikutnya yang diizinkan: "
        "Duplikat, Ditindaklanjuti, Dialihkan, Ditolak, Diverifikasi."
    )
    with translation.override("en"), pytest.raises(TransitionError) as raised:
        check_transition(S.CLOSED, S.REOPENED)
    assert str(raised.value.message).startswith("A report that is Closed cannot become Reopened. Allowed next: none")


@pytest.fixture
def report(db):
    light = asset_where("street_lights")
    from geo_reports.models import Category

    return report_create(category=Category.objects.get(code="pju-mati"), geometry=beside(light, 3)).report


def _move(report, status, **extra):
    report.refresh_from_db()
    return report_transition(
        report_id=report.pk, new_status=status, role="operator", expected_version=report.version, **extra
    )


def test_a_full_life_leaves_one_timeline_entry_per_step(report):
    for status in (S.VERIFIED, S.IN_PROGRESS, S.RESOLVED):
        _move(report, status, message=f"menjadi {status}")
    report.refresh_from_db()
    assert report.status == S.RESOLVED
    assert report.first_response_at is not None and report.resolved_at is not None
    assert report.version == 4
    steps = list(report.updates.values_list("kind", "old_status", "new_status", "message"))
    assert steps == [
        ("created", "", "submitted", ""),
        ("status", "submitted", "verified", "menjadi verified"),
        ("status", "verified", "in_progress", "menjadi in_progress"),
        ("status", "in_progress", "resolved", "menjadi resolved"),
    ]


def test_reject_needs_a_reason_and_writes_nothing_without_one(report):
    with pytest.raises(TransitionError) as raised:
        _move(report, S.REJECTED, message="  ")
    assert raised.value.field == "message"
    report.refresh_from_db()
    assert report.status == S.SUBMITTED and report.updates.count() == 1
    _move(report, S.REJECTED, message="Bukan wewenang pemerintah kota.")
    assert Report.objects.get(pk=report.pk).status == S.REJECTED


def test_duplicate_needs_the_original(report):
    with pytest.raises(TransitionError) as raised:
        _move(report, S.DUPLICATE)
    assert raised.value.field == "duplicate_of"
    with pytest.raises(TransitionError):
        _move(report, S.DUPLICATE, duplicate_of=report)
    original = report_create(category=report.category, geometry=report.geometry).report
    _move(report, S.DUPLICATE, duplicate_of=original)
    report.refresh_from_db()
    assert report.duplicate_of == original
    assert report.updates.last().data == {"duplicate_of": original.tracking_code}


def test_referral_reroutes_to_the_chosen_agency_and_records_why(report):
    from districts.models import Agency

    assert report.agency.code == "dishub"
    pln = Agency.objects.get(code="pln")
    _move(report, S.REFERRED, refer_to=pln, message="Kabel milik PLN.")
    report.refresh_from_db()
    assert report.agency == pln
    assert report.routing["reason"] == "referred"
    assert report.routing["previous_agency"] == "dishub"
    assert report.routing_explanation.startswith(
        "Dialihkan ke PT PLN (Persero) Unit Pelaksana Pelayanan Pelanggan Malang oleh Dinas Perhubungan Kota Batu;"
    )
    assert report.routing_explanation_en.startswith("Referred to PT PLN (Persero)")
    entry = report.updates.last()
    assert entry.data["from_agency"] == "dishub" and entry.data["to_agency"] == "pln"
    with pytest.raises(TransitionError):
        _move(report, S.REFERRED, refer_to=pln)  # already there


def test_a_stale_version_is_a_conflict_and_changes_nothing(report):
    report_transition(report_id=report.pk, new_status=S.VERIFIED, role="operator", expected_version=1)
    with pytest.raises(ReportConflict) as raised:
        report_transition(report_id=report.pk, new_status=S.REJECTED, role="operator", expected_version=1, message="x")
    assert raised.value.report.version == 2
    assert Report.objects.get(pk=report.pk).status == S.VERIFIED


def test_the_timeline_is_append_only_in_the_database(report):
    from django.db import IntegrityError, transaction

    entry = report.updates.get()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        ReportUpdate.objects.filter(pk=entry.pk).update(message="rewritten history")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        ReportUpdate.objects.filter(pk=entry.pk).delete()
    assert ReportUpdate.objects.get(pk=entry.pk).message == ""


@pytest.fixture
def resolved_with_token(db):
    from geo_reports.models import Category

    light = asset_where("street_lights")
    created = report_create(category=Category.objects.get(code="pju-mati"), geometry=beside(light, 4))
    for status in (S.VERIFIED, S.RESOLVED):
        _move(created.report, status)
    return created.report, created.reporter_token


def test_the_reporter_confirms_with_the_private_token_only(resolved_with_token):
    from geo_reports.services.reporter import ReporterError, report_rate, report_reporter_confirm

    report, token = resolved_with_token
    with pytest.raises(ReporterError) as raised:
        report_reporter_confirm(report_id=report.pk, token="not-the-token")
    assert raised.value.code == "bad_token"
    report_reporter_confirm(report_id=report.pk, token=token)
    report.refresh_from_db()
    assert report.status == S.CLOSED and report.closed_at is not None
    assert report.updates.last().actor_role == "reporter"
    report_rate(report_id=report.pk, token=token, rating=4)
    assert Report.objects.get(pk=report.pk).rating == 4
    with pytest.raises(ReporterError):
        report_rate(report_id=report.pk, token=token, rating=6)


def test_the_reporter_reopens_within_the_window_only(resolved_with_token, settings):
    import datetime as dt

    from django.utils import timezone

    from geo_reports.services.reporter import ReporterError, report_reporter_reopen

    report, token = resolved_with_token
    with pytest.raises(ReporterError) as raised:
        report_reporter_reopen(report_id=report.pk, token=token, message="")
    assert raised.value.code == "message_required"
    Report.objects.filter(pk=report.pk).update(
        resolved_at=timezone.now() - dt.timedelta(days=settings.LAPOR_REOPEN_DAYS + 1)
    )
    with pytest.raises(ReporterError) as raised:
        report_reporter_reopen(report_id=report.pk, token=token, message="Masih mati.")
    assert raised.value.code == "reopen_window_passed"
    Report.objects.filter(pk=report.pk).update(resolved_at=timezone.now() - dt.timedelta(days=1))
    report_reporter_reopen(report_id=report.pk, token=token, message="Masih mati.")
    report.refresh_from_db()
    assert report.status == S.REOPENED and report.resolved_at is None
