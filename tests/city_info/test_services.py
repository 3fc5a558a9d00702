"""Services, selectors, policy and demo data of the city information, against real PostGIS (each test
in a transaction that is rolled back)."""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.utils import timezone

from city_info import policy, selectors, services
from city_info.demo import ANNOUNCEMENTS, EVENTS, JOBS, MARKETS, city_info_demo_load, demo_price, place_point
from city_info.models import Announcement, Commodity, Event, JobVacancy, Market, Price
from city_info.policy import Kind
from districts.models import Agency, Area, Membership

pytestmark = pytest.mark.django_db

MALANG = Point(112.6302, -7.9666, srid=settings.LAPOR_SRID)  # Kota Malang, outside Kota Batu


def inside(code: str) -> Point:
    return Area.objects.get(code=code).geom.point_on_surface


def agency(code: str) -> Agency:
    return Agency.objects.get(code=code)


def soon(hours: int) -> dt.datetime:
    return timezone.now().replace(microsecond=0) + dt.timedelta(hours=hours)


def new_event(**changes) -> Event:
    values = {
        "agency": agency("dishub"),
        "title": "Uji emisi",
        "description": "Gratis.",
        "location": inside("35.79.01.1004"),
        "starts_at": soon(24),
        "ends_at": soon(28),
    }
    return services.event_create(**{**values, **changes})


def staff(username: str, role: str, agency_code: str | None):
    user = get_user_model().objects.create_user(username=username)
    Membership.objects.create(user=user, role=role, agency=agency(agency_code) if agency_code else None)
    return user


# --- Services ---------------------------------------------------------------------------------


def test_an_event_is_created_inside_the_city():
    event = new_event(title_en="Emission test")
    assert Event.objects.get(pk=event.pk).location.equals_exact(inside("35.79.01.1004"), 1e-9)
    assert event.organiser == "Dinas Perhubungan Kota Batu"
    assert new_event(organiser_name="Komunitas Motor").organiser == "Komunitas Motor"


def test_an_event_outside_kota_batu_is_refused_and_nothing_is_written():
    before = Event.objects.count()
    with pytest.raises(ValidationError) as refused:
        new_event(location=MALANG)
    assert refused.value.message_dict == {"location": ["Lokasi harus berada di dalam wilayah Kota Batu."]}
    assert Event.objects.count() == before


def test_an_event_cannot_end_before_it_starts_and_every_fault_is_named():
    with pytest.raises(ValidationError) as refused:
        new_event(title="", starts_at=soon(10), ends_at=soon(5), location=MALANG)
    errors = refused.value.message_dict
    assert errors["ends_at"] == ["Acara tidak bisa selesai sebelum dimulai."]
    assert errors["location"] == ["Lokasi harus berada di dalam wilayah Kota Batu."]
    assert set(errors) == {"title", "ends_at", "location"}


def test_an_event_update_changes_only_the_given_fields_and_refuses_unknown_ones():
    event = new_event()
    services.event_update(event=event, data={"title": "Uji emisi gratis", "place_name": "Alun-alun"})
    event.refresh_from_db()
    assert (event.title, event.place_name, event.description) == ("Uji emisi gratis", "Alun-alun", "Gratis.")
    with pytest.raises(TypeError):
        services.event_update(event=event, data={"is_demo": True})


def test_an_announcement_point_must_lie_in_its_area():
    tulungrejo = Area.objects.get(code="35.79.02.2003")
    with pytest.raises(ValidationError) as refused:
        services.announcement_create(
            agency=agency("dishub"),
            title="Jalan ditutup",
            body="...",
            area=tulungrejo,
            location=inside("35.79.03.2004"),
        )
    assert refused.value.message_dict == {"location": ["Lokasi harus berada di dalam wilayah yang dipilih."]}
    made = services.announcement_create(
        agency=agency("dishub"), title="Jalan ditutup", body="...", area=tulungrejo, location=inside("35.79.02.2003")
    )
    assert made.has_place and made.published_on == timezone.localdate()
    assert not services.announcement_create(agency=agency("dlh"), title="Libur", body="...").has_place


def test_a_price_is_recorded_then_corrected_the_same_day():
    market, commodity = _market(), Commodity.objects.create(code="uji", name="Uji", unit="kg")
    today = timezone.localdate()
    price, created = services.price_record(market=market, commodity=commodity, date=today, price=13_500)
    assert created and price.price == 13_500
    price, created = services.price_record(market=market, commodity=commodity, date=today, price=13_700)
    assert not created
    assert Price.objects.filter(market=market, commodity=commodity).values_list("price", flat=True)[::1] == [13_700]


@pytest.mark.parametrize(
    ("days_ahead", "price", "errors"),
    [
        (1, 10_000, {"date": ["Harga hanya dapat dicatat untuk hari ini atau sebelumnya."]}),
        (0, 0, {"price": ["Masukkan harga dalam rupiah bulat, dari 1 sampai 5.000.000."]}),
        (0, 5_000_001, {"price": ["Masukkan harga dalam rupiah bulat, dari 1 sampai 5.000.000."]}),
    ],
)
def test_implausible_prices_are_refused(days_ahead, price, errors):
    market, commodity = _market(), Commodity.objects.create(code="uji", name="Uji", unit="kg")
    day = timezone.localdate() + dt.timedelta(days=days_ahead)
    with pytest.raises(ValidationError) as refused:
        services.price_record(market=market, commodity=commodity, date=day, price=price)
    assert refused.value.message_dict == errors
    assert not Price.objects.filter(market=market).exists()


def test_a_market_survey_is_all_or_nothing():
    market = _market()
    good = Commodity.objects.create(code="uji-a", name="A", unit="kg")
    bad = Commodity.objects.create(code="uji-b", name="B", unit="kg")
    with pytest.raises(ValidationError) as refused:
        services.prices_record(market=market, date=timezone.localdate(), prices={good: 10_000, bad: 0})
    assert refused.value.message_dict == {"uji-b": ["Masukkan harga dalam rupiah bulat, dari 1 sampai 5.000.000."]}
    assert not Price.objects.filter(market=market).exists()
    assert services.prices_record(market=market, date=timezone.localdate(), prices={good: 10_000, bad: 9_000}) == 2


def _market() -> Market:
    desa = Area.objects.get(code="35.79.02.2001")
    return Market.objects.create(name="Pasar Uji", desa=desa, location=desa.geom.point_on_surface)


def test_a_market_must_lie_in_its_desa():
    market = Market(name="Pasar Salah", desa=Area.objects.get(code="35.79.02.2001"), location=inside("35.79.03.2004"))
    with pytest.raises(ValidationError) as refused:
        market.full_clean()
    assert refused.value.message_dict == {"location": ["Lokasi pasar harus berada di dalam desa/kelurahannya."]}


# --- Selectors --------------------------------------------------------------------------------


def test_upcoming_events_include_those_under_way_and_not_those_ended():
    ended = new_event(title="Sudah lewat", starts_at=soon(-10), ends_at=soon(-2))
    under_way = new_event(title="Sedang berlangsung", starts_at=soon(-1), ends_at=soon(2))
    later = new_event(title="Nanti", starts_at=soon(48), ends_at=soon(50))
    upcoming = list(selectors.event_upcoming())
    assert under_way in upcoming and later in upcoming and ended not in upcoming
    assert upcoming.index(under_way) < upcoming.index(later)


def test_open_vacancies_are_open_through_their_closing_day_in_batu():
    today = timezone.localdate()
    jobs = {
        days: services.job_create(
            agency=agency("disnaker"),
            employer="Toko",
            position=f"Kasir {days}",
            description="...",
            location=inside("35.79.01.1004"),
            closes_on=today + dt.timedelta(days=days),
            how_to_apply="Datang langsung.",
        )
        for days in (-1, 0, 3)
    }
    found = list(selectors.job_open(today=today))
    assert jobs[0] in found and jobs[3] in found and jobs[-1] not in found
    assert found.index(jobs[0]) < found.index(jobs[3])
    assert list(selectors.job_search(selectors.job_open(today=today), "kasir 3")) == [jobs[3]]


def test_a_scheduled_announcement_is_not_public_before_its_date():
    today = timezone.localdate()
    later = services.announcement_create(
        agency=agency("dlh"), title="Besok", body="...", published_on=today + dt.timedelta(days=1)
    )
    now = services.announcement_create(agency=agency("dlh"), title="Hari ini", body="...")
    public = list(selectors.announcement_public())
    assert now in public and later not in public
    assert later in selectors.announcement_public(today=today + dt.timedelta(days=1))


def test_announcements_in_an_area_include_its_desa_and_points_inside():
    kecamatan = Area.objects.get(code="35.79.02")
    by_desa = services.announcement_create(
        agency=agency("dlh"), title="Desa", body="...", area=Area.objects.get(code="35.79.02.2003")
    )
    by_point = services.announcement_create(
        agency=agency("dlh"), title="Titik", body="...", location=inside("35.79.02.2001")
    )
    elsewhere = services.announcement_create(
        agency=agency("dlh"), title="Junrejo", body="...", area=Area.objects.get(code="35.79.03.2004")
    )
    found = set(selectors.announcement_in_area(selectors.announcement_public(), kecamatan))
    assert {by_desa, by_point} <= found and elsewhere not in found


def test_latest_prices_comparison_and_series():
    market_a, market_b = (
        _market(),
        Market.objects.create(
            name="Pasar Uji B", desa=Area.objects.get(code="35.79.03.2004"), location=inside("35.79.03.2004")
        ),
    )
    Market.objects.exclude(pk__in=[market_a.pk, market_b.pk]).update(is_active=False)
    rice = Commodity.objects.create(code="uji-beras", name="Beras uji", unit="kg")
    today = timezone.localdate()
    for days_back, price_a, price_b in ((40, 9_000, 9_500), (2, 12_000, 12_500), (1, 12_500, None), (0, None, 11_000)):
        day = today - dt.timedelta(days=days_back)
        if price_a:
            services.price_record(market=market_a, commodity=rice, date=day, price=price_a)
        if price_b:
            services.price_record(market=market_b, commodity=rice, date=day, price=price_b)
    latest = {p.market_id: (p.price, p.date) for p in selectors.price_latest().filter(commodity=rice)}
    assert latest == {market_a.pk: (12_500, today - dt.timedelta(days=1)), market_b.pk: (11_000, today)}
    rows = selectors.price_comparison(commodity=rice)
    assert [(r.market, r.price.price, r.change, r.difference_from_lowest) for r in rows] == [
        (market_b, 11_000, -1_500, 0),
        (market_a, 12_500, 500, 1_500),
    ]
    assert selectors.price_series(commodity=rice, days=30, today=today).count() == 4
    assert selectors.price_series(commodity=rice, days=1, today=today).count() == 1
    assert selectors.price_series(commodity=rice, market=market_a, days=45, today=today).count() == 3


# --- Policy -----------------------------------------------------------------------------------


def test_who_may_manage_what():
    admin = staff("info-admin", "admin", None)
    planner = staff("info-planner", "planner", None)
    dishub = staff("info-dishub", "operator", "dishub")
    crew = staff("info-crew", "crew", "dishub")
    disnaker = staff("info-disnaker", "supervisor", "disnaker")
    trade = staff("info-trade", "operator", "diskumdag")
    assert policy.can_manage(dishub, Kind.EVENTS, agency("dishub"))
    assert not policy.can_manage(dishub, Kind.EVENTS, agency("dlh"))
    assert not policy.can_manage(dishub, Kind.JOBS)
    assert not policy.can_manage(crew, Kind.EVENTS, agency("dishub"))
    assert not any(policy.can_manage(planner, kind) for kind in Kind)
    assert policy.can_read(planner) and policy.can_read(crew)
    assert policy.can_manage(disnaker, Kind.JOBS, agency("disnaker"))
    assert not policy.can_manage(disnaker, Kind.PRICES)
    assert policy.can_manage(trade, Kind.PRICES) and not policy.can_manage(trade, Kind.JOBS)
    assert policy.can_manage(admin, Kind.EVENTS, agency("dlh")) and policy.can_manage(admin, Kind.PRICES)
    # Vacancies are Disnaker's, even for an administrator.
    assert list(policy.managed_agencies(admin, Kind.JOBS)) == [agency("disnaker")]
    with pytest.raises(Exception, match="Hanya operator dan supervisor Dinas Ketenagakerjaan Kota Batu"):
        policy.authorize(dishub, Kind.JOBS)


# --- Demo data --------------------------------------------------------------------------------


def test_the_demo_loads_idempotently_inside_batu_and_marked_as_demo():
    first = city_info_demo_load()
    counts = [Model.objects.count() for Model in (Market, Commodity, Price, Event, JobVacancy, Announcement)]
    second = city_info_demo_load()
    assert first == second
    assert [Model.objects.count() for Model in (Market, Commodity, Price, Event, JobVacancy, Announcement)] == counts
    city = Area.objects.get(code=settings.LAPOR_CITY_CODE).geom
    for Model in (Market, Event, JobVacancy):
        assert (
            Model.objects.filter(is_demo=True).count()
            >= {Market: len(MARKETS), Event: len(EVENTS), JobVacancy: len(JOBS)}[Model]
        )
        assert all(city.contains(item.location) for item in Model.objects.filter(is_demo=True))
    assert Announcement.objects.filter(is_demo=True).count() >= len(ANNOUNCEMENTS)
    assert Price.objects.filter(is_demo=True).count() >= first.prices
    for market in Market.objects.filter(is_demo=True):
        assert market.desa.geom.contains(market.location)
    # Upcoming events and open vacancies, and one of each that is over, to show the difference.
    assert Event.objects.filter(is_demo=True, ends_at__lt=timezone.now()).count() == 1
    assert JobVacancy.objects.filter(is_demo=True, closes_on__lt=timezone.localdate()).count() == 1
    sunday = Event.objects.get(title="Senam Sehat Minggu Pagi")
    assert timezone.localtime(sunday.starts_at).weekday() == 6


def test_reloading_the_demo_keeps_prices_staff_recorded():
    city_info_demo_load()
    market = Market.objects.get(name="Pasar Besar Batu")
    rice = Commodity.objects.get(code="beras-medium")
    today = timezone.localdate()
    services.price_record(market=market, commodity=rice, date=today, price=99_900)
    city_info_demo_load()
    kept = Price.objects.get(market=market, commodity=rice, date=today)
    assert (kept.price, kept.is_demo) == (99_900, False)


def test_a_survey_leaves_unchanged_prices_alone():
    market = _market()
    rice = Commodity.objects.create(code="uji-beras", name="Beras", unit="kg")
    eggs = Commodity.objects.create(code="uji-telur", name="Telur", unit="kg")
    today = timezone.localdate()
    assert services.prices_record(market=market, date=today, prices={rice: 13_000, eggs: 29_000}) == 2
    user = get_user_model().objects.create_user(username="pencatat")
    assert services.prices_record(market=market, date=today, prices={rice: 13_000, eggs: 29_500}, recorded_by=user) == 1
    assert Price.objects.get(commodity=rice).recorded_by is None
    assert Price.objects.get(commodity=eggs).recorded_by == user


def test_demo_prices_depend_only_on_their_inputs_and_look_like_2026_rupiah():
    day = dt.date(2026, 11, 28)
    assert demo_price(base=52_000, swing=0.22, period=38, level=1.0, phase=0, date=day) == demo_price(
        base=52_000, swing=0.22, period=38, level=1.0, phase=0, date=day
    )
    rice = [
        demo_price(base=13_500, swing=0.015, period=60, level=1, phase=0, date=day - dt.timedelta(n)) for n in range(60)
    ]
    assert all(13_000 <= p <= 14_000 and p % 100 == 0 for p in rice)


def test_a_place_that_would_leave_its_desa_is_pulled_back_inside():
    from city_info.demo import Place

    area = Area.objects.get(code="35.79.01.1004")
    assert area.geom.contains(place_point(Place("35.79.01.1004", 50_000, 50_000)))


# --- Forms and formatting ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "rupiah"),
    [("13500", 13_500), ("13.500", 13_500), ("13,500", 13_500), ("Rp 13.500", 13_500), ("rp135.000", 135_000)],
)
def test_prices_are_read_as_people_write_rupiah(written, rupiah):
    from city_info.forms import RupiahField

    assert RupiahField(required=False).clean(written) == rupiah


@pytest.mark.parametrize("written", ["13.5", "13,50", "tiga ribu", "0", "-500", "5.000.001", "1e4"])
def test_prices_that_are_not_whole_rupiah_are_refused(written):
    from city_info.forms import RupiahField

    with pytest.raises(ValidationError, match="Masukkan harga dalam rupiah bulat"):
        RupiahField(required=False).clean(written)


def test_when_an_event_takes_place_is_written_as_the_city_writes_it():
    from django.utils import translation

    from city_info.templatetags.city_info import event_when, rupiah

    zone = timezone.get_current_timezone()
    one_day = Event(
        starts_at=dt.datetime(2026, 11, 29, 6, 0, tzinfo=zone), ends_at=dt.datetime(2026, 11, 29, 8, 0, tzinfo=zone)
    )
    days = Event(
        starts_at=dt.datetime(2026, 12, 8, 9, 0, tzinfo=zone), ends_at=dt.datetime(2026, 12, 10, 21, 0, tzinfo=zone)
    )
    with translation.override("id"):
        assert event_when(one_day) == "Minggu, 29 November 2026 · 06.00–08.00"
        assert event_when(days) == "8 Desember 09.00 – 10 Desember 2026 21.00"
        assert rupiah(135_000) == "Rp 135.000"
    with translation.override("en"):
        assert event_when(one_day) == "Sunday, 29 November 2026 · 06:00–08:00"
        assert rupiah(135_000) == "Rp 135,000"
