"""Deterministic synthetic asset layers for the demo: roads, PDAM pipes and street lights.

No public road, pipe or street-light data for Kota Batu is at hand (fixtures/SOURCES.md), so the demo
draws plausible layers inside the *real* boundary: a national road from the Malang side through the
town centre towards Pujon, a provincial road north to Sumber Brantas, city roads joining every
desa/kelurahan centre, a grid in the town centre and village roads; water mains along the main
roads, distribution pipes along city roads, street lights along the main roads. Every feature says
`"synthetic": true`. The same boundaries always give the same features, so tests can rely on them.
Real layers replace these through `manage.py import_assets`.

Geometry is drawn on a local plane in metres around the city centroid (an equirectangular
approximation, good to well under a metre across Batu): the *drawing* only, never a measurement.
"""

import itertools
import math
import random

import numpy as np
import shapely
from shapely import affinity
from shapely.geometry import LineString, Point, mapping
from shapely.ops import substring

SOURCE = "Lapor Batu synthetic demo layer v1 (not surveyed data)"
SEED = 3579  # Kota Batu's Kemendagri code

LON0, LAT0 = 112.5338, -7.8347
M_PER_DEG_X = 111_320.0 * math.cos(math.radians(LAT0))
M_PER_DEG_Y = 110_574.0

# Routes through desa/kelurahan (by Kemendagri code), in order.
NATIONAL_ROUTE = [  # Malang side → town centre → towards Pujon
    "35.79.03.1001",  # Dadaprejo
    "35.79.03.2005",  # Mojorejo
    "35.79.03.2002",  # Beji
    "35.79.01.1001",  # Temas
    "35.79.01.1004",  # Sisir
    "35.79.01.1002",  # Ngaglik
    "35.79.01.1003",  # Songgokerto
]
PROVINCIAL_ROUTE = [  # town centre → Selecta → Sumber Brantas (towards Cangar)
    "35.79.01.1004",  # Sisir
    "35.79.01.2007",  # Sidomulyo
    "35.79.02.2001",  # Punten
    "35.79.02.2003",  # Tulungrejo
    "35.79.02.2009",  # Sumber Brantas
]
TOWN_CENTRE = "35.79.01.1004"  # Sisir


def to_plane(geom):
    return shapely.transform(
        geom, lambda c: np.column_stack(((c[:, 0] - LON0) * M_PER_DEG_X, (c[:, 1] - LAT0) * M_PER_DEG_Y))
    )


def to_lonlat(geom):
    return shapely.set_precision(
        shapely.transform(
            geom,
            lambda c: np.column_stack((c[:, 0] / M_PER_DEG_X + LON0, c[:, 1] / M_PER_DEG_Y + LAT0)),
        ),
        1e-7,
    )


def _wiggle(start: Point, end: Point, rng: random.Random, amplitude: float = 25.0) -> LineString:
    """A gently curving line from start to end (endpoints exact), like a road following terrain."""
    length = start.distance(end)
    steps = max(2, int(length // 80))
    dx, dy = (end.x - start.x) / length, (end.y - start.y) / length
    phase, waves = rng.uniform(0, math.pi), rng.choice([1, 2, 3])
    points = []
    for i in range(steps + 1):
        t = i / steps
        offset = amplitude * math.sin(math.pi * t) * math.sin(waves * math.pi * t + phase)
        points.append((start.x + dx * length * t - dy * offset, start.y + dy * length * t + dx * offset))
    return LineString(points)


def _segments(line: LineString, length: float):
    """Cut a line into pieces of about `length` metres."""
    count = max(1, round(line.length / length))
    step = line.length / count
    for i in range(count):
        yield substring(line, i * step, (i + 1) * step)


def _clip_parts(line, city_plane):
    clipped = line.intersection(city_plane)
    for part in shapely.get_parts(clipped):
        if part.geom_type == "LineString" and part.length > 20:
            yield part


def _feature(external_id: str, geom_plane, properties: dict) -> dict:
    return {
        "type": "Feature",
        "properties": {"external_id": external_id, **properties, "synthetic": True, "source": SOURCE},
        "geometry": mapping(to_lonlat(geom_plane)),
    }


def _collection(name: str, features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "name": name, "features": features}


def generate(city, desa: dict[str, tuple[str, object]]) -> dict[str, dict]:
    """Build the three layers.

    `city` is the city polygon and `desa` maps code → (name, polygon), all shapely in lon/lat.
    Returns {"roads": FeatureCollection, "water_pipes": ..., "street_lights": ...}.
    """
    rng = random.Random(SEED)
    city_plane = to_plane(city)
    centres = {code: to_plane(poly.representative_point()) for code, (_, poly) in sorted(desa.items())}
    names = {code: name for code, (name, _) in desa.items()}

    def route_line(codes, extend_start: bool, extend_end: bool) -> LineString:
        nodes = [centres[c] for c in codes]
        if extend_start:
            nodes.insert(0, _towards_boundary(nodes[1], nodes[0], city_plane))
        if extend_end:
            nodes.append(_towards_boundary(nodes[-2], nodes[-1], city_plane))
        pieces = [_wiggle(a, b, rng, 35.0) for a, b in itertools.pairwise(nodes)]
        return shapely.line_merge(shapely.MultiLineString(pieces))

    roads: list[tuple[str, str, LineString]] = []  # (class, name, line)
    national = route_line(NATIONAL_ROUTE, True, True)
    roads.append(("national", "Jalan nasional Malang–Batu–Kediri", national))
    provincial = route_line(PROVINCIAL_ROUTE, False, True)
    roads.append(("provincial", "Jalan provinsi Batu–Cangar", provincial))

    # City roads: join every other desa centre to the network, nearest first (Prim's tree).
    connected = set(NATIONAL_ROUTE) | set(PROVINCIAL_ROUTE)
    waiting = sorted(set(centres) - connected)
    city_edges = []
    while waiting:
        best = min(
            ((centres[w].distance(centres[c]), w, c) for w in waiting for c in sorted(connected)),
        )
        _, new, old = best
        city_edges.append((new, old))
        connected.add(new)
        waiting.remove(new)
    for new, old in city_edges:
        line = _wiggle(centres[old], centres[new], rng, 30.0)
        roads.append(("city", f"Jalan {names[old]}–{names[new]}", line))

    # A street grid in the town centre, slightly rotated like the real one.
    centre = centres[TOWN_CENTRE]
    grid = []
    angle = math.radians(12)
    spacing, half = 260.0, 3
    for i in range(-half, half + 1):
        for horizontal in (True, False):
            a = (-half * spacing, i * spacing) if horizontal else (i * spacing, -half * spacing)
            b = (half * spacing, i * spacing) if horizontal else (i * spacing, half * spacing)
            line = affinity.rotate(LineString([a, b]), angle, origin=(0, 0), use_radians=True)
            line = affinity.translate(line, centre.x, centre.y)
            grid.append(line)
            roads.append(("city", f"Jalan kota {'B' if horizontal else 'U'}{i + half + 1}", line))

    # Village roads: a few short spokes out of each desa centre.
    for code, point in centres.items():
        for k in range(3):
            bearing = rng.uniform(0, 2 * math.pi)
            length = rng.uniform(400, 900)
            end = Point(point.x + length * math.cos(bearing), point.y + length * math.sin(bearing))
            roads.append(("village", f"Jalan desa {names[code]} {k + 1}", _wiggle(point, end, rng, 15.0)))

    road_features, main_lines, distribution_lines = [], [], []
    for road_class, name, line in roads:
        for part in _clip_parts(line, city_plane):
            for segment in _segments(part, 450):
                external_id = f"RD-{len(road_features) + 1:04d}"
                road_features.append(
                    _feature(
                        external_id,
                        segment,
                        {
                            "name": name,  # a road is cut into segments: one name, many ids
                            "road_class": road_class,
                            "surface": "aspal" if road_class != "village" else rng.choice(["aspal", "beton", "paving"]),
                            "width_m": {"national": 9, "provincial": 7, "city": 6, "village": 4}[road_class],
                        },
                    )
                )
            if road_class in ("national", "provincial"):
                main_lines.append(part)
            elif road_class == "city":
                distribution_lines.append(part)

    pipe_features = []
    main_count = 0
    for part in main_lines:
        for piece in _clip_parts(part.offset_curve(6.0), city_plane):
            for segment in _segments(piece, 500):
                main_count += 1
                external_id = f"PM-{main_count:04d}"
                pipe_features.append(
                    _feature(
                        external_id,
                        segment,
                        {
                            "name": f"Pipa transmisi {external_id}",
                            "pipe_type": "main",
                            "diameter_mm": rng.choice([250, 300]),
                            "material": "DCI",
                        },
                    )
                )
    distribution_count = 0
    for part in distribution_lines:
        for piece in _clip_parts(part.offset_curve(-4.0), city_plane):
            for segment in _segments(piece, 300):
                distribution_count += 1
                external_id = f"PD-{distribution_count:04d}"
                pipe_features.append(
                    _feature(
                        external_id,
                        segment,
                        {
                            "name": f"Pipa distribusi {external_id}",
                            "pipe_type": "distribution",
                            "diameter_mm": rng.choice([75, 100, 150]),
                            "material": rng.choice(["PVC", "HDPE"]),
                        },
                    )
                )

    light_features = []
    for part in main_lines + grid:
        for piece in _clip_parts(part.offset_curve(9.0), city_plane):
            distance = 20.0
            while distance < piece.length:
                external_id = f"PJU-{len(light_features) + 1:05d}"
                light_features.append(
                    _feature(
                        external_id,
                        piece.interpolate(distance),
                        {"name": f"Lampu PJU {external_id}", "lamp": "LED 90 W", "pole_height_m": 9},
                    )
                )
                distance += 40.0

    return {
        "roads": _collection("roads", road_features),
        "water_pipes": _collection("water_pipes", pipe_features),
        "street_lights": _collection("street_lights", light_features),
    }


def _towards_boundary(inner: Point, outer: Point, city_plane, step: float = 200.0) -> Point:
    """Continue the direction inner → outer until just beyond the city boundary."""
    dx, dy = outer.x - inner.x, outer.y - inner.y
    norm = math.hypot(dx, dy) or 1.0
    dx, dy = dx / norm, dy / norm
    point = outer
    for _ in range(200):
        point = Point(point.x + dx * step, point.y + dy * step)
        if not city_plane.contains(point):
            break
    return point
