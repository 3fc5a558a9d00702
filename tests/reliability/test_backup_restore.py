"""Promise 9: backups restore.

scripts/reliability/backup.sh dumps the test database (pg_dump, custom format) and tars a media
folder holding the files of every photo row; scripts/reliability/restore_check.sh restores both
into a brand-new cluster (its own temporary folder and port, the project's PostgreSQL binaries) and
compares every table's row count and the media file count with the backup's manifest. The manifest
itself must agree with the live database, and a manifest that claims more than the backup holds must
make the check fail.
"""

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from django.conf import settings

from tests import images
from tests.conftest import BASE_DIR, database_url

from . import records

pytestmark = pytest.mark.django_db

SCRIPTS = BASE_DIR / "scripts" / "reliability"


def run(script: str, *args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(SCRIPTS / script), *args], cwd=BASE_DIR, env={**os.environ, **env}, capture_output=True, text=True,
        timeout=600,
    )  # fmt: skip


def test_a_backup_restores_into_a_fresh_cluster_with_every_row_and_file(server, tmp_path):
    from django.db import connection

    from geo_reports.models import IdempotencyKey, Report, ReporterContact, ReportPhoto, ReportUpdate

    response = httpx.post(
        f"{server}/api/reports/",
        data={
            "category": "sampah",
            "geometry": json.dumps({"type": "Point", "coordinates": [112.5290, -7.8763]}),
            "answers": json.dumps({"problem": "dumping"}),
            "reporter_name": "Warga Cadangan",
        },
        files=[("photos", ("foto.jpg", images.phone_photo(), "image/jpeg"))],
        headers={"Idempotency-Key": "backup-restore-1"},
        timeout=60,
    )
    assert response.status_code in (200, 201), response.text
    media = tmp_path / "media"
    for photo in ReportPhoto.objects.all():
        for stored in (photo.image, photo.thumbnail):
            target = media / stored.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(settings.MEDIA_ROOT / stored.name, target)
    expected_files = 2 * ReportPhoto.objects.count()
    assert expected_files >= 2

    private = tmp_path / "private"  # requests' documents live apart from the public media
    (private / "ab").mkdir(parents=True)
    (private / "ab" / "abcdef.pdf").write_bytes(b"%PDF-1.4 a stand-in for a stored document")
    env = {
        "DATABASE_URL": database_url(connection.settings_dict),
        "LAPOR_MEDIA_ROOT": str(media),
        "LAPOR_PRIVATE_ROOT": str(private),
    }
    started = time.monotonic()
    backup = run("backup.sh", str(tmp_path / "backups"), env=env)
    assert backup.returncode == 0, backup.stdout + backup.stderr
    manifest_path = backup.stdout.strip().splitlines()[-1]
    manifest = json.loads(Path(manifest_path).read_text())
    assert manifest["media_files"] == expected_files
    assert manifest["private_files"] == 1
    live = {
        "geo_reports_report": Report.objects.count(),
        "geo_reports_reportupdate": ReportUpdate.objects.count(),
        "geo_reports_reportphoto": ReportPhoto.objects.count(),
        "geo_reports_reportercontact": ReporterContact.objects.count(),
        "geo_reports_idempotencykey": IdempotencyKey.objects.count(),
    }
    assert {table: manifest["tables"][table] for table in live} == live
    assert manifest["tables"]["districts_area"] > 0 and manifest["tables"]["districts_asset"] > 0

    restored = run("restore_check.sh", manifest_path, env={})
    assert restored.returncode == 0, restored.stdout + restored.stderr
    summary = json.loads(restored.stdout.strip().splitlines()[-1])
    records.note(
        __name__,
        seconds=round(time.monotonic() - started, 1),
        **{key: summary[key] for key in ("match", "tables", "rows", "media_files", "private_files")},
    )
    assert summary["match"] is True
    assert summary["media_files"] == expected_files and summary["private_files"] == 1
    assert summary["rows"] == sum(manifest["tables"].values()) and summary["tables"] >= 20

    # The check can fail: a manifest promising one photo more than the backup holds.
    manifest["media_files"] += 1
    tampered = tmp_path / "backups" / "tampered.manifest.json"
    tampered.write_text(json.dumps(manifest))
    refused = run("restore_check.sh", str(tampered), env={})
    records.note(__name__, tampered_manifest_caught=refused.returncode != 0 and "DIFFERS" in refused.stdout)
    assert refused.returncode != 0 and "DIFFERS" in refused.stdout
