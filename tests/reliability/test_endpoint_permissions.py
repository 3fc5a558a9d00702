"""Promise 5: only the right people act, on every endpoint there is.

Every route of the URL resolver (and every HTTP method of a class-based view) must be classified
below: a new endpoint makes test_every_route_is_classified fail until someone decides what it is.
Every private read and every staff write then has a probe, run for each kind of caller: nobody
signed in, a signed-in account without a role, another agency's operator (DLH), Dishub's crew,
operator and supervisor, a planner and an administrator. The probes extend
tests/geo_reports/test_permissions.py (which walks the actions of the role matrix) to the endpoints
themselves: the staff API, the exports' private fields, the staff pages, the admin, and the public
writes that a staff login must not unlock (the reporter's private link, Open311's API key).
"""

import httpx
import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import STAFF_PASSWORD

from . import records
from .conftest import auth

pytestmark = pytest.mark.django_db

PUBLIC_READ, PUBLIC_WRITE, STAFF_WRITE, PRIVATE_READ, ADMIN = (
    "public read", "public write", "staff write", "private read", "admin",
)  # fmt: skip

# (route as the resolver spells it, method or "*" for function views) → kind
CLASSIFIED = {
    ("healthz", "*"): PUBLIC_READ,
    ("api/areas/", "get"): PUBLIC_READ,
    ("api/agencies/", "get"): PUBLIC_READ,
    ("api/boundaries/", "get"): PUBLIC_READ,
    ("api/geocode/", "get"): PUBLIC_READ,
    ("api/categories/", "get"): PUBLIC_READ,
    ("api/routing/preview/", "post"): PUBLIC_WRITE,  # writes nothing; public by design
    ("api/reports/", "get"): PUBLIC_READ,
    ("api/reports/", "post"): PUBLIC_WRITE,
    ("api/reports/map/", "get"): PUBLIC_READ,
    ("api/reports/count/", "get"): PUBLIC_READ,
    ("api/tiles/reports/<int:z>/<int:x>/<int:y>.pbf", "get"): PUBLIC_READ,
    ("api/tiles/basemap/<slug:version>/<int:z>/<int:x>/<int:y>.pbf", "*"): PUBLIC_READ,
    ("api/tiles/basemap-staff/<slug:version>/<int:z>/<int:x>/<int:y>.pbf", "*"): PRIVATE_READ,  # pipes: staff
    ("api/^reports/export\\.(?P<fmt>geojson|csv|gpkg)$", "get"): PRIVATE_READ,  # private fields by policy
    ("api/reports/track/<str:code>/", "get"): PUBLIC_READ,
    ("api/reports/<int:pk>/", "get"): PUBLIC_READ,
    ("api/reports/<int:pk>/support/", "post"): PUBLIC_WRITE,
    ("api/reports/nearby/", "get"): PRIVATE_READ,
    ("api/reports/<int:pk>/transition/", "post"): STAFF_WRITE,
    ("api/reports/<int:pk>/reroute/", "post"): STAFF_WRITE,
    ("api/reports/<int:pk>/comments/", "post"): STAFF_WRITE,
    ("api/reports/<int:pk>/assign/", "post"): STAFF_WRITE,
    ("api/reports/<int:pk>/public-text/", "post"): STAFF_WRITE,
    ("api/reports/<int:pk>/review/", "post"): STAFF_WRITE,
    ("api/reports/<int:pk>/visibility/", "post"): STAFF_WRITE,
    ("api/reports/<int:pk>/photos/<uuid:photo>/visibility/", "post"): STAFF_WRITE,
    ("api/reports/<int:pk>/co-handlers/", "post"): STAFF_WRITE,
    ("api/reports/<int:pk>/co-handlers/<slug:agency>/", "delete"): STAFF_WRITE,
    ("api/stats/", "get"): PUBLIC_READ,
    ("api/stats/hotspots/assets/", "get"): PUBLIC_READ,
    ("api/stats/hotspots/clusters/", "get"): PUBLIC_READ,
    ("api/staff/inbox/", "get"): PRIVATE_READ,
    ("api/staff/reports/<int:pk>/", "get"): PRIVATE_READ,
    ("api/auth/token/", "post"): PUBLIC_WRITE,  # credentials in, a token out
    ("api/reports/<int:pk>/reporter/", "post"): PUBLIC_WRITE,  # the reporter's secret link
    ("api/schema/", "get"): PUBLIC_READ,
    ("api/docs/", "get"): PUBLIC_READ,
    ("media/photos/<str:prefix>/<str:filename>", "*"): PUBLIC_READ,
    ("i18n/setlang/", "*"): PUBLIC_WRITE,  # a cookie, nothing stored
    ("channels/whatsapp/", "*"): PUBLIC_WRITE,  # signed by the platform (X-Hub-Signature-256), else 403
    ("channels/telegram/", "*"): PUBLIC_WRITE,  # the platform's secret token, else 403
    ("open311/v2/^discovery\\.(?P<fmt>xml|json)$", "*"): PUBLIC_READ,
    ("open311/v2/^services\\.(?P<fmt>xml|json)$", "*"): PUBLIC_READ,
    ("open311/v2/^services/(?P<service_code>[^/]+)\\.(?P<fmt>xml|json)$", "*"): PUBLIC_READ,
    ("open311/v2/^requests\\.(?P<fmt>xml|json)$", "*"): PUBLIC_WRITE,  # POST needs an API key
    ("open311/v2/^requests/(?P<service_request_id>[^/]+)\\.(?P<fmt>xml|json)$", "*"): PUBLIC_READ,
    ("open311/v2/^tokens/(?P<token>[^/]+)\\.(?P<fmt>xml|json)$", "*"): PUBLIC_READ,
    ("open311/v2/^servicerequestupdates\\.(?P<fmt>xml|json)$", "*"): PUBLIC_READ,
    ("open311/v2/^(?P<path>.*?(?:\\.(?P<fmt>json))?)$", "*"): PUBLIC_READ,
    ("ogcapi/^$", "*"): PUBLIC_READ,
    ("ogcapi/^conformance/?$", "*"): PUBLIC_READ,
    ("ogcapi/^api/?$", "*"): PUBLIC_READ,
    ("ogcapi/^collections/?$", "*"): PUBLIC_READ,
    ("ogcapi/^collections/(?P<collection_id>[^/]+)/?$", "*"): PUBLIC_READ,
    ("ogcapi/^collections/(?P<collection_id>[^/]+)/items/?$", "*"): PUBLIC_READ,
    ("ogcapi/^collections/(?P<collection_id>[^/]+)/queryables/?$", "*"): PUBLIC_READ,
    ("ogcapi/^collections/(?P<collection_id>[^/]+)/items/(?P<feature_id>[^/]+)/?$", "*"): PUBLIC_READ,
    ("", "*"): PUBLIC_READ,
    ("lapor/", "*"): PUBLIC_READ,
    ("laporan/<str:code>/", "*"): PUBLIC_READ,
    ("lacak/", "*"): PUBLIC_READ,
    ("statistik/", "*"): PUBLIC_READ,
    ("petugas/", "*"): PRIVATE_READ,
    ("petugas/laporan/<str:code>/", "*"): PRIVATE_READ,
    ("petugas/terdekat/", "*"): PRIVATE_READ,
    ("petugas/mulai/", "*"): PRIVATE_READ,  # redirects staff to their page, strangers to sign in
    ("masuk/", "get"): PUBLIC_READ,
    ("masuk/", "post"): PUBLIC_WRITE,
    ("masuk/", "put"): PUBLIC_WRITE,
    ("keluar/", "get"): PUBLIC_READ,
    ("keluar/", "post"): PUBLIC_WRITE,
    ("layanan/", "*"): PUBLIC_READ,
    ("layanan/<slug:code>/", "*"): PUBLIC_READ,
    ("tentang/", "*"): PUBLIC_READ,
    # The installable app: its worker, manifest and offline pages hold nobody's data.
    ("sw.js", "*"): PUBLIC_READ,
    ("manifest.webmanifest", "*"): PUBLIC_READ,
    ("offline/", "*"): PUBLIC_READ,
    ("laporan-saya/", "*"): PUBLIC_READ,  # the list lives on the phone, not on the server
    # Web Push: the site's public key; a reporter follows a report with its private link (the token,
    # which a staff login does not replace); staff follow their own work.
    ("api/push/key/", "get"): PUBLIC_READ,
    ("api/reports/<int:pk>/push/", "post"): PUBLIC_WRITE,
    ("api/reports/<int:pk>/push/", "delete"): PUBLIC_WRITE,
    ("api/push/subscriptions/", "post"): STAFF_WRITE,
    ("api/push/subscriptions/", "delete"): STAFF_WRITE,
    ("privasi/", "*"): PUBLIC_READ,
    ("ketentuan/", "*"): PUBLIC_READ,
    ("api/reports/<int:pk>/documents/<uuid:document>/", "get"): PRIVATE_READ,  # requester's link or agency
    # City information: anyone reads; agency staff write their own agency's items.
    **{(f"api/info/{kind}/", "get"): PUBLIC_READ for kind in ("events", "jobs", "announcements")},
    **{(f"api/info/{kind}/<int:pk>/", "get"): PUBLIC_READ for kind in ("events", "jobs", "announcements")},
    **{(f"api/info/{kind}/", "post"): STAFF_WRITE for kind in ("events", "jobs", "announcements", "prices")},
    **{
        (f"api/info/{kind}/<int:pk>/", method): STAFF_WRITE
        for kind in ("events", "jobs", "announcements")
        for method in ("patch", "delete")
    },
    ("api/info/markets/", "get"): PUBLIC_READ,
    ("api/info/commodities/", "get"): PUBLIC_READ,
    ("api/info/prices/", "get"): PUBLIC_READ,
    **{
        (path, "*"): PUBLIC_READ
        for path in (
            "info/acara/",
            "info/acara/<int:pk>/",
            "info/harga/",
            "info/lowongan/",
            "info/lowongan/<int:pk>/",
            "info/pengumuman/",
            "info/pengumuman/<int:pk>/",
            # The city's own feeds, and those of resolved reports (public fields only).
            "info/acara/rss/",
            "info/acara/atom/",
            "info/pengumuman/rss/",
            "info/pengumuman/atom/",
            "laporan-selesai/rss/",
            "laporan-selesai/atom/",
            "laporan-selesai/<str:code>/rss/",
            "laporan-selesai/<str:code>/atom/",
        )
    },
    ("petugas/info/", "*"): PRIVATE_READ,
    ("petugas/info/harga/", "*"): STAFF_WRITE,
    ("petugas/info/<str:kind>/baru/", "*"): STAFF_WRITE,
    ("petugas/info/<str:kind>/<int:pk>/", "*"): STAFF_WRITE,
    ("petugas/info/<str:kind>/<int:pk>/hapus/", "*"): STAFF_WRITE,
}
ADMIN_PREFIX = "admin/"


def routes() -> set[tuple[str, str]]:
    """(route, method) of every URL the project serves; "*" for views that are not classes."""
    found = set()

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
                continue
            assert isinstance(pattern, URLPattern)
            route = prefix + str(pattern.pattern)
            view_class = getattr(pattern.callback, "cls", None) or getattr(pattern.callback, "view_class", None)
            if view_class is None:
                found.add((route, "*"))
            else:
                for method in ("get", "post", "put", "patch", "delete"):
                    if hasattr(view_class, method):
                        found.add((route, method))

    walk(get_resolver().url_patterns)
    # i18n_patterns: the same page routes under a language prefix resolve to the same views.
    return {(route.removeprefix("en/"), method) for route, method in found}


def test_every_route_is_classified():
    served = routes()
    admin = {key for key in served if key[0].startswith(ADMIN_PREFIX)}
    records.note(__name__, routes=len(served - admin), admin_routes=len(admin), callers=len(WHO))
    unclassified = sorted(key for key in served if key not in CLASSIFIED and not key[0].startswith(ADMIN_PREFIX))
    assert unclassified == [], f"classify these routes in CLASSIFIED: {unclassified}"
    stale = sorted(key for key in CLASSIFIED if key not in served)
    assert stale == [], f"these routes are gone: {stale}"


# --- callers ---------------------------------------------------------------------------------------

WHO = [
    None,
    "no-role",
    "dlh-operator",
    "dishub-crew",
    "dishub-operator",
    "dishub-supervisor",
    "planner-test",
    "admin-test",
]
STAFF = set(WHO) - {None, "no-role"}
READERS = {"dishub-crew", "dishub-operator", "dishub-supervisor", "planner-test", "admin-test"}
ACTORS = {"dishub-operator", "dishub-supervisor", "admin-test"}


@pytest.fixture(scope="session")
def tokens(staff_users, committed) -> dict:
    """The staff's tokens and one of a signed-in account without any role."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    with committed():
        user, created = get_user_model().objects.get_or_create(username="no-role")
        if created:
            user.set_password(STAFF_PASSWORD)
            user.save()
        return {**staff_users, "no-role": Token.objects.get_or_create(user=user)[0].key}


def headers_of(tokens, who) -> dict:
    return auth(tokens[who]) if who else {}


def signed_in(server: str, who: str | None) -> httpx.Client:
    client = httpx.Client(base_url=server, follow_redirects=False, timeout=60)
    if who is None:
        return client
    client.get("/masuk/")
    response = client.post(
        "/masuk/",
        data={"username": who, "password": STAFF_PASSWORD, "csrfmiddlewaretoken": client.cookies["csrftoken"]},
        headers={"Referer": server + "/masuk/"},
    )
    assert response.status_code == 302, response.text[:300]
    return client


def dishub_report(server: str, name: str = "") -> dict:
    from tests.geo_reports.test_permissions import new_report

    with httpx.Client(base_url=server, timeout=60) as client:
        report = new_report(client)
    if name:  # a contact, to see who gets it
        from geo_reports.models import Report

        pin = Report.objects.get(pk=report["id"]).location
        response = httpx.post(
            f"{server}/api/reports/",
            json={
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [pin.x, pin.y]},
                "properties": {"category": "pju-mati", "answers": {"problem": "out"}, "reporter": {"name": name}},
            },
            timeout=60,
        )
        assert response.status_code == 201
        report = response.json()["properties"]
    return report


def expect(who, allowed: set, denied_signed_in: int = 403) -> int:
    if who in allowed:
        return 200
    return 401 if who is None else denied_signed_in


@pytest.mark.parametrize("who", WHO, ids=lambda w: w or "anonymous")
def test_staff_api_reads(api, server, tokens, who):
    headers = headers_of(tokens, who)
    name = "Warga Sapuan Izin 5521"
    report = dishub_report(server, name=name)

    inbox = api.get("/api/staff/inbox/", headers=headers)
    assert inbox.status_code == expect(who, STAFF), inbox.text[:300]
    if inbox.status_code == 200:
        codes = {f["properties"]["tracking_code"] for f in inbox.json()["reports"]["features"]}
        assert (report["tracking_code"] in codes) == (who in READERS)

    private = api.get(f"/api/staff/reports/{report['id']}/", headers=headers)
    assert private.status_code == expect(who, READERS), private.text[:300]
    assert (name in private.text) == (who in READERS)

    lon, lat = report["location"]
    nearby = api.get("/api/reports/nearby/", params={"lon": lon, "lat": lat, "radius": 50}, headers=headers)
    assert nearby.status_code == expect(who, STAFF), nearby.text[:300]
    if nearby.status_code == 200:
        ids = {row["id"] for row in nearby.json()["reports"]}
        assert (report["id"] in ids) == (who in READERS)


@pytest.mark.parametrize("who", WHO, ids=lambda w: w or "anonymous")
@pytest.mark.parametrize("fmt", ["csv", "geojson", "gpkg"])
def test_exports_carry_private_fields_only_for_the_agency_and_city_wide_roles(api, server, tokens, who, fmt):
    name = f"Warga Ekspor {fmt} 7340"
    report = dishub_report(server, name=name)
    response = api.get(f"/api/reports/export.{fmt}", headers=headers_of(tokens, who))
    assert response.status_code == 200
    # Bytes, not text: a GeoPackage is an SQLite file, which holds its text as UTF-8.
    assert report["tracking_code"].encode() in response.content
    assert (name.encode() in response.content) == (who in READERS), who
    if who in READERS:
        assert "no-store" in response.headers["Cache-Control"]


STAFF_WRITES = {
    "transition": ({"status": "verified", "version": 1}, ACTORS),
    "reroute": ({"category": "lalu-lintas", "version": 1}, ACTORS),
    "comments": ({"message": "Sedang kami cek."}, ACTORS | {"dishub-crew"}),
    "assign": ({"assignee": "dishub-crew", "version": 1}, ACTORS),
    # Moderation and co-handling: the agency's operators and supervisors, not its crew.
    "public-text": ({"version": 1, "description": "Lampu mati.", "reason": "Nama orang dihapus"}, ACTORS),
    "review": ({"version": 1, "publish": False}, ACTORS),
    "visibility": ({"version": 1, "hidden": True, "reason": "test"}, ACTORS),
    "co-handlers": ({"agency": "dlh", "reason": "Pohon tumbang di dekat tiang"}, ACTORS),
}


@pytest.mark.parametrize("who", WHO, ids=lambda w: w or "anonymous")
@pytest.mark.parametrize("endpoint", sorted(STAFF_WRITES))
def test_staff_writes(api, server, tokens, who, endpoint):
    from geo_reports.models import AuditEntry, Report, ReportUpdate

    body, allowed = STAFF_WRITES[endpoint]
    report = dishub_report(server)
    entries = ReportUpdate.objects.filter(report_id=report["id"]).count()
    response = api.post(f"/api/reports/{report['id']}/{endpoint}/", json=body, headers=headers_of(tokens, who))
    assert response.status_code == expect(who, allowed), (who, endpoint, response.text[:300])
    written = ReportUpdate.objects.filter(report_id=report["id"]).count() - entries
    audited = AuditEntry.objects.filter(report_id=report["id"]).count()
    if response.status_code == 200:
        assert written == 1 and audited == 1
    else:
        assert written == 0 and audited == 0
        assert Report.objects.get(pk=report["id"]).version == 1
        assert response.json()["detail"]


@pytest.mark.parametrize("who", WHO, ids=lambda w: w or "anonymous")
def test_staff_push_subscriptions(api, tokens, push_service, who):
    from notifications.models import PushSubscription

    browser = push_service.browser(f"permissions-{who}")
    headers = headers_of(tokens, who)
    body = {"subscription": browser.subscription(), "language": "id"}
    response = api.post("/api/push/subscriptions/", json=body, headers=headers)
    allowed = who in STAFF
    assert response.status_code == (201 if allowed else expect(who, set())), response.text[:300]
    assert PushSubscription.objects.filter(endpoint=browser.endpoint).exists() == allowed
    response = api.request("DELETE", "/api/push/subscriptions/", json={"endpoint": browser.endpoint}, headers=headers)
    assert response.status_code == (204 if allowed else expect(who, set())), response.text[:300]
    assert not PushSubscription.objects.filter(endpoint=browser.endpoint).exists()


def test_every_private_read_and_staff_write_has_a_probe():
    probed = {
        ("api/push/subscriptions/", "post"),  # test_staff_push_subscriptions
        ("api/push/subscriptions/", "delete"),
        ("api/staff/inbox/", "get"),
        ("api/staff/reports/<int:pk>/", "get"),
        ("api/reports/nearby/", "get"),
        ("api/^reports/export\\.(?P<fmt>geojson|csv|gpkg)$", "get"),
        ("petugas/", "*"),
        ("petugas/laporan/<str:code>/", "*"),
        ("petugas/terdekat/", "*"),
        # test_the_staff_basemap
        ("api/tiles/basemap-staff/<slug:version>/<int:z>/<int:x>/<int:y>.pbf", "*"),
        *((f"api/reports/<int:pk>/{endpoint}/", "post") for endpoint in STAFF_WRITES),
        # test_photo_moderation_and_ending_co_handling
        ("api/reports/<int:pk>/photos/<uuid:photo>/visibility/", "post"),
        ("api/reports/<int:pk>/co-handlers/<slug:agency>/", "delete"),
        ("petugas/mulai/", "*"),  # test_staff_pages
        # test_request_documents
        ("api/reports/<int:pk>/documents/<uuid:document>/", "get"),
        # test_city_information_writes, test_city_information_staff_pages
        *((f"api/info/{kind}/", "post") for kind in ("events", "jobs", "announcements", "prices")),
        *(
            (f"api/info/{kind}/<int:pk>/", method)
            for kind in ("events", "jobs", "announcements")
            for method in ("patch", "delete")
        ),
        ("petugas/info/", "*"),
        ("petugas/info/harga/", "*"),
        ("petugas/info/<str:kind>/baru/", "*"),
        ("petugas/info/<str:kind>/<int:pk>/", "*"),
        ("petugas/info/<str:kind>/<int:pk>/hapus/", "*"),
    }
    needing = {key for key, kind in CLASSIFIED.items() if kind in (PRIVATE_READ, STAFF_WRITE)}
    assert needing - probed == set(), "write a probe for these"


@pytest.mark.parametrize("who", WHO, ids=lambda w: w or "anonymous")
def test_staff_pages(server, who):
    report = dishub_report(server)
    client = signed_in(server, who)
    for path, allowed in (
        ("/petugas/", STAFF),
        ("/petugas/terdekat/", STAFF),
        ("/petugas/mulai/", set()),  # redirects staff on to their page
        (f"/petugas/laporan/{report['tracking_code']}/", READERS),
        (f"/en/petugas/laporan/{report['tracking_code']}/", READERS),
    ):
        response = client.get(path)
        if who is None:
            assert response.status_code == 302 and "/masuk/" in response.headers["Location"], path
        elif path == "/petugas/mulai/":
            assert response.status_code == (302 if who in STAFF else 403), (who, path)
        else:
            assert response.status_code == (200 if who in allowed else 403), (who, path)


@pytest.mark.parametrize("who", WHO, ids=lambda w: w or "anonymous")
def test_photo_moderation_and_ending_co_handling(api, server, tokens, who):
    """Hiding a photo and ending a co-handling: the report's own operators and supervisors only; not its
    crew, not the co-handling agency (DLH here), not a planner."""
    import json

    from districts.models import Asset
    from geo_reports.models import AuditEntry, ReportCoHandler, ReportPhoto
    from tests import images
    from tests.places import beside

    lights = Asset.objects.filter(layer__code="street_lights").order_by("external_id")
    pin = beside(lights[700 + WHO.index(who)], 1.5)
    created = api.post(
        "/api/reports/",
        data={"category": "pju-mati", "geometry": json.dumps({"type": "Point", "coordinates": [pin.x, pin.y]}),
              "answers": json.dumps({"problem": "out"})},
        files=[("photos", ("lampu.jpg", images.phone_photo(), "image/jpeg"))],
    )  # fmt: skip
    assert created.status_code == 201, created.text[:300]
    report = created.json()["properties"]
    admin = headers_of(tokens, "admin-test")
    api.post(f"/api/reports/{report['id']}/co-handlers/", json={"agency": "dlh"}, headers=admin).raise_for_status()
    photo = ReportPhoto.objects.get(report_id=report["id"])
    audited = AuditEntry.objects.filter(report_id=report["id"]).count()
    headers = headers_of(tokens, who)

    hide = api.post(
        f"/api/reports/{report['id']}/photos/{photo.uuid}/visibility/",
        json={"public": False, "reason": "Wajah orang terlihat"},
        headers=headers,
    )
    end = api.delete(f"/api/reports/{report['id']}/co-handlers/dlh/", headers=headers)
    for response in (hide, end):
        assert response.status_code == expect(who, ACTORS), (who, response.request.url, response.text[:300])
    photo.refresh_from_db()
    copied = ReportCoHandler.objects.filter(report_id=report["id"], agency__code="dlh").exists()
    assert photo.is_public == (who not in ACTORS) and copied == (who not in ACTORS)
    assert AuditEntry.objects.filter(report_id=report["id"]).count() == audited + (2 if who in ACTORS else 0)


@pytest.mark.parametrize("who", WHO, ids=lambda w: w or "anonymous")
def test_the_staff_basemap(server, who):
    """Water pipes are drawn for staff only: anyone else gets 404 (not even told the layer exists)."""
    from maps.basemap import basemap_version

    client = signed_in(server, who)
    response = client.get(f"/api/tiles/basemap-staff/{basemap_version()}/16/53256/34205.pbf")
    assert response.status_code == (200 if who in STAFF else 404), (who, response.status_code)
    if who in STAFF:
        assert response.headers["cache-control"].startswith("private")


@pytest.mark.parametrize("who", WHO, ids=lambda w: w or "anonymous")
def test_a_staff_login_unlocks_no_citizen_secret_and_not_the_admin(api, server, tokens, who):
    from geo_reports.models import IdempotencyKey, Report, ReportUpdate

    report = dishub_report(server)
    before = (Report.objects.count(), ReportUpdate.objects.count(), IdempotencyKey.objects.count())
    headers = headers_of(tokens, who)
    reopen = api.post(
        f"/api/reports/{report['id']}/reporter/", json={"token": "bukan-token", "action": "reopen", "message": "x"},
        headers=headers,
    )  # fmt: skip
    assert reopen.status_code == 403, reopen.text[:300]
    open311 = api.post(
        "/open311/v2/requests.json",
        data={"service_code": "sampah", "lat": "-7.8763", "long": "112.529", "attribute[problem]": "dumping"},
        headers=headers,
    )
    assert open311.status_code == 403, open311.text[:300]
    assert (Report.objects.count(), ReportUpdate.objects.count(), IdempotencyKey.objects.count()) == before
    client = signed_in(server, who)
    for path in ("/admin/", "/admin/geo_reports/reportercontact/", "/admin/geo_reports/auditentry/"):
        response = client.get(path)
        assert response.status_code == 302 and "/admin/login/" in response.headers["Location"], (who, path)


# --- requests' documents and the city information ---------------------------------------------------

DOCUMENT_READERS = {"planner-test", "admin-test"}  # and the permit office's staff, who are not in WHO


@pytest.fixture(scope="module")
def permit(server) -> dict:
    """A permit application with one PDF, filed by a citizen."""
    from tests.geo_reports.test_documents import file_request, pdf

    with httpx.Client(base_url=server, timeout=60) as client:
        response = file_request(client, files=[("denah.pdf", pdf(), "application/pdf")])
    assert response.status_code == 201, response.text
    return response.json()["properties"] if "properties" in response.json() else response.json()


@pytest.mark.parametrize("who", WHO, ids=lambda w: w or "anonymous")
def test_request_documents(api, tokens, permit, who):
    from geo_reports.models import ReportDocument

    document = ReportDocument.objects.get(report_id=permit["id"])
    url = f"/api/reports/{permit['id']}/documents/{document.uuid}/"
    response = api.get(url, headers=headers_of(tokens, who))
    assert response.status_code == (200 if who in DOCUMENT_READERS else 404), (who, response.text[:200])
    if response.status_code == 200:
        assert response.content.startswith(b"%PDF-") and "no-store" in response.headers["Cache-Control"]


def _event(server, tokens) -> int:
    from tests.city_info.test_api import event_body

    created = httpx.post(
        f"{server}/api/info/events/", json=event_body(), headers=auth(tokens["dishub-operator"]), timeout=60
    )
    assert created.status_code == 201, created.text
    return created.json()["id"]


# Dishub's event is changed only by Dishub's desk and the administrator; any agency's desk (DLH's
# operator too) may publish events in its own name.
EVENT_MANAGERS = {"dishub-operator", "dishub-supervisor", "admin-test"}
EVENT_PUBLISHERS = EVENT_MANAGERS | {"dlh-operator"}


@pytest.mark.parametrize("who", WHO, ids=lambda w: w or "anonymous")
def test_city_information_writes(api, server, tokens, who):
    from city_info.models import Event, JobVacancy, Price
    from tests.city_info.test_api import event_body, feature

    headers = headers_of(tokens, who)
    event_id = _event(server, tokens)
    changed = api.patch(f"/api/info/events/{event_id}/", json=feature(None, title="Diubah"), headers=headers)
    assert changed.status_code == expect(who, EVENT_MANAGERS), (who, changed.text[:200])
    assert (Event.objects.get(pk=event_id).title == "Diubah") == (changed.status_code == 200)
    deleted = api.delete(f"/api/info/events/{event_id}/", headers=headers)
    assert deleted.status_code == (204 if who in EVENT_MANAGERS else expect(who, set()))
    assert Event.objects.filter(pk=event_id).exists() == (deleted.status_code != 204)
    if deleted.status_code != 204:
        api.delete(f"/api/info/events/{event_id}/", headers=auth(tokens["dishub-operator"]))

    # Another agency's kind: only the administrator may, among these callers (none works for Disnaker
    # or Diskumdag). Refusals write nothing.
    events, jobs, prices = Event.objects.count(), JobVacancy.objects.count(), Price.objects.count()
    body = event_body(agency="dishub") if who == "admin-test" else event_body()
    posted = api.post("/api/info/events/", json=body, headers=headers)
    assert posted.status_code == (201 if who in EVENT_PUBLISHERS else expect(who, set())), posted.text[:200]
    job = api.post("/api/info/jobs/", json=feature(None, position="Juru ukur"), headers=headers)
    price = api.post("/api/info/prices/", json={"market": 1, "commodity": "beras", "price": 1}, headers=headers)
    for refused in (job, price):
        assert refused.status_code in ((400,) if who == "admin-test" else (expect(who, set()),)), refused.text[:200]
    assert (JobVacancy.objects.count(), Price.objects.count()) == (jobs, prices)
    assert Event.objects.count() == events + (1 if posted.status_code == 201 else 0)
    if posted.status_code == 201:
        api.delete(f"/api/info/events/{posted.json()['id']}/", headers=headers)


@pytest.mark.parametrize("who", WHO, ids=lambda w: w or "anonymous")
def test_city_information_staff_pages(server, tokens, city_info_demo, who):
    event_id = _event(server, tokens)
    client = signed_in(server, who)
    for path, allowed in (
        ("/petugas/info/", STAFF),
        ("/petugas/info/harga/", {"admin-test"}),
        ("/petugas/info/acara/baru/", EVENT_PUBLISHERS),
        (f"/petugas/info/acara/{event_id}/", EVENT_MANAGERS),
        (f"/petugas/info/acara/{event_id}/hapus/", EVENT_MANAGERS),
    ):
        response = client.get(path)
        if who is None:
            assert response.status_code == 302 and "/masuk/" in response.headers["Location"], path
        else:
            assert response.status_code == (200 if who in allowed else 403), (who, path)
    # A refused delete leaves the event; the allowed one is done by its agency afterwards.
    from city_info.models import Event

    if who is not None:
        response = client.post(
            f"/petugas/info/acara/{event_id}/hapus/", data={"csrfmiddlewaretoken": client.cookies.get("csrftoken", "")}
        )
        assert Event.objects.filter(pk=event_id).exists() == (who not in EVENT_MANAGERS), (who, response.status_code)
