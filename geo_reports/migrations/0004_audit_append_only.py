from django.db import migrations

# The audit log is evidence: like the timeline, the database refuses to change or remove an entry.
APPEND_ONLY = """
CREATE TRIGGER geo_reports_auditentry_append_only
    BEFORE UPDATE OR DELETE ON geo_reports_auditentry
    FOR EACH ROW EXECUTE FUNCTION geo_reports_refuse_timeline_change();
"""

REVERSE = "DROP TRIGGER IF EXISTS geo_reports_auditentry_append_only ON geo_reports_auditentry;"


class Migration(migrations.Migration):
    dependencies = [("geo_reports", "0003_staff_activity")]

    operations = [migrations.RunSQL(APPEND_ONLY, REVERSE)]
