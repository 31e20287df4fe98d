"""The suite files parse, build into real GX expectations on both engines, and come from the
contract and the seeds rather than from hand-kept lists."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from orchestration import contract
from orchestration.paths import seeds_dir
from orchestration.quality.settings import QualityConfigError, load_settings
from orchestration.quality.suites import (
    REQUIRED_CHECK,
    SCHEMA_CHECK,
    ResolveContext,
    expectations_by_batch,
    load_suites,
    seed_values,
)


@pytest.fixture(scope="module")
def suites():
    return load_suites()


def test_every_raw_table_of_the_contract_has_a_suite_with_generated_schema_checks(suites):
    by_key = {a.asset_key: a for a in suites}
    for system in contract.load_contracts().values():
        for table in system.tables:
            asset = by_key[(system.raw_schema, table.name)]
            schema = asset.check(SCHEMA_CHECK)
            assert schema.blocking, f"{asset.label}: a contract breach must block"
            typed = {
                e.kwargs["column"]: e.kwargs["type_list"]
                for e in schema.expectations
                if e.type == "expect_column_values_to_be_in_type_list"
            }
            assert typed == {c.name: {"logical_type": c.type} for c in table.columns}
            column_set = next(e for e in schema.expectations if e.type == "expect_table_columns_to_match_set")
            assert column_set.kwargs["column_set"] == table.column_names
            required = {
                e.kwargs["column"]
                for e in asset.check(REQUIRED_CHECK).expectations
                if e.type == "expect_column_values_to_not_be_null" and "mostly" not in e.kwargs
            }
            assert required == {c.name for c in table.columns if not c.nullable}


def test_staged_tables_reconcile_and_key_marts_are_covered(suites):
    labels = {a.label for a in suites}
    for system, prefix in (("cad_replica", "cad"), ("case_management", "cms")):
        for table in contract.get_system(system).tables:
            asset = next(a for a in suites if a.label == f"staging.stg_{prefix}__{table.name}")
            assert asset.check("gx_reconciliation").blocking
            assert asset.vars["raw"] == f"{contract.get_system(system).raw_schema}.{table.name}"
    assert {"marts.fct_incidents", "marts.fct_encounters", "marts.fct_metric_values"} <= labels


@pytest.mark.parametrize("engine", ["duckdb", "postgres"])
def test_every_suite_builds_into_gx_expectations_with_unique_identities(suites, engine):
    ctx = ResolveContext(engine=engine, settings=load_settings())
    seen = set()
    for asset in suites:
        built = expectations_by_batch(asset, ctx)
        assert set(built) <= set(asset.batches), asset.label
        for batch, expectations in built.items():
            for e in expectations:
                assert e.meta["check"] in {c.name for c in asset.checks}
                ident = (
                    asset.suite_name(batch),
                    e.meta["check"],
                    e.expectation_type,
                    e.description
                    or getattr(e, "column", None)
                    or str(getattr(e, "column_A", "")) + str(getattr(e, "column_B", "")),
                )
                assert ident not in seen, f"two expectations would be indistinguishable: {ident}"
                seen.add(ident)
    assert len(seen) > 150


def test_code_sets_come_from_the_seed_files(suites):
    ctx = ResolveContext(engine="duckdb", settings=load_settings())
    incidents = next(a for a in suites if a.label == "raw_cad.incidents")
    built = expectations_by_batch(incidents, ctx, checks=["gx_codes"])["table"]
    origin = next(e for e in built if e.column == "call_origin")
    assert sorted(origin.value_set) == sorted(seed_values(seeds_dir(), "call_origins", "call_origin"))
    assert "911" in origin.value_set and "SELF_INITIATED" in origin.value_set


def test_type_names_differ_per_engine_but_come_from_the_logical_type(suites):
    units = next(a for a in suites if a.label == "raw_cad.units")
    for engine, expected in (("duckdb", ["Date"]), ("postgres", ["DATE"])):
        built = expectations_by_batch(
            units, ResolveContext(engine=engine, settings=load_settings()), checks=[SCHEMA_CHECK]
        )["table"]
        in_service = next(
            e
            for e in built
            if getattr(e, "column", None) == "in_service_from"
            and e.expectation_type == "expect_column_values_to_be_in_type_list"
        )
        assert in_service.type_list == expected


def test_settings_come_from_the_file_and_the_environment():
    base = load_settings(environ={})
    assert base.max_response_minutes == 240 and base.freshness_max_age_hours is None
    live = load_settings(environ={"ARP_QUALITY_FRESHNESS_MAX_AGE_HOURS": "2"})
    assert live.freshness_max_age_hours == 2
    with pytest.raises(QualityConfigError, match="settings.yml"):
        _ = base.no_such_setting


def test_freshness_threshold_is_rendered_from_settings_and_clock(suites):
    incidents = next(a for a in suites if a.label == "raw_cad.incidents")
    now = dt.datetime(2025, 3, 1, 12, 0, 0)
    live = ResolveContext(
        engine="postgres", settings=load_settings(environ={"ARP_QUALITY_FRESHNESS_MAX_AGE_HOURS": "2"}), now_utc=now
    )
    query = next(
        e
        for e in expectations_by_batch(incidents, live, ["gx_freshness"])["table"]
        if e.expectation_type == "unexpected_rows_expectation"
    ).unexpected_rows_query
    assert "2025-03-01 10:00:00" in query
    batch = ResolveContext(engine="postgres", settings=load_settings(environ={}), now_utc=now)
    query = next(
        e
        for e in expectations_by_batch(incidents, batch, ["gx_freshness"])["table"]
        if e.expectation_type == "unexpected_rows_expectation"
    ).unexpected_rows_query
    assert "having 1 = 0" in query  # batch mode: reported, never failing


def test_a_malformed_suite_file_is_rejected_naming_file_asset_and_entry(tmp_path: Path):
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "assets:\n  - asset: [raw_cad, incidents]\n    table: raw_cad.incidents\n    checks:\n"
        "      - {name: gx_x, severity: fatal, expectations: [{expect_column_to_exist: {column: a}}]}\n"
    )
    with pytest.raises(QualityConfigError, match=r"bad.yml: asset raw_cad.incidents .*severity 'fatal'"):
        load_suites(tmp_path)
    bad.write_text(
        "assets:\n  - asset: [raw_cad, incidents]\n    table: raw_cad.incidents\n    checks:\n"
        "      - {name: gx_x, severity: warn, expectations: [{expect_column_to_exist: {column: a, batch: nope}}]}\n"
    )
    with pytest.raises(QualityConfigError, match="unknown batch 'nope'"):
        load_suites(tmp_path)
    bad.write_text(
        "assets:\n  - asset: [raw_cad, incidents]\n    table: raw_cad.incidents\n    checks:\n"
        "      - {name: gx_x, severity: warn, expectations: [{expect_the_impossible: {column: a}}]}\n"
    )
    asset = load_suites(tmp_path)[0]
    with pytest.raises(
        QualityConfigError, match=r"bad.yml: asset raw_cad.incidents: check gx_x: unknown .*expect_the_impossible"
    ):
        expectations_by_batch(asset, ResolveContext(engine="duckdb", settings=load_settings()))
