# The counts behind the public map's zoomed-out tiles (geo_reports.models.MapCell), kept by
# statement-level triggers on the report table: each INSERT, UPDATE or DELETE statement adds one
# row per (zoom, cell, category, status) it changes, in its own transaction. Existing reports are
# counted once when the table is made.

from django.db import migrations, models

import django.db.models.deletion

HALF = 20037508.342789244  # half the Web Mercator world, metres
FIRST_ZOOM, LAST_ZOOM, CELL_ZOOM_OFFSET = 10, 16, 3  # frozen copies of geo_reports.models.mapcells

# Rows of `changes` (sign, category_id, status, location) as counts per cell of every zoom.
CELLS = f"""
INSERT INTO geo_reports_mapcell (z, cx, cy, category_id, status, n, sx, sy, merged)
SELECT z, floor((m.x + {HALF}) / ({2 * HALF} / 2 ^ (z + {CELL_ZOOM_OFFSET})))::int,
       floor(({HALF} - m.y) / ({2 * HALF} / 2 ^ (z + {CELL_ZOOM_OFFSET})))::int,
       c.category_id, c.status, sum(c.sign), sum(c.sign * m.x), sum(c.sign * m.y), %(merged)s
FROM changes c
CROSS JOIN LATERAL (SELECT ST_X(g) AS x, ST_Y(g) AS y FROM ST_Transform(c.location, 3857) g) m
CROSS JOIN generate_series({FIRST_ZOOM}, {LAST_ZOOM}) z
GROUP BY 1, 2, 3, 4, 5
HAVING sum(c.sign) <> 0 OR sum(c.sign * m.x) <> 0 OR sum(c.sign * m.y) <> 0
"""

TRIGGERS = f"""
CREATE FUNCTION geo_reports_mapcell_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        WITH changes AS (SELECT 1 AS sign, category_id, status, location FROM added)
        {CELLS % {"merged": "false"}};
    ELSIF TG_OP = 'DELETE' THEN
        WITH changes AS (SELECT -1 AS sign, category_id, status, location FROM removed)
        {CELLS % {"merged": "false"}};
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
        {CELLS % {"merged": "false"}};
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER geo_reports_report_mapcell_insert AFTER INSERT ON geo_reports_report
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION geo_reports_mapcell_count();
CREATE TRIGGER geo_reports_report_mapcell_update AFTER UPDATE ON geo_reports_report
    REFERENCING OLD TABLE AS removed NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION geo_reports_mapcell_count();
CREATE TRIGGER geo_reports_report_mapcell_delete AFTER DELETE ON geo_reports_report
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION geo_reports_mapcell_count();

WITH changes AS (SELECT 1 AS sign, category_id, status, location FROM geo_reports_report)
{CELLS % {"merged": "true"}};
"""

REVERSE = """
DROP TRIGGER IF EXISTS geo_reports_report_mapcell_insert ON geo_reports_report;
DROP TRIGGER IF EXISTS geo_reports_report_mapcell_update ON geo_reports_report;
DROP TRIGGER IF EXISTS geo_reports_report_mapcell_delete ON geo_reports_report;
DROP FUNCTION IF EXISTS geo_reports_mapcell_count();
"""


class Migration(migrations.Migration):

    dependencies = [
        ('geo_reports', '0006_report_indexes_at_scale'),
    ]

    operations = [
        migrations.CreateModel(
            name='MapCell',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('z', models.SmallIntegerField(verbose_name='zoom')),
                ('cx', models.IntegerField()),
                ('cy', models.IntegerField()),
                ('status', models.CharField(max_length=12)),
                ('n', models.IntegerField(verbose_name='reports')),
                ('sx', models.FloatField()),
                ('sy', models.FloatField()),
                ('merged', models.BooleanField(default=False)),
                ('category', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='geo_reports.category')),
            ],
            options={
                'verbose_name': 'map cell',
                'verbose_name_plural': 'map cells',
                'indexes': [models.Index(fields=['z', 'cx', 'cy'], name='mapcell_cell_idx'), models.Index(condition=models.Q(('merged', False)), fields=['id'], name='mapcell_unmerged_idx')],
            },
        ),
        migrations.RunSQL(TRIGGERS, REVERSE),
    ]
