"""Generating many reports quickly, for load and scale tests: points, routing, timestamps and
statuses are all made by PostgreSQL, set-based, in INSERT ... SELECT batches, never one Python call
per report.

Where reports fall: 45 % within a few metres of a road, weighted by length (people report from the
street), 35 % around the desa/kelurahan centres, more in the town (Kecamatan Batu), and 20 % anywhere
in the city. Each report is routed in bulk by the same data and the same order of choices as the
routing function (geo_reports.routing.route), with a shorter routing sentence: desa and kecamatan by
containment; for categories with an asset layer the nearest asset within the snap distance (ties by
external id), then a rule on the asset's attribute (the most specific: area level, priority, first
made), else the asset's owner; otherwise the most specific rule without an asset condition, then the
category's default agency if active, then triage. Dates spread over `years`, denser recently; older
reports are mostly closed, newer ones mostly open. Batches go from the oldest to the newest and each
is written in time order, so the table lies on disk as a real one does (reports arrive in time
order). Every report gets its first timeline entry. Everything is marked channel "demo".

How it is fast:

- What does not change from report to report is worked out once per run, in temporary tables: a
  grid of about 220 m cells over the city, each cell lying wholly in one desa/kelurahan giving its
  points that desa by a hash lookup; the desa/kelurahan cut into small pieces (ST_Subdivide) under a
  spatial index for the points of the cells on a boundary; the categories drawn from; road segments
  and desa centres to draw places from; and the routing of a report without an asset for every
  (category, desa) pair, the rule-or-default-or-triage choice that depends only on them. A batch
  joins against those; only the nearest asset (a KNN search on the asset index, for the categories
  with a layer) and its attribute rules are looked up per report.
- The whole run is one transaction. When it adds at least as many reports as the table holds (a
  benchmark or scale database being filled), the report and timeline tables' secondary indexes are
  dropped first and built again at the end from their own definitions (pg_get_indexdef, so exactly
  as the migrations made them; partial indexes, whose condition PostgreSQL gives back in another
  form, stay): one build over a million rows costs less than a million insertions. Their foreign
  keys are dropped too and added again at the end, which checks each key once for all rows in one
  join, where the deferred per-row checks would run millions of queries at the commit. The primary
  keys and the tracking code's unique constraint (ON CONFLICT needs it) stay. Dropping takes an
  ACCESS EXCLUSIVE lock on both tables until the run commits, so they cannot be read meanwhile; a
  failure rolls everything back, indexes and keys included. Smaller runs insert into the indexed
  tables and leave the keys alone.
- The map's cell counts are kept as always by the report table's statement-level trigger (one call
  per batch), and merged once at the end (events.reports_generated).

COPY is not used: every value is made by the server, and COPY would only add a round trip of the
rows through the client.
"""

import math
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction

from districts.models import Area

from .. import events
from ..models import Report, ReportUpdate
from .base import TRACKING_ALPHABET

BATCH = 100_000  # reports a statement: larger batches write fewer map cell rows to merge later
GRID_DEGREES = 0.002  # about 220 m: the grid that finds most points' desa without a geometric test
TOWN = "35.79.01"  # Kecamatan Batu: three times as many reports per desa as elsewhere

# A rule's area level, as the routing function ranks rules (Area.KIND_LEVEL); a rule without an area is -1.
AREA_LEVEL = "CASE ra.kind " + " ".join(f"WHEN '{kind}' THEN {level}" for kind, level in Area.KIND_LEVEL.items())
AREA_LEVEL += " ELSE -1 END"

# Once per run: what every batch joins against. Temporary tables, dropped at commit.
SETUP = [
    """
CREATE TEMP TABLE bulk_place ON COMMIT DROP AS
SELECT a.id AS desa_id, a.parent_id AS kecamatan_id, a.name AS desa_name, a.kind AS desa_kind,
       k.name AS kecamatan_name, ST_PointOnSurface(a.geom) AS centre,
       jsonb_build_object(
           'desa', jsonb_build_object('id', a.id, 'name', a.name, 'kind', a.kind),
           'kecamatan', jsonb_build_object('id', k.id, 'name', k.name)) AS areas,
       '; ' || a.name || ', Kec. ' || k.name || '.' AS place,
       CASE WHEN k.code = %(town)s THEN 3.0 ELSE 1.0 END AS weight,
       -- the areas containing a point of this desa, as the routing function collects them
       ARRAY[a.id, a.parent_id, (SELECT id FROM districts_area WHERE code = %(city)s)] AS area_ids
FROM districts_area a JOIN districts_area k ON k.id = a.parent_id
WHERE a.kind IN ('desa', 'kelurahan')
""",
    """
CREATE TEMP TABLE bulk_piece ON COMMIT DROP AS
SELECT a.id AS desa_id, ST_Subdivide(a.geom, 32) AS geom
FROM districts_area a WHERE a.kind IN ('desa', 'kelurahan')
""",
    "CREATE INDEX ON bulk_piece USING gist (geom)",
    "ANALYZE bulk_piece",
    # A grid over the city's box: a cell wholly inside one desa/kelurahan gives its points that desa
    # with a hash lookup; only the points of cells on a boundary are tested against the pieces.
    """
CREATE TEMP TABLE bulk_cell ON COMMIT DROP AS
SELECT g.gx, g.gy, min(a.id) AS desa_id
FROM (SELECT Box2D(geom) AS box FROM districts_area WHERE code = %(city)s) city
CROSS JOIN LATERAL generate_series(0, floor((ST_XMax(city.box) - ST_XMin(city.box)) / %(cell)s)::int) gx
CROSS JOIN LATERAL generate_series(0, floor((ST_YMax(city.box) - ST_YMin(city.box)) / %(cell)s)::int) gy
CROSS JOIN LATERAL (
    SELECT gx, gy, ST_MakeEnvelope(ST_XMin(city.box) + gx * %(cell)s, ST_YMin(city.box) + gy * %(cell)s,
                                   ST_XMin(city.box) + (gx + 1) * %(cell)s, ST_YMin(city.box) + (gy + 1) * %(cell)s,
                                   %(srid)s) AS g
) g
JOIN districts_area a ON a.kind IN ('desa', 'kelurahan') AND ST_Covers(a.geom, g.g)
GROUP BY g.gx, g.gy
HAVING count(*) = 1
""",
    "ANALYZE bulk_cell",
    """
CREATE TEMP TABLE bulk_category ON COMMIT DROP AS
SELECT c.id AS category_id, c.asset_layer_id, c.snap_distance_m, c.default_agency_id,
       NOT c.is_public AS is_private, c.resolve_within, c.resolve_unit, c.acknowledge_within,
       EXISTS (SELECT FROM geo_reports_routingrule ru
               WHERE ru.category_id = c.id AND ru.is_active AND ru.asset_attribute <> '') AS has_asset_rules,
       row_number() OVER (ORDER BY c.order, c.code) - 1 AS slot,
       count(*) OVER () AS slots
FROM geo_reports_category c WHERE c.is_active AND %(geometry_kind)s = ANY(c.geometry_kinds)
""",
    # Without an asset, where a report goes depends only on its category and desa.
    f"""
CREATE TEMP TABLE bulk_fallback ON COMMIT DROP AS
SELECT c.category_id, p.desa_id, coalesce(r.agency_id, d.id, t.id) AS agency_id, r.id AS rule_id,
       CASE WHEN r.id IS NOT NULL THEN 'rule' WHEN d.id IS NOT NULL THEN 'default'
            WHEN t.id IS NOT NULL THEN 'triage' ELSE 'unrouted' END AS reason
FROM bulk_category c CROSS JOIN bulk_place p
LEFT JOIN LATERAL (
    SELECT ru.id, ru.agency_id FROM geo_reports_routingrule ru LEFT JOIN districts_area ra ON ra.id = ru.area_id
    WHERE ru.category_id = c.category_id AND ru.is_active AND ru.asset_attribute = ''
      AND (ru.area_id IS NULL OR ru.area_id = ANY(p.area_ids))
    ORDER BY {AREA_LEVEL} DESC, ru.priority DESC, ru.id
    LIMIT 1
) r ON true
LEFT JOIN districts_agency d ON d.id = c.default_agency_id AND d.is_active
LEFT JOIN LATERAL (
    SELECT id FROM districts_agency WHERE handles_triage AND is_active ORDER BY id LIMIT 1
) t ON true
""",  # noqa: S608 (constants)
    f"""
CREATE TEMP TABLE bulk_asset_rule ON COMMIT DROP AS
SELECT ru.id, ru.category_id, ru.area_id, ru.asset_attribute, lower(trim(ru.asset_value)) AS asset_value,
       ru.agency_id, ru.priority, {AREA_LEVEL} AS area_level
FROM geo_reports_routingrule ru LEFT JOIN districts_area ra ON ra.id = ru.area_id
WHERE ru.is_active AND ru.asset_attribute <> ''
""",  # noqa: S608 (constants)
    # The rules as a routed report names them (routing.RoutingDecision.as_data: RuleRefSerializer).
    """
CREATE TEMP TABLE bulk_rule_ref ON COMMIT DROP AS
SELECT ru.id, jsonb_build_object(
           'id', ru.id, 'area', ra.code,
           'asset_condition', CASE WHEN ru.asset_attribute <> '' THEN jsonb_build_object(ru.asset_attribute, ru.asset_value) END,
           'priority', ru.priority, 'note', ru.note) AS data
FROM geo_reports_routingrule ru LEFT JOIN districts_area ra ON ra.id = ru.area_id
""",
    # What the draws pick from by binary search (width_bucket over cumulative weights, read once per
    # run and passed to each batch as constant arrays): road segments by length, desa centres
    # weighted by kecamatan.
    """
CREATE TEMP TABLE bulk_road ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY s.id, d.path) AS n, d.geom,
       sum(ST_Length(d.geom::geography)) OVER (ORDER BY s.id, d.path)
       / sum(ST_Length(d.geom::geography)) OVER () AS upto
FROM districts_asset s JOIN districts_assetlayer l ON l.id = s.layer_id
CROSS JOIN LATERAL ST_DumpSegments(s.geom) d
WHERE l.code = 'roads'
""",
    """
CREATE TEMP TABLE bulk_centre ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY desa_id) AS n, centre,
       sum(weight) OVER (ORDER BY desa_id) / sum(weight) OVER () AS upto
FROM bulk_place
""",
    "ANALYZE bulk_road",
    "ANALYZE bulk_centre",
    "ANALYZE bulk_place",
    "ANALYZE bulk_category",
    "ANALYZE bulk_fallback",
]

# One statement per batch. Parameters: the draws (a little more than wanted: points of the "anywhere
# in the box" kind can fall outside the city), the reports wanted, years, the time slice.
STATEMENT = """
WITH draws AS (
    SELECT g AS k, random() AS kind_draw, random() AS where_draw, random() AS along, random() AS a1,
           random() AS a2, random() AS cat_draw, random() AS age_draw, random() AS fate_draw,
           random() AS speed_draw
    FROM generate_series(1, %(draws)s) g
),
picked AS (
    SELECT d.*,
           CASE WHEN d.kind_draw < 0.45 THEN width_bucket(d.where_draw, %(road_ups)s::float8[]) + 1 END AS road_n,
           CASE WHEN d.kind_draw >= 0.45 AND d.kind_draw < 0.80
                THEN width_bucket(d.where_draw, %(centre_ups)s::float8[]) + 1 END AS centre_n
    FROM draws d
),
placed AS MATERIALIZED (
    SELECT p.*, ST_SetSRID(
        CASE
            WHEN r.n IS NOT NULL THEN ST_Project(
                ST_LineInterpolatePoint(r.geom, p.along)::geography, 3 + 12 * p.a1, 2 * pi() * p.a2)::geometry
            WHEN c.n IS NOT NULL THEN ST_Project(
                c.centre::geography, 900 * sqrt(-2 * ln(greatest(p.a1, 1e-9))) * 0.5, 2 * pi() * p.a2)::geometry
            ELSE ST_MakePoint(%(xmin)s + p.a1 * (%(xmax)s - %(xmin)s), %(ymin)s + p.a2 * (%(ymax)s - %(ymin)s))
        END, %(srid)s) AS point
    FROM picked p
    LEFT JOIN bulk_road r ON r.n = p.road_n
    LEFT JOIN bulk_centre c ON c.n = p.centre_n
),
found AS MATERIALIZED (
    -- no test against the city outline: only points inside a desa/kelurahan (so inside the city) are kept
    SELECT p.*, coalesce(
               g.desa_id, (SELECT pc.desa_id FROM bulk_piece pc WHERE ST_Contains(pc.geom, p.point) LIMIT 1)
           ) AS desa_id
    FROM placed p
    LEFT JOIN bulk_cell g
        ON g.gx = floor((ST_X(p.point) - %(xmin)s) / %(cell)s) AND g.gy = floor((ST_Y(p.point) - %(ymin)s) / %(cell)s)
),
located AS MATERIALIZED (
    SELECT p.k, p.fate_draw, p.speed_draw, p.point AS location, p.desa_id, c.*,
           now() - make_interval(secs => (%(years)s * 365.25 * 86400)
               * power((%(slices)s - 1 - %(slice)s + p.age_draw) / %(slices)s, 1.7)) AS created
    FROM found p
    JOIN bulk_category c ON c.slot = floor(p.cat_draw * c.slots)
    WHERE p.desa_id IS NOT NULL
    LIMIT %(want)s
),
nearest AS MATERIALIZED (
    -- the routing function's candidates: the eight nearest assets within the snap distance, then
    -- the nearest by the exact (spheroid) distance, ties by external id; looked for (CASE) only for
    -- categories with a layer
    SELECT l.*,
        CASE WHEN l.asset_layer_id IS NOT NULL THEN (
            SELECT n.s FROM (
                SELECT s, ST_Distance(s.geom::geography, l.location::geography) AS distance
                FROM districts_asset s
                WHERE s.layer_id = l.asset_layer_id
                  AND ST_DWithin(s.geom::geography, l.location::geography, l.snap_distance_m)
                ORDER BY s.geom::geography <-> l.location::geography
                LIMIT 8
            ) n
            ORDER BY n.distance, (n.s).external_id
            LIMIT 1
        ) END AS asset
    FROM located l
),
routed AS (
    SELECT l.*, pl.kecamatan_id, pl.areas, pl.place, pl.area_ids,
           (l.asset).id AS asset_id, (l.asset).external_id, (l.asset).owner_id,
           (l.asset).attributes AS asset_attributes,
           ST_Distance((l.asset).geom::geography, l.location::geography) AS asset_distance
    FROM nearest l
    JOIN bulk_place pl ON pl.desa_id = l.desa_id
),
decided AS (
    SELECT r.*,
        CASE WHEN r.asset_id IS NULL THEN f.agency_id ELSE coalesce(ar.agency_id, r.owner_id) END AS agency_id,
        CASE WHEN r.asset_id IS NULL THEN f.reason WHEN ar.id IS NOT NULL THEN 'asset_rule' ELSE 'asset' END
            AS reason,
        CASE WHEN r.asset_id IS NULL THEN f.rule_id ELSE ar.id END AS rule_id,
        -- the fate of a report: older ones are mostly finished
        CASE
            WHEN r.fate_draw < 0.06 THEN 'rejected'
            WHEN r.fate_draw < 0.08 THEN 'duplicate_candidate'
            WHEN now() - r.created < interval '3 days' THEN
                CASE WHEN r.fate_draw < 0.6 THEN 'submitted' WHEN r.fate_draw < 0.8 THEN 'verified'
                     ELSE 'in_progress' END
            WHEN now() - r.created < interval '45 days' THEN
                CASE WHEN r.fate_draw < 0.25 THEN 'verified' WHEN r.fate_draw < 0.5 THEN 'in_progress'
                     WHEN r.fate_draw < 0.8 THEN 'resolved' ELSE 'closed' END
            ELSE CASE WHEN r.fate_draw < 0.12 THEN 'resolved' ELSE 'closed' END
        END AS fate,
        interval '1 hour' * (1 + 48 * r.speed_draw) AS first_step,
        interval '1 hour' * (24 + 400 * r.speed_draw * r.speed_draw) AS to_resolve
    FROM routed r
    JOIN bulk_fallback f ON f.category_id = r.category_id AND f.desa_id = r.desa_id
    LEFT JOIN LATERAL (
        SELECT ru.id, ru.agency_id FROM bulk_asset_rule ru
        WHERE r.asset_id IS NOT NULL AND r.has_asset_rules AND ru.category_id = r.category_id
          AND (ru.area_id IS NULL OR ru.area_id = ANY(r.area_ids))
          AND lower(trim(r.asset_attributes ->> ru.asset_attribute)) = ru.asset_value
        ORDER BY ru.area_level DESC, ru.priority DESC, ru.id
        LIMIT 1
    ) ar ON true
),
final AS (
    SELECT d.*, ag.name AS agency_name, ag.code AS agency_code,
        CASE WHEN d.fate = 'duplicate_candidate' THEN 'rejected' ELSE d.fate END AS status
    FROM decided d LEFT JOIN districts_agency ag ON ag.id = d.agency_id
),
inserted AS (
    INSERT INTO geo_reports_report (
        tracking_code, category_id, geometry, location, description, answers, status, channel,
        agency_id, desa_id, kecamatan_id, asset_id, asset_distance_m, routing,
        routing_explanation, routing_explanation_en, support_count, acknowledge_due, resolve_due,
        first_response_at, resolved_at, closed_at, rating, reporter_token_hash, version, created_at, updated_at,
        is_private
    )
    SELECT
        -- Z and seven characters of the tracking codes' alphabet; ON CONFLICT skips the rare one taken
        'Z' || substr(%(alphabet)s, 1 + floor(random() * 31)::int, 1)
            || substr(%(alphabet)s, 1 + floor(random() * 31)::int, 1)
            || substr(%(alphabet)s, 1 + floor(random() * 31)::int, 1) || '-'
            || substr(%(alphabet)s, 1 + floor(random() * 31)::int, 1)
            || substr(%(alphabet)s, 1 + floor(random() * 31)::int, 1)
            || substr(%(alphabet)s, 1 + floor(random() * 31)::int, 1)
            || substr(%(alphabet)s, 1 + floor(random() * 31)::int, 1),
        category_id, location, location, '', '{}'::jsonb, status, 'demo',
        agency_id, desa_id, kecamatan_id, asset_id, round(asset_distance::numeric, 2),
        jsonb_build_object(
            'reason', reason, 'agency', agency_code, 'bulk', true,
            'rule', (SELECT data FROM bulk_rule_ref WHERE bulk_rule_ref.id = rule_id),
            'areas', areas,
            'asset', external_id, 'distance_m', round(asset_distance::numeric, 1),
            'flags', CASE WHEN asset_layer_id IS NOT NULL AND asset_id IS NULL
                          THEN '["no_asset_in_reach"]'::jsonb ELSE '[]'::jsonb END,
            'alternatives', '{"areas": [], "assets": []}'::jsonb),
        left('Diteruskan ke ' || coalesce(agency_name, '-') ||
             CASE WHEN external_id IS NOT NULL
                  THEN ': ' || external_id || ' berjarak ' || round(asset_distance)::text || ' m' ELSE '' END
             || place, 500),
        left('Routed to ' || coalesce(agency_name, '-') ||
             CASE WHEN external_id IS NOT NULL
                  THEN ': ' || external_id || ' is ' || round(asset_distance)::text || ' m away' ELSE '' END
             || place, 500),
        floor(power(random(), 6) * 8)::int,
        created + interval '1 day' * acknowledge_within,
        created + interval '1 day' * resolve_within * CASE WHEN resolve_unit LIKE 'working%%' THEN 1.4 ELSE 1 END
            * CASE WHEN resolve_unit LIKE '%%hours' THEN 1.0 / 24 ELSE 1 END,
        CASE WHEN status <> 'submitted' THEN created + first_step END,
        CASE WHEN status IN ('resolved', 'closed') THEN created + first_step + to_resolve END,
        CASE WHEN status = 'closed' THEN created + first_step + to_resolve + interval '3 days' END,
        CASE WHEN status = 'closed' AND random() < 0.3 THEN 1 + floor(random() * 5)::int END,
        -- the hash of a secret nobody holds: no private link opens a generated report
        encode(sha256(float8send(random()) || float8send(random())), 'hex'),
        1, created,
        created + first_step,
        is_private  -- a service request's, as intake sets it (services.base.category_set)
    FROM final
    ORDER BY created
    ON CONFLICT (tracking_code) DO NOTHING
    RETURNING id, created_at, agency_id
)
INSERT INTO geo_reports_reportupdate (
    report_id, created_at, kind, actor_role, agency_id, old_status, new_status, message, is_internal, data
)
SELECT id, created_at, 'created', 'citizen', agency_id, '', 'submitted', '', false, '{"bulk": true}'::jsonb
FROM inserted ORDER BY id
"""

# The indexes a bulk load may drop and build again: every index of the table that no constraint owns
# (primary keys and unique constraints stay), with its exact definition. Partial indexes stay too:
# PostgreSQL gives back their condition in another (equivalent) form than the migration wrote, and
# they take few of the rows (report_open_location_gist: the open reports, a few percent).
SECONDARY_INDEXES = """
SELECT i.relname, pg_get_indexdef(i.oid)
FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
WHERE x.indrelid = %s::regclass AND x.indpred IS NULL
  AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = x.indexrelid)
ORDER BY i.relname
"""

# The foreign keys a bulk load may drop and add again: checked row by row (deferred to the commit,
# a million queued checks per key) while they exist, once and set-based (one join) when added.
FOREIGN_KEYS = """
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
WHERE conrelid = %s::regclass AND contype = 'f'
ORDER BY conname
"""

BULK_TABLES = (Report._meta.db_table, ReportUpdate._meta.db_table)
# SETUP's tables: dropped when the run ends (ON COMMIT DROP waits for an enclosing transaction's end).
TEMPORARY = re.findall(r"CREATE TEMP TABLE (\w+)", "".join(SETUP))
DROP_TEMPORARY = "DROP TABLE IF EXISTS " + ", ".join(f"pg_temp.{name}" for name in TEMPORARY)


@dataclass
class GenerationResult:
    requested: int
    created: int
    seconds: float
    indexes_rebuilt: int = 0  # secondary indexes dropped and built again (0: inserted into the indexed tables)
    foreign_keys_readded: int = 0  # foreign keys dropped and added (so checked) again
    phases: dict | None = None  # seconds per phase: setup, insert, indexes, foreign_keys, analyze, events, commit

    @property
    def per_second(self) -> float:
        return self.created / self.seconds if self.seconds else 0.0


def secondary_indexes(cursor, table: str) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of each of the table's indexes that no constraint owns."""
    cursor.execute(SECONDARY_INDEXES, [table])
    return cursor.fetchall()


def foreign_keys(cursor, table: str) -> list[tuple[str, str]]:
    """(name, definition) of each of the table's foreign keys."""
    cursor.execute(FOREIGN_KEYS, [table])
    return cursor.fetchall()


def draw_params(cursor) -> dict:
    """What every batch draws from, once the SETUP tables exist: the cumulative weights of road
    segments and desa centres, and the city's box."""
    cursor.execute("SELECT array_agg(upto ORDER BY n) FROM bulk_road")
    road_ups = cursor.fetchone()[0]
    cursor.execute("SELECT array_agg(upto ORDER BY n) FROM bulk_centre")
    centre_ups = cursor.fetchone()[0]
    cursor.execute(
        "SELECT ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b) FROM (SELECT Box2D(geom) AS b FROM districts_area "
        "WHERE code = %s) city",
        [settings.LAPOR_CITY_CODE],
    )
    xmin, ymin, xmax, ymax = cursor.fetchone()
    return {"road_ups": road_ups, "centre_ups": centre_ups, "xmin": xmin, "ymin": ymin, "xmax": xmax, "ymax": ymax}


def reports_generate(
    *,
    count: int,
    years: float = 5.0,
    batch: int = BATCH,
    rebuild_indexes: bool | None = None,
    progress=None,
) -> GenerationResult:
    """Insert `count` reports (points that fall outside the city, and the rare tracking code already
    taken, are drawn again). `rebuild_indexes`: drop the secondary indexes for the load and build
    them again after it; by default when `count` is at least the number of reports already stored."""
    started = time.perf_counter()
    phases = {}
    made = 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        # a batch's rows are sorted by time before they are written; the indexes built in memory
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        params = {
            "city": settings.LAPOR_CITY_CODE,
            "town": TOWN,
            "srid": settings.LAPOR_SRID,
            "geometry_kind": "Point",
            "cell": GRID_DEGREES,
        }
        cursor.execute(DROP_TEMPORARY)
        for statement in SETUP:
            cursor.execute(statement, params)
        params.update(draw_params(cursor))
        if rebuild_indexes is None:
            cursor.execute(f"SELECT count(*) FROM {Report._meta.db_table}")  # noqa: S608 (a model's table)
            rebuild_indexes = count >= cursor.fetchone()[0]
        dropped, unkeyed = [], []
        quote = connection.ops.quote_name
        if rebuild_indexes:
            for table in BULK_TABLES:
                dropped += secondary_indexes(cursor, table)
                unkeyed += [(table, name, definition) for name, definition in foreign_keys(cursor, table)]
            for table, name, _definition in unkeyed:
                cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
            for name, _definition in dropped:
                cursor.execute(f"DROP INDEX {quote(name)}")
        phases["setup"] = time.perf_counter() - started

        slices = max(1, math.ceil(count / batch))
        offset = 0
        while made < count:
            size = min(batch, count - made)
            cursor.execute(
                STATEMENT,
                {
                    **params,
                    "draws": int(size * 1.12) + 10,
                    "want": size,
                    "years": years,
                    "slices": slices,
                    "slice": min(offset, slices - 1),
                    "alphabet": TRACKING_ALPHABET,
                },
            )
            made += cursor.rowcount  # one timeline entry per report written
            offset += 1
            if progress:
                progress(made, count)
            if offset > 10 * (count // max(batch, 1) + 1):
                break
        phases["insert"] = time.perf_counter() - started - phases["setup"]

        for _name, definition in dropped:
            cursor.execute(definition)
        phases["indexes"] = time.perf_counter() - started - sum(phases.values())
        for table, name, definition in unkeyed:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
        phases["foreign_keys"] = time.perf_counter() - started - sum(phases.values())
        cursor.execute(DROP_TEMPORARY)
        for table in BULK_TABLES:
            cursor.execute(f"ANALYZE {table}")
        phases["analyze"] = time.perf_counter() - started - sum(phases.values())
        events.reports_generated.send(sender=__name__, count=made)  # the map merges its fresh cell counts
        phases["events"] = time.perf_counter() - started - sum(phases.values())
    phases["commit"] = time.perf_counter() - started - sum(phases.values())
    return GenerationResult(
        requested=count,
        created=made,
        seconds=time.perf_counter() - started,
        indexes_rebuilt=len(dropped),
        foreign_keys_readded=len(unkeyed),
        phases=phases,
    )
