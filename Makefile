# Lapor Batu: the two commands a new user needs are `make run` and `make test`.
# Both install what is missing (system packages, .venv, the project-local PostGIS) and are idempotent.

PYTHON := .venv/bin/python
MANAGE := $(PYTHON) manage.py
PYTEST_ARGS ?=

.PHONY: run test bench figures setup setup-browser prepare lint db-start db-stop db-status psql clean-db

run: setup prepare
	$(MANAGE) load_demo
	scripts/run.sh

test: setup-browser prepare
	$(PYTHON) -m pytest $(PYTEST_ARGS)

# Benchmarks against PostGIS, tipg and ogr2ogr at 1,000,000 reports (bench/run.sh; not in `make test`).
bench:
	bench/run.sh

# README.md's benchmark and reliability figures, from bench/results/ and the proofs' latest records.
figures:
	$(PYTHON) scripts/figures.py

setup:
	scripts/setup.sh

setup-browser:
	scripts/setup.sh --browser

# Translations are compiled here, never committed; migrations bring the schema up to date.
prepare:
	$(MANAGE) compilemessages --ignore=.venv --ignore=var --ignore=node_modules -v 0
	$(MANAGE) collectstatic --noinput -v 0
	$(MANAGE) migrate --noinput -v 0

lint:
	$(PYTHON) -m ruff check .
	.venv/bin/lint-imports --no-cache
	$(MANAGE) makemigrations --check --dry-run

db-start:
	scripts/pg.sh start
db-stop:
	scripts/pg.sh stop
db-status:
	scripts/pg.sh status
psql:
	scripts/pg.sh psql
