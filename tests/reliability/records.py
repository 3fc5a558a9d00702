"""What each reliability proof measured in its latest run: one small JSON record per proof.

A proof adds its figures while it runs (`note`, `count`); tests/reliability/conftest.py adds how its
tests ended and writes the records into var/test-artifacts/records/ when the run ends, on every run.
`make figures` (scripts/figures.py) copies them into tests/reliability/records/, which is committed,
and rebuilds the README's table from those: no figure there is typed by hand.
"""

import json
import time
from collections import defaultdict
from pathlib import Path

LATEST = Path(__file__).resolve().parents[2] / "var" / "test-artifacts" / "records"
COMMITTED = Path(__file__).resolve().parent / "records"
OUTCOMES = ("passed", "failed", "skipped")

_figures: dict[str, dict] = defaultdict(dict)
_outcomes: dict[str, dict[str, str]] = defaultdict(dict)  # proof → test → outcome


def proof_of(module: str) -> str:
    """The proof a module name or test id belongs to: tests.reliability.test_fuzz_api and
    tests/reliability/test_fuzz_api.py::test_x both belong to fuzz_api."""
    path = module.split("::")[0].removesuffix(".py").replace("/", ".")
    return path.rsplit(".", 1)[-1].removeprefix("test_")


def note(module: str, **figures) -> None:
    """Set figures of the proof in `module` (pass __name__)."""
    _figures[proof_of(module)].update(figures)


def count(module: str, name: str, n: int = 1) -> None:
    """Add `n` to a counted figure of the proof in `module` (pass __name__)."""
    figures = _figures[proof_of(module)]
    figures[name] = figures.get(name, 0) + n


def outcome(test_id: str, result: str) -> None:
    """How a test ended; a failure in any phase (set-up, call, teardown) stands."""
    tests = _outcomes[proof_of(test_id)]
    name = test_id.split("::", 1)[1]
    if tests.get(name) != "failed":
        tests[name] = result


def write() -> None:
    """One record per proof that ran in this session, replacing the one of the run before."""
    LATEST.mkdir(parents=True, exist_ok=True)
    when = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    for proof, results in _outcomes.items():
        record = {
            "proof": proof,
            "when": when,
            "tests": {result: sum(1 for r in results.values() if r == result) for result in OUTCOMES},
            "failed_tests": sorted(name for name, result in results.items() if result == "failed"),
            "figures": _figures[proof],
        }
        (LATEST / f"{proof}.json").write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")


def load(folder: Path) -> dict[str, dict]:
    return {path.stem: json.loads(path.read_text()) for path in sorted(folder.glob("*.json"))}
