# The map's kept counts leave out private reports (geo_reports 0013, Report.is_private: a service
# request, also one re-routed to a public category), as they leave out hidden ones (maps 0002): the
# trigger function counts a row only while it is neither hidden nor private, and a report that
# becomes private moves out of its cells like a change of status. The private reports counted so far
# (every report was counted; tiles left out non-public categories when reading) are taken out here.

import importlib

from django.db import migrations

# maps 0002: its CELLS (counts per cell of every zoom) and its function (hidden reports left out).
previous = importlib.import_module("maps.migrations.0002_hidden_reports_not_counted")
CELLS = previous.CELLS

FORWARD_FUNCTION = f"""
CREATE OR REPLACE FUNCTION geo_reports_mapcell_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        WITH changes AS (SELECT 1 AS sign, category_id, status, location FROM added WHERE NOT (is_hidden OR is_private))
        {CELLS};
    ELSIF TG_OP = 'DELETE' THEN
        WITH changes AS (
            SELECT -1 AS sign, category_id, status, location FROM removed WHERE NOT (is_hidden OR is_private)
        )
        {CELLS};
    ELSE
        WITH moved AS (
            SELECT o.category_id AS old_category, o.status AS old_status, o.location AS old_location,
                   o.is_hidden OR o.is_private AS old_unshown, n.category_id, n.status, n.location,
                   n.is_hidden OR n.is_private AS unshown
            FROM removed o JOIN added n ON n.id = o.id
            WHERE o.category_id <> n.category_id OR o.status <> n.status OR NOT ST_Equals(o.location, n.location)
               OR o.is_hidden <> n.is_hidden OR o.is_private <> n.is_private
        ),
        changes AS (
            SELECT -1 AS sign, old_category AS category_id, old_status AS status, old_location AS location
            FROM moved WHERE NOT old_unshown
            UNION ALL
            SELECT 1, category_id, status, location FROM moved WHERE NOT unshown
        )
        {CELLS};
    END IF;
    RETURN NULL;
END;
$$;
"""

# The private reports that are not hidden: counted until now, not from now on (and back).
PRIVATE = "FROM geo_reports_report WHERE is_private AND NOT is_hidden"
UNCOUNT = f"WITH changes AS (SELECT -1 AS sign, category_id, status, location {PRIVATE})\n{CELLS}"
RECOUNT = f"WITH changes AS (SELECT 1 AS sign, category_id, status, location {PRIVATE})\n{CELLS}"


class Migration(migrations.Migration):
    dependencies = [
        ("maps", "0002_hidden_reports_not_counted"),
        ("geo_reports", "0013_sticky_privacy"),
    ]

    operations = [migrations.RunSQL([FORWARD_FUNCTION, UNCOUNT], [RECOUNT, previous.FORWARD])]
