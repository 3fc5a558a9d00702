"""Promise 3, the CI-sized run: 8 reporters for 15 seconds while PostgreSQL restarts.

scripts/reliability/load_restart.py does the work on its own throwaway PostgreSQL cluster and its own
gunicorn (the shared cluster is never restarted). LAPOR_LOAD_CLIENTS and LAPOR_LOAD_SECONDS size the
run: `LAPOR_LOAD_CLIENTS=32 LAPOR_LOAD_SECONDS=60` is the full run (the script's defaults), recorded
like the CI one. Every acknowledged submission must exist exactly once, and during the outage every
API must answer 503 with Retry-After, never a 500 or a traceback.
"""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ARTIFACTS, BASE_DIR

from . import records

SCRIPT = BASE_DIR / "scripts" / "reliability" / "load_restart.py"
CLIENTS = os.environ.get("LAPOR_LOAD_CLIENTS", "8")
SECONDS = os.environ.get("LAPOR_LOAD_SECONDS", "15")
RECORDED = [
    "clients", "seconds", "submissions", "attempts", "acknowledged", "unacknowledged", "lost", "duplicated",
    "reports_without_a_key", "acknowledged_with_another_report", "bad_answers", "outage_seconds",
    "recovery_after_database_up_seconds",
]  # fmt: skip


@pytest.fixture(scope="module")
def figures() -> dict:
    out = ARTIFACTS / "load-restart-ci.json"
    out.unlink(missing_ok=True)
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--clients", CLIENTS, "--seconds", SECONDS, "--json", str(out)],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.exists(), result.stdout[-3000:] + result.stderr[-3000:]
    figures = json.loads(out.read_text())
    probes = figures["outage_probes"]
    records.note(
        __name__,
        **{name: figures[name] for name in RECORDED},
        outage_probes=len(probes),
        outage_probes_503_retry_after=sum(label == "503+retry-after" for label in probes.values()),
    )
    return figures


def test_every_acknowledged_report_exists_exactly_once(figures):
    assert figures["acknowledged"] >= 100, figures  # real load, not a trickle
    assert figures["unacknowledged"] == 0
    assert figures["lost"] == 0, figures["lost_keys"]
    assert figures["duplicated"] == 0
    assert figures["reports_without_a_key"] == 0
    assert figures["acknowledged_with_another_report"] == 0
    assert figures["reports_written"] == figures["keys_stored"] == figures["acknowledged"]


def test_the_reports_api_answers_503_with_retry_after_during_the_outage(figures):
    assert figures["bad_answers"] == 0, figures["bad_answer_examples"]
    assert figures["answers"].get("503", 0) + figures["answers"].get("transport", 0) >= 1, figures["answers"]
    assert "500" not in figures["answers"]
    assert figures["recovery_seconds"] is not None and figures["recovery_seconds"] < 30


def test_every_interface_answers_503_with_retry_after_during_the_outage(figures):
    """Pages, Open311 and OGC API too: a 500 without Retry-After tells clients not to come back."""
    probes = figures["outage_probes"]
    assert len(probes) >= 7 and "/healthz" in probes
    assert probes == {path: "503+retry-after" for path in probes}, probes
