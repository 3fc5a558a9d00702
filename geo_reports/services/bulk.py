"""Generating many reports quickly, for load and scale tests: points, routing, timestamps and
statuses are all made by PostgreSQL in INSERT ... SELECT batches, never one Python call per report.

Where reports fall: 45 % within a few metres of a road, weighted by length (people report from the
street), 35 % around the desa/kelurahan centres, more in the town (Kecamatan Batu), and 20 % anywhere
in the city. Each report is routed in bulk by the same data as the routing function (desa and
kecamatan by containment; for categories with an asset layer the nearest asset within the snap
distance, its owner, or a rule on the asset's attribute; else the category's default agency, else
triage), with a shorter routing sentence. Dates spread over `years`, denser recently; older reports
are mostly closed, newer ones mostly open. Batches go from the oldest to the newest and each is
written in time order, so the table lies on disk as a real one does (reports arrive in time order).
Everything is marked channel "demo".
"""

import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction

from .. import events
from ..models import Report

BATCH = 50_000

# One statement per batch. Parameters: seed offset, batch size, years, first id of the batch.
STATEMENT = """
WITH params AS (
    SELECT %(batch)s::int AS n, %(years)s::float AS years, %(offset)s::bigint AS first
),
city AS MATERIALIZED (SELECT geom FROM districts_area WHERE code = %(city)s),
desa AS MATERIALIZED (
    SELECT a.id, a.parent_id, a.geom, ST_PointOnSurface(a.geom) AS centre,
           CASE WHEN k.code = %(town)s THEN 3.0 ELSE 1.0 END AS weight
    FROM districts_area a JOIN districts_area k ON k.id = a.parent_id
    WHERE a.kind IN ('desa', 'kelurahan')
),
-- Cumulative weights as sorted arrays: width_bucket() then picks by binary search.
desa_weighted AS MATERIALIZED (
    SELECT array_agg(upto ORDER BY upto) AS ups, array_agg(centre ORDER BY upto) AS centres
    FROM (SELECT d.centre, sum(weight) OVER (ORDER BY id) / sum(weight) OVER () AS upto FROM desa d) w
),
roads AS MATERIALIZED (
    SELECT array_agg(upto ORDER BY upto) AS ups, array_agg(geom ORDER BY upto) AS geoms
    FROM (
        SELECT s.geom, sum(ST_Length(s.geom::geography)) OVER (ORDER BY s.id)
                       / sum(ST_Length(s.geom::geography)) OVER () AS upto
        FROM districts_asset s JOIN districts_assetlayer l ON l.id = s.layer_id
        WHERE l.code = 'roads'
    ) r
),
categories AS MATERIALIZED (
    SELECT c.id, c.code, c.name, c.name_en, c.asset_layer_id, c.snap_distance_m, c.default_agency_id,
           NOT c.is_public AS is_private, c.resolve_within, c.resolve_unit, c.acknowledge_within, c.acknowledge_unit,
           row_number() OVER (ORDER BY c.order, c.code) - 1 AS slot,
           count(*) OVER () AS slots
    FROM geo_reports_category c WHERE c.is_active AND %(geometry_kind)s = ANY(c.geometry_kinds)
),
draws AS (
    SELECT g AS k, random() AS kind_draw, random() AS where_draw, random() AS along, random() AS a1, random() AS a2,
           random() AS cat_draw, random() AS age_draw, random() AS fate_draw, random() AS speed_draw
    FROM params, generate_series(1, (SELECT n FROM params)) g
),
placed AS MATERIALIZED (
    SELECT d.*,
        CASE
            WHEN d.kind_draw < 0.45 THEN ST_Project(
                ST_LineInterpolatePoint(r.geoms[width_bucket(d.where_draw, r.ups) + 1], d.along)::geography,
                3 + 12 * d.a1, 2 * pi() * d.a2)::geometry
            WHEN d.kind_draw < 0.80 THEN ST_Project(
                w.centres[width_bucket(d.where_draw, w.ups) + 1]::geography,
                900 * sqrt(-2 * ln(greatest(d.a1, 1e-9))) * 0.5, 2 * pi() * d.a2)::geometry
            ELSE ST_SetSRID(ST_MakePoint(
                ST_XMin(c.geom) + d.a1 * (ST_XMax(c.geom) - ST_XMin(c.geom)),
                ST_YMin(c.geom) + d.a2 * (ST_YMax(c.geom) - ST_YMin(c.geom))), %(srid)s)
        END AS point
    FROM draws d, roads r, desa_weighted w, city c
),
inside AS MATERIALIZED (
    SELECT p.*, c.id AS category_id, c.code AS category_code, c.name AS category_name, c.asset_layer_id,
           c.snap_distance_m, c.default_agency_id, c.resolve_within, c.resolve_unit,
           c.acknowledge_within, c.acknowledge_unit, c.is_private,
           ST_SetSRID(p.point, %(srid)s) AS location
    FROM placed p
    JOIN categories c ON c.slot = floor(p.cat_draw * c.slots)
    -- no test against the city outline: the desa/kelurahan join below keeps only points inside the city
),
located AS (
    SELECT i.*, a.id AS desa_id, a.parent_id AS kecamatan_id, a.name AS desa_name, a.kind AS desa_kind,
           k.name AS kecamatan_name,
           now() - make_interval(secs => (%(years)s * 365.25 * 86400)
               * power((%(slices)s - 1 - %(slice)s + i.age_draw) / %(slices)s, 1.7)) AS created
    FROM inside i
    JOIN districts_area a ON a.kind IN ('desa', 'kelurahan') AND ST_Contains(a.geom, i.location)
    JOIN districts_area k ON k.id = a.parent_id
),
routed AS (
    SELECT l.*, a.id AS asset_id, a.external_id, a.owner_id, a.attributes AS asset_attributes, a.distance AS asset_distance
    FROM located l
    LEFT JOIN LATERAL (
        SELECT s.id, s.external_id, s.owner_id, s.attributes,
               ST_Distance(s.geom::geography, l.location::geography) AS distance
        FROM districts_asset s
        WHERE l.asset_layer_id IS NOT NULL AND s.layer_id = l.asset_layer_id
          AND ST_DWithin(s.geom::geography, l.location::geography, l.snap_distance_m)
        ORDER BY s.geom::geography <-> l.location::geography
        LIMIT 1
    ) a ON true
),
decided AS (
    SELECT r.*,
        COALESCE(
            (SELECT ru.agency_id FROM geo_reports_routingrule ru
             WHERE ru.category_id = r.category_id AND ru.is_active AND r.asset_id IS NOT NULL
               AND ru.asset_attribute <> '' AND lower(r.asset_attributes ->> ru.asset_attribute) = lower(ru.asset_value)
               AND (ru.area_id IS NULL OR ru.area_id IN (r.desa_id, r.kecamatan_id))
             ORDER BY ru.priority DESC LIMIT 1),
            r.owner_id,
            (SELECT ru.agency_id FROM geo_reports_routingrule ru
             WHERE ru.category_id = r.category_id AND ru.is_active AND ru.asset_attribute = ''
               AND (ru.area_id IS NULL OR ru.area_id IN (r.desa_id, r.kecamatan_id))
             ORDER BY (ru.area_id = r.desa_id) DESC, (ru.area_id IS NOT NULL) DESC, ru.priority DESC LIMIT 1),
            r.default_agency_id,
            (SELECT id FROM districts_agency WHERE handles_triage AND is_active LIMIT 1)
        ) AS agency_id,
        CASE WHEN r.asset_id IS NOT NULL THEN 'asset' ELSE 'default' END AS reason,
        -- the fate of a report: older ones are mostly finished
        CASE
            WHEN r.fate_draw < 0.06 THEN 'rejected'
            WHEN r.fate_draw < 0.08 THEN 'duplicate_candidate'
            WHEN now() - r.created < interval '3 days' THEN
                CASE WHEN r.fate_draw < 0.6 THEN 'submitted' WHEN r.fate_draw < 0.8 THEN 'verified' ELSE 'in_progress' END
            WHEN now() - r.created < interval '45 days' THEN
                CASE WHEN r.fate_draw < 0.25 THEN 'verified' WHEN r.fate_draw < 0.5 THEN 'in_progress'
                     WHEN r.fate_draw < 0.8 THEN 'resolved' ELSE 'closed' END
            ELSE CASE WHEN r.fate_draw < 0.12 THEN 'resolved' ELSE 'closed' END
        END AS fate,
        interval '1 hour' * (1 + 48 * r.speed_draw) AS first_step,
        interval '1 hour' * (24 + 400 * r.speed_draw * r.speed_draw) AS to_resolve
    FROM routed r
),
rows AS (
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
        'Z' || upper(substr(md5(%(offset)s::text || ':' || k::text || ':' || random()::text), 1, 3)) || '-'
            || upper(substr(md5(k::text || random()::text), 1, 4)),
        category_id, location, location, '', '{}'::jsonb, status, 'demo',
        agency_id, desa_id, kecamatan_id, asset_id, round(asset_distance::numeric, 2),
        jsonb_build_object(
            'reason', reason, 'agency', agency_code, 'bulk', true,
            'areas', jsonb_build_object(
                'desa', jsonb_build_object('id', desa_id, 'name', desa_name, 'kind', desa_kind),
                'kecamatan', jsonb_build_object('id', kecamatan_id, 'name', kecamatan_name)),
            'asset', external_id, 'distance_m', round(asset_distance::numeric, 1),
            'flags', '[]'::jsonb, 'alternatives', jsonb_build_object('areas', '[]'::jsonb, 'assets', '[]'::jsonb)),
        left('Diteruskan ke ' || coalesce(agency_name, '-') ||
             CASE WHEN external_id IS NOT NULL THEN ': ' || external_id || ' berjarak ' || round(asset_distance)::text || ' m' ELSE '' END
             || '; ' || desa_name || ', Kec. ' || kecamatan_name || '.', 500),
        left('Routed to ' || coalesce(agency_name, '-') ||
             CASE WHEN external_id IS NOT NULL THEN ': ' || external_id || ' is ' || round(asset_distance)::text || ' m away' ELSE '' END
             || '; ' || desa_name || ', Kec. ' || kecamatan_name || '.', 500),
        floor(power(random(), 6) * 8)::int,
        created + interval '1 day' * acknowledge_within,
        created + interval '1 day' * resolve_within * CASE WHEN resolve_unit LIKE 'working%%' THEN 1.4 ELSE 1 END
            * CASE WHEN resolve_unit LIKE '%%hours' THEN 1.0 / 24 ELSE 1 END,
        CASE WHEN status <> 'submitted' THEN created + first_step END,
        CASE WHEN status IN ('resolved', 'closed') THEN created + first_step + to_resolve END,
        CASE WHEN status = 'closed' THEN created + first_step + to_resolve + interval '3 days' END,
        CASE WHEN status = 'closed' AND random() < 0.3 THEN 1 + floor(random() * 5)::int END,
        md5(random()::text) || md5(random()::text),
        1, created,
        created + first_step,
        is_private  -- a service request's, as intake sets it (services.base.category_set)
    FROM (SELECT * FROM rows LIMIT %(want)s) kept
    ORDER BY created
    ON CONFLICT (tracking_code) DO NOTHING
    RETURNING id, created_at, agency_id, status
)
INSERT INTO geo_reports_reportupdate (report_id, created_at, kind, actor_role, agency_id, old_status, new_status, message, is_internal, data)
SELECT id, created_at, 'created', 'citizen', agency_id, '', 'submitted', '', false, '{"bulk": true}'::jsonb FROM inserted
"""


@dataclass
class GenerationResult:
    requested: int
    created: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.created / self.seconds if self.seconds else 0.0


def reports_generate(*, count: int, years: float = 5.0, batch: int = BATCH, progress=None) -> GenerationResult:
    """Insert about `count` reports (points that fall outside the city are dropped and drawn again)."""
    started = time.perf_counter()
    before = Report.objects.count()
    made = 0
    offset = 0
    slices = max(1, math.ceil(count / batch))
    while made < count:
        size = min(batch, count - made)
        # Draw a little more than needed: points of the "anywhere in the box" kind can fall outside the city.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute(
                STATEMENT,
                {
                    "batch": int(size * 1.08) + 10,
                    "years": years,
                    "offset": offset,
                    "city": settings.LAPOR_CITY_CODE,
                    "town": "35.79.01",
                    "srid": settings.LAPOR_SRID,
                    "geometry_kind": "Point",
                    "want": size,
                    "slices": slices,
                    "slice": min(offset, slices - 1),
                },
            )
        offset += 1
        made = Report.objects.count() - before
        if progress:
            progress(made, count)
        if offset > 10 * (count // max(batch, 1) + 1):
            break
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE geo_reports_report")
        cursor.execute("ANALYZE geo_reports_reportupdate")
    events.reports_generated.send(sender=__name__, count=made)  # the map merges its fresh cell counts
    return GenerationResult(requested=count, created=made, seconds=time.perf_counter() - started)
