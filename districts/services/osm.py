"""Importing an OpenStreetMap extract (.osm.pbf or .osm XML) for Kota Batu: roads, street lamps and a
gazetteer of named places (manage.py import_osm).

GDAL's OSM driver reads the file through Django's GDAL wrapper, configured by districts/osmconf.ini
(the tags it lists become fields). The driver's layers are read interleaved: that is how it hands
out a file of any size without piling up features of one layer while another is read.

- `roads`: highway=* ways. Our road_class comes from the RoadClassRule table (data, edited in the
  admin; seeded from fixtures/osm_road_classes.json while it is empty) and the owner from the
  layer's ownership rows, so routing rules and owners apply to real roads as to the demo's.
- `street_lights`: highway=street_lamp nodes.
- Place rows (the gazetteer of place search): named villages, hamlets, neighbourhoods, markets,
  schools, places of worship, health centres, government offices and attractions; an area gives
  its representative point.

Only Kota Batu is kept: points inside the city, and roads that touch it, cut 100 m beyond its
boundary. Asset features carry "source": "osm", so `replace` removes only what an earlier import of
OpenStreetMap brought. A layer the extract brings features for loses its synthetic demo features
and records the extract as its source; a layer it brings nothing for is left as it is. All of it is
one transaction: an error writes nothing.
"""

import datetime
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from ctypes import c_char_p, c_int
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

import shapely
from django.conf import settings
from django.contrib.gis.gdal import DataSource, GDALException
from django.contrib.gis.gdal.feature import Feature
from django.contrib.gis.gdal.libgdal import function
from django.contrib.gis.gdal.prototypes import ds as capi
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Area, Asset, AssetLayer, Place, RoadClassRule
from ..selectors import city_area
from .assets import BATCH_SIZE, SYNTHETIC, AssetCandidate, OwnerResolver, WriteCounts, assets_write
from .geometry import from_shapely, keep_dimension
from .reference import road_class_rules_load

OSM_CONFIG_FILE = Path(__file__).resolve().parent.parent / "osmconf.ini"
SOURCE = "osm"
LICENCE = "ODbL-1.0"
CITY_BUFFER_M = 100
PROGRESS_EVERY = 2000
ROADS, STREET_LIGHTS, PLACES = "roads", "street_lights", "places"
# The asset features an import of OpenStreetMap wrote (what `replace` may remove).
OSM_FEATURES = Q(attributes__source=SOURCE)

# The tags that make a place or point of interest, kept in its attributes when set.
POI_TAGS = ("place", "amenity", "religion", "shop", "tourism", "office", "healthcare")
# The fields of each layer the import reads: the OSM ids, and the tags osmconf.ini lists.
LAYER_FIELDS = {
    "points": ("osm_id", "name", "highway", "ref", *POI_TAGS),
    "lines": ("osm_id", "name", "highway", "ref", "operator", "access", "service", "construction"),
    "multipolygons": ("osm_id", "osm_way_id", "name", *POI_TAGS),
}
# The tags kept in a road's attributes when set.
ROAD_ATTRIBUTES = ("highway", "ref", "operator", "access", "service", "construction")

# (tag, values, kind), first match wins. A place of worship is a mosque when religion=muslim.
PLACE_KINDS = (
    ("place", {"village"}, Place.Kind.VILLAGE),
    ("place", {"hamlet", "isolated_dwelling"}, Place.Kind.HAMLET),
    ("place", {"suburb", "quarter", "neighbourhood"}, Place.Kind.NEIGHBOURHOOD),
    ("amenity", {"marketplace"}, Place.Kind.MARKET),
    ("amenity", {"school", "kindergarten", "college", "university"}, Place.Kind.SCHOOL),
    ("amenity", {"place_of_worship"}, Place.Kind.WORSHIP),
    ("amenity", {"hospital", "clinic", "doctors"}, Place.Kind.HEALTH),
    ("healthcare", {"hospital", "clinic", "centre", "doctor"}, Place.Kind.HEALTH),
    ("amenity", {"townhall"}, Place.Kind.OFFICE),
    ("office", {"government"}, Place.Kind.OFFICE),
    ("tourism", {"attraction", "theme_park", "zoo", "museum", "viewpoint"}, Place.Kind.ATTRACTION),
)

# GDAL configuration options and error state, which Django's wrapper does not expose.
_set_thread_option = function("CPLSetThreadLocalConfigOption", [c_char_p, c_char_p], None)
_get_thread_option = function("CPLGetThreadLocalConfigOption", [c_char_p, c_char_p], c_char_p)
_error_reset = function("CPLErrorReset", [], None)
_last_error_type = function("CPLGetLastErrorType", [], c_int)
_last_error_message = function("CPLGetLastErrorMsg", [], c_char_p)
CE_FAILURE = 3


class OsmImportError(Exception):
    """The extract cannot be imported; nothing was written."""


@dataclass
class OsmTargetReport(WriteCounts):
    """What the import did to one asset layer or to the gazetteer."""

    target: str = ""
    skipped: Counter = field(default_factory=Counter)  # reason → features
    synthetic_removed: int = 0
    left_as_is: bool = False  # the extract brought nothing for it

    def summary_lines(self) -> list[str]:
        if self.left_as_is:
            lines = [
                _("%(target)s: the extract has nothing for it inside the city; left as it is") % {"target": self.target}
            ]
        else:
            lines = [
                _(
                    "%(target)s: %(imported)d imported, %(updated)d updated, %(unchanged)d unchanged, "
                    "%(removed)d removed, %(skipped)d skipped"
                )
                % {
                    "target": self.target,
                    "imported": self.imported,
                    "updated": self.updated,
                    "unchanged": self.unchanged,
                    "removed": self.removed,
                    "skipped": self.skipped.total(),
                }
            ]
            if self.synthetic_removed:
                lines.append(_("  %(count)d synthetic demo features removed") % {"count": self.synthetic_removed})
        for reason, count in sorted(self.skipped.items(), key=lambda item: (-item[1], item[0])):
            lines.append(_("  skipped %(count)d: %(reason)s") % {"count": count, "reason": reason})
        return lines


@dataclass
class OsmImportReport:
    file: str
    read: Counter = field(default_factory=Counter)  # OSM layer → features read
    roads: OsmTargetReport = field(default_factory=lambda: OsmTargetReport(target=ROADS))
    street_lights: OsmTargetReport = field(default_factory=lambda: OsmTargetReport(target=STREET_LIGHTS))
    places: OsmTargetReport = field(default_factory=lambda: OsmTargetReport(target=PLACES))
    rules_created: int = 0

    def summary_lines(self) -> list[str]:
        lines = []
        if self.rules_created:
            lines.append(
                _("road class rules: %(count)d created from the defaults (edit them in the admin)")
                % {"count": self.rules_created}
            )
        for target in (self.roads, self.street_lights, self.places):
            lines.extend(target.summary_lines())
        read = ", ".join(f"{layer} {count}" for layer, count in self.read.items())
        lines.append(_("%(file)s: features read: %(read)s") % {"file": self.file, "read": read or "0"})
        return lines


class RoadClassifier:
    """The road class rules, read once: of the rules matching a way's tags, the highest priority
    (then the oldest rule) decides."""

    def __init__(self, rules: Iterable[RoadClassRule]):
        self.by_highway: dict[str, list[tuple[RoadClassRule, list]]] = defaultdict(list)
        for rule in rules:
            try:
                patterns = [
                    (tag, re.compile(pattern, re.IGNORECASE))
                    for tag, pattern in (
                        ("ref", rule.ref_pattern),
                        ("operator", rule.operator_pattern),
                        ("access", rule.access_pattern),
                    )
                    if pattern
                ]
            except re.error as exc:
                raise OsmImportError(
                    _("the road class rule %(rule)s has an invalid pattern: %(error)s") % {"rule": rule, "error": exc}
                ) from exc
            self.by_highway[rule.highway.strip()].append((rule, patterns))

    def __call__(self, tags: dict[str, str]) -> RoadClassRule | None:
        candidates = chain(self.by_highway.get(tags["highway"], ()), self.by_highway.get(RoadClassRule.ANY_HIGHWAY, ()))
        matching = (rule for rule, patterns in candidates if all(p.search(tags[tag]) for tag, p in patterns))
        return max(matching, key=lambda rule: (rule.priority, -rule.pk), default=None)


@contextmanager
def _gdal_options(**options: str):
    """GDAL configuration options for this thread only, restored afterwards."""
    previous = {key: _get_thread_option(key.encode(), None) for key in options}
    for key, value in options.items():
        _set_thread_option(key.encode(), value.encode())
    try:
        yield
    finally:
        for key, value in previous.items():
            _set_thread_option(key.encode(), value)


def _open(path: Path) -> DataSource:
    if not path.is_file():
        raise OsmImportError(_("%(path)s: no such file") % {"path": path})
    try:
        source = DataSource(str(path))
    except GDALException as exc:
        raise OsmImportError(_("%(path)s: GDAL cannot read it as an OpenStreetMap file") % {"path": path}) from exc
    if source.driver.name != "OSM":
        raise OsmImportError(
            _("%(path)s: not an OpenStreetMap file (GDAL reads it as %(driver)s)")
            % {"path": path, "driver": source.driver.name}
        )
    for name, wanted in LAYER_FIELDS.items():
        missing = sorted(set(wanted) - set(source[name].fields))
        if missing:
            raise OsmImportError(
                _("%(config)s does not list the tags %(tags)s for the %(layer)s layer")
                % {"config": OSM_CONFIG_FILE, "tags": ", ".join(missing), "layer": name}
            )
    return source


def _next_feature(layer) -> Feature | None:
    try:
        return Feature(capi.get_next_feature(layer.ptr), layer)
    except GDALException:  # a null feature: the layer has nothing more for now
        return None


def _features(source: DataSource, read: Counter, progress) -> Iterator[tuple[str, Feature]]:
    """Each feature of the file with its layer's name. Interleaved reading drains every layer in
    turn, round after round, until a whole round gives nothing."""
    layers = [(layer, layer.name) for layer in source]
    for _layer, name in layers:
        read[name] = 0
    _error_reset()
    total = 0
    while True:
        found = False
        for layer, name in layers:
            while (feature := _next_feature(layer)) is not None:
                found = True
                read[name] += 1
                total += 1
                if progress and total % PROGRESS_EVERY == 0:
                    progress(dict(read))
                yield name, feature
        if not found:
            break
    if _last_error_type() >= CE_FAILURE:
        message = (_last_error_message() or b"").decode(errors="replace")
        raise OsmImportError(_("the file could not be read to the end: %(error)s") % {"error": message})
    if progress:
        progress(dict(read))


def _field_reader(layer) -> Callable[[Feature], dict[str, str]]:
    """A reader of the layer's LAYER_FIELDS as stripped strings ("" when unset). It reads by field
    index, many times quicker than by name, which counts on a large extract."""
    indexes = [(name, layer.fields.index(name)) for name in LAYER_FIELDS[layer.name]]

    def read(feature: Feature) -> dict[str, str]:
        return {
            name: (capi.get_field_as_string(feature.ptr, index) or b"").decode("utf-8", "replace").strip()
            for name, index in indexes
        }

    return read


def _shape(feature: Feature, box: tuple[float, float, float, float]) -> shapely.Geometry | None:
    """The feature's geometry, or None when it has none or its box misses `box` (a cheap test
    that spares reading geometry far from the city)."""
    try:
        ogr = feature.geom
    except GDALException:
        return None
    min_x, min_y, max_x, max_y = ogr.extent
    if max_x < box[0] or min_x > box[2] or max_y < box[1] or min_y > box[3]:
        return None
    return shapely.from_wkb(bytes(ogr.wkb))


def _place_kind(tags: dict[str, str]) -> str | None:
    for tag, values, kind in PLACE_KINDS:
        if tags[tag] in values:
            if kind == Place.Kind.WORSHIP and tags["religion"] == "muslim":
                return Place.Kind.MOSQUE
            return kind
    return None


def _city_shapes(city: Area) -> tuple[shapely.Geometry, shapely.Geometry]:
    """The city and the city grown by CITY_BUFFER_M metres (on the spheroid), prepared."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT ST_AsBinary(ST_Buffer(geom::geography, %s)::geometry) FROM {Area._meta.db_table} WHERE id = %s",  # noqa: S608 (our table)
            [CITY_BUFFER_M, city.pk],
        )
        buffered = shapely.from_wkb(bytes(cursor.fetchone()[0]))
    shape = shapely.from_wkb(bytes(city.geom.wkb))
    shapely.prepare(shape)
    shapely.prepare(buffered)
    return shape, buffered


class _Extract:
    """The candidates of one extract, sorted into the import's targets with what was skipped why."""

    def __init__(self, source: DataSource, report: OsmImportReport, city: Area, roads: AssetLayer, lights: AssetLayer):
        self.report = report
        self.read = {name: _field_reader(source[name]) for name in LAYER_FIELDS}
        self.city, self.buffered = _city_shapes(city)
        self.box = self.buffered.bounds
        self.classify = RoadClassifier(RoadClassRule.objects.all())
        self.road_owner = OwnerResolver(roads)
        self.light_owner = OwnerResolver(lights)
        self.roads: list[AssetCandidate] = []
        self.lights: list[AssetCandidate] = []
        self.places: list[Place] = []
        self.outside = _("outside the city")

    def add(self, layer: str, feature: Feature) -> None:
        if layer == "lines":
            self._line(feature, self.read[layer](feature))
        elif layer == "points":
            self._point(feature, self.read[layer](feature))
        elif layer == "multipolygons":
            self._area(feature, self.read[layer](feature))

    def _line(self, feature: Feature, tags: dict[str, str]) -> None:
        if not tags["highway"]:
            return
        skipped = self.report.roads.skipped
        shape = _shape(feature, self.box)
        if shape is None or not self.city.intersects(shape):
            skipped[self.outside] += 1
            return
        rule = self.classify(tags)
        if rule is None:
            skipped[_("no road class rule for highway=%(highway)s") % {"highway": tags["highway"]}] += 1
            return
        if not rule.road_class:
            skipped[_("rule %(rule)s") % {"rule": rule}] += 1
            return
        if not shape.is_valid:
            skipped[_("invalid geometry")] += 1
            return
        if not self.buffered.contains(shape):
            shape = keep_dimension(shape.intersection(self.buffered), "line")
            if shape is None:
                skipped[self.outside] += 1
                return
        attributes = {"source": SOURCE, "road_class": rule.road_class}
        attributes.update((tag, tags[tag]) for tag in ROAD_ATTRIBUTES if tags[tag])
        owner, problem = self.road_owner(attributes)
        if owner is None:
            skipped[problem] += 1
            return
        external_id = f"w{tags['osm_id']}"
        self.roads.append(AssetCandidate(external_id, tags["name"][:200], from_shapely(shape), attributes, owner))

    def _point(self, feature: Feature, tags: dict[str, str]) -> None:
        external_id = f"n{tags['osm_id']}"
        if tags["highway"] == "street_lamp":
            shape = _shape(feature, self.box)
            if shape is None or not self.city.contains(shape):
                self.report.street_lights.skipped[self.outside] += 1
                return
            attributes = {"source": SOURCE, "highway": "street_lamp"} | ({"ref": tags["ref"]} if tags["ref"] else {})
            owner, problem = self.light_owner(attributes)
            if owner is None:
                self.report.street_lights.skipped[problem] += 1
                return
            self.lights.append(AssetCandidate(external_id, tags["name"][:200], from_shapely(shape), attributes, owner))
        elif kind := _place_kind(tags):
            self._place(feature, tags, kind, external_id)

    def _area(self, feature: Feature, tags: dict[str, str]) -> None:
        if kind := _place_kind(tags):
            external_id = f"r{tags['osm_id']}" if tags["osm_id"] else f"w{tags['osm_way_id']}"
            self._place(feature, tags, kind, external_id)

    def _place(self, feature: Feature, tags: dict[str, str], kind: str, external_id: str) -> None:
        skipped = self.report.places.skipped
        if not tags["name"]:
            skipped[_("no name")] += 1
            return
        shape = _shape(feature, self.box)
        if shape is not None and not shape.is_valid:
            shape = shapely.make_valid(shape)
        point = shape.point_on_surface() if shape is not None and not shape.is_empty else None
        if point is None or not self.city.contains(point):
            skipped[self.outside] += 1
            return
        attributes = {tag: tags[tag] for tag in POI_TAGS if tags[tag]}
        self.places.append(
            Place(
                name=tags["name"][:200],
                kind=kind,
                location=from_shapely(point),
                source=SOURCE,
                external_id=external_id,
                attributes=attributes,
            )
        )


def _source_text(path: Path) -> str:
    day = timezone.localtime(datetime.datetime.fromtimestamp(path.stat().st_mtime, tz=datetime.UTC)).date()
    return f"OpenStreetMap contributors, extract {path.name}, {day.isoformat()}"[:250]


def _layer_write(
    layer: AssetLayer, candidates: list[AssetCandidate], report: OsmTargetReport, replace: bool, source: str
) -> None:
    if not candidates:
        report.left_as_is = True
        return
    assets_write(layer=layer, candidates=candidates, counts=report, replace=replace, replace_within=OSM_FEATURES)
    report.synthetic_removed = layer.assets.filter(SYNTHETIC).delete()[1].get(Asset._meta.label, 0)
    layer.source, layer.licence, layer.is_synthetic = source, LICENCE, False
    layer.save(update_fields=["source", "licence", "is_synthetic"])


def _places_write(candidates: list[Place], report: OsmTargetReport, replace: bool) -> None:
    if not candidates:
        report.left_as_is = True
        return
    for start in range(0, len(candidates), BATCH_SIZE):
        batch = candidates[start : start + BATCH_SIZE]
        existing = {
            place.external_id: place
            for place in Place.objects.filter(source=SOURCE, external_id__in=[c.external_id for c in batch])
        }
        new, changed = [], []
        for candidate in batch:
            place = existing.get(candidate.external_id)
            if place is None:
                new.append(candidate)
            elif (place.name, place.kind, place.attributes) != (
                candidate.name,
                candidate.kind,
                candidate.attributes,
            ) or not place.location.equals_exact(candidate.location, tolerance=1e-9):
                place.name, place.kind = candidate.name, candidate.kind
                place.location, place.attributes = candidate.location, candidate.attributes
                place.updated_at = timezone.now()
                changed.append(place)
            else:
                report.unchanged += 1
        Place.objects.bulk_create(new)
        Place.objects.bulk_update(changed, ["name", "kind", "location", "attributes", "updated_at"])
        report.imported += len(new)
        report.updated += len(changed)
    if replace:
        gone = Place.objects.filter(source=SOURCE).exclude(external_id__in=[c.external_id for c in candidates])
        report.removed += gone.delete()[0]


@transaction.atomic
def osm_import(
    *, path: Path, replace: bool = False, progress: Callable[[dict[str, int]], None] | None = None
) -> OsmImportReport:
    """Import roads, street lamps and places of Kota Batu from an OpenStreetMap extract. See the
    module docstring. `progress` is called now and then with the features read so far per OSM layer.

    With `replace`, features an earlier OpenStreetMap import brought that this extract no longer
    does are removed (of a layer or gazetteer the extract brings something for).
    """
    path = Path(path)
    city = city_area()
    if city is None:
        raise OsmImportError(
            _("no city boundary (area %(code)s) is loaded: load the boundaries first (manage.py load_areas)")
            % {"code": settings.LAPOR_CITY_CODE}
        )
    layers = {layer.code: layer for layer in AssetLayer.objects.filter(code__in=[ROADS, STREET_LIGHTS])}
    for code in (ROADS, STREET_LIGHTS):
        if code not in layers:
            raise OsmImportError(
                _("there is no asset layer %(code)s: load the reference data first (manage.py load_demo)")
                % {"code": code}
            )
    report = OsmImportReport(file=path.name)
    with _gdal_options(OSM_CONFIG_FILE=str(OSM_CONFIG_FILE), OGR_INTERLEAVED_READING="YES"):
        source = _open(path)
        report.rules_created = road_class_rules_load()
        extract = _Extract(source, report, city, layers[ROADS], layers[STREET_LIGHTS])
        for layer_name, feature in _features(source, report.read, progress):
            extract.add(layer_name, feature)
    source_text = _source_text(path)
    _layer_write(layers[ROADS], extract.roads, report.roads, replace, source_text)
    _layer_write(layers[STREET_LIGHTS], extract.lights, report.street_lights, replace, source_text)
    _places_write(extract.places, report.places, replace)
    return report
