# The map's kept counts leave out reports staff have hidden from the public (geo_reports 0012): the
# report table's trigger function counts a row only while it is not hidden, and hiding or showing a
# report again moves it out of or into its cells like a change of status. No report is hidden yet
# when this runs, so the counts kept so far stay right.

from django.db import migrations

HALF = 20037508.342789244  # half the Web Mercator world, metres
FIRST_ZOOM, LAST_ZOOM, CELL_ZOOM_OFFSET = 10, 16, 3  # frozen copies of maps.models

# Rows of `changes` (sign, category_id, status, location) as counts per cell of every zoom.
CELLS = f"""
INSERT INTO maps_mapcell (z, cx, cy, category_id, status, n, sx, sy, merged)
SELECT z, floor((m.x + {HALF}) / ({2 * HALF} / 2 ^ (z + {CELL_ZOOM_OFFSET})))::int,
       floor(({HALF} - m.y) / ({2 * HALF} / 2 ^ (z + {CELL_ZOOM_OFFSET})))::int,
       c.category_id, c.status, sum(c.sign), sum(c.sign * m.x), sum(c.sign * m.y), false
FROM changes c
CROSS JOIN LATERAL (SELECT ST_X(g) AS x, ST_Y(g) AS y FROM ST_Transform(c.location, 3857) g) m
CROSS JOIN generate_series({FIRST_ZOOM}, {LAST_ZOOM}) z
GROUP BY 1, 2, 3, 4, 5
HAVING sum(c.sign) <> 0 OR sum(c.sign * m.x) <> 0 OR sum(c.sign * m.y) <> 0
"""

FORWARD = f"""
CREATE OR REPLACE FUNCTION geo_reports_mapcell_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        WITH changes AS (SELECT 1 AS sign, category_id, status, location FROM added WHERE NOT is_hidden)
        {CELLS};
    ELSIF TG_OP = 'DELETE' THEN
        WITH changes AS (SELECT -1 AS sign, category_id, status, location FROM removed WHERE NOT is_hidden)
        {CELLS};
    ELSE
        WITH moved AS (
            SELECT o.category_id AS old_category, o.status AS old_status, o.location AS old_location,
                   o.is_hidden AS old_hidden, n.category_id, n.status, n.location, n.is_hidden
            FROM removed o JOIN added n ON n.id = o.id
            WHERE o.category_id <> n.category_id OR o.status <> n.status OR NOT ST_Equals(o.location, n.location)
               OR o.is_hidden <> n.is_hidden
        ),
        changes AS (
            SELECT -1 AS sign, old_category AS category_id, old_status AS status, old_location AS location
            FROM moved WHERE NOT old_hidden
            UNION ALL
            SELECT 1, category_id, status, location FROM moved WHERE NOT is_hidden
        )
        {CELLS};
    END IF;
    RETURN NULL;
END;
$$;
"""

# The function as maps 0001 made it (every report counted).
BACKWARD = f"""
CREATE OR REPLACE FUNCTION geo_reports_mapcell_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        WITH changes AS (SELECT 1 AS sign, category_id, status, location FROM added)
        {CELLS};
    ELSIF TG_OP = 'DELETE' THEN
        WITH changes AS (SELECT -1 AS sign, category_id, status, location FROM removed)
        {CELLS};
    ELSE
        WITH moved AS (
            SELECT o.category_id AS old_category, o.status AS old_status, o.location AS old_location,
                   n.category_id, n.status, n.location
            FROM removed o JOIN added n ON n.id = o.id
            WHERE o.category_id <> n.category_id OR o.status <> n.status OR NOT ST_Equals(o.location, n.location)
        ),
        changes AS (
            SELECT -1 AS sign, old_category AS category_id, old_status AS status, old_location AS location FROM moved
            UNION ALL
            SELECT 1, category_id, status, location FROM moved
        )
        {CELLS};
    END IF;
    RETURN NULL;
END;
$$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("maps", "0001_initial"),
        ("geo_reports", "0012_moderation_and_co_handling"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
