"""`dbt build` (models, seeds, dbt tests and unit tests) on DuckDB and PostgreSQL from the same city.

* every raw row is either staged or quarantined with a reason (raw = staged + quarantined);
* the required dbt unit tests ran and passed;
* every mart is identical on both engines, row for row (floats to 1e-9 relative).
"""

from __future__ import annotations

import json

import pytest

from orchestration.contract import load_contracts

from .compare import table_differences
from .dbt_runner import list_tables, read_sql

REQUIRED_UNIT_TESTS = {
    "calls_about_one_incident_collapse_to_one_row",
    "eligibility_follows_the_rule_in_force_on_the_local_date",
    "linkage_falls_back_to_unit_time_and_location",
    "fellegi_sunter_probability_from_m_and_u",
    "linkage_prefers_review_then_rules_then_the_model",
    "response_time_across_the_fall_back_dst_change",
    "police_hours_saved_follows_durhams_formula",
    "comparative_rates_set_in_person_responses_against_forgone",
    "eligibility_is_judged_on_what_was_known_at_dispatch",
    "time_on_task_sums_every_heart_unit_only_when_all_are_timed",
    "ems_support_counts_what_the_team_asked_for",
    "eligible_response_time_uses_valid_times_of_eligible_calls",
    "follow_ups_transports_and_contacts_count_what_durham_counts",
    "forgone_availability_from_the_status_history",
    "forgone_availability_estimated_from_assignments",
    "familiar_caller_rule_three_incidents_in_ninety_days",
}


def _staging_prefix(system: str) -> str:
    return {"cad_replica": "cad", "case_management": "cms"}[system]


def test_every_raw_row_is_staged_or_quarantined(duckdb_default):
    wh = duckdb_default.warehouse
    problems, quarantined_total = [], 0
    for system in load_contracts().values():
        for table in system.tables:
            src = _staging_prefix(system.name)
            counts = read_sql(
                wh,
                f"""
                select
                    (select count(*) from {system.raw_schema}.{table.name}) as raw_rows,
                    (select count(*) from staging.stg_{src}__{table.name}) as staged_rows,
                    (select count(*) from staging.quarantine_{src}__{table.name}) as quarantined_rows
            """,
            ).iloc[0]
            quarantined_total += int(counts.quarantined_rows)
            if int(counts.raw_rows) != int(counts.staged_rows) + int(counts.quarantined_rows):
                problems.append(
                    f"{system.raw_schema}.{table.name}: raw {counts.raw_rows} != staged "
                    f"{counts.staged_rows} + quarantined {counts.quarantined_rows}"
                )
            assert int(counts.raw_rows) == duckdb_default.raw_counts[f"{system.raw_schema}.{table.name}"]
    assert not problems, "\n".join(problems)
    # the default defects include duplicate calls: the quarantine must not be empty
    assert quarantined_total > 0, "default defects were generated but nothing was quarantined"
    reasons = read_sql(wh, "select distinct quarantine_reason from staging.stg_quarantine")
    assert reasons["quarantine_reason"].notna().all()


def test_required_unit_tests_ran_and_passed(duckdb_default):
    results = json.loads((duckdb_default.warehouse.work_dir / "target" / "run_results.json").read_text())
    unit = {
        r["unique_id"].split(".")[-1]: r["status"]
        for r in results["results"]
        if r["unique_id"].startswith("unit_test.")
    }
    missing = REQUIRED_UNIT_TESTS - set(unit)
    assert not missing, f"dbt unit tests not found in the build: {sorted(missing)}"
    failed = {name: status for name, status in unit.items() if status != "pass"}
    assert not failed, f"dbt unit tests did not pass: {failed}"


def test_no_person_identifier_leaves_raw(duckdb_default):
    """Phone numbers, names and notes from raw never appear in staging, intermediate or marts."""
    wh = duckdb_default.warehouse
    secrets = set()
    for sql in (
        "select caller_phone as v from raw_cad.calls where caller_phone is not null",
        "select last_name as v from raw_cms.people where last_name is not null",
        "select phone as v from raw_cms.people where phone is not null",
        "select note as v from raw_cms.encounters where note is not null",
    ):
        secrets |= set(read_sql(wh, sql)["v"])
    assert secrets, "the generated city has no PII to check against"
    leaks = []
    for schema in ("staging", "intermediate", "marts"):
        columns = read_sql(
            wh,
            "select table_name, column_name from information_schema.columns "
            f"where table_schema = '{schema}' and data_type = 'VARCHAR'",
        )
        for table, group in columns.groupby("table_name"):
            for column in group["column_name"]:
                values = set(read_sql(wh, f'select distinct "{column}" as v from {schema}.{table}')["v"])
                hit = values & secrets
                if hit:
                    leaks.append(f"{schema}.{table}.{column}: {len(hit)} raw PII values, e.g. {sorted(hit)[0]!r}")
    assert not leaks, "\n".join(leaks)


@pytest.mark.postgres
def test_every_mart_is_identical_on_duckdb_and_postgresql(duckdb_default, postgres_default):
    duck, pg = duckdb_default.warehouse, postgres_default.warehouse
    duck_tables, pg_tables = list_tables(duck, "marts"), list_tables(pg, "marts")
    assert duck_tables == pg_tables, f"marts differ: duckdb {duck_tables}, postgresql {pg_tables}"
    assert "fct_incidents" in duck_tables and "fct_metric_values" in duck_tables
    problems = []
    for table in duck_tables:
        order = f"select * from marts.{table}"
        problems += table_differences(read_sql(duck, order), read_sql(pg, order), f"marts.{table}")
    print(
        f"\ndbt build: duckdb {duckdb_default.build_seconds:.1f}s, postgresql {postgres_default.build_seconds:.1f}s; "
        f"{len(duck_tables)} marts compared"
    )
    assert not problems, "\n".join(problems[:40])


def test_person_identifiers_are_keyed_hashes_with_the_key_from_the_environment(duckdb_default):
    """caller_key = sha256(key || sha256(key || last 10 digits of the phone)), key = ARP_HASH_KEY
    (unset in the tests, so the documented demo default)."""
    import hashlib
    import os
    import re

    key = os.environ.get("ARP_HASH_KEY", "arp-demo-key-not-secret")
    wh = duckdb_default.warehouse
    rows = read_sql(
        wh,
        """
        select raw.caller_phone, staged.caller_key
        from raw_cad.calls as raw
        inner join staging.stg_cad__calls as staged on raw.call_id = staged.call_id
        where raw.caller_phone is not null
        limit 50
    """,
    )
    assert len(rows) > 0
    for phone, caller_key in rows.itertuples(index=False):
        digits = re.sub(r"[^0-9]", "", phone)[-10:]
        inner = hashlib.sha256((key + digits).encode()).hexdigest()
        assert caller_key == hashlib.sha256((key + inner).encode()).hexdigest(), (
            f"stg_cad__calls.caller_key for phone {phone!r} is not the keyed hash"
        )
