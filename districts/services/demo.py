"""The demo data set: real Kota Batu boundaries, the city's agencies, synthetic asset layers, and the
road class rules an OpenStreetMap import starts from."""

import json
import tempfile
from pathlib import Path

from django.conf import settings

from .. import synthetic
from ..models import Area, AssetLayer
from ..selectors import city_area
from .areas import areas_load_from_file
from .assets import SYNTHETIC, AssetImportReport, assets_import
from .geometry import to_shapely
from .reference import agencies_load, asset_layers_load, road_class_rules_load

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def synthetic_layers_load() -> list[AssetImportReport]:
    """Draw the synthetic layers inside the loaded boundary and import them like any file.

    A layer that already holds real (non-synthetic) features is left alone.
    """
    city = city_area()
    if city is None:
        raise ValueError("load the boundaries first (manage.py load_areas)")
    desa = {
        area.code: (area.name, to_shapely(area.geom))
        for area in Area.objects.filter(kind__in=Area.LOCAL_KINDS, parent__parent=city)
    }
    layers = synthetic.generate(to_shapely(city.geom), desa)
    reports = []
    with tempfile.TemporaryDirectory() as folder:
        for code, collection in layers.items():
            layer = AssetLayer.objects.get(code=code)
            if layer.assets.exclude(SYNTHETIC).exists():
                continue
            path = Path(folder) / f"{code}.geojson"
            path.write_text(json.dumps(collection), encoding="utf-8")
            reports.append(assets_import(layer=layer, path=path, id_field="external_id", replace=True))
    return reports


def demo_load(*, log=print) -> None:
    areas = areas_load_from_file(path=FIXTURES / "batu_boundaries.geojson")
    log(f"areas: {len(areas.created)} created, {len(areas.updated)} updated, {len(areas.unchanged)} unchanged")
    agencies = agencies_load(path=FIXTURES / "agencies.json")
    log(f"agencies: {len(agencies.created)} created, {len(agencies.kept)} kept as edited")
    layers = asset_layers_load(path=FIXTURES / "asset_layers.json", synthetic=True)
    log(f"asset layers: {len(layers.created)} created, {len(layers.kept)} kept as edited")
    rules = road_class_rules_load(path=FIXTURES / "osm_road_classes.json")
    log(f"road class rules: {rules} created" if rules else "road class rules: kept as edited")
    for report in synthetic_layers_load():
        log(report.summary())
