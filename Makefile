# Two commands do everything: `make demo` (main job on the embedded DuckDB) and `make test`.
# `make demo CITY=burlington` runs the same job for a city profile (cities/<name>/).
# The virtual environment is created from the committed lock file (uv.lock) on first use.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.8
VENV := .venv
PY := $(VENV)/bin/python
SYNCED := $(VENV)/.synced-$(shell sha1sum uv.lock | cut -c1-12)
export DAGSTER_HOME := $(CURDIR)/build/dagster_home
export DBT_PROFILES_DIR := $(CURDIR)
export DBT_PROJECT_DIR := $(CURDIR)
export DBT_TARGET_PATH := $(CURDIR)/build/dbt/target
export DBT_LOG_PATH := $(CURDIR)/build/dbt/logs

.PHONY: demo test ui bi lint env clean pr-check

# make test runs the suite on this many pytest-xdist workers (one test file per worker at a time,
# so a file's module fixtures are built once); TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= 2

env: $(SYNCED)

$(SYNCED): uv.lock pyproject.toml
	@echo "==> creating $(VENV) from uv.lock (first run only)"
	@test -x .tools/bin/uv || { $(PYTHON) -m venv .tools && .tools/bin/pip install -q "uv==$(UV_VERSION)"; }
	@# --compile-bytecode: with PYTHONDONTWRITEBYTECODE set (as on CI machines) every dbt, Dagster and
	@# test process would otherwise compile the libraries it imports again, seconds each time
	@# --quiet: one line for the install instead of one per package (the README's two commands stay readable)
	@UV_PROJECT_ENVIRONMENT=$(VENV) .tools/bin/uv sync --frozen --compile-bytecode --quiet --python $(PYTHON)
	@echo "    $(VENV) ready: $$(ls $(VENV)/lib/python*/site-packages | grep -c dist-info) packages"
	@rm -f $(VENV)/.synced-* && touch $@

# CITY=<name> runs a city profile (cities/<name>/) into build/<name>/; default: the synthetic demo city.
# VERBOSE=1 prints Dagster's and dbt's own output instead of one line per step.
CITY ?= demo

demo: $(SYNCED)
	@mkdir -p $(DAGSTER_HOME)
	$(PY) -m orchestration.cli demo --city $(CITY) $(if $(VERBOSE),--verbose)

test: $(SYNCED)
	@mkdir -p $(DAGSTER_HOME)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m orchestration.contract check
	@command -v chromium >/dev/null 2>&1 || test -x "$${ARP_CHROMIUM:-/nonexistent}" || echo -e "\n*** NO BROWSER FOUND: tests/publish needs Debian's chromium (apt-get install -y chromium), Playwright's own (.venv/bin/playwright install chromium) or ARP_CHROMIUM=<path>; its browser tests are SKIPPED here and FAIL under CI=true ***\n" >&2
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile

# The embedded DuckDB holds the synthetic city, so it runs in demo mode (the published demo hash
# key); PostgreSQL is production unless ARP_MODE=demo is set (docs/privacy.md).
ui: $(SYNCED)
	@mkdir -p $(DAGSTER_HOME)
	ARP_MODE=$${ARP_MODE:-$$( [ "$${ARP_TARGET:-duckdb}" = duckdb ] && echo demo || echo production)} \
	$(VENV)/bin/dagster dev -h 127.0.0.1 -p 3000 -m orchestration.definitions

# Internal dashboards: Apache Superset on http://127.0.0.1:8088 (ARP_SUPERSET_PORT) over the PostgreSQL
# marts, read as the analyst login, in its own environment (bi/superset/.venv, created on first use).
# Outside demo mode it needs ARP_SUPERSET_ADMIN_PASSWORD and ARP_SUPERSET_SECRET_KEY (docs/connect_bi.md).
bi: $(SYNCED)
	$(PY) -m orchestration.bi.superset serve

# Python lint and format (settings in pyproject.toml) and the SQL lint (.sqlfluff, dbt templater).
lint: $(SYNCED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	ARP_MODE=demo $(VENV)/bin/sqlfluff lint models tests/dbt/assert_*.sql --processes 2

clean:
	rm -rf build

# What the branch does to the published numbers: slim dbt build of the changed models against
# main's manifest and a cell-by-cell diff of the metric tables (build/pr/metric_diff.md).
# PR_BASE=<branch> compares against another base; PR_TIER=demo uses the year-long city.
PR_BASE ?= main
PR_TIER ?= tiny

pr-check: $(SYNCED)
	$(PY) -m orchestration.dev.pr_check --base $(PR_BASE) --tier $(PR_TIER)
