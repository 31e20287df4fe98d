"""The dbt project as Dagster assets: keys, lineage to the ingest assets, dbt tests as asset checks,
and a real materialization through Dagster (dbt CLI against a DuckDB warehouse)."""

from __future__ import annotations

import shutil

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.contract import load_contracts
from orchestration.transform.defs import defs
from orchestration.transform.project import dbt_executable, dbt_project


def _graph():
    return defs().resolve_asset_graph()


def test_every_model_is_an_asset_keyed_by_schema_and_sources_map_to_ingest_assets():
    graph = _graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    for expected in (
        "marts/fct_incidents",
        "marts/fct_metric_values",
        "marts/dim_metric",
        "staging/stg_cad__incidents",
        "staging/quarantine_cad__incidents",
        "intermediate/int_encounters_linked",
        "staging/metric_catalog",
    ):
        assert expected in keys, f"asset {expected} missing from the dbt assets"
    # every contract table is an upstream dependency keyed like the ingest asset that loads it
    base = graph.get(dg.AssetKey(["staging", "base_cad__incidents"]))
    assert dg.AssetKey(["raw_cad", "incidents"]) in base.parent_keys
    for system in load_contracts().values():
        for table in system.tables:
            assert (
                dg.AssetKey([system.raw_schema, table.name]) in keys or f"{system.raw_schema}/{table.name}" in keys
            ), f"no asset for {system.raw_schema}.{table.name}"


def test_dbt_tests_are_asset_checks_and_layers_are_groups():
    graph = _graph()
    checks = {(c.asset_key.to_user_string(), c.name) for c in graph.asset_check_keys}
    assert ("marts/fct_incidents", "unique_fct_incidents_incident_number") in checks
    assert any(
        asset == "staging/base_cad__incidents" and name.startswith("raw_rows_reconcile") for asset, name in checks
    )
    fct = graph.get(dg.AssetKey(["marts", "fct_incidents"]))
    assert fct.group_name == "dbt_marts"
    assert graph.get(dg.AssetKey(["staging", "call_types"])).group_name == "reference_data"


def test_materializing_staging_through_dagster_runs_dbt_and_its_checks(duckdb_default, tmp_path, monkeypatch):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(duckdb_default.warehouse.duckdb_path, warehouse)
    monkeypatch.setenv("ARP_DUCKDB_PATH", str(warehouse))
    monkeypatch.setenv("DBT_LOG_PATH", str(tmp_path / "logs"))
    selection = dg.AssetSelection.assets(
        dg.AssetKey(["staging", "call_types"]),
        dg.AssetKey(["staging", "base_cad__call_types"]),
        dg.AssetKey(["staging", "base_cad__incidents"]),
        dg.AssetKey(["staging", "stg_cad__incidents"]),
        dg.AssetKey(["staging", "quarantine_cad__incidents"]),
    )
    from orchestration.transform.assets import build_dbt_assets

    result = dg.materialize(
        [build_dbt_assets()],
        selection=selection,
        resources={"dbt": DbtCliResource(project_dir=dbt_project(), target="duckdb", dbt_executable=dbt_executable())},
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert {"staging/base_cad__incidents", "staging/stg_cad__incidents"} <= materialized
    evaluations = [e.event_specific_data for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"]
    assert evaluations, "the dbt tests of the selected models did not report as asset checks"
    failed = [f"{ev.asset_key.to_user_string()}:{ev.check_name}" for ev in evaluations if not ev.passed]
    assert not failed, f"asset checks failed: {failed}"
