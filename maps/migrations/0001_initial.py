# MapCell moves here from geo_reports (geo_reports 0007 made it): the table keeps its rows and is
# renamed geo_reports_mapcell → maps_mapcell, and the function of the report table's triggers is
# recreated to write the renamed table (its body names the table). Its content type moves with it,
# so admin history and permissions carry over.

from django.db import migrations, models

import django.db.models.deletion

HALF = 20037508.342789244  # half the Web Mercator world, metres
FIRST_ZOOM, LAST_ZOOM, CELL_ZOOM_OFFSET = 10, 16, 3  # frozen copies of maps.models

# Rows of `changes` (sign, category_id, status, location) as counts per cell of every zoom.
CELLS = f"""
INSERT INTO {{table}} (z, cx, cy, category_id, status, n, sx, sy, merged)
SELECT z, floor((m.x + {HALF}) / ({2 * HALF} / 2 ^ (z + {CELL_ZOOM_OFFSET})))::int,
       floor(({HALF} - m.y) / ({2 * HALF} / 2 ^ (z + {CELL_ZOOM_OFFSET})))::int,
       c.category_id, c.status, sum(c.sign), sum(c.sign * m.x), sum(c.sign * m.y), false
FROM changes c
CROSS JOIN LATERAL (SELECT ST_X(g) AS x, ST_Y(g) AS y FROM ST_Transform(c.location, 3857) g) m
CROSS JOIN generate_series({FIRST_ZOOM}, {LAST_ZOOM}) z
GROUP BY 1, 2, 3, 4, 5
HAVING sum(c.sign) <> 0 OR sum(c.sign * m.x) <> 0 OR sum(c.sign * m.y) <> 0
"""

FUNCTION = """
CREATE OR REPLACE FUNCTION geo_reports_mapcell_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        WITH changes AS (SELECT 1 AS sign, category_id, status, location FROM added)
        {cells};
    ELSIF TG_OP = 'DELETE' THEN
        WITH changes AS (SELECT -1 AS sign, category_id, status, location FROM removed)
        {cells};
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
        {cells};
    END IF;
    RETURN NULL;
END;
$$;
"""


def function_for(table: str) -> str:
    return FUNCTION.format(cells=CELLS.format(table=table))


FORWARD = "ALTER TABLE geo_reports_mapcell RENAME TO maps_mapcell;\n" + function_for("maps_mapcell")
BACKWARD = "ALTER TABLE maps_mapcell RENAME TO geo_reports_mapcell;\n" + function_for("geo_reports_mapcell")


def move_content_type(old_app: str, new_app: str, model: str):
    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        if not ContentType.objects.filter(app_label=new_app, model=model).exists():
            ContentType.objects.filter(app_label=old_app, model=model).update(app_label=new_app)

    return move


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("geo_reports", "0008_request_documents"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="MapCell",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("z", models.SmallIntegerField(verbose_name="zoom")),
                        ("cx", models.IntegerField()),
                        ("cy", models.IntegerField()),
                        ("status", models.CharField(max_length=12)),
                        ("n", models.IntegerField(verbose_name="reports")),
                        ("sx", models.FloatField()),
                        ("sy", models.FloatField()),
                        ("merged", models.BooleanField(default=False)),
                        (
                            "category",
                            models.ForeignKey(
                                db_constraint=False,
                                db_index=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="geo_reports.category",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "map cell",
                        "verbose_name_plural": "map cells",
                        "indexes": [
                            models.Index(fields=["z", "cx", "cy"], name="mapcell_cell_idx"),
                            models.Index(condition=models.Q(("merged", False)), fields=["id"], name="mapcell_unmerged_idx"),
                        ],
                    },
                ),
            ],
            database_operations=[migrations.RunSQL(FORWARD, BACKWARD)],
        ),
        migrations.RunPython(
            move_content_type("geo_reports", "maps", "mapcell"), move_content_type("maps", "geo_reports", "mapcell")
        ),
    ]
