"""Demo data for reports: categories, routing rules and holidays from fixtures, and demo reports.

Demo reports are made through the same services as real ones (routing, timeline, transitions), at
deterministic places near the synthetic assets and inside the real desa, with the channel "demo".
"""

import datetime as dt
import json
import math
import random
from pathlib import Path

import shapely
from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from districts.models import Agency, Area, Asset, AssetLayer
from districts.services.geometry import to_shapely
from districts.services.reference import SyncResult

from ..models import Category, CategoryQuestion, PublicHoliday, Report, ReportUpdate, RoutingRule, Status
from ..models.reports import Channel
from ..workflow import TransitionError
from .handling import report_comment, report_transition
from .intake import report_create

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
DEMO_SEED = 20261127


@transaction.atomic
def categories_load(*, path: Path = FIXTURES / "categories.json", overwrite: bool = False) -> SyncResult:
    """Categories with their questions and routing rules; existing categories are left as edited."""
    result = SyncResult()
    agencies = {a.code: a for a in Agency.objects.all()}
    areas = {a.code: a for a in Area.objects.all()}
    layers = {layer.code: layer for layer in AssetLayer.objects.all()}
    for row in json.loads(path.read_text(encoding="utf-8")):
        row = dict(row)
        code = row.pop("code")
        questions = row.pop("questions", [])
        rules = row.pop("rules", [])
        ack_value, ack_unit = row.pop("acknowledge")
        resolve_value, resolve_unit = row.pop("resolve")
        values = {
            **row,
            "asset_layer": layers[row["asset_layer"]] if row.get("asset_layer") else None,
            "default_agency": agencies[row["default_agency"]] if row.get("default_agency") else None,
            "acknowledge_within": ack_value,
            "acknowledge_unit": ack_unit,
            "resolve_within": resolve_value,
            "resolve_unit": resolve_unit,
        }
        category = Category.objects.filter(code=code).first()
        if category is not None and not overwrite:
            result.kept.append(code)
            continue
        if category is None:
            category = Category.objects.create(code=code, **values)
            result.created.append(code)
        else:
            for name, value in values.items():
                setattr(category, name, value)
            category.save()
            category.questions.all().delete()
            category.rules.all().delete()
            result.updated.append(code)
        for order, question in enumerate(questions, start=1):
            CategoryQuestion.objects.create(category=category, order=order, **question)
        for rule in rules:
            condition = rule.get("asset") or {}
            ((attribute, value),) = condition.items() if condition else [("", "")]
            RoutingRule.objects.create(
                category=category,
                area=areas[rule["area"]] if rule.get("area") else None,
                asset_attribute=attribute,
                asset_value=value,
                agency=agencies[rule["agency"]],
                priority=rule.get("priority", 0),
                note=rule.get("note", ""),
            )
    for holiday in json.loads((FIXTURES / "holidays.json").read_text(encoding="utf-8")):
        PublicHoliday.objects.get_or_create(date=holiday["date"], defaults={"name": holiday["name"]})
    return result


DESCRIPTIONS = {
    "jalan-rusak": [
        "Lubang besar di tengah jalan, berbahaya untuk motor.",
        "Aspal mengelupas sepanjang beberapa meter.",
    ],
    "pipa-bocor": [
        "Air menyembur dari pipa di pinggir jalan sejak pagi.",
        "Pipa bocor, air mengalir ke selokan.",
    ],
    "air-mati": ["Air tidak mengalir sejak kemarin sore.", "Air PDAM sangat kecil sejak tiga hari."],
    "pju-mati": ["Lampu jalan mati, jalan gelap di malam hari.", "Lampu berkedip terus."],
    "lalu-lintas": ["Lampu lalu lintas mati di persimpangan.", "Rambu petunjuk arah roboh."],
    "listrik-padam": ["Listrik padam di satu RT sejak jam 7 malam.", "Listrik sering padam setiap hujan."],
    "sampah": ["Tumpukan sampah di pinggir jalan sudah seminggu.", "TPS penuh dan berbau."],
    "drainase-banjir": [
        "Saluran air tersumbat, jalan tergenang saat hujan.",
        "Genangan air setinggi mata kaki.",
    ],
    "pohon-tumbang": ["Dahan besar patah menutup separuh jalan.", "Pohon miring dan rawan tumbang."],
    "lainnya": ["Trotoar rusak dan membahayakan pejalan kaki.", "Bangku taman patah."],
}

# Later statuses a demo report can have reached, with the steps that lead there.
STATUS_PATHS = [
    [],
    [],
    [Status.VERIFIED],
    [Status.VERIFIED, Status.IN_PROGRESS],
    [Status.VERIFIED, Status.IN_PROGRESS],
    [Status.VERIFIED, Status.IN_PROGRESS, Status.RESOLVED],
    [Status.VERIFIED, Status.IN_PROGRESS, Status.RESOLVED],
    [Status.VERIFIED, Status.RESOLVED, Status.CLOSED],
    [Status.REJECTED],
]
STEP_HOURS = {
    Status.VERIFIED: (1, 30),
    Status.IN_PROGRESS: (4, 72),
    Status.RESOLVED: (12, 200),
    Status.CLOSED: (2, 96),
    Status.REJECTED: (2, 48),
}
STAFF_MESSAGES = {
    Status.VERIFIED: "Laporan telah diterima dan diverifikasi.",
    Status.IN_PROGRESS: "Petugas sedang menindaklanjuti di lapangan.",
    Status.RESOLVED: "Sudah ditindaklanjuti dan selesai diperbaiki.",
    Status.CLOSED: "Pelapor mengonfirmasi perbaikan.",
    Status.REJECTED: "Lokasi berada di lahan pribadi, bukan kewenangan pemerintah kota.",
}


def _point_near_asset(rng: random.Random, asset: Asset) -> Point:
    shape = to_shapely(asset.geom)
    anchor = shape if shape.geom_type == "Point" else shape.interpolate(rng.random(), normalized=True)
    offset = rng.uniform(3, 12) / 111_320
    angle = rng.uniform(0, 2 * math.pi)
    return Point(anchor.x + offset * math.cos(angle), anchor.y + offset * math.sin(angle), srid=settings.LAPOR_SRID)


def _point_in_area(rng: random.Random, area: Area) -> Point:
    shape = to_shapely(area.geom)
    min_x, min_y, max_x, max_y = shape.bounds
    while True:
        candidate = shapely.Point(rng.uniform(min_x, max_x), rng.uniform(min_y, max_y))
        if shape.contains(candidate):
            return Point(candidate.x, candidate.y, srid=settings.LAPOR_SRID)


def demo_reports_load(*, count: int = 120) -> int:
    """Make demo reports until `count` exist; the same ones each time (deterministic)."""
    existing = Report.objects.filter(channel=Channel.DEMO).count()
    if existing >= count:
        _demo_updated_at_from_timeline()  # demo reports loaded before it was set so get it too
        return 0
    rng = random.Random(DEMO_SEED)
    # Public complaints only: service requests (permits, taxes) are private and come with documents.
    categories = list(
        Category.objects.filter(is_active=True, is_public=True, kind=Category.Kind.COMPLAINT)
        .select_related("asset_layer")
        .order_by("order")
    )
    town = list(Area.objects.filter(kind__in=Area.LOCAL_KINDS, parent__code="35.79.01"))
    everywhere = list(Area.objects.filter(kind__in=Area.LOCAL_KINDS))
    assets_by_layer = {
        c.asset_layer_id: list(Asset.objects.filter(layer=c.asset_layer).order_by("external_id"))
        for c in categories
        if c.asset_layer_id
    }
    now = timezone.now()
    created = 0
    for index in range(count):
        # Draw every random number for every index, so report N is the same whatever was made before.
        category = rng.choice(categories)
        layer_assets = assets_by_layer.get(category.asset_layer_id)
        use_asset = layer_assets and rng.random() < 0.85
        asset = rng.choice(layer_assets) if layer_assets else None
        area = rng.choice(town if rng.random() < 0.6 else everywhere)
        point_seed = rng.random()
        age = dt.timedelta(days=rng.uniform(0, 75), hours=rng.uniform(0, 12))
        path = rng.choice(STATUS_PATHS)
        description = rng.choice(DESCRIPTIONS.get(category.code, ["Mohon segera ditangani."]))
        if index < existing:
            continue
        local = random.Random(f"{DEMO_SEED}:{index}:{point_seed}")
        point = _point_near_asset(local, asset) if use_asset else _point_in_area(local, area)
        answers = {
            q.code: q.values[local.randrange(len(q.values))]["key"]
            for q in category.questions.all()
            if q.required and q.is_list
        }
        try:
            result = report_create(
                category=category,
                geometry=point,
                description=description,
                answers=answers,
                channel=Channel.DEMO,
                created_at=now - age,
            )
        except ValueError:
            continue
        report = result.report
        moment = report.created_at
        for step in path:
            # Agencies take hours to days per step; a step that would lie in the future has not happened.
            moment += dt.timedelta(hours=local.uniform(*STEP_HOURS[step]))
            if moment >= now:
                break
            try:
                report = report_transition(
                    report_id=report.pk,
                    new_status=step,
                    role="operator" if step != Status.CLOSED else "reporter",
                    actor_agency=report.agency,
                    expected_version=None,
                    message=STAFF_MESSAGES[step],
                    at=moment,
                )
            except TransitionError:
                break
        if path and path[-1] == Status.IN_PROGRESS and index % 3 == 0:
            report_comment(
                report_id=report.pk,
                role="operator",
                actor_agency=report.agency,
                message="Material perbaikan sedang disiapkan.",
                internal=False,
                at=moment + (now - moment) * 0.5,
            )
        created += 1
    _demo_updated_at_from_timeline()
    return created


def _demo_updated_at_from_timeline() -> None:
    """Each demo report was last updated by its last timeline entry. `updated_at` is auto_now, so the
    steps above, written now with back-dated entries, all left it at the time the demo was loaded;
    a queryset update sets it without auto_now."""
    last_entry = ReportUpdate.objects.filter(report=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
    Report.objects.filter(channel=Channel.DEMO).update(updated_at=Coalesce(Subquery(last_entry), F("created_at")))
