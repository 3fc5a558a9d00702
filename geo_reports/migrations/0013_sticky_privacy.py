# Privacy of a report is sticky (Report.is_private): a report filed under a category that is not
# public stays private under any category it gets later. Existing reports are private when their
# category is not public now, or when their timeline shows they were ever filed under one that is
# not public (a re-routing's "before", a referral's category "before"): such a request re-routed to
# a public category before this migration was being shown in public, and is private again.
# The map's kept counts follow in maps 0003.

from django.db import migrations, models

BACKFILL = """
UPDATE geo_reports_report r SET is_private = true
FROM (
    SELECT r2.id FROM geo_reports_report r2 JOIN geo_reports_category c ON c.id = r2.category_id
    WHERE NOT c.is_public
    UNION
    SELECT u.report_id FROM geo_reports_reportupdate u
    JOIN geo_reports_category c ON c.code IN (u.data -> 'before' ->> 'category', u.data -> 'category' ->> 'before')
    WHERE u.kind IN ('rerouted', 'status') AND NOT c.is_public
) private
WHERE r.id = private.id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("geo_reports", "0012_moderation_and_co_handling"),
    ]

    operations = [
        migrations.AddField(
            model_name="report",
            name="is_private",
            field=models.BooleanField(
                db_default=False,
                default=False,
                help_text="Filed under a non-public category once: never shown in public, whatever its category now.",
                verbose_name="private",
            ),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
    ]
