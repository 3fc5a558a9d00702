from django.db import migrations

# The timeline is evidence of what an agency did and when: the database itself refuses to change
# or remove an entry once written (TRUNCATE, used by test teardown, is not a row change).
APPEND_ONLY = """
CREATE FUNCTION geo_reports_refuse_timeline_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER geo_reports_reportupdate_append_only
    BEFORE UPDATE OR DELETE ON geo_reports_reportupdate
    FOR EACH ROW EXECUTE FUNCTION geo_reports_refuse_timeline_change();
"""

REVERSE = """
DROP TRIGGER IF EXISTS geo_reports_reportupdate_append_only ON geo_reports_reportupdate;
DROP FUNCTION IF EXISTS geo_reports_refuse_timeline_change();
"""


class Migration(migrations.Migration):
    dependencies = [("geo_reports", "0001_initial")]

    operations = [migrations.RunSQL(APPEND_ONLY, REVERSE)]
