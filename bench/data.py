"""Prepare the benchmark database: the city's areas, agencies, asset layers and categories, then
generated reports up to --reports (default 1,000,000; only the shortfall is generated, so a second
run starts at once), the view tipg reads, fresh statistics, and a staff token for the crew API.

    LAPOR_PGDATABASE=laporbatu_bench .venv/bin/python bench/data.py [--reports 1000000]

When it generates reports it writes bench/results/generate.json. Target (issue #20): 20,000 reports a
second. Its reference: the same reports written and indexed by bare SQL, timed in the same run (an
INSERT ... SELECT of the rows just generated into a scratch table of the same columns, then the
report table's indexes built on it; rolled back), so the record says what generating and routing
cost above writing the rows at all.
"""

import argparse

from _setup import ROOT, VIEW, django_setup, write

GENERATE_TARGET = 20_000  # reports a second (issue #20)


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


def backend_cpu_seconds(cursor) -> float | None:
    """CPU seconds the database server process of this connection has used (user and system), when
    the server runs on this machine (the project-local cluster): a figure that other work on a shared
    machine disturbs much less than the wall clock."""
    import os
    from pathlib import Path

    cursor.execute("SELECT pg_backend_pid()")
    try:
        fields = Path(f"/proc/{cursor.fetchone()[0]}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bare_sql_reference(cursor, table: str, after_id: int) -> dict:
    """Write the reports with ids above `after_id` again, by bare SQL, into a scratch table of the same
    columns, and build the table's indexes (all of them, primary key and unique ones too) on it. In a
    transaction that is rolled back: nothing is kept."""
    import time

    from django.db import transaction

    scratch = "bench_reference_reports"
    with transaction.atomic():
        cursor.execute(f"CREATE TABLE {scratch} (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = %s",
            [table],
        )
        indexes = [
            definition.replace(f" {name} ON ", f" {name}_reference ON ", 1).replace(
                f".{table} USING", f".{scratch} USING", 1
            )
            for name, definition in cursor.fetchall()
        ]
        cpu = backend_cpu_seconds(cursor)
        started = time.perf_counter()
        cursor.execute(f"INSERT INTO {scratch} SELECT * FROM {table} WHERE id > %s ORDER BY id", [after_id])
        rows = cursor.rowcount
        inserted = time.perf_counter() - started
        for definition in indexes:
            cursor.execute(definition)
        seconds = time.perf_counter() - started
        cpu = backend_cpu_seconds(cursor) - cpu if cpu is not None else None
        transaction.set_rollback(True)
    return {
        "what": "the same reports, INSERT ... SELECT into a scratch table, then the same indexes built",
        "reports": rows,
        "indexes": len(indexes),
        "insert_seconds": inserted,
        "seconds": seconds,
        "per_second": rows / seconds if seconds else 0.0,
        "server_cpu_seconds": cpu,
    }


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
        last_id = Report.objects.order_by("-id").values_list("id", flat=True).first() or 0
        with connection.cursor() as cursor:
            cpu = backend_cpu_seconds(cursor)
        result = reports_generate(count=missing)
        with connection.cursor() as cursor:
            cpu = backend_cpu_seconds(cursor) - cpu if cpu is not None else None
        print(f"  {result.created:,} reports in {result.seconds:.1f} s ({result.per_second:,.0f}/s)")
        print("  phases: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in result.phases.items()))
        with connection.cursor() as cursor:
            indexes = report_indexes(cursor, table)
            reference = bare_sql_reference(cursor, table, last_id)
        ratio = result.seconds / reference["seconds"]
        if cpu is not None:
            bare = reference["server_cpu_seconds"]
            print(f"  the database server's CPU time: {cpu:.1f} s generating, {bare:.1f} s bare SQL")
        print(
            f"  bare SQL: the same {reference['reports']:,} reports inserted and indexed in "
            f"{reference['seconds']:.1f} s ({reference['per_second']:,.0f}/s); the generator takes {ratio:.1f}x that"
        )
        row = {"reports": result.created, "seconds": result.seconds, "per_second": result.per_second}
        extra = {
            "assets": Asset.objects.count(),
            **indexes,
            "indexes_rebuilt": result.indexes_rebuilt,
            "foreign_keys_readded": result.foreign_keys_readded,
            "server_cpu_seconds": cpu,
            "phases": result.phases,
            "reference": reference,
            "ratio": ratio,
        }
        write("generate", [row], extra, {"per_second": GENERATE_TARGET})
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
