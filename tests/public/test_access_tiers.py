"""Access tiers on the running PostgreSQL: every role tries to read every relation of every schema."""

from __future__ import annotations

import psycopg2
import pytest

from orchestration.access import SCHEMA_READERS, WAREHOUSE_SCHEMAS, setup_access
from orchestration.planning.outputs import write_table
from orchestration.warehouse.destination import Destination

pytestmark = pytest.mark.postgres

# What each tier may read; everything else must be denied.
ALLOWED = {
    "analyst": {"staging", "intermediate", "marts", "public_candidates", "suppression", "public_marts", "planning"},
    "public_reader": {"public_marts"},
}


@pytest.fixture(scope="module")
def pg_with_tiers(postgres_public_tables):
    # The planner's scenario table is written by full_pipeline only; one planned figure puts it here.
    write_table(
        [
            {
                "scenario": "baseline",
                "figures": {"responded": {"mean": 1.0, "low": 1.0, "high": 1.0}},
                "seeds": 1,
                "period": ["2024-09-01", "2024-11-09"],
            }
        ],
        postgres_public_tables,
    )
    setup_access(postgres_public_tables)
    return postgres_public_tables


def _relations(dest: Destination) -> list[tuple[str, str]]:
    conn = psycopg2.connect(host=dest.pg_host, port=dest.pg_port, user="postgres", dbname=dest.pg_database)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "select n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
                "where c.relkind in ('r', 'v', 'm', 'p') and n.nspname = any(%s) order by 1, 2",
                (list(WAREHOUSE_SCHEMAS),),
            )
            return cur.fetchall()
    finally:
        conn.close()


def _can_read(dest: Destination, role: str, schema: str, relation: str) -> bool:
    conn = psycopg2.connect(host=dest.pg_host, port=dest.pg_port, user=role, dbname=dest.pg_database)
    try:
        with conn.cursor() as cur:
            cur.execute(f'select 1 from "{schema}"."{relation}" limit 1')
            cur.fetchall()
            return True
    except psycopg2.errors.InsufficientPrivilege:
        return False
    finally:
        conn.close()


def test_the_matrix_matches_the_design():
    for role, schemas in ALLOWED.items():
        assert schemas == {s for s, readers in SCHEMA_READERS.items() if role in readers}


def test_every_role_reads_exactly_its_schemas(pg_with_tiers):
    relations = _relations(pg_with_tiers)
    by_schema = {s: sum(1 for schema, _ in relations if schema == s) for s in WAREHOUSE_SCHEMAS}
    assert all(by_schema[s] > 0 for s in WAREHOUSE_SCHEMAS), f"every schema must hold relations: {by_schema}"
    wrong, tried = [], {}
    for role, allowed in ALLOWED.items():
        counts = {"allowed": 0, "denied": 0}
        for schema, relation in relations:
            readable = _can_read(pg_with_tiers, role, schema, relation)
            counts["allowed" if readable else "denied"] += 1
            if readable != (schema in allowed):
                wrong.append((role, schema, relation, readable))
        tried[role] = counts
    print(f"\nrelations per schema: {by_schema}\naccess tried: {tried}")
    assert not wrong, f"access differs from the design: {wrong[:10]}"


def test_a_model_built_after_setup_inherits_the_grants(pg_with_tiers):
    """New tables get the right grants without anyone adding them (default privileges)."""
    conn = psycopg2.connect(
        host=pg_with_tiers.pg_host, port=pg_with_tiers.pg_port, user="postgres", dbname=pg_with_tiers.pg_database
    )
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("create table marts.zz_new_model as select 1 as x")
            cur.execute("create table raw_cad.zz_new_raw as select 1 as x")
        assert _can_read(pg_with_tiers, "analyst", "marts", "zz_new_model")
        assert not _can_read(pg_with_tiers, "public_reader", "marts", "zz_new_model")
        assert not _can_read(pg_with_tiers, "analyst", "raw_cad", "zz_new_raw")
    finally:
        with conn.cursor() as cur:
            cur.execute("drop table if exists marts.zz_new_model")
            cur.execute("drop table if exists raw_cad.zz_new_raw")
        conn.close()
