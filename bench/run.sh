#!/usr/bin/env bash
# The benchmarks of issue 7, run by `make bench` (not part of the test suite).
#
# Builds (once) a database of BENCH_REPORTS generated reports (default 1,000,000) next to the
# development one, installs the references (tipg into var/bench-venv from bench/requirements.txt;
# ogr2ogr comes with gdal-bin), runs each benchmark, writes its figures to bench/results/ (one JSON
# record each, committed) and prints the table; `make figures` puts the same table into README.md.
# The intake benchmark adds the reports it submits (a few thousand) to the database; later runs only
# top up to BENCH_REPORTS.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/lib.sh
. "$ROOT/scripts/lib.sh"

export LAPOR_PGDATABASE="${LAPOR_BENCH_DATABASE:-laporbatu_bench}"
BENCH_REPORTS="${BENCH_REPORTS:-1000000}"
BENCHMARKS="${BENCHMARKS:-routing nearby tiles basemap bbox export intake}"

scripts/setup.sh
scripts/pg.sh start
if [ ! -x var/bench-venv/bin/uvicorn ] || ! cmp -s bench/requirements.txt var/bench-venv/requirements.txt; then
  say "installing the benchmarks' references (tipg) into var/bench-venv"
  python3 -m venv var/bench-venv
  var/bench-venv/bin/pip install --quiet --disable-pip-version-check -r bench/requirements.txt
  cp bench/requirements.txt var/bench-venv/requirements.txt
fi
.venv/bin/python manage.py migrate --noinput -v 0
(cd bench && ../.venv/bin/python data.py --reports "$BENCH_REPORTS")
for name in $BENCHMARKS; do
  say "benchmark: $name"
  (cd bench && ../.venv/bin/python "$name.py")
done
say "summary (\`make figures\` writes it into README.md)"
(cd bench && ../.venv/bin/python summary.py)
