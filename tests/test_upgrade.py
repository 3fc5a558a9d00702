"""A database made by the release before the apps were split (Notification and MapCell in
geo_reports) upgrades with `migrate` and keeps every row: scripts/upgrade_check.py builds that
database on an empty one, fills it through that release's models, migrates it and reads it back."""

import json
import os
import subprocess
import sys
import uuid

import psycopg
import pytest

from tests.conftest import BASE_DIR, database_url


@pytest.fixture
def empty_database(django_db_setup, django_db_blocker):
    from django.db import connection

    settings = dict(connection.settings_dict)
    name = f"upgrade_{uuid.uuid4().hex[:10]}"
    admin = {
        "host": settings["HOST"],
        "port": settings["PORT"],
        "user": settings["USER"],
        "password": settings.get("PASSWORD") or None,
        "dbname": settings["NAME"],
        "autocommit": True,
    }
    with psycopg.connect(**admin) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    with psycopg.connect(**{**admin, "dbname": name}) as conn:
        conn.execute("CREATE EXTENSION postgis")
    yield database_url({**settings, "NAME": name})
    with psycopg.connect(**admin) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_a_database_of_the_earlier_release_upgrades_and_keeps_its_rows(empty_database):
    result = subprocess.run(
        [sys.executable, "scripts/upgrade_check.py"],
        cwd=BASE_DIR,
        env={**os.environ, "DATABASE_URL": empty_database},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    record = json.loads(result.stdout.strip().splitlines()[-1])
    before, after, checks = record["before"], record["after"], record["checks"]
    assert before["counts"]["reports"] == 12 and before["counts"]["notifications"] == 12
    assert before["counts"]["map_cells"] > 0 and before["pending_tasks"] == 6
    assert after["counts"] == before["counts"]  # every table, moved or not, keeps its rows
    assert after["cells"] == before["cells"]  # the same counts per cell, zoom, category and status
    assert checks["old_tables_left"] == 0
    assert checks["notification_payload_to"] == "warga0@contoh.id" and checks["notification_report"] == "UPGR-0000"
    assert checks["content_types"] == ["maps.mapcell", "notifications.notification"]
    assert checks["pending_tasks_repointed"] == 6 and checks["pending_tasks_old_path"] == 0
    assert checks["trigger_rows_added"] == 7  # one row per kept zoom (10 to 16) for the new report
