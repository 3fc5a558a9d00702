"""Project hygiene that CI must hold: lint, migrations, system checks, geometry conventions."""

import re
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command

from tests.conftest import BASE_DIR


def test_ruff_is_clean():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=BASE_DIR, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_migrations_match_the_models():
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


def test_system_checks_pass():
    call_command("check", stdout=StringIO())


def test_no_srid_literal_in_models_or_migrations():
    """Geometry columns name settings.LAPOR_SRID; a generated migration must be edited to match."""
    literal = re.compile(r"srid\s*=\s*\d|\b4326\b|\b32749\b")
    files = [
        *BASE_DIR.glob("*/migrations/*.py"),
        *BASE_DIR.glob("*/models.py"),
        *BASE_DIR.glob("*/models/*.py"),
    ]
    assert files
    offenders = [str(path) for path in files if literal.search(path.read_text())]
    assert offenders == []


def test_the_srid_check_flags_a_foreign_srid():
    from django.contrib.gis.db import models

    from districts.checks import geometry_columns_use_the_project_srid

    class Elsewhere(models.Model):
        geom = models.PointField(srid=32749)

        class Meta:
            app_label = "districts"
            managed = False

    try:
        errors = geometry_columns_use_the_project_srid()
        assert [e.id for e in errors] == ["districts.E001"]
        assert "Elsewhere.geom is stored in SRID 32749" in errors[0].msg
    finally:
        from django.apps import apps

        del apps.all_models["districts"]["elsewhere"]
        apps.clear_cache()


def test_the_import_contracts_hold():
    """The apps depend one way, config imports no app, and no module imports another's private names
    (.importlinter; the README's Layout draws the same)."""
    result = subprocess.run(
        [str(BASE_DIR / ".venv" / "bin" / "lint-imports"), "--no-cache"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "3 kept, 0 broken" in result.stdout


def test_the_private_names_contract_catches_an_offence(tmp_path, monkeypatch):
    from importlinter.domain.contract import ContractCheck

    from tests.import_contracts import PrivateNamesContract

    package = tmp_path / "somepkg"
    (package / "inner").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "inner" / "__init__.py").write_text("")
    (package / "inner" / "a.py").write_text("_hidden = 1\npublic = 2\n")
    (package / "b.py").write_text("from .inner.a import public\nfrom somepkg.inner.a import _hidden\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    contract = PrivateNamesContract("t", {}, {"packages": ["somepkg"]})
    check: ContractCheck = contract.check(graph=None, verbose=False)
    assert not check.kept
    assert check.metadata["offences"] == ["somepkg.b:2 imports _hidden from somepkg.inner.a"]
