"""API tokens with the memberships in the same statement (districts.authentication): the user, their
roles and agencies as the staff APIs need them, one query; wrong and inactive tokens refused."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from districts.models import Agency, Membership

pytestmark = pytest.mark.django_db

TOWN = {"lon": 112.5283, "lat": -7.8713, "radius": 2000}


def crew(username: str, *agencies: str, role=Membership.Role.CREW) -> str:
    user = get_user_model().objects.create(username=username)
    for code in agencies:
        Membership.objects.create(user=user, agency=Agency.objects.get(code=code), role=role)
    return Token.objects.create(user=user).key


def test_the_token_and_the_memberships_come_in_one_query():
    key = crew("petugas-dua-dinas", "dishub", "dpupr")
    client = Client(HTTP_HOST="127.0.0.1")
    client.get("/api/reports/nearby/", TOWN, HTTP_AUTHORIZATION=f"Token {key}")  # statements compiled once
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/api/reports/nearby/", TOWN, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200, response.content
    assert len(captured) == 2, [query["sql"][:120] for query in captured]  # who asks, and the answer
    assert "districts_membership" in captured[0]["sql"]


def test_each_crew_sees_the_open_reports_of_every_agency_it_belongs_to():
    from django.contrib.gis.geos import Point

    from geo_reports.models import Category
    from geo_reports.services.intake import report_create

    made = {}
    for index, code in enumerate(("lalu-lintas", "jalan-rusak", "sampah")):
        category = Category.objects.get(code=code)
        answers = {q.code: (q.values[0]["key"] if q.values else "ya") for q in category.questions.all() if q.required}
        point = Point(TOWN["lon"] + 0.0004 * index, TOWN["lat"], srid=4326)
        report = report_create(category=category, geometry=point, answers=answers).report
        made[report.pk] = report.agency.code
    agencies = set(made.values())
    assert len(agencies) >= 2
    first, *others = sorted(agencies)
    both = crew("petugas-dua", first, *others)
    one = crew("petugas-satu", first)
    client = Client(HTTP_HOST="127.0.0.1")

    def seen(key):
        answer = client.get("/api/reports/nearby/", {**TOWN, "limit": 200}, HTTP_AUTHORIZATION=f"Token {key}")
        assert answer.status_code == 200, answer.content
        return {ticket["id"] for ticket in answer.json()["reports"]} & set(made)

    assert seen(both) == set(made)
    assert seen(one) == {pk for pk, agency in made.items() if agency == first}


def test_a_citizen_token_a_wrong_token_and_an_inactive_user():
    client = Client(HTTP_HOST="127.0.0.1")
    citizen = crew("warga-biasa")  # no membership
    refused = client.get("/api/reports/nearby/", TOWN, HTTP_AUTHORIZATION=f"Token {citizen}")
    assert refused.status_code == 403
    wrong = client.get(
        "/api/reports/nearby/", TOWN, HTTP_AUTHORIZATION="Token 0123456789abcdef", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert wrong.status_code == 401 and "Invalid token" in wrong.json()["detail"]
    key = crew("petugas-pensiun", "dishub")
    get_user_model().objects.filter(username="petugas-pensiun").update(is_active=False)
    gone = client.get("/api/reports/nearby/", TOWN, HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="en")
    assert gone.status_code == 401 and "inactive" in gone.json()["detail"]
