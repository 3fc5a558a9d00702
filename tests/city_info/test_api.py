"""The city information API through the real server: shapes, filters, bad parameters, and who may write."""

import datetime as dt

import pytest
from django.utils import timezone

from city_info.models import Announcement, Commodity, Event, JobVacancy, Market, Price

from .conftest import auth

pytestmark = pytest.mark.django_db

INSIDE = [112.5263, -7.8713]  # Kel. Sisir, near the alun-alun
MALANG = [112.6302, -7.9666]


def feature(geometry, **properties) -> dict:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def point(lon_lat) -> dict:
    return {"type": "Point", "coordinates": lon_lat}


def event_body(**changes) -> dict:
    start = timezone.localtime() + dt.timedelta(days=3)
    properties = {
        "title": "Lomba Lari Kota Batu",
        "title_en": "Kota Batu Fun Run",
        "description": "5 km keliling alun-alun.",
        "place_name": "Alun-alun Kota Batu",
        "starts_at": start.isoformat(),
        "ends_at": (start + dt.timedelta(hours=3)).isoformat(),
    }
    return feature(point(INSIDE), **{**properties, **changes})


# --- Reading ----------------------------------------------------------------------------------


def test_upcoming_events_are_a_paginated_feature_collection(api, city_info_demo):
    body = api.get("/api/info/events/", params={"upcoming": 1}).json()
    assert body["type"] == "FeatureCollection"
    assert body["count"] == Event.objects.filter(ends_at__gte=timezone.now()).count() >= 6
    first = body["features"][0]
    assert first["geometry"]["type"] == "Point"
    assert -8.0 < first["geometry"]["coordinates"][1] < -7.7 < 112.4 < first["geometry"]["coordinates"][0] < 112.7
    props = first["properties"]
    assert {"id", "title", "title_en", "starts_at", "ends_at", "organiser", "agency", "is_demo", "url"} <= set(props)
    assert props["url"] == f"/info/acara/{props['id']}/"
    starts = [f["properties"]["starts_at"] for f in body["features"]]
    assert starts == sorted(starts)
    everything = api.get("/api/info/events/").json()["count"]
    past = api.get("/api/info/events/", params={"upcoming": 0}).json()
    assert everything == body["count"] + past["count"]
    assert "Pasar Murah Sembako" in [f["properties"]["title"] for f in past["features"]]
    paged = api.get("/api/info/events/", params={"upcoming": 1, "page_size": 2}).json()
    assert len(paged["features"]) == 2 and "page=2" in paged["next"]


def test_events_by_agency_and_days(api, city_info_demo):
    festival = Event.objects.get(title="Festival Apel Kota Batu")
    day = timezone.localtime(festival.starts_at).date() + dt.timedelta(days=1)  # its second day
    found = api.get("/api/info/events/", params={"since": day, "until": day}).json()["features"]
    assert festival.pk in [f["id"] for f in found]
    mine = api.get("/api/info/events/", params={"agency": "disnaker"}).json()["features"]
    assert mine and {f["properties"]["agency"]["code"] for f in mine} == {"disnaker"}


def test_open_vacancies(api, city_info_demo):
    body = api.get("/api/info/jobs/", params={"open": 1}).json()
    today = timezone.localdate().isoformat()
    assert body["count"] == JobVacancy.objects.filter(closes_on__gte=today).count()
    assert all(f["properties"]["is_open"] and f["properties"]["closes_on"] >= today for f in body["features"])
    assert "Juru Masak" not in [f["properties"]["position"] for f in body["features"]]
    closed = api.get("/api/info/jobs/", params={"open": 0}).json()["features"]
    assert "Juru Masak" in [f["properties"]["position"] for f in closed]
    nurse = api.get("/api/info/jobs/", params={"q": "perawat"}).json()["features"]
    assert [f["properties"]["position_en"] for f in nurse] == ["Nurse"]


def test_announcements_geometry_is_the_point_else_the_area_else_null(api, city_info_demo):
    features = {f["properties"]["title"]: f for f in api.get("/api/info/announcements/").json()["features"]}
    road = features["Penutupan jalan sementara di Desa Tulungrejo"]
    assert road["geometry"]["type"] == "Point" and road["properties"]["area"]["code"] == "35.79.02.2003"
    water = features["Gangguan aliran air di Kelurahan Temas"]
    assert water["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert water["properties"]["area"]["label"] == "Kel. Temas"
    assert features["Jadwal pengangkutan sampah selama libur akhir tahun"]["geometry"] is None
    placed = api.get("/api/info/announcements/", params={"has_place": 1}).json()["features"]
    assert placed and all(f["geometry"] for f in placed)
    news = api.get("/api/info/announcements/", params={"kind": "news"}).json()["features"]
    assert news and {f["properties"]["kind"] for f in news} == {"news"}
    bumiaji = api.get("/api/info/announcements/", params={"area": "35.79.02"}).json()["features"]
    titles = {f["properties"]["title"] for f in bumiaji}
    assert "Penutupan jalan sementara di Desa Tulungrejo" in titles
    assert "Gangguan aliran air di Kelurahan Temas" not in titles


def test_markets_carry_their_latest_prices(api, city_info_demo):
    body = api.get("/api/info/markets/").json()
    assert body["type"] == "FeatureCollection"
    names = [f["properties"]["name"] for f in body["features"]]
    assert {"Pasar Besar Batu", "Pasar Induk Among Tani", "Pasar Desa Bumiaji"} <= set(names)
    besar = next(f for f in body["features"] if f["properties"]["name"] == "Pasar Besar Batu")
    latest = {p["commodity"]: p for p in besar["properties"]["latest_prices"]}
    expected = Price.objects.filter(market__name="Pasar Besar Batu", commodity__code="cabai-rawit").latest("date")
    assert latest["cabai-rawit"]["price"] == expected.price
    assert latest["cabai-rawit"]["date"] == expected.date.isoformat()
    assert latest["minyak-goreng"]["unit"] == "liter"
    assert besar["properties"]["desa"]["label"] == "Kel. Sisir"


def test_price_series_by_commodity_market_and_days(api, city_info_demo):
    market = Market.objects.get(name="Pasar Besar Batu")
    body = api.get("/api/info/prices/", params={"commodity": "beras-medium", "market": market.pk, "days": 7}).json()
    assert body["count"] == 7 and len(body["results"]) == 7
    dates = [row["date"] for row in body["results"]]
    assert dates == sorted(dates) and dates[-1] == timezone.localdate().isoformat()
    assert {(r["commodity"], r["market"], r["unit"]) for r in body["results"]} == {("beras-medium", market.pk, "kg")}
    month = api.get("/api/info/prices/", params={"commodity": "beras-medium"}).json()
    assert (
        month["count"]
        == Price.objects.filter(
            commodity__code="beras-medium", date__gt=timezone.localdate() - dt.timedelta(days=30)
        ).count()
    )
    commodities = api.get("/api/info/commodities/").json()
    assert [c["code"] for c in commodities] == list(Commodity.objects.order_by("order").values_list("code", flat=True))


@pytest.mark.parametrize(
    ("path", "params", "field", "message"),
    [
        ("/api/info/events/", {"upcoming": "ya"}, "upcoming", "Gunakan 1 untuk ya atau 0 untuk tidak."),
        ("/api/info/events/", {"since": "28-11-2026"}, "since", "Masukkan tanggal dengan format YYYY-MM-DD."),
        (
            "/api/info/events/",
            {"since": "2026-12-10", "until": "2026-12-01"},
            "until",
            "until tidak boleh sebelum since.",
        ),
        ("/api/info/events/", {"agency": "dinas-fiktif"}, "agency", "Instansi dinas-fiktif tidak dikenal."),
        ("/api/info/events/", {"page_size": "5000"}, "page_size", "page_size harus di antara 1 dan 1000."),
        ("/api/info/jobs/", {"open": "maybe"}, "open", "Gunakan 1 untuk ya atau 0 untuk tidak."),
        ("/api/info/announcements/", {"kind": "gossip"}, "kind", "kind harus announcement atau news."),
        ("/api/info/announcements/", {"area": "35.79.99"}, "area", "Wilayah 35.79.99 tidak dikenal."),
        ("/api/info/prices/", {"commodity": "emas"}, "commodity", "Komoditas emas tidak dikenal."),
        ("/api/info/prices/", {"market": "abc"}, "market", "Pasar abc tidak dikenal."),
        ("/api/info/prices/", {"days": "0"}, "days", "days harus bilangan bulat dari 1 sampai 365."),
        ("/api/info/prices/", {"days": "366"}, "days", "days harus bilangan bulat dari 1 sampai 365."),
        ("/api/info/prices/", {"days": "tiga"}, "days", "days harus bilangan bulat dari 1 sampai 365."),
    ],
)
def test_bad_parameters_are_400_with_the_message_on_the_field(api, path, params, field, message):
    response = api.get(path, params=params)
    assert response.status_code == 400
    assert response.json() == {"detail": message, "errors": {field: [message]}}


def test_bad_parameters_in_english(api):
    response = api.get("/api/info/prices/", params={"days": "0"}, headers={"Accept-Language": "en"})
    assert response.json()["detail"] == "days must be a whole number from 1 to 365."


def test_the_api_is_documented(api):
    paths = api.get("/api/schema/", params={"format": "json"}).json()["paths"]
    for path in ("/api/info/events/", "/api/info/jobs/", "/api/info/announcements/", "/api/info/markets/",
                 "/api/info/prices/", "/api/info/events/{id}/"):  # fmt: skip
        assert path in paths
    parameters = {p["name"] for p in paths["/api/info/prices/"]["get"]["parameters"]}
    assert {"commodity", "market", "days"} <= parameters


# --- Writing ----------------------------------------------------------------------------------


def test_an_operator_publishes_changes_and_deletes_an_event(api, info_staff):
    headers = auth(info_staff["dishub-operator"])
    created = api.post("/api/info/events/", json=event_body(), headers=headers)
    assert created.status_code == 201, created.text
    event_id = created.json()["id"]
    assert created.headers["Location"] == f"/api/info/events/{event_id}/"
    assert created.json()["properties"]["agency"]["code"] == "dishub"  # the operator's one agency
    assert created.json()["geometry"]["coordinates"] == INSIDE
    upcoming = api.get("/api/info/events/", params={"upcoming": 1, "page_size": 1000}).json()["features"]
    assert event_id in [f["id"] for f in upcoming]

    changed = api.patch(
        f"/api/info/events/{event_id}/", json=feature(point([112.53, -7.87]), title="Lomba Lari 10K"), headers=headers
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["properties"]["title"] == "Lomba Lari 10K"
    assert changed.json()["properties"]["title_en"] == "Kota Batu Fun Run"
    assert changed.json()["geometry"]["coordinates"] == [112.53, -7.87]
    # A Feature must have a geometry member; null in a PATCH leaves the place as it is.
    renamed = api.patch(f"/api/info/events/{event_id}/", json=feature(None, place_name="Stadion"), headers=headers)
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["geometry"]["coordinates"] == [112.53, -7.87]

    assert api.delete(f"/api/info/events/{event_id}/", headers=headers).status_code == 204
    assert api.get(f"/api/info/events/{event_id}/").status_code == 404


def test_writing_needs_a_signed_in_user(api, city_info_demo):
    assert api.post("/api/info/events/", json=event_body()).status_code == 401
    event = Event.objects.first()
    assert api.delete(f"/api/info/events/{event.pk}/").status_code == 401


def test_planners_read_only(api, info_staff, city_info_demo):
    headers = auth(info_staff["planner-test"])
    refused = api.post("/api/info/events/", json=event_body(agency="dishub"), headers=headers)
    assert refused.status_code == 403
    assert refused.json() == {"detail": "Hanya operator dan supervisor instansi penerbit yang dapat melakukan ini."}
    event = Event.objects.first()
    assert api.patch(f"/api/info/events/{event.pk}/", json=feature(None, title="X"), headers=headers).status_code == 403
    assert api.get("/api/info/events/", headers=headers).status_code == 200


def test_other_agencies_staff_get_403_and_nothing_changes(api, info_staff, city_info_demo):
    event = Event.objects.get(title="Uji Emisi Kendaraan Gratis")  # Dishub's
    job = JobVacancy.objects.filter(is_demo=True).first()  # Disnaker's
    dlh = auth(info_staff["dlh-operator"])
    assert (
        api.patch(f"/api/info/events/{event.pk}/", json=feature(None, title="Diubah DLH"), headers=dlh).status_code
        == 403
    )
    assert api.delete(f"/api/info/events/{event.pk}/", headers=dlh).status_code == 403
    assert api.post("/api/info/events/", json=event_body(agency="dishub"), headers=dlh).status_code == 403
    dishub = auth(info_staff["dishub-operator"])
    refused = api.patch(f"/api/info/jobs/{job.pk}/", json=feature(None, position="Diubah"), headers=dishub)
    assert refused.status_code == 403
    assert (
        refused.json()["detail"]
        == "Hanya operator dan supervisor Dinas Ketenagakerjaan Kota Batu yang dapat melakukan ini."
    )
    crew = auth(info_staff["dishub-crew"])
    assert (
        api.patch(f"/api/info/events/{event.pk}/", json=feature(None, title="Diubah kru"), headers=crew).status_code
        == 403
    )
    event.refresh_from_db()
    job.refresh_from_db()
    assert event.title == "Uji Emisi Kendaraan Gratis" and job.position != "Diubah"


def test_an_operator_cannot_move_an_item_to_another_agency(api, info_staff):
    headers = auth(info_staff["dishub-operator"])
    event_id = api.post("/api/info/events/", json=event_body(), headers=headers).json()["id"]
    moved = api.patch(f"/api/info/events/{event_id}/", json=feature(None, agency="dlh"), headers=headers)
    assert moved.status_code == 403
    assert Event.objects.get(pk=event_id).agency.code == "dishub"
    api.delete(f"/api/info/events/{event_id}/", headers=headers)


def test_only_disnaker_publishes_vacancies(api, info_staff):
    body = feature(
        point([112.5175, -7.8726]),
        employer="Koperasi susu",
        position="Pengemudi",
        description="SIM B1.",
        closes_on=(timezone.localdate() + dt.timedelta(days=10)).isoformat(),
        how_to_apply="Datang ke kantor koperasi.",
    )
    assert api.post("/api/info/jobs/", json=body, headers=auth(info_staff["dishub-operator"])).status_code == 403
    admin_elsewhere = api.post("/api/info/jobs/", json={**body, "properties": {**body["properties"], "agency": "dishub"}},
                               headers=auth(info_staff["admin-test"]))  # fmt: skip
    assert admin_elsewhere.status_code == 403
    created = api.post("/api/info/jobs/", json=body, headers=auth(info_staff["disnaker-operator"]))
    assert created.status_code == 201, created.text
    assert created.json()["properties"]["agency"]["code"] == "disnaker"
    assert created.json()["properties"]["is_open"] is True
    api.delete(f"/api/info/jobs/{created.json()['id']}/", headers=auth(info_staff["disnaker-operator"]))


def test_an_announcement_with_an_area_and_no_point(api, info_staff):
    headers = auth(info_staff["dlh-operator"])
    created = api.post(
        "/api/info/announcements/",
        json=feature(None, title="Pembersihan saluran", body="Sepekan.", kind="announcement", area="35.79.03.2004"),
        headers=headers,
    )
    assert created.status_code == 201, created.text
    assert created.json()["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert created.json()["properties"]["area"]["label"] == "Desa Tlekung"
    later = api.post(
        "/api/info/announcements/",
        json=feature(
            None, title="Nanti", body="...", published_on=(timezone.localdate() + dt.timedelta(days=2)).isoformat()
        ),
        headers=headers,
    )
    assert later.status_code == 201
    listed = [f["id"] for f in api.get("/api/info/announcements/", params={"page_size": 1000}).json()["features"]]
    assert created.json()["id"] in listed and later.json()["id"] not in listed
    assert api.get(f"/api/info/announcements/{later.json()['id']}/").status_code == 404
    for item in (created, later):
        assert api.delete(f"/api/info/announcements/{item.json()['id']}/", headers=headers).status_code == 204


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (event_body(title=""), "title", None),
        (
            feature(point(MALANG), **event_body()["properties"]),
            "geometry",
            "Lokasi harus berada di dalam wilayah Kota Batu.",
        ),
        (
            feature({"type": "LineString", "coordinates": [INSIDE, [112.53, -7.87]]}, **event_body()["properties"]),
            "geometry",
            "Lokasi harus berupa GeoJSON Point.",
        ),
        (feature(point([-7.8713, 112.5263]), **event_body()["properties"]), "geometry", None),
        (event_body(ends_at="2020-01-01T00:00:00+07:00"), "ends_at", "Acara tidak bisa selesai sebelum dimulai."),
        (event_body(title="Bad\u202etext"), "title", None),
        ({"title": "not a feature"}, "non_field_errors", None),
    ],
    ids=["no-title", "outside-batu", "a-line", "lat-lon-swapped", "ends-first", "bidi-override", "not-a-feature"],
)
def test_bad_event_input_is_400_and_writes_nothing(api, info_staff, body, field, message):
    before = Event.objects.count()
    response = api.post("/api/info/events/", json=body, headers=auth(info_staff["dishub-operator"]))
    assert response.status_code == 400, response.text
    errors = response.json()["errors"]
    assert field in errors
    if message:
        assert errors[field] == [message] or message in errors[field][0]
    assert Event.objects.count() == before


def test_a_line_is_not_a_place(api, info_staff):
    body = feature({"type": "LineString", "coordinates": [INSIDE, [112.53, -7.87]]}, **event_body()["properties"])
    response = api.post("/api/info/events/", json=body, headers=auth(info_staff["dishub-operator"]))
    assert response.json()["errors"] == {"geometry": ["Lokasi harus berupa GeoJSON Point."]}


def test_the_trade_agency_records_prices(api, info_staff, city_info_demo):
    market = Market.objects.get(name="Pasar Desa Bumiaji")
    today = timezone.localdate()
    row = {"market": market.pk, "commodity": "cabai-rawit", "date": today.isoformat(), "price": 48_000}
    assert api.post("/api/info/prices/", json=row, headers=auth(info_staff["dishub-operator"])).status_code == 403
    assert api.post("/api/info/prices/", json=row, headers=auth(info_staff["planner-test"])).status_code == 403
    trade = auth(info_staff["diskumdag-operator"])
    first = api.post("/api/info/prices/", json=row, headers=trade)
    assert first.status_code in (200, 201), first.text
    corrected = api.post("/api/info/prices/", json={**row, "price": 47_500}, headers=trade)
    assert corrected.status_code == 200
    assert corrected.json()["price"] == 47_500
    assert Price.objects.get(market=market, commodity__code="cabai-rawit", date=today).price == 47_500
    latest = next(f for f in api.get("/api/info/markets/").json()["features"] if f["id"] == market.pk)
    cabai = next(p for p in latest["properties"]["latest_prices"] if p["commodity"] == "cabai-rawit")
    assert (cabai["price"], cabai["date"]) == (47_500, today.isoformat())
    future = api.post(
        "/api/info/prices/", json={**row, "date": (today + dt.timedelta(days=1)).isoformat()}, headers=trade
    )
    assert future.json()["errors"] == {"date": ["Harga hanya dapat dicatat untuk hari ini atau sebelumnya."]}
    silly = api.post("/api/info/prices/", json={**row, "price": "murah"}, headers=trade)
    assert silly.json()["errors"] == {"price": ["Masukkan harga dalam rupiah bulat, dari 1 sampai 5.000.000."]}


def test_an_administrator_names_the_agency(api, info_staff):
    headers = auth(info_staff["admin-test"])
    unnamed = api.post("/api/info/events/", json=event_body(), headers=headers)
    assert unnamed.status_code == 400
    assert unnamed.json()["errors"] == {"agency": ["Sebutkan instansi penerbit (kodenya)."]}
    named = api.post("/api/info/events/", json=event_body(agency="dlh"), headers=headers)
    assert named.status_code == 201
    assert api.delete(f"/api/info/events/{named.json()['id']}/", headers=headers).status_code == 204


def test_announcement_kinds_are_translated(api, city_info_demo):
    features = api.get("/api/info/announcements/", params={"kind": "news"}, headers={"Accept-Language": "en"}).json()
    assert {f["properties"]["kind_label"] for f in features["features"]} == {"News"}
    assert Announcement.objects.filter(kind="news").exists()
