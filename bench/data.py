"""Prepare the benchmark database: the city's areas, agencies, asset layers and categories, then
generated reports up to --reports (default 1,000,000; only the shortfall is generated, so a second
run starts at once), the view tipg reads, fresh statistics, and a staff token for the crew API.

    LAPOR_PGDATABASE=laporbatu_bench .venv/bin/python bench/data.py [--reports 1000000]

When it generates reports it writes bench/results/generate.json. Target: 50,000 reports a second.
"""

import argparse

from _setup import ROOT, VIEW, django_setup, write

GENERATE_TARGET = 50_000  # reports a second


def view_sql() -> str:
    """The public reports as a plain table would hold them: what the app's public endpoints serve,
    for tipg (which reads tables and views) and for ogr2ogr."""
    from geo_reports.models import Category, Report

    return f"""
CREATE OR REPLACE VIEW {VIEW} AS
SELECT r.id, r.tracking_code, r.status, c.code AS category, r.created_at, r.location
FROM {Report._meta.db_table} r JOIN {Category._meta.db_table} c ON c.id = r.category_id
WHERE c.is_public
"""


def report_indexes(cursor, table: str) -> dict:
    """How many indexes each new report updates, and how many of them are GiST (the costly kind)."""
    cursor.execute(
        "SELECT count(*), count(*) FILTER (WHERE indexdef ILIKE '%% USING gist %%') "
        "FROM pg_indexes WHERE tablename = %s",
        [table],
    )
    total, gist = cursor.fetchone()
    return {"indexes": total, "gist_indexes": gist}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=1_000_000)
    args = parser.parse_args()
    django_setup()

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from districts.models import Area, Asset, Membership
    from geo_reports.models import Report
    from geo_reports.services.bulk import reports_generate

    if not Area.objects.exists():
        call_command("load_demo", reports=0)
    table = Report._meta.db_table
    missing = args.reports - Report.objects.count()
    if missing > 0:
        print(f"generating {missing:,} reports")
        result = reports_generate(count=missing)
        print(f"  {result.created:,} reports in {result.seconds:.0f} s ({result.per_second:,.0f}/s)")
        with connection.cursor() as cursor:
            indexes = report_indexes(cursor, table)
        row = {"reports": result.created, "seconds": result.seconds, "per_second": result.per_second}
        write("generate", [row], {"assets": Asset.objects.count(), **indexes}, {"per_second": GENERATE_TARGET})
    with connection.cursor() as cursor:
        cursor.execute(view_sql())
        cursor.execute(f"VACUUM ANALYZE {table}")
    user, _ = get_user_model().objects.get_or_create(username="bench-admin")
    Membership.objects.get_or_create(user=user, agency=None, role=Membership.Role.ADMIN)
    token = Token.objects.get_or_create(user=user)[0].key
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    (ROOT / "var" / "bench" / "token").write_text(token)
    print(f"{Report.objects.count():,} reports in {connection.settings_dict['NAME']}")


if __name__ == "__main__":
    main()
