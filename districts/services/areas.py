"""Loading administrative boundaries from a file (GeoJSON, GeoPackage, Shapefile...) through GDAL."""

from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.gis.gdal import DataSource, GDALException
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.db import transaction

from ..models import Area
from .geometry import ogr_to_wgs84

REQUIRED_FIELDS = ("kind", "code", "name", "parent_code")


class BoundaryFileError(Exception):
    """The file cannot be used; nothing was written. `problems` lists every reason found."""

    def __init__(self, path, problems: list[str]):
        self.problems = problems
        super().__init__(f"{path}: " + "; ".join(problems))


@dataclass
class AreaLoadResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged)


@dataclass
class _AreaRow:
    kind: str
    code: str
    name: str
    parent_code: str
    geom: MultiPolygon


def _read_rows(path: Path) -> list[_AreaRow]:
    try:
        source = DataSource(str(path))
    except GDALException as exc:
        raise BoundaryFileError(path, [f"GDAL cannot read it ({exc})"]) from exc
    if source.layer_count == 0:
        raise BoundaryFileError(path, ["it has no layers"])
    layer = source[0]
    missing = [name for name in REQUIRED_FIELDS if name not in layer.fields]
    if missing:
        raise BoundaryFileError(path, [f"attributes missing: {', '.join(missing)}"])

    rows, problems = [], []
    kinds = set(Area.Kind.values)
    for number, feature in enumerate(layer, start=1):
        code = str(feature.get("code") or "").strip()
        where = f"feature {number}" + (f" ({code})" if code else "")
        kind = str(feature.get("kind") or "").strip().lower()
        name = str(feature.get("name") or "").strip()
        if not code:
            problems.append(f"{where}: no code")
        if not name:
            problems.append(f"{where}: no name")
        if kind not in kinds:
            problems.append(f"{where}: kind {kind!r} is not one of {', '.join(sorted(kinds))}")
        geom = _boundary_geometry(feature, where, problems)
        if geom is not None and code and name and kind in kinds:
            parent_code = str(feature.get("parent_code") or "").strip()
            rows.append(_AreaRow(kind, code, name, parent_code, geom))
    if not rows and not problems:
        problems.append("it has no features")
    codes = [row.code for row in rows]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        problems.append(f"codes appear more than once: {', '.join(duplicates)}")
    if problems:
        raise BoundaryFileError(path, problems)
    return rows


def _boundary_geometry(feature, where: str, problems: list[str]) -> MultiPolygon | None:
    try:
        ogr = feature.geom
    except GDALException:
        ogr = None
    if ogr is None:
        problems.append(f"{where}: no geometry")
        return None
    geom: GEOSGeometry = ogr_to_wgs84(ogr)
    if geom.geom_type == "Polygon":
        geom = MultiPolygon(geom, srid=geom.srid)
    if geom.geom_type != "MultiPolygon":
        problems.append(f"{where}: a boundary must be a polygon, not a {geom.geom_type}")
        return None
    if geom.empty:
        problems.append(f"{where}: empty geometry")
        return None
    if not geom.valid:
        # Boundaries are authoritative: report, do not guess a repair.
        problems.append(f"{where}: invalid geometry ({geom.valid_reason})")
        return None
    return geom


@transaction.atomic
def areas_load_from_file(*, path: Path) -> AreaLoadResult:
    """Create or update areas from a boundary file, keyed on the Kemendagri code.

    The whole file is read and checked before anything is written, and the writes share one
    transaction: a broken or unsuitable file leaves the database exactly as it was.
    """
    rows = _read_rows(path)
    rows.sort(key=lambda row: (Area.KIND_LEVEL[row.kind], row.code))
    known = {area.code: area for area in Area.objects.filter(code__in=[r.parent_code for r in rows])}

    problems = []
    in_file = {r.code for r in rows}
    for row in rows:
        if row.kind == Area.Kind.KOTA:
            continue
        if not row.parent_code:
            problems.append(f"{row.code}: a {row.kind} needs a parent_code")
        elif row.parent_code not in known.keys() | in_file:
            problems.append(f"{row.code}: parent {row.parent_code} is neither in the file nor loaded")
    if problems:
        raise BoundaryFileError(path, problems)

    result = AreaLoadResult()
    for row in rows:
        parent = known.get(row.parent_code)
        area = Area.objects.filter(code=row.code).first()
        if area is None:
            area = Area.objects.create(code=row.code, kind=row.kind, name=row.name, parent=parent, geom=row.geom)
            result.created.append(row.code)
        elif (
            area.kind != row.kind
            or area.name != row.name
            or area.parent_id != (parent.pk if parent else None)
            or not area.geom.equals_exact(row.geom, tolerance=1e-9)
        ):
            area.kind, area.name, area.parent, area.geom = row.kind, row.name, parent, row.geom
            area.save()
            result.updated.append(row.code)
        else:
            result.unchanged.append(row.code)
        known[row.code] = area
    return result
