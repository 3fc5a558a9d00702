"""The catalog's version: a number PostgreSQL changes whenever a category, a category's question or
an asset layer changes, however it changes (admin, fixtures, SQL). Processes keep the categories they
read and trust them while the version they read them at is still the database's
(geo_reports.selectors.category_by_code): one small read per report instead of reading the category
and its questions each time.

Each change adds a row with a new number from a sequence, and the version is the highest number:
a reader sees it change exactly when the change it stands for commits; a number is never taken
twice, not even after a rolled-back transaction; and writers never wait for each other (a row
updated in place would make every catalog change wait for any other one still open). A few rows a
catalog edit, so the table stays small; the highest is found through its primary key."""

from django.db import migrations

TABLES = ("geo_reports_category", "geo_reports_categoryquestion", "districts_assetlayer")

FORWARD = [
    "CREATE SEQUENCE geo_reports_catalog_version_seq",
    "CREATE TABLE geo_reports_catalogversion (version bigint PRIMARY KEY)",
    "INSERT INTO geo_reports_catalogversion (version) VALUES (nextval('geo_reports_catalog_version_seq'))",
    """CREATE FUNCTION geo_reports_catalog_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO geo_reports_catalogversion (version) VALUES (nextval('geo_reports_catalog_version_seq'));
    RETURN NULL;
END $$""",
    *(
        f"CREATE TRIGGER {table}_catalog_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION geo_reports_catalog_changed()"
        for table in TABLES
    ),
]

BACKWARD = [
    *(f"DROP TRIGGER IF EXISTS {table}_catalog_version ON {table}" for table in TABLES),
    "DROP FUNCTION IF EXISTS geo_reports_catalog_changed()",
    "DROP TABLE IF EXISTS geo_reports_catalogversion",
    "DROP SEQUENCE IF EXISTS geo_reports_catalog_version_seq",
]


class Migration(migrations.Migration):
    dependencies = [
        ("districts", "0001_initial"),
        ("geo_reports", "0013_sticky_privacy"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
