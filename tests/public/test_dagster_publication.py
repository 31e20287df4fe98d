"""Through Dagster, as `make demo` runs it: the suppression decisions asset, then the dbt step that
builds the public tables as candidates and swaps them in. The published tables equal what the
decisions say, and no candidate table is left behind."""

from __future__ import annotations

import shutil

import dagster as dg
import duckdb

from orchestration.public_tables.assets import build_public_tables_dbt_assets, suppression_decisions
from orchestration.transform.assets import dbt_resource


def test_decisions_then_dbt_publish_the_public_tables(duckdb_default, tmp_path, monkeypatch):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(duckdb_default.warehouse.duckdb_path, warehouse)
    monkeypatch.setenv("ARP_TARGET", "duckdb")
    monkeypatch.setenv("ARP_DUCKDB_PATH", str(warehouse))
    monkeypatch.setenv("DBT_LOG_PATH", str(tmp_path / "logs"))
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "target"))
    result = dg.materialize(
        [suppression_decisions, build_public_tables_dbt_assets()],
        resources={"dbt": dbt_resource()},
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert {
        "suppression/cell_decisions",
        "public_marts/pub_metric_values",
        "public_marts/pub_people_served_demographics",
        "public_marts/pub_staff_demographics",
    } <= materialized
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = {
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'public_marts'"
            ).fetchall()
        }
        assert not {t for t in tables if t.endswith("__candidate")}, tables
        # every published metric row is its candidate cell, hidden exactly where the decisions say
        mismatched = con.execute("""
            select count(*) from public_candidates.candidate_metric_cells as c
            join suppression.cell_decisions as d on d.cell_set = 'metric' and d.cell_id = c.cell_id
            left join public_marts.pub_metric_values as p
              on p.metric_id = c.metric_id and p.period_grain = c.period_grain and p.period_start = c.period_start
             and p.program = c.program and p.dimension = c.dimension and p.dimension_value = c.dimension_value
            where p.metric_id is null or p.is_suppressed <> d.is_suppressed
               or (not d.is_suppressed and p.value is distinct from c.published_value)
               or (d.is_suppressed and p.value is not null)""").fetchone()[0]
        assert mismatched == 0
        comment = con.execute(
            "select comment from duckdb_tables() where schema_name = 'public_marts' "
            "and table_name = 'pub_metric_values'"
        ).fetchone()[0]
        assert comment and "Every catalog metric" in comment, "the dbt description did not survive the swap"
