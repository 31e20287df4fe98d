"""The suites as Dagster asset checks: listed on their assets, and in a real materialization a
failing blocking check stops what is downstream of its asset while a failing warning does not."""

from __future__ import annotations

import dagster as dg
import sqlalchemy as sa

from orchestration.ingest.resources import IngestResource
from orchestration.quality.checks import build_asset_checks
from orchestration.quality.suites import load_suites
from tests.quality.builders import good_rows, with_changes

SUITES = {a.label: a for a in load_suites()}


def test_code_location_lists_every_check_on_its_asset_with_its_severity():
    from orchestration.definitions import defs

    graph = defs().resolve_asset_graph()
    check_keys = set(graph.asset_check_keys)
    for asset in SUITES.values():
        for check in asset.checks:
            key = dg.AssetCheckKey(dg.AssetKey(list(asset.asset_key)), check.name)
            assert key in check_keys, f"{key.to_user_string()} is not in the code location"
            spec = graph.get_check_spec(key)
            assert spec.blocking == (check.severity == "error"), key.to_user_string()
            assert spec.metadata["severity"] == check.severity
    ours = {dg.AssetCheckKey(dg.AssetKey(list(a.asset_key)), c.name) for a in SUITES.values() for c in a.checks}
    raw = {k for k in ours if k.asset_key.path[0] in ("raw_cad", "raw_cms")}
    assert raw and all(graph.has(k.asset_key) for k in raw), "raw checks must sit on the ingestion assets"
    if graph.has(dg.AssetKey(["marts", "fct_incidents"])):  # once the dbt assets are in the code location
        dangling = sorted(k.to_user_string() for k in ours if not graph.has(k.asset_key))
        assert dangling == [], f"checks on assets the code location does not define: {dangling}"


def _resource(crafted) -> IngestResource:
    d = crafted.warehouse.destination
    if d.kind == "duckdb":
        return IngestResource(target="duckdb", duckdb_path=str(d.duckdb_path))
    return IngestResource(target="postgres", pg_database=d.pg_database)


def _materialize(crafted, rows, column_types=None, labels=("raw_cad.incidents",)):
    """Raw incidents asset (writes the crafted raw tables) -> its GX checks -> a downstream asset."""

    @dg.asset(key=["raw_cad", "incidents"])
    def raw_incidents():
        engine = sa.create_engine(crafted.url)
        try:
            from tests.quality.builders import write_raw_tables

            write_raw_tables(engine, rows, column_types=column_types)
        finally:
            engine.dispose()

    @dg.asset(key=["staging", "stg_cad__incidents"], deps=[raw_incidents])
    def staged_incidents():
        return dg.MaterializeResult(metadata={"ran": True})

    checks = build_asset_checks([SUITES[label] for label in labels], results_dir=None)
    return dg.materialize(
        [raw_incidents, staged_incidents, *checks],
        resources={"ingest": _resource(crafted)},
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )


def _evaluations(result) -> dict[str, dg.AssetCheckEvaluation]:
    return {e.check_name: e for e in result.get_asset_check_evaluations()}


def _materialized(result) -> set[str]:
    return {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}


def test_checks_pass_and_downstream_runs_on_good_data(crafted):
    result = _materialize(crafted, good_rows())
    evaluations = _evaluations(result)
    assert set(evaluations) == {c.name for c in SUITES["raw_cad.incidents"].checks}
    assert all(e.passed for e in evaluations.values()), {n: e.description for n, e in evaluations.items()}
    assert _materialized(result) == {"raw_cad/incidents", "staging/stg_cad__incidents"}
    assert evaluations["gx_schema"].metadata["warehouse"].value == crafted.warehouse.describe()


def test_failing_blocking_check_stops_the_downstream_asset(crafted):
    # A contract breach: priority arrives as text instead of an integer.
    result = _materialize(crafted, good_rows(days=7), column_types={("incidents", "priority"): sa.Text()})
    schema = _evaluations(result)["gx_schema"]
    assert not schema.passed and schema.severity == dg.AssetCheckSeverity.ERROR
    assert "priority" in schema.metadata["failures"].value
    assert _materialized(result) == {"raw_cad/incidents"}, "the staged asset must not run after a blocking failure"
    assert not result.success


def test_failing_warning_reports_but_downstream_still_runs(crafted):
    rows = with_changes(good_rows(days=7), "incidents", 0, call_origin="PIGEON")
    result = _materialize(crafted, rows)
    evaluations = _evaluations(result)
    codes = evaluations["gx_codes"]
    assert not codes.passed and codes.severity == dg.AssetCheckSeverity.WARN
    assert codes.metadata["unexpected_rows"].value == 1
    assert "PIGEON" in codes.metadata["failures"].value
    assert evaluations["gx_schema"].passed
    assert _materialized(result) == {"raw_cad/incidents", "staging/stg_cad__incidents"}
    assert result.success


def test_check_that_cannot_run_fails_as_declared_naming_the_table(crafted):
    # The staged table the reconciliation reads was never built: the check fails (blocking, so
    # with ERROR severity) instead of crashing the step, and says which table is missing. The
    # PostgreSQL database is the session's, where another test may have built the table: drop it.
    if crafted.warehouse.destination.kind == "postgres":
        engine = sa.create_engine(crafted.url)
        try:
            with engine.begin() as con:
                con.exec_driver_sql("drop table if exists staging.stg_cad__incidents cascade")
        finally:
            engine.dispose()
    result = _materialize(crafted, good_rows(days=7), labels=("staging.stg_cad__incidents",))
    evaluation = _evaluations(result)["gx_reconciliation"]
    assert not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR
    assert "stg_cad__incidents" in (evaluation.description or "") + str(evaluation.metadata.get("failures", ""))
