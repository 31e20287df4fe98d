"""The dbt project as Dagster assets: keys, lineage to the ingest assets, dbt tests as asset checks,
and a real materialization through Dagster (dbt CLI against a DuckDB warehouse)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import dagster as dg
import duckdb
from dagster_dbt import DbtCliResource

from orchestration.contract import load_contracts
from orchestration.transform.assets import dbt_resource
from orchestration.transform.defs import defs
from orchestration.transform.project import dbt_beside_python, dbt_executable, dbt_project


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
        resources={"dbt": dbt_resource()},
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert {"staging/base_cad__incidents", "staging/stg_cad__incidents"} <= materialized
    evaluations = [e.event_specific_data for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"]
    assert evaluations, "the dbt tests of the selected models did not report as asset checks"
    failed = [f"{ev.asset_key.to_user_string()}:{ev.check_name}" for ev in evaluations if not ev.passed]
    assert not failed, f"asset checks failed: {failed}"


SOURCE_CHECK = dg.AssetCheckKey(dg.AssetKey(["raw_cad", "incidents"]), "source_not_null_raw_cad_incidents_created_at")


def test_source_tests_are_checks_of_the_raw_assets_the_loader_writes():
    graph = _graph()
    assert SOURCE_CHECK in graph.asset_check_keys
    raw_checks = {key for key in graph.asset_check_keys if key.asset_key.path[0] in ("raw_cad", "raw_cms")}
    assert dg.AssetCheckKey(
        dg.AssetKey(["raw_cms", "encounters"]), "source_not_null_raw_cms_encounters_encounter_id"
    ) in (raw_checks)
    # Every dbt test written on a raw_* source (and on nothing else) is one of them.
    manifest = json.loads(dbt_project().manifest_path.read_text())
    source_tests = {
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test"
        and node["depends_on"]["nodes"]
        and all(
            d.startswith(("source.alt_response.raw_cad.", "source.alt_response.raw_cms."))
            for d in node["depends_on"]["nodes"]
        )
    }
    assert source_tests and source_tests <= {key.name for key in raw_checks}
    # Dagster does not gate on them (dbt's build does): a blocking dbt check on a raw asset whose
    # blocking Great Expectations checks the dbt step waits for would make the step graph a cycle.
    from orchestration.transform.assets import build_dbt_assets

    specs = {spec.key: spec for spec in build_dbt_assets().check_specs}
    assert specs[SOURCE_CHECK].blocking is False
    assert specs[
        dg.AssetCheckKey(dg.AssetKey(["marts", "fct_incidents"]), "unique_fct_incidents_incident_number")
    ].blocking


def test_a_city_without_case_management_expects_no_check_its_build_does_not_run(monkeypatch):
    # A CAD-only city leaves the tests of its empty case-management tables out of dbt's selection;
    # a check expected for one of them would never report (and Dagster warns about each).
    monkeypatch.setenv("ARP_CITY_MISSING_DATA", "cms.encounters,cms.people")
    from orchestration.transform.assets import build_dbt_assets
    from orchestration.transform.city_tests import city_skipped_tests

    assets = build_dbt_assets()
    skipped = set(city_skipped_tests(dbt_project().manifest_path))
    expected = {key.name for key in assets.check_keys}
    assert skipped and not (skipped & expected), sorted(skipped & expected)[:5]
    assert not any(
        key.asset_key.path in (["raw_cms", "encounters"], ["raw_cms", "people"]) for key in assets.check_keys
    )
    assert SOURCE_CHECK in assets.check_keys


def test_a_violated_source_test_fails_its_check_on_the_raw_asset(duckdb_default, tmp_path, monkeypatch):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(duckdb_default.warehouse.duckdb_path, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        (planted,) = con.execute(
            "update raw_cad.incidents set created_at = null "
            "where incident_number = (select min(incident_number) from raw_cad.incidents) returning incident_number"
        ).fetchone()
    assert planted
    monkeypatch.setenv("ARP_DUCKDB_PATH", str(warehouse))
    monkeypatch.setenv("DBT_LOG_PATH", str(tmp_path / "logs"))
    from orchestration.transform.assets import build_dbt_assets

    result = dg.materialize(
        [build_dbt_assets()],
        selection=dg.AssetSelection.assets(dg.AssetKey(["staging", "base_cad__incidents"])),
        resources={"dbt": dbt_resource()},
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    outcomes = {
        dg.AssetCheckKey(ev.asset_key, ev.check_name): ev.passed
        for ev in (e.event_specific_data for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION")
    }
    assert outcomes.get(SOURCE_CHECK) is False, f"the planted null was not reported on raw_cad/incidents: {outcomes}"
    # The other not_null of the same table still passes: the failure is the planted row's, not the wiring's.
    unique_key = dg.AssetCheckKey(SOURCE_CHECK.asset_key, "source_not_null_raw_cad_incidents_incident_number")
    assert outcomes.get(unique_key) is True, outcomes


def test_the_dbt_version_read_in_process_is_what_dbt_version_prints():
    """The run's resource skips dagster-dbt's `dbt --version` process; the version it reads instead
    must be the one that process would have printed (dagster-dbt picks its event handling by it)."""
    assert Path(dbt_executable()) == dbt_beside_python(), "the project's dbt is the one beside this Python"
    in_process = dbt_resource()._cli_version
    from_the_cli = DbtCliResource(project_dir=dbt_project(), dbt_executable=dbt_executable())._cli_version
    assert str(in_process) == str(from_the_cli)
