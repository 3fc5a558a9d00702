"""Reading Mapbox Vector Tiles in tests and benchmarks with GDAL's MVT driver (no decoder of our own)."""

import tempfile
from pathlib import Path


def decode(tile: bytes, z: int, x: int, y: int) -> list[dict]:
    """The features of an MVT tile: their properties, with `lon`/`lat` of the point (WGS84)."""
    from django.contrib.gis.gdal import DataSource, GDALException

    if not tile:
        return []
    features = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / str(z) / str(x) / f"{y}.pbf"  # the driver georeferences the tile from its path
        path.parent.mkdir(parents=True)
        path.write_bytes(tile)
        for layer in DataSource(str(path)):
            iterator = iter(layer)
            while True:
                try:  # the layer's announced count is an estimate: read until GDAL has no more
                    feature = next(iterator)
                except (StopIteration, GDALException):
                    break
                point = feature.geom.transform(4326, clone=True)
                properties = {name: feature.get(name) for name in layer.fields}
                features.append({"layer": layer.name, **properties, "lon": point.x, "lat": point.y})
    return features


def decode_layers(tile: bytes, z: int, x: int, y: int) -> dict[str, list[dict]]:
    """Every feature of an MVT tile by layer: its properties, `geom_type` and `geom` (WGS84, GDAL)."""
    from django.contrib.gis.gdal import DataSource, GDALException

    layers: dict[str, list[dict]] = {}
    if not tile:
        return layers
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / str(z) / str(x) / f"{y}.pbf"
        path.parent.mkdir(parents=True)
        path.write_bytes(tile)
        for layer in DataSource(str(path)):
            rows = layers.setdefault(layer.name, [])
            iterator = iter(layer)
            while True:
                try:
                    feature = next(iterator)
                except (StopIteration, GDALException):
                    break
                geom = feature.geom.transform(4326, clone=True)
                properties = {name: feature.get(name) for name in layer.fields}
                rows.append({**properties, "geom_type": geom.geom_type.name, "geom": geom})
    return layers
