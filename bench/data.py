"""Prepare the benchmark database: the city's areas, agencies, asset layers and categories, then
generated reports up to --reports (default 1,000,000; only the shortfall is generated, so a second
run starts at once), the view tipg reads, fresh statistics, and a staff token for the crew API.

    LAPOR_PGDATABASE=laporbatu_bench .venv/bin/python bench/data.py [--reports 1000000]
"""

import argparse
import json

from _setup import RESULTS, VIEW, django_setup

# The public reports as a plain table would hold them: what the app's public endpoints serve,
# for tipg (which reads tables and views) and for ogr2ogr.
VIEW_SQL = f"""
CREATE OR REPLACE VIEW {VIEW} AS
SELECT r.id, r.tracking_code, r.status, c.code AS category, r.created_at, r.location
FROM geo_reports_report r JOIN geo_reports_category c ON c.id = r.category_id
WHERE c.is_public
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=1_000_000)
    args = parser.parse_args()
    django_setup()

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from districts.models import Area, Membership
    from geo_reports.bulk import reports_generate
    from geo_reports.models import Report

    if not Area.objects.exists():
        call_command("load_demo", reports=0)
    missing = args.reports - Report.objects.count()
    if missing > 0:
        print(f"generating {missing:,} reports")
        result = reports_generate(count=missing)
        print(f"  {result.created:,} reports in {result.seconds:.0f} s ({result.per_second:,.0f}/s)")
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "generate.json").write_text(
            json.dumps({"reports": result.created, "seconds": result.seconds, "per_second": result.per_second})
        )
    with connection.cursor() as cursor:
        cursor.execute(VIEW_SQL)
        cursor.execute("VACUUM ANALYZE geo_reports_report")
        cursor.execute("SELECT count(*) FROM geo_reports_report")
        total = cursor.fetchone()[0]
    user, _ = get_user_model().objects.get_or_create(username="bench-admin")
    Membership.objects.get_or_create(user=user, agency=None, role=Membership.Role.ADMIN)
    token = Token.objects.get_or_create(user=user)[0].key
    (RESULTS.parent.parent / "var" / "bench").mkdir(parents=True, exist_ok=True)
    (RESULTS.parent.parent / "var" / "bench" / "token").write_text(token)
    print(f"{total:,} reports in {connection.settings_dict['NAME']}")


if __name__ == "__main__":
    main()
