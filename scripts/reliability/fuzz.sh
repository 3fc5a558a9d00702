#!/usr/bin/env bash
# Fuzz every API operation (schemathesis, property-based) against a real server on the test database.
# Usage: scripts/reliability/fuzz.sh [EXAMPLES_PER_OPERATION=500] [SEED=random]
# Runs tests/reliability/test_fuzz_api.py with more examples than CI does (CI: 15 per operation,
# fixed seed). Reports land in var/test-artifacts/fuzz/ (JSON and console output of each pass), their
# counts in var/test-artifacts/records/fuzz_api.json (`make figures` puts them in the README).
# Set LAPOR_PGDATABASE to a private name when others use the same PostgreSQL cluster.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
export LAPOR_FUZZ_EXAMPLES="${1:-500}"
export LAPOR_FUZZ_SEED="${2:-$RANDOM$RANDOM}"
echo "fuzzing with $LAPOR_FUZZ_EXAMPLES examples per operation, seed $LAPOR_FUZZ_SEED" >&2
exec .venv/bin/python -m pytest -q tests/reliability/test_fuzz_api.py
