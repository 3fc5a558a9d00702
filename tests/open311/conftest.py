"""Fixtures for the Open311 interface: API keys, a staff account, two extra categories (one with a
multivaluelist question, one not public) and a report with a timeline, all committed so that the
real server sees them."""

import pytest

from .helpers import BATU, CONTACT, INTERNAL_NOTE, INTERNAL_NOTE_2, PUBLIC_REPLY, VERIFIED_MESSAGE


@pytest.fixture(scope="session")
def api_key(committed) -> str:
    from open311.services import api_key_create

    with committed():
        return api_key_create(client_name="Open311 tests").key


@pytest.fixture(scope="session")
def inactive_api_key(committed) -> str:
    from open311.services import api_key_create

    with committed():
        return api_key_create(client_name="Retired client", is_active=False).key


@pytest.fixture(scope="session")
def admin_token(committed) -> str:
    """A DRF token of a superuser: allowed every staff action, whatever agency a report went to."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    with committed():
        user, _ = get_user_model().objects.get_or_create(
            username="open311-admin", defaults={"is_staff": True, "is_superuser": True}
        )
        return Token.objects.get_or_create(user=user)[0].key


@pytest.fixture(scope="session")
def multi_category(committed) -> str:
    """A category with a multivaluelist, a number and a datetime question (the demo has none)."""
    from geo_reports.models import Category, CategoryQuestion

    with committed():
        category, created = Category.objects.get_or_create(
            code="uji-open311",
            defaults={
                "name": "Uji Open311",
                "name_en": "Open311 test",
                "description": "Kategori uji antarmuka Open311.",
                "description_en": "A category to test the Open311 interface.",
                "group": Category.Group.OTHER,
                "keywords": "uji,open311",
                "geometry_kinds": ["Point"],
                "order": 990,
            },
        )
        if created:
            CategoryQuestion.objects.create(
                category=category,
                code="hazards",
                order=1,
                datatype="multivaluelist",
                required=True,
                label="Bahaya apa saja?",
                label_en="Which hazards?",
                help="Pilih satu atau lebih.",
                help_en="Choose one or more.",
                values=[
                    {"key": "glass", "name": "Pecahan kaca", "name_en": "Broken glass"},
                    {"key": "smoke", "name": "Asap", "name_en": "Smoke"},
                    {"key": "water", "name": "Genangan", "name_en": "Standing water"},
                ],
            )
            CategoryQuestion.objects.create(
                category=category,
                code="count",
                order=2,
                datatype="number",
                label="Berapa banyak?",
                label_en="How many?",
            )
            CategoryQuestion.objects.create(
                category=category,
                code="since",
                order=3,
                datatype="datetime",
                label="Sejak kapan?",
                label_en="Since when?",
            )
        return category.code


@pytest.fixture(scope="session")
def private_category(committed) -> str:
    """A category whose reports never appear in public."""
    from geo_reports.models import Category

    with committed():
        Category.objects.get_or_create(
            code="uji-rahasia",
            defaults={
                "name": "Uji rahasia",
                "name_en": "Private test",
                "geometry_kinds": ["Point"],
                "is_public": False,
                "order": 991,
            },
        )
    return "uji-rahasia"


@pytest.fixture(scope="session")
def timeline_report(committed, admin_token) -> dict:
    """A report (with a contact) whose timeline has a staff status change with a message, a public
    reply, and internal notes, made through the reports app's services (there is no HTTP route for
    internal notes that does not depend on agency memberships)."""
    from django.contrib.auth import get_user_model

    from districts.spatial import lonlat_point
    from geo_reports.models import ReportUpdate, Status
    from geo_reports.models.reports import Channel
    from geo_reports.selectors import category_by_code
    from geo_reports.services.handling import report_comment, report_transition
    from geo_reports.services.intake import report_create

    with committed():
        admin = get_user_model().objects.get(username="open311-admin")
        created = report_create(
            category=category_by_code("sampah"),
            geometry=lonlat_point(*BATU),
            description="Sampah menumpuk di depan balai desa.",
            answers={"problem": "depot_full"},
            contact={"name": CONTACT["name"], "phone": CONTACT["phone"], "email": CONTACT["email"]},
            channel=Channel.OPEN311,
        )
        report = created.report
        role = ReportUpdate.Role.ADMIN
        report_comment(report_id=report.pk, actor=admin, role=role, message=INTERNAL_NOTE, internal=True)
        report_transition(
            report_id=report.pk,
            new_status=Status.VERIFIED,
            actor=admin,
            role=role,
            expected_version=None,
            message=VERIFIED_MESSAGE,
        )
        report_comment(report_id=report.pk, actor=admin, role=role, message=PUBLIC_REPLY, internal=False)
        report_comment(report_id=report.pk, actor=admin, role=role, message=INTERNAL_NOTE_2, internal=True)
        return {"id": report.pk, "tracking_code": report.tracking_code}


@pytest.fixture(scope="session")
def old_report(committed) -> int:
    """A report filed 120 days ago: outside the default 90-day window."""
    import datetime as dt

    from django.utils import timezone

    from districts.spatial import lonlat_point
    from geo_reports.models.reports import Channel
    from geo_reports.selectors import category_by_code
    from geo_reports.services.intake import report_create

    with committed():
        created = report_create(
            category=category_by_code("lainnya"),
            geometry=lonlat_point(*BATU),
            description="Laporan lama.",
            channel=Channel.OPEN311,
            created_at=timezone.now() - dt.timedelta(days=120),
        )
        return created.report.pk
