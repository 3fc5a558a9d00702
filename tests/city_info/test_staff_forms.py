"""The staff forms for vacancies and announcements, in-process (Django's test client, rolled back):
server-side validation with messages on the fields, and writes only by those allowed."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from city_info.models import Announcement, Event, JobVacancy
from districts.models import Agency, Area, Membership

pytestmark = pytest.mark.django_db


def staff_client(client, role: str, agency_code: str | None):
    user = get_user_model().objects.create_user(username=f"form-{role}-{agency_code}")
    Membership.objects.create(
        user=user, role=role, agency=Agency.objects.get(code=agency_code) if agency_code else None
    )
    client.force_login(user)
    return client


def job_form(**changes) -> dict:
    values = {
        "agency": Agency.objects.get(code="disnaker").pk,
        "position": "Barista",
        "employer": "Kedai kopi di Punten",
        "description": "Menyiapkan kopi dan melayani tamu.",
        "closes_on": (timezone.localdate() + dt.timedelta(days=14)).isoformat(),
        "how_to_apply": "Datang langsung dengan membawa CV.",
        "location_0": "112.5240",
        "location_1": "-7.8317",
    }
    return {**values, **changes}


def test_disnaker_publishes_a_vacancy_through_the_form(client):
    client = staff_client(client, "operator", "disnaker")
    response = client.post("/petugas/info/lowongan/baru/", job_form())
    job = JobVacancy.objects.get(position="Barista")
    assert response.status_code == 302 and response["Location"] == f"/info/lowongan/{job.pk}/"
    assert job.location.x == pytest.approx(112.524) and job.created_by.username == "form-operator-disnaker"
    page = client.get(f"/info/lowongan/{job.pk}/")
    assert "Lowongan kerja tersimpan dan tampil untuk publik." in page.content.decode()
    assert f'href="/petugas/info/lowongan/{job.pk}/"' in page.content.decode()  # the edit link, for its staff


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"closes_on": "2020-01-01"}, "closes_on", "Batas akhirnya sudah lewat. Pilih hari ini atau sesudahnya."),
        ({"location_1": ""}, "location", "Isi bujur dan lintang sekaligus, atau ketuk peta."),
        (
            {"location_0": "112.6302", "location_1": "-7.9666"},
            "location",
            "Lokasi harus berada di dalam wilayah Kota Batu.",
        ),
        ({"position": "  "}, "position", "Bidang ini harus diisi."),
    ],
)
def test_a_bad_vacancy_is_shown_again_with_the_message_on_its_field(client, changes, field, message):
    client = staff_client(client, "operator", "disnaker")
    response = client.post("/petugas/info/lowongan/baru/", job_form(**changes))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert f'id="error-{field}"' in response.content.decode()
    assert not JobVacancy.objects.filter(employer="Kedai kopi di Punten").exists()


def test_a_closed_vacancy_can_still_be_corrected(client):
    client = staff_client(client, "operator", "disnaker")
    client.post("/petugas/info/lowongan/baru/", job_form())
    job = JobVacancy.objects.get(position="Barista")
    JobVacancy.objects.filter(pk=job.pk).update(closes_on=timezone.localdate() - dt.timedelta(days=3))
    response = client.post(
        f"/petugas/info/lowongan/{job.pk}/",
        job_form(closes_on=(timezone.localdate() - dt.timedelta(days=3)).isoformat(), employer="Kedai kopi Punten"),
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.employer == "Kedai kopi Punten"


def test_an_announcement_with_an_area_and_a_point_outside_it_is_refused(client):
    client = staff_client(client, "operator", "dishub")
    form = {
        "agency": Agency.objects.get(code="dishub").pk,
        "kind": "announcement",
        "title": "Jembatan ditutup",
        "body": "Perbaikan.",
        "published_on": timezone.localdate().isoformat(),
        "area": "35.79.02.2003",  # Tulungrejo
        "location_0": "112.5198",  # a point in Tlekung
        "location_1": "-7.9212",
    }
    response = client.post("/petugas/info/pengumuman/baru/", form)
    assert response.context["form"].errors["location"] == ["Lokasi harus berada di dalam wilayah yang dipilih."]
    tulungrejo = Area.objects.get(code="35.79.02.2003").geom.point_on_surface
    form.update(location_0=str(tulungrejo.x), location_1=str(tulungrejo.y))
    assert client.post("/petugas/info/pengumuman/baru/", form).status_code == 302
    # Without a place at all is fine for an announcement.
    form.update(title="Tanpa tempat", area="", location_0="", location_1="")
    assert client.post("/petugas/info/pengumuman/baru/", form).status_code == 302
    assert not Announcement.objects.get(title="Tanpa tempat").has_place


def test_a_scheduled_announcement_goes_back_to_the_overview(client):
    client = staff_client(client, "supervisor", "dlh")
    response = client.post(
        "/petugas/info/pengumuman/baru/",
        {
            "agency": Agency.objects.get(code="dlh").pk,
            "kind": "news",
            "title": "Nanti",
            "body": "...",
            "published_on": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 302 and response["Location"] == "/petugas/info/"


def test_the_agency_choice_is_limited_to_ones_own(client):
    client = staff_client(client, "operator", "dlh")
    form = client.get("/petugas/info/acara/baru/").context["form"]
    assert [a.code for a in form.fields["agency"].queryset] == ["dlh"]
    start = timezone.localtime() + dt.timedelta(days=2)
    response = client.post(
        "/petugas/info/acara/baru/",
        {
            "agency": Agency.objects.get(code="dishub").pk,
            "title": "Menyamar",
            "description": "...",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "location_0": "112.5263",
            "location_1": "-7.8713",
        },
    )
    assert response.status_code == 200 and "agency" in response.context["form"].errors
    assert not Event.objects.filter(title="Menyamar").exists()


def test_field_crews_may_read_but_not_publish(client):
    client = staff_client(client, "crew", "dishub")
    assert client.get("/petugas/info/").status_code == 200
    assert client.get("/petugas/info/acara/baru/").status_code == 403
    assert client.get("/petugas/info/tidak-ada/baru/").status_code == 404


def test_citizens_without_a_role_are_refused(client):
    client.force_login(get_user_model().objects.create_user(username="warga"))
    response = client.get("/petugas/info/")
    assert response.status_code == 403
    assert "Halaman ini untuk petugas instansi Pemerintah Kota Batu." in response.content.decode()
