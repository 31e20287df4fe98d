"""The planner on PostgreSQL: the same inputs as from DuckDB, and the results table written there."""

from __future__ import annotations

import pytest
from transform.dbt_runner import PG_HOST, PG_PORT, PG_USER

from orchestration.planning.inputs import read_inputs
from orchestration.planning.outputs import SCHEMA, TABLE, write_table
from orchestration.planning.report import plan
from orchestration.planning.scenario import SCENARIO_DIR, load_scenario
from orchestration.warehouse.connections import connect
from orchestration.warehouse.destination import Destination

pytestmark = pytest.mark.postgres


def test_postgres_gives_the_same_inputs_and_takes_the_table(duckdb_default, postgres_default):
    pg = Destination.postgres(
        database=postgres_default.warehouse.pg_database,
        pg_host=PG_HOST,
        pg_port=PG_PORT,
        pg_user=PG_USER,
        pg_password="",
    )
    ours, theirs = read_inputs(pg), read_inputs(Destination.duckdb(duckdb_default.warehouse.duckdb_path))
    assert len(ours.calls) == len(theirs.calls) and ours.observed.shape == theirs.observed.shape
    assert ours.unstaffed_share == pytest.approx(theirs.unstaffed_share)
    assert ours.police_minutes_per_unit == pytest.approx(theirs.police_minutes_per_unit)
    report = plan(load_scenario(SCENARIO_DIR / "baseline.yml"), ours, seeds=2)
    rows = write_table([report], pg)
    with connect(pg) as con:
        cur = con.cursor()
        cur.execute(f"select count(*), count(distinct figure) from {SCHEMA}.{TABLE} where scenario = 'baseline'")
        assert cur.fetchone() == (rows, rows)
