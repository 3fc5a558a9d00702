"""Importing asset layers (roads, pipes, street lights...) from GeoJSON, GeoPackage or Shapefile,
and the one write path every asset importer shares (`assets_write`; manage.py import_osm uses it too).

Files are read through GDAL, reprojected from whatever CRS they declare to WGS84, repaired with
shapely where that keeps the feature's meaning, and written in batches keyed on
(layer, external_id), so a second run of the same file changes nothing. A file GDAL cannot read
writes nothing at all.
"""

import datetime
import decimal
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.gis.gdal import DataSource, GDALException
from django.contrib.gis.geos import GEOSGeometry
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..models import Agency, Asset, AssetLayer
from .geometry import from_shapely, ogr_to_wgs84, repair, to_shapely, within_lonlat_range

BATCH_SIZE = 2000
ID_FIELD_CANDIDATES = ("external_id", "id", "fid", "objectid", "kode")
NAME_FIELD_CANDIDATES = ("name", "nama")
# The demo's generated features. GDAL reads a GeoJSON boolean as an integer field: both spellings.
SYNTHETIC = Q(attributes__synthetic=True) | Q(attributes__synthetic=1)


class AssetFileError(Exception):
    """The file cannot be imported at all; nothing was written."""


@dataclass
class Rejection:
    feature: str
    reason: str


@dataclass
class WriteCounts:
    """What a write did: features new to the layer, changed, the same as before, and removed."""

    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0


@dataclass
class AssetImportReport(WriteCounts):
    layer: str = ""
    total: int = 0
    repaired: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    repairs: list[Rejection] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.layer}: {self.total} features read, {self.imported} imported, "
            f"{self.updated} updated, {self.unchanged} unchanged, {self.repaired} repaired, "
            f"{len(self.rejected)} rejected"
        ) + (f", {self.removed} removed" if self.removed else "")


@dataclass
class AssetCandidate:
    """A feature ready to be written into a layer: checked, in WGS84, of the layer's geometry type."""

    external_id: str
    name: str
    geom: GEOSGeometry
    attributes: dict
    owner: Agency


class OwnerResolver:
    """A layer's ownership rule, read once: attribute value → agency, else the default owner."""

    def __init__(self, layer: AssetLayer):
        self.attribute = layer.owner_attribute
        self.by_value = {
            row.attribute_value.strip().lower(): row.agency for row in layer.ownerships.select_related("agency")
        }
        self.default = layer.default_owner

    def __call__(self, attributes: dict) -> tuple[Agency | None, str]:
        if self.attribute:
            value = str(attributes.get(self.attribute) or "").strip()
            agency = self.by_value.get(value.lower())
            if agency is not None:
                return agency, ""
            if self.default is None:
                return None, f"no owner for {self.attribute}={value!r}"
        if self.default is None:
            return None, "the layer has no owner rule"
        return self.default, ""


def _json_value(value):
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def _pick_field(fields: list[str], wanted: str | None, candidates: tuple[str, ...]) -> str | None:
    if wanted:
        if wanted not in fields:
            raise AssetFileError(f"the file has no attribute {wanted!r} (it has: {', '.join(fields)})")
        return wanted
    lowered = {name.lower(): name for name in fields}
    return next((lowered[c] for c in candidates if c in lowered), None)


def _open_layer(path: Path, source_layer: str | None):
    if not Path(path).exists():
        raise AssetFileError(f"{path}: no such file")
    try:
        source = DataSource(str(path))
    except GDALException as exc:
        raise AssetFileError(f"{path}: GDAL cannot read it ({exc})") from exc
    if source.layer_count == 0:
        raise AssetFileError(f"{path}: it has no layers")
    if source_layer is None:
        return source, source[0]
    try:
        return source, source[source_layer]
    except (IndexError, GDALException) as exc:
        names = ", ".join(layer.name for layer in source)
        raise AssetFileError(f"{path}: no layer {source_layer!r} (layers: {names})") from exc


def _candidates(
    layer_file,
    layer: AssetLayer,
    id_field: str | None,
    name_field: str | None,
    report: AssetImportReport,
    seen: set[str],
) -> Iterator[AssetCandidate]:
    owner_of = OwnerResolver(layer)
    fields = list(layer_file.fields)
    id_field = _pick_field(fields, id_field, ID_FIELD_CANDIDATES)
    name_field = _pick_field(fields, name_field, NAME_FIELD_CANDIDATES)
    for number, feature in enumerate(layer_file, start=1):
        report.total += 1
        raw_id = feature.get(id_field) if id_field else feature.fid
        external_id = str(raw_id).strip() if raw_id not in (None, "") else ""
        label = f"#{number}" + (f" ({external_id})" if external_id else "")
        if not external_id:
            report.rejected.append(Rejection(label, "no external id"))
            continue
        if external_id in seen:
            report.rejected.append(Rejection(label, "external id repeated in the file"))
            continue
        seen.add(external_id)
        attributes = {name: _json_value(feature.get(name)) for name in fields}
        try:
            ogr = feature.geom
        except GDALException:
            ogr = None
        if ogr is None:
            report.rejected.append(Rejection(label, "feature has no geometry"))
            continue
        geos = ogr_to_wgs84(ogr)
        if geos.empty:
            report.rejected.append(Rejection(label, "empty geometry"))
            continue
        if not within_lonlat_range(geos):
            report.rejected.append(
                Rejection(label, "coordinates outside longitude/latitude ranges (wrong or missing CRS?)")
            )
            continue
        shape = to_shapely(geos)
        if not shape.is_valid:
            shape, why = repair(shape, layer.geometry_type)
            if shape is None:
                report.rejected.append(Rejection(label, f"invalid geometry that cannot be repaired: {why}"))
                continue
            report.repaired += 1
            report.repairs.append(Rejection(label, why))
        shape, problem = _fit_layer_type(shape, layer.geometry_type)
        if shape is None:
            report.rejected.append(Rejection(label, problem))
            continue
        owner, problem = owner_of(attributes)
        if owner is None:
            report.rejected.append(Rejection(label, problem))
            continue
        name = str(feature.get(name_field) or "").strip() if name_field else ""
        yield AssetCandidate(external_id, name[:200], from_shapely(shape), attributes, owner)


def _fit_layer_type(shape, geometry_type: str):
    kind = shape.geom_type
    if geometry_type == AssetLayer.GeometryType.POINT:
        if kind == "Point":
            return shape, ""
        if kind == "MultiPoint" and len(shape.geoms) == 1:
            return shape.geoms[0], ""
        return None, f"a {kind} does not belong in a point layer"
    if geometry_type == AssetLayer.GeometryType.LINE:
        if kind in ("LineString", "MultiLineString"):
            return shape, ""
        return None, f"a {kind} does not belong in a line layer"
    if kind in ("Polygon", "MultiPolygon"):
        return shape, ""
    return None, f"a {kind} does not belong in a polygon layer"


def _write_batch(layer: AssetLayer, batch: list[AssetCandidate], counts: WriteCounts) -> None:
    existing = {
        asset.external_id: asset
        for asset in Asset.objects.filter(layer=layer, external_id__in=[c.external_id for c in batch])
    }
    new, changed = [], []
    for candidate in batch:
        asset = existing.get(candidate.external_id)
        if asset is None:
            new.append(
                Asset(
                    layer=layer,
                    external_id=candidate.external_id,
                    name=candidate.name,
                    geom=candidate.geom,
                    attributes=candidate.attributes,
                    owner=candidate.owner,
                )
            )
        elif (
            asset.name != candidate.name
            or asset.attributes != candidate.attributes
            or asset.owner_id != candidate.owner.pk
            or not asset.geom.equals_exact(candidate.geom, tolerance=1e-9)
        ):
            asset.name, asset.geom = candidate.name, candidate.geom
            asset.attributes, asset.owner = candidate.attributes, candidate.owner
            asset.updated_at = timezone.now()
            changed.append(asset)
        else:
            counts.unchanged += 1
    Asset.objects.bulk_create(new, batch_size=BATCH_SIZE)
    Asset.objects.bulk_update(changed, ["name", "geom", "attributes", "owner", "updated_at"], batch_size=BATCH_SIZE)
    counts.imported += len(new)
    counts.updated += len(changed)


def assets_write(
    *,
    layer: AssetLayer,
    candidates: Iterable[AssetCandidate],
    counts: WriteCounts,
    replace: bool = False,
    replace_within: Q | None = None,
    keep: Collection[str] = (),
    after_batch: Callable[[], None] | None = None,
) -> None:
    """Write `candidates` (external ids unique) into `layer` in batches keyed on the external id,
    counting into `counts`.

    With `replace`, the layer's features (only those matching `replace_within`, e.g. one source's)
    whose external id was neither written nor is in `keep` are removed afterwards. `after_batch` is
    called after each batch, e.g. to show progress.
    """
    written: set[str] = set()
    batch: list[AssetCandidate] = []
    for candidate in candidates:
        batch.append(candidate)
        written.add(candidate.external_id)
        if len(batch) >= BATCH_SIZE:
            _write_batch(layer, batch, counts)
            batch = []
            if after_batch:
                after_batch()
    if batch:
        _write_batch(layer, batch, counts)
    if after_batch:
        after_batch()
    if replace:
        gone = layer.assets.exclude(external_id__in=written | set(keep))
        if replace_within is not None:
            gone = gone.filter(replace_within)
        counts.removed += gone.delete()[1].get(Asset._meta.label, 0)


@transaction.atomic
def assets_import(
    *,
    layer: AssetLayer,
    path: Path,
    id_field: str | None = None,
    name_field: str | None = None,
    source_layer: str | None = None,
    replace: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> AssetImportReport:
    """Import the features of one file into `layer`. See the module docstring.

    With `replace`, features of the layer whose external id is not in the file are removed, so the
    layer then holds what the file holds; a feature rejected this time keeps its earlier version.
    """
    source, layer_file = _open_layer(path, source_layer)
    report = AssetImportReport(layer=layer.code)
    expected = len(layer_file)
    # Every external id read, rejected ones too: filled while the candidates are consumed.
    seen: set[str] = set()
    assets_write(
        layer=layer,
        candidates=_candidates(layer_file, layer, id_field, name_field, report, seen),
        counts=report,
        replace=replace,
        keep=seen,
        after_batch=(lambda: progress(report.total, expected)) if progress else None,
    )
    del source
    return report
