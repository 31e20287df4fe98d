"""The PostgreSQL output path (COPY) against the running server, and live mode there."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from transform.dbt_runner import PG_HOST, PG_PORT, PG_USER

from simulator import GeneratorConfig, LiveCity, generate

from .conftest import read_system
from .test_contract_shape import assert_matches_contract

SERVER = f"{PG_USER}@{PG_HOST}:{PG_PORT}"
ADMIN_URL = f"postgresql+psycopg2://{SERVER}/postgres"


@pytest.fixture()
def pg_databases():
    name = f"arp_gen_{uuid.uuid4().hex[:10]}"
    names = [f"{name}_cad", f"{name}_cms"]
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for db in names:
                conn.exec_driver_sql(f'CREATE DATABASE "{db}"')
    except sa.exc.OperationalError as exc:  # pragma: no cover - the server is part of the test set-up
        pytest.fail(f"PostgreSQL at {SERVER} is not reachable: {exc}")
    yield [f"postgresql+psycopg2://{SERVER}/{db}" for db in names]
    with admin.connect() as conn:
        for db in names:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    admin.dispose()


@pytest.mark.postgres
def test_generate_writes_the_contract_to_postgresql(tmp_path, pg_databases, tiny):
    cad_url, cms_url = pg_databases
    cfg = GeneratorConfig(tier="tiny", seed=tiny[0].seed, out_dir=tmp_path, cad_url=cad_url, cms_url=cms_url)
    result = generate(cfg, progress=False)
    cad, cms = read_system(cad_url, "cad_replica"), read_system(cms_url, "case_management")
    assert_matches_contract(cad_url, "cad_replica", cad)
    assert_matches_contract(cms_url, "case_management", cms)
    _, _, sqlite_cad, sqlite_cms = tiny
    for name, frame in {**sqlite_cad, **sqlite_cms}.items():
        got = {**cad, **cms}[name]
        assert result.counts[name] == len(got) == len(frame), name
        key = list(frame.columns[:1])
        left = got.sort_values(key).reset_index(drop=True)
        right = frame.sort_values(key).reset_index(drop=True)
        for col in frame.columns:
            a, b = (
                left[col].astype(object).where(left[col].notna(), None),
                right[col].astype(object).where(right[col].notna(), None),
            )
            assert a.tolist() == b.tolist(), f"{name}.{col} differs between PostgreSQL and SQLite output"
    # Generating again replaces the content.
    generate(cfg, progress=False)
    assert len(read_system(cad_url, "cad_replica")["incidents"]) == len(cad["incidents"])

    live = LiveCity(cfg)
    counts = live.step(new_incidents=6, updates=4)
    live.close()
    still_open = int(cad["incidents"].closed_at.isna().sum())
    assert counts["incidents"]["inserted"] == 6 and counts["incidents"]["updated"] == min(4, still_open)
    after = read_system(cad_url, "cad_replica")["incidents"]
    assert len(after) == len(cad["incidents"]) + 6
