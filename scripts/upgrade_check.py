"""Prove that a database made by an earlier release upgrades with `migrate` and keeps its rows.

    DATABASE_URL=postgis://…/an_empty_database .venv/bin/python scripts/upgrade_check.py

On an empty PostGIS database: migrate it to the schema of the release before the apps were split
(geo_reports 0008, with Notification and MapCell still in geo_reports, through the migration files
that release had, which are unchanged), write reports, timeline entries, photos, contacts, +1s,
idempotency keys, audit entries, notifications, map cell counts (made by the report table's
triggers) and a task the worker has not run yet, with the models as they were then; then run
`migrate` as a new release would, and read everything back with today's models. Prints one JSON
object: what was written, what is there after, and the checks (tests/test_upgrade.py asserts on it).
"""

import json
import os
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.gis.geos import MultiPolygon, Point, Polygon  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.migrations.executor import MigrationExecutor  # noqa: E402
from django.utils import timezone  # noqa: E402

# The last migration of each of our apps in the release before the split (commit d59c540).
OLD_LEAVES = {
    "districts": "0003_agency_endpoint_key",
    "geo_reports": "0008_request_documents",
    "city_info": "0001_initial",
    "open311": "0001_initial",
}
NEW_APPS = {"maps", "notifications", "chat"}  # apps that release did not have
OLD_TABLES = {
    "reports": "geo_reports_report",
    "timeline": "geo_reports_reportupdate",
    "photos": "geo_reports_reportphoto",
    "contacts": "geo_reports_reportercontact",
    "supports": "geo_reports_reportsupport",
    "idempotency_keys": "geo_reports_idempotencykey",
    "audit": "geo_reports_auditentry",
    "notifications": "geo_reports_notification",
    "map_cells": "geo_reports_mapcell",
}
NEW_TABLES = {**OLD_TABLES, "notifications": "notifications_notification", "map_cells": "maps_mapcell"}
TASK, NEW_TASK = "geo_reports.tasks.send_notification", "notifications.tasks.send_notification"


def counts(tables: dict[str, str]) -> dict[str, int]:
    with connection.cursor() as cursor:
        result = {}
        for name, table in tables.items():
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (our table names)
            result[name] = cursor.fetchone()[0]
        return result


def cell_sums(table: str) -> list:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT z, cx, cy, category_id, status, sum(n) FROM {table} "  # noqa: S608
            "GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4, 5"
        )
        return [list(row) for row in cursor.fetchall()]


def old_schema() -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    targets = [node for node in leaves if node[0] not in {*OLD_LEAVES, *NEW_APPS}]
    targets += list(OLD_LEAVES.items())
    executor.migrate(targets)
    return executor, targets


def fill(apps) -> dict:
    """Rows as the earlier release wrote them, through its models (the migrations' historical ones)."""
    Area = apps.get_model("districts", "Area")
    Agency = apps.get_model("districts", "Agency")
    Category = apps.get_model("geo_reports", "Category")
    Report = apps.get_model("geo_reports", "Report")
    ReportUpdate = apps.get_model("geo_reports", "ReportUpdate")
    ReportPhoto = apps.get_model("geo_reports", "ReportPhoto")
    ReporterContact = apps.get_model("geo_reports", "ReporterContact")
    ReportSupport = apps.get_model("geo_reports", "ReportSupport")
    IdempotencyKey = apps.get_model("geo_reports", "IdempotencyKey")
    AuditEntry = apps.get_model("geo_reports", "AuditEntry")
    Notification = apps.get_model("geo_reports", "Notification")
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    User = apps.get_model("auth", "User")

    square = MultiPolygon(Polygon.from_bbox((112.50, -7.90, 112.56, -7.84)), srid=4326)
    city = Area.objects.create(kind="kota", code="35.79", name="Batu", geom=square)
    agency = Agency.objects.create(code="dlh", name="Dinas Lingkungan Hidup", short_name="DLH", kind="city_agency")
    category = Category.objects.create(
        code="sampah", name="Sampah", name_en="Waste", geometry_kinds=["Point"], default_agency=agency
    )
    operator = User.objects.create(username="operator-lama")
    now = timezone.now()
    made = []
    for index in range(12):
        point = Point(112.52 + index * 0.001, -7.87, srid=4326)
        report = Report.objects.create(
            tracking_code=f"UPGR-{index:04d}",
            category=category,
            geometry=point,
            location=point,
            description=f"Laporan lama {index}",
            answers={"problem": "dumping"},
            status="submitted" if index % 3 else "resolved",
            agency=agency,
            desa=city,
            kecamatan=city,
            routing={"reason": "default", "agency": "dlh"},
            routing_explanation="Diteruskan ke DLH.",
            routing_explanation_en="Routed to DLH.",
            reporter_token_hash="0" * 64,
            created_at=now,
        )
        made.append(report)
        ReportUpdate.objects.create(report=report, kind="created", actor_role="citizen", new_status="submitted")
        ReporterContact.objects.create(report=report, name=f"Warga {index}", phone="0812 0000 0000")
        ReportPhoto.objects.create(report=report, image=f"photos/ab/{index:032d}.jpg", thumbnail="t.jpg")
        ReportSupport.objects.create(report=report, supporter_hash=f"{index:064d}")
        IdempotencyKey.objects.create(key=f"upgrade-{index}", fingerprint="f" * 64, report=report)
        notification = Notification.objects.create(
            channel="reporter_email",
            report=report,
            agency=agency,
            event="received",
            payload={"to": f"warga{index}@contoh.id", "subject": "Diterima", "body": "…"},
            state="queued" if index % 2 else "sent",
        )
        if index % 2:
            DBTaskResult.objects.create(
                task_path=TASK,
                args_kwargs={"args": [notification.pk], "kwargs": {}},
                queue_name="default",
                backend_name="default",
                priority=0,
                status="READY",
                run_after=now,
                exception_class_path="",
                traceback="",
            )
    AuditEntry.objects.create(actor=operator, actor_role="operator", action="status:verified", report=made[0])
    Report.objects.filter(pk=made[1].pk).update(status="in_progress")  # the update trigger moves a count
    return {"first_report": made[0].pk, "first_notification": Notification.objects.order_by("pk").first().pk}


def main() -> None:
    executor, targets = old_schema()
    ids = fill(executor.loader.project_state(targets).apps)
    before = {"counts": counts(OLD_TABLES), "cells": cell_sums("geo_reports_mapcell")}
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE task_path = %s", [TASK])
        before["pending_tasks"] = cursor.fetchone()[0]

    call_command("migrate", verbosity=0)

    from django.contrib.contenttypes.models import ContentType
    from django_tasks_db.models import DBTaskResult

    from geo_reports.models import Category, Report
    from maps.models import MapCell
    from notifications.models import Notification

    after = {"counts": counts(NEW_TABLES), "cells": cell_sums("maps_mapcell")}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name IN "
            "('geo_reports_notification', 'geo_reports_mapcell')"
        )
        old_tables_left = cursor.fetchone()[0]
    notification = Notification.objects.select_related("report").get(pk=ids["first_notification"])
    # The report table's triggers now count into the renamed table.
    cells_before_new = MapCell.objects.count()
    point = Point(112.53, -7.86, srid=4326)
    Report.objects.create(
        tracking_code="UPGR-NEW1",
        category=Category.objects.get(code="sampah"),
        geometry=point,
        location=point,
        routing={},
        routing_explanation="-",
        routing_explanation_en="-",
        reporter_token_hash="1" * 64,
    )
    checks = {
        "old_tables_left": old_tables_left,
        "notification_payload_to": notification.payload["to"],
        "notification_report": notification.report.tracking_code,
        "content_types": sorted(
            f"{ct.app_label}.{ct.model}" for ct in ContentType.objects.filter(model__in=["notification", "mapcell"])
        ),
        "pending_tasks_repointed": DBTaskResult.objects.filter(task_path=NEW_TASK).count(),
        "pending_tasks_old_path": DBTaskResult.objects.filter(task_path=TASK).count(),
        "trigger_rows_added": MapCell.objects.count() - cells_before_new,
    }
    print(json.dumps({"before": before, "after": after, "checks": checks}))


if __name__ == "__main__":
    main()
