"""Demo city information: markets and staple prices, events, job vacancies, announcements and news.

Deterministic and idempotent: every item has a fixed title and a fixed place, dates are counted from
the day of loading (so upcoming events stay upcoming), and a price is a function of its market,
commodity and calendar date only, so reloading on the same day changes nothing. Places are points on
the real desa/kelurahan polygons (districts.Area), never typed-in coordinates. Every row carries
`is_demo` and is shown with a "demo" badge; employers and venues are generic, not real businesses.
"""

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone

from districts.models import Agency, Area
from districts.spatial import degrees_for_metres

from . import services
from .models import Announcement, Commodity, Event, JobVacancy, Market, Price

PRICE_HISTORY_DAYS = 45

# code, Indonesian name, English name, unit, base price in rupiah (Batu, 2026), daily swing, period in days
COMMODITIES = [
    ("beras-medium", "Beras medium", "Rice, medium grade", "kg", 13_500, 0.015, 60),
    ("beras-premium", "Beras premium", "Rice, premium grade", "kg", 15_500, 0.015, 60),
    ("cabai-rawit", "Cabai rawit merah", "Bird's eye chilli", "kg", 52_000, 0.22, 38),
    ("cabai-merah", "Cabai merah keriting", "Red curly chilli", "kg", 41_000, 0.16, 31),
    ("bawang-merah", "Bawang merah", "Shallots", "kg", 37_000, 0.10, 45),
    ("bawang-putih", "Bawang putih honan", "Garlic", "kg", 39_000, 0.05, 50),
    ("telur-ayam", "Telur ayam ras", "Chicken eggs", "kg", 29_000, 0.06, 21),
    ("daging-ayam", "Daging ayam ras", "Chicken meat", "kg", 37_000, 0.07, 28),
    ("daging-sapi", "Daging sapi murni", "Beef", "kg", 135_000, 0.02, 90),
    ("minyak-goreng", "Minyak goreng curah", "Cooking oil, bulk", "liter", 17_500, 0.02, 70),
    ("gula-pasir", "Gula pasir", "Sugar", "kg", 18_000, 0.02, 80),
    ("tepung-terigu", "Tepung terigu", "Wheat flour", "kg", 12_500, 0.015, 75),
]


@dataclass(frozen=True)
class Place:
    """A point inside a desa/kelurahan: its point on surface, moved east/north by some metres (moved
    less, or not at all, where that would leave the polygon)."""

    area_code: str
    east_m: float = 0
    north_m: float = 0


# name, place, price level against the town's main market, weekdays with a survey (Monday = 0)
MARKETS = [
    ("Pasar Besar Batu", Place("35.79.01.1004", 120, 260), 1.00, range(7)),
    ("Pasar Induk Among Tani", Place("35.79.01.1001", -150, 80), 0.97, range(7)),
    ("Pasar Desa Bumiaji", Place("35.79.02.2006", 0, 0), 1.04, (0, 3)),
]

ALUN_ALUN = Place("35.79.01.1004", 300, 420)
BALAI_KOTA = Place("35.79.01.2008", 150, -100)


@dataclass(frozen=True)
class DemoEvent:
    agency: str
    title: str
    title_en: str
    description: str
    description_en: str
    place_name: str
    place: Place
    starts_in_days: int
    start: tuple[int, int]
    days: int
    end: tuple[int, int]
    organiser_name: str = ""
    weekday: int | None = None  # on the first such day (Monday = 0) from `starts_in_days` on


EVENTS = [
    DemoEvent(
        "diskumdag",
        "Festival Apel Kota Batu",
        "Kota Batu Apple Festival",
        "Bazar apel dan olahan apel dari petani Bumiaji, lomba kreasi olahan apel, dan panggung musik.",
        "Apples and apple products from Bumiaji farmers, an apple cooking contest and live music.",
        "Alun-alun Kota Batu",
        ALUN_ALUN,
        10,
        (9, 0),
        3,
        (21, 0),
    ),
    DemoEvent(
        "kec-batu",
        "Senam Sehat Minggu Pagi",
        "Sunday Morning Exercise",
        "Senam bersama terbuka untuk umum. Bawa air minum sendiri; gratis.",
        "Open group exercise for everyone. Bring your own water; free of charge.",
        "Alun-alun Kota Batu",
        Place("35.79.01.1004", 260, 380),
        1,
        (6, 0),
        1,
        (8, 0),
        organiser_name="Komunitas Senam Kota Batu",
        weekday=6,
    ),
    DemoEvent(
        "disnaker",
        "Bursa Kerja Kota Batu",
        "Kota Batu Job Fair",
        "Puluhan perusahaan dari sektor pariwisata, perhotelan dan pertanian membuka lowongan. "
        "Bawa fotokopi KTP, ijazah dan daftar riwayat hidup.",
        "Dozens of employers from tourism, hotels and farming. Bring copies of your ID card, diploma and CV.",
        "Balai Kota Among Tani",
        BALAI_KOTA,
        14,
        (8, 0),
        2,
        (15, 0),
    ),
    DemoEvent(
        "diskominfo",
        "Pentas Seni Budaya Malam Minggu",
        "Saturday Night Arts and Culture Show",
        "Tari tradisional, jaranan dan musik daerah di panggung terbuka taman rekreasi.",
        "Traditional dance, jaranan and regional music on the open-air stage of the recreation park.",
        "Taman rekreasi keluarga, Oro-oro Ombo",
        Place("35.79.01.2006", 200, 150),
        1,
        (19, 0),
        1,
        (22, 0),
        organiser_name="Pengelola taman rekreasi keluarga",
        weekday=5,
    ),
    DemoEvent(
        "dlh",
        "Kerja Bakti Bersih Sumber Brantas",
        "",
        "Membersihkan sampah di sekitar mata air dan bantaran sungai. Sarung tangan dan karung disediakan.",
        "",
        "Balai Desa Sumber Brantas",
        Place("35.79.02.2009", 0, -300),
        5,
        (7, 0),
        1,
        (11, 0),
    ),
    DemoEvent(
        "dishub",
        "Uji Emisi Kendaraan Gratis",
        "Free Vehicle Emission Test",
        "Uji emisi gratis untuk mobil dan sepeda motor. Hasil uji langsung diberikan.",
        "Free emission tests for cars and motorcycles, with the result on the spot.",
        "Lapangan Desa Beji",
        Place("35.79.03.2002", 0, 0),
        2,
        (8, 0),
        1,
        (14, 0),
    ),
    DemoEvent(
        "diskumdag",
        "Pasar Murah Sembako",
        "Low-price Staples Market",
        "Beras, minyak goreng dan gula dengan harga terjangkau, maksimal dua paket per KTP.",
        "Rice, cooking oil and sugar at low prices, at most two packs per ID card.",
        "Balai Desa Junrejo",
        Place("35.79.03.2003", 0, 0),
        -6,
        (8, 0),
        1,
        (12, 0),
    ),
]


@dataclass(frozen=True)
class DemoJob:
    employer: str
    position: str
    position_en: str
    description: str
    description_en: str
    place_name: str
    place: Place
    closes_in_days: int
    how_to_apply: str
    how_to_apply_en: str


JOBS = [
    DemoJob(
        "Hotel bintang tiga di Songgokerto",
        "Resepsionis",
        "Receptionist",
        "Melayani tamu, reservasi dan pembayaran. Pendidikan minimal SMA/SMK, bisa berbahasa Inggris dasar, "
        "bersedia bekerja bergiliran.",
        "Welcome guests, handle bookings and payments. Senior high school, basic English, shift work.",
        "Jalan Raya Songgokerto",
        Place("35.79.01.1003", 0, 0),
        20,
        "Kirim surat lamaran dan CV ke Disnaker Kota Batu (loket 2) atau saat Bursa Kerja.",
        "Send a letter and CV to Disnaker Kota Batu (counter 2) or bring them to the job fair.",
    ),
    DemoJob(
        "Taman rekreasi keluarga di Oro-oro Ombo",
        "Petugas Wahana",
        "Ride Attendant",
        "Menjaga keselamatan pengunjung di wahana permainan. Sehat jasmani, usia 18-30 tahun.",
        "Keep visitors safe on the rides. Fit and healthy, aged 18 to 30.",
        "Oro-oro Ombo",
        Place("35.79.01.2006", 260, 120),
        12,
        "Datang langsung ke kantor pengelola dengan membawa KTP dan CV, Senin-Jumat 09.00-15.00.",
        "Come to the park office with your ID card and CV, Monday to Friday 9:00-15:00.",
    ),
    DemoJob(
        "Kelompok tani apel Tulungrejo",
        "Tenaga Panen Apel (musiman)",
        "Apple Harvest Worker (seasonal)",
        "Memetik, memilah dan mengemas apel selama musim panen, sekitar enam minggu. Upah harian.",
        "Pick, sort and pack apples for the harvest, about six weeks. Paid daily.",
        "Kebun apel Tulungrejo",
        Place("35.79.02.2003", 0, 0),
        7,
        "Hubungi ketua kelompok tani melalui kantor Desa Tulungrejo.",
        "Contact the farmers' group through the Tulungrejo village office.",
    ),
    DemoJob(
        "Klinik pratama di Junrejo",
        "Perawat",
        "Nurse",
        "Perawat umum untuk layanan rawat jalan. D3/S1 Keperawatan dan STR aktif.",
        "General nurse for outpatient care. Nursing diploma or degree and an active registration.",
        "Junrejo",
        Place("35.79.03.2003", 120, 200),
        25,
        "Kirim lamaran melalui Disnaker Kota Batu dengan melampirkan STR dan ijazah.",
        "Apply through Disnaker Kota Batu with your registration and diploma.",
    ),
    DemoJob(
        "Kebun sayur organik di Sumber Brantas",
        "Staf Gudang dan Pengemasan",
        "Warehouse and Packing Staff",
        "Menimbang, mengemas dan mencatat sayur untuk pengiriman ke pasar dan toko.",
        "Weigh, pack and log vegetables for the markets and shops.",
        "Sumber Brantas",
        Place("35.79.02.2009", 150, 200),
        0,
        "Datang langsung ke gudang kebun dengan membawa KTP.",
        "Come to the farm's warehouse with your ID card.",
    ),
    DemoJob(
        "Rumah makan khas Batu di Sisir",
        "Juru Masak",
        "Cook",
        "Memasak menu khas Jawa Timur. Pengalaman minimal satu tahun.",
        "Cook East Javanese dishes. At least one year of experience.",
        "Sisir",
        Place("35.79.01.1004", -200, -150),
        -3,
        "Lowongan sudah ditutup.",
        "This vacancy has closed.",
    ),
]


@dataclass(frozen=True)
class DemoAnnouncement:
    agency: str
    kind: str
    title: str
    title_en: str
    body: str
    body_en: str
    days_ago: int
    area_code: str | None = None
    place: Place | None = None


ANNOUNCEMENTS = [
    DemoAnnouncement(
        "dishub",
        Announcement.Kind.ANNOUNCEMENT,
        "Penutupan jalan sementara di Desa Tulungrejo",
        "Temporary road closure in Desa Tulungrejo",
        "Jalan desa menuju kawasan kebun apel ditutup untuk perbaikan jembatan selama dua minggu. "
        "Kendaraan diarahkan melalui jalan provinsi; pejalan kaki tetap dapat melintas.",
        "The village road to the apple orchards is closed for two weeks while the bridge is repaired. "
        "Vehicles are diverted through the provincial road; people on foot can still pass.",
        1,
        area_code="35.79.02.2003",
        place=Place("35.79.02.2003", 150, -250),
    ),
    DemoAnnouncement(
        "pdam",
        Announcement.Kind.ANNOUNCEMENT,
        "Gangguan aliran air di Kelurahan Temas",
        "Water supply interruption in Kelurahan Temas",
        "Aliran air bersih terganggu pada pukul 09.00-15.00 karena penggantian pipa distribusi. "
        "Mohon menampung air secukupnya.",
        "Piped water will be interrupted from 9:00 to 15:00 while a distribution pipe is replaced. "
        "Please store some water beforehand.",
        0,
        area_code="35.79.01.1001",
    ),
    DemoAnnouncement(
        "bpbd",
        Announcement.Kind.ANNOUNCEMENT,
        "Waspada hujan lebat dan longsor di Kecamatan Bumiaji",
        "Heavy rain and landslide warning for Kecamatan Bumiaji",
        "Warga di lereng dan tepi sungai diminta waspada. Laporkan retakan tanah atau pohon tumbang "
        "melalui Lapor Batu atau ke BPBD.",
        "People living on slopes and by rivers should stay alert. Report cracks in the ground or fallen trees "
        "through Lapor Batu or to BPBD.",
        0,
        area_code="35.79.02",
    ),
    DemoAnnouncement(
        "dlh",
        Announcement.Kind.ANNOUNCEMENT,
        "Jadwal pengangkutan sampah selama libur akhir tahun",
        "Waste collection during the year-end holidays",
        "Selama libur akhir tahun sampah diangkut setiap hari mulai pukul 05.00. TPS tetap buka.",
        "During the year-end holidays waste is collected every day from 5:00. Collection points stay open.",
        2,
    ),
    DemoAnnouncement(
        "diskumdag",
        Announcement.Kind.NEWS,
        "Harga cabai rawit mulai turun di Pasar Besar Batu",
        "Bird's eye chilli prices start to fall at Pasar Besar Batu",
        "Pasokan dari petani Bumiaji meningkat sehingga harga cabai rawit turun dibanding pekan lalu. "
        "Harga terbaru dapat dilihat di halaman harga pangan.",
        "More supply from Bumiaji farmers has brought chilli prices down from last week. "
        "The latest prices are on the food prices page.",
        3,
        place=MARKETS[0][1],
    ),
    DemoAnnouncement(
        "disnaker",
        Announcement.Kind.NEWS,
        "Pendaftaran pelatihan kerja gratis dibuka",
        "Free job training: registration open",
        "Pelatihan tata boga, perhotelan dan las untuk warga Kota Batu usia 18-35 tahun. Daftar di kantor "
        "Disnaker dengan membawa KTP.",
        "Training in catering, hospitality and welding for residents aged 18 to 35. Register at the Disnaker "
        "office with your ID card.",
        5,
    ),
]


def place_point(place: Place, areas: dict[str, Area] | None = None) -> Point:
    """The point of a Place, always inside its area."""
    area = (areas or {}).get(place.area_code) or Area.objects.get(code=place.area_code)
    origin = area.geom.point_on_surface
    for share in (1, 0.5, 0.25, 0.1):
        lon = origin.x + degrees_for_metres(place.east_m * share, origin.y)
        lat = origin.y + place.north_m * share / 111_320.0
        candidate = Point(round(lon, 6), round(lat, 6), srid=settings.LAPOR_SRID)
        if area.geom.contains(candidate):
            return candidate
    return Point(origin.x, origin.y, srid=settings.LAPOR_SRID)


def demo_price(*, base: int, swing: float, period: int, level: float, phase: int, date: dt.date) -> int:
    """A price that depends only on its inputs: a slow wave around the base, rounded as traders quote."""
    ordinal = date.toordinal()
    wave = math.sin(2 * math.pi * (ordinal + phase) / period) + 0.35 * math.sin(2 * math.pi * ordinal / 9.0)
    value = base * level * (1 + swing * wave / 1.35)
    step = 500 if base >= 20_000 else 100
    return int(round(value / step) * step)


@dataclass
class DemoResult:
    markets: int = 0
    commodities: int = 0
    prices: int = 0
    events: int = 0
    jobs: int = 0
    announcements: int = 0


def _local(day: dt.date, hour_minute: tuple[int, int]) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(*hour_minute), tzinfo=timezone.get_current_timezone())


def _upsert(model, lookup: dict, create, update, values: dict) -> None:
    existing = model.objects.filter(is_demo=True, **lookup).first()
    if existing is None:
        create(**values, is_demo=True)
    else:
        update(existing, {k: v for k, v in values.items() if k != "created_by"})


@transaction.atomic
def city_info_demo_load(*, today: dt.date | None = None) -> DemoResult:
    """Load (or refresh) the demo city information. Needs the boundaries and agencies
    (districts.services.demo.demo_load) first."""
    today = today or timezone.localdate()
    result = DemoResult()
    areas = {a.code: a for a in Area.objects.all()}
    agencies = {a.code: a for a in Agency.objects.all()}

    commodities = []
    for order, (code, name, name_en, unit, *_rest) in enumerate(COMMODITIES):
        commodity, _created = Commodity.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "unit": unit, "order": order * 10}
        )
        commodities.append(commodity)
    result.commodities = len(commodities)

    markets = []
    for name, place, _level, _weekdays in MARKETS:
        point = place_point(place, areas)
        market = Market.objects.filter(name=name).first() or Market(name=name)
        market.desa, market.location, market.is_demo = areas[place.area_code], point, True
        market.full_clean()
        market.save()
        markets.append(market)
    result.markets = len(markets)

    # Prices that staff recorded on a demo market are theirs: the demo never overwrites them.
    first_day = today - dt.timedelta(days=PRICE_HISTORY_DAYS - 1)
    real = set(
        Price.objects.filter(market__in=markets, date__gte=first_day, is_demo=False).values_list(
            "market_id", "commodity_id", "date"
        )
    )
    rows = []
    for index, (market, (_name, _place, level, weekdays)) in enumerate(zip(markets, MARKETS, strict=True)):
        for commodity, (_code, _n, _e, _u, base, swing, period) in zip(commodities, COMMODITIES, strict=True):
            for days_back in range(PRICE_HISTORY_DAYS):
                day = today - dt.timedelta(days=days_back)
                if day.weekday() not in weekdays or (market.pk, commodity.pk, day) in real:
                    continue
                price = demo_price(base=base, swing=swing, period=period, level=level, phase=index * 5, date=day)
                rows.append(Price(market=market, commodity=commodity, date=day, price=price, is_demo=True))
    Price.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["market", "commodity", "date"], update_fields=["price", "is_demo"]
    )
    result.prices = len(rows)

    for item in EVENTS:
        start_day = today + dt.timedelta(days=item.starts_in_days)
        if item.weekday is not None:
            start_day += dt.timedelta(days=(item.weekday - start_day.weekday()) % 7)
        values = {
            "agency": agencies[item.agency],
            "title": item.title,
            "title_en": item.title_en,
            "description": item.description,
            "description_en": item.description_en,
            "organiser_name": item.organiser_name,
            "place_name": item.place_name,
            "location": place_point(item.place, areas),
            "starts_at": _local(start_day, item.start),
            "ends_at": _local(start_day + dt.timedelta(days=item.days - 1), item.end),
        }
        _upsert(
            Event,
            {"title": item.title},
            services.event_create,
            lambda event, data: services.event_update(event=event, data=data),
            values,
        )
    result.events = len(EVENTS)

    for item in JOBS:
        values = {
            "agency": agencies["disnaker"],
            "employer": item.employer,
            "position": item.position,
            "position_en": item.position_en,
            "description": item.description,
            "description_en": item.description_en,
            "place_name": item.place_name,
            "location": place_point(item.place, areas),
            "closes_on": today + dt.timedelta(days=item.closes_in_days),
            "how_to_apply": item.how_to_apply,
            "how_to_apply_en": item.how_to_apply_en,
        }
        _upsert(
            JobVacancy,
            {"position": item.position, "employer": item.employer},
            services.job_create,
            lambda job, data: services.job_update(job=job, data=data),
            values,
        )
    result.jobs = len(JOBS)

    for item in ANNOUNCEMENTS:
        values = {
            "agency": agencies[item.agency],
            "kind": item.kind,
            "title": item.title,
            "title_en": item.title_en,
            "body": item.body,
            "body_en": item.body_en,
            "published_on": today - dt.timedelta(days=item.days_ago),
            "area": areas[item.area_code] if item.area_code else None,
            "location": place_point(item.place, areas) if item.place else None,
        }
        _upsert(
            Announcement,
            {"title": item.title},
            services.announcement_create,
            lambda announcement, data: services.announcement_update(announcement=announcement, data=data),
            values,
        )
    result.announcements = len(ANNOUNCEMENTS)
    return result
