"""The plain loader (`load_sources`) on DuckDB and PostgreSQL, from contract-shaped fixtures."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from orchestration.contract import get_system
from orchestration.ingest import ContractMismatch, load_sources
from orchestration.ingest.warehouse import ENGINE_TYPES, connect
from tests.ingest.contract_fixture import write_fixture_sources
from tests.ingest.helpers import (
    assert_raw_equals_source,
    changed_rows,
    raw_snapshot,
    source_snapshot,
    warehouse_types,
)


def test_full_then_incremental_load_is_exact(tmp_path, warehouse):
    cad, cms = write_fixture_sources(tmp_path / "sources", rows=25)
    urls = {"cad_replica": cad.url, "case_management": cms.url}

    first = load_sources(cad.url, cms.url, warehouse)
    assert first.rows_loaded["raw_cad.incidents"] == 25
    tables = len(get_system("cad_replica").tables) + len(get_system("case_management").tables)
    assert first.total_loaded == 25 * tables
    assert_raw_equals_source(warehouse, urls)

    again = load_sources(cad.url, cms.url, warehouse)
    assert again.total_loaded == 0, again.summary()

    before = source_snapshot(cad.url, "cad_replica")
    cad.append("incidents", 4)
    cad.update("incidents", [1, 2, 3], "final_call_type", "RECLASSIFIED")  # reclassified call type
    cad.update("unit_assignments", [5], "cleared_at", None)  # late clear-time change
    cad.update("incidents", [10], "final_call_type", None)  # value -> null is a change
    expected = changed_rows(before, source_snapshot(cad.url, "cad_replica"))
    assert expected["incidents"] == 8 and expected["unit_assignments"] == 1

    third = load_sources(cad.url, cms.url, warehouse)
    loaded = {k.split(".")[1]: v for k, v in third.rows_loaded.items() if k.startswith("raw_cad.")}
    assert loaded == expected
    assert third.table("raw_cad.incidents").rows_updated == 4
    assert third.table("raw_cad.incidents").rows_inserted == 4
    assert third.rows_loaded["raw_cms.people"] == 0
    assert_raw_equals_source(warehouse, urls)
    assert load_sources(cad.url, cms.url, warehouse).total_loaded == 0


def test_raw_tables_carry_contract_types(tmp_path, warehouse):
    cad, cms = write_fixture_sources(tmp_path / "sources", rows=3)
    load_sources(cad.url, cms.url, warehouse)
    engine_types = {k: v.lower() for k, v in ENGINE_TYPES[warehouse.kind].items()}
    for system_name in ("cad_replica", "case_management"):
        system = get_system(system_name)
        for table in system.tables:
            actual = warehouse_types(warehouse, system.raw_schema, table.name)
            expected = {c.name: engine_types[c.type] for c in table.columns}
            assert actual == expected, f"{system.raw_schema}.{table.name}"


def test_losing_the_warehouse_means_a_full_reload(tmp_path, duck):
    # The cursor lives in the warehouse, so a fresh warehouse can never be skipped as "up to date".
    cad, cms = write_fixture_sources(tmp_path / "sources", rows=5)
    load_sources(cad.url, cms.url, duck)
    duck.duckdb_path.unlink()
    tables = len(get_system("cad_replica").tables) + len(get_system("case_management").tables)
    assert load_sources(cad.url, cms.url, duck).total_loaded == 5 * tables


def test_duplicate_source_key_fails_and_loads_nothing(tmp_path, duck):
    cad, cms = write_fixture_sources(tmp_path / "sources", rows=5)
    load_sources(cad.url, cms.url, duck)
    before = raw_snapshot(duck, "cad_replica")
    # A source without a primary key constraint can hold the same incident twice.
    with cad.engine.begin() as conn:
        ddl = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'calls'").scalar()
        conn.exec_driver_sql(re.sub(r",\s*PRIMARY KEY \(call_id\)", "", ddl).replace("calls", "calls_copy", 1))
        conn.exec_driver_sql("INSERT INTO calls_copy SELECT * FROM calls")
        conn.exec_driver_sql("DROP TABLE calls")
        conn.exec_driver_sql("ALTER TABLE calls_copy RENAME TO calls")
        conn.exec_driver_sql("INSERT INTO calls SELECT * FROM calls WHERE call_id = 1")
        conn.exec_driver_sql("UPDATE calls SET updated_at = '2030-01-01 00:00:00.000000'")
    cad.append("incidents", 2)
    with pytest.raises(ContractMismatch, match=r"calls\.call_id: duplicate primary key \(call_id=1, 2 rows\)"):
        load_sources(cad.url, cms.url, duck)
    assert raw_snapshot(duck, "cad_replica") == before  # the two new incidents were rolled back too


def test_a_future_timestamp_does_not_hide_later_changes(tmp_path, duck):
    cad, cms = write_fixture_sources(tmp_path / "sources", rows=5)
    load_sources(cad.url, cms.url, duck)
    with cad.engine.begin() as conn:  # a clock error at the source
        conn.exec_driver_sql(
            "UPDATE incidents SET updated_at = '2099-01-01 00:00:00' WHERE incident_number = "
            "(SELECT min(incident_number) FROM incidents)"
        )
    assert load_sources(cad.url, cms.url, duck).rows_loaded["raw_cad.incidents"] == 1
    # An ordinary change made now: before the fix the window started in 2099 and missed it.
    cad.clock = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=1)
    cad.update("incidents", [3], "disposition", "ARREST")
    assert load_sources(cad.url, cms.url, duck).rows_loaded["raw_cad.incidents"] == 1
    assert_raw_equals_source(duck, {"cad_replica": cad.url})


def test_rows_without_a_cursor_value_are_still_loaded_once(tmp_path, duck):
    cad, cms = write_fixture_sources(tmp_path / "sources", rows=5)
    with cms.engine.begin() as conn:  # breaks the contract (updated_at NOT NULL) in a lax source
        ddl = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'staff'").scalar()
        conn.exec_driver_sql(
            ddl.replace("staff", "staff_lax", 1).replace("updated_at DATETIME NOT NULL", "updated_at DATETIME")
        )
        conn.exec_driver_sql("INSERT INTO staff_lax SELECT * FROM staff")
        conn.exec_driver_sql("DROP TABLE staff")
        conn.exec_driver_sql("ALTER TABLE staff_lax RENAME TO staff")
        conn.exec_driver_sql("UPDATE staff SET updated_at = NULL")
    assert load_sources(cad.url, cms.url, duck).rows_loaded["raw_cms.staff"] == 5
    assert load_sources(cad.url, cms.url, duck).rows_loaded["raw_cms.staff"] == 0
    with cms.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE staff SET role = 'SUPERVISOR' WHERE staff_id = 2")
    assert load_sources(cad.url, cms.url, duck).rows_loaded["raw_cms.staff"] == 1
    assert_raw_equals_source(duck, {"case_management": cms.url})


def test_an_optional_table_the_source_lacks_loads_as_an_empty_raw_table(tmp_path, warehouse):
    """A city whose CAD has no unit status history still loads; any other missing table fails."""
    cad, cms = write_fixture_sources(tmp_path / "sources", rows=5)
    optional = [t.name for t in get_system("cad_replica").tables if t.optional]
    assert optional == ["unit_status_changes"]
    with cad.engine.begin() as conn:
        conn.exec_driver_sql("drop table unit_status_changes")
    report = load_sources(cad.url, cms.url, warehouse)
    assert report.rows_loaded["raw_cad.unit_status_changes"] == 0
    assert report.rows_loaded["raw_cad.incidents"] == 5
    assert raw_snapshot(warehouse, "cad_replica")["unit_status_changes"] == {}
    with connect(warehouse) as wh:
        assert wh.column_types("raw_cad", "unit_status_changes") is not None, "the empty raw table exists"
    with cad.engine.begin() as conn:
        conn.exec_driver_sql("drop table arrests")
    with pytest.raises(ContractMismatch, match="arrests"):
        load_sources(cad.url, cms.url, warehouse)
