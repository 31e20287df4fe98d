"""Faults through real Dagster materializations: contract mismatch and unreachable sources."""

from __future__ import annotations

import pytest

from orchestration.contract import get_system
from tests.ingest.contract_fixture import rebuild_with, write_fixture_sources
from tests.ingest.dagster_helpers import (
    FAST_RETRY,
    failure_messages,
    ingest_resource,
    materialize_ingest,
    retry_count,
    rows_loaded,
)
from tests.ingest.helpers import raw_snapshot


@pytest.mark.parametrize(
    "table,column,new_type,expected",
    [
        ("unit_assignments", "on_scene_at", None, "unit_assignments.on_scene_at: column is missing"),
        ("incidents", "created_at", "INTEGER", "incidents.created_at: expected timestamp, found INTEGER"),
        ("units", "in_service_from", "BOOLEAN", "units.in_service_from: expected date, found BOOLEAN"),
    ],
)
def test_contract_mismatch_fails_naming_table_and_column_and_loads_nothing(
    tmp_path, duck, table, column, new_type, expected
):
    cad, cms = write_fixture_sources(tmp_path / "good", rows=10)
    resource = ingest_resource(duck, cad_url=cad.url, cms_url=cms.url)
    materialize_ingest(resource)
    before = raw_snapshot(duck, "cad_replica")

    bad_url = rebuild_with(tmp_path / "bad.sqlite", get_system("cad_replica"), table, column, new_type)
    result = materialize_ingest(ingest_resource(duck, cad_url=bad_url, cms_url=cms.url), raise_on_error=False)

    assert not result.success
    messages = " | ".join(failure_messages(result))
    assert expected in messages and "contracts/cad_replica.yml" in messages, messages
    assert retry_count(result) == 0, "a contract mismatch cannot heal by retrying"
    assert raw_snapshot(duck, "cad_replica") == before
    assert rows_loaded(result) == {f"raw_cms.{t.name}": 0 for t in get_system("case_management").tables}


def test_bad_value_fails_naming_table_column_and_row(tmp_path, duck):
    cad, cms = write_fixture_sources(tmp_path / "src", rows=10)
    with cad.engine.begin() as conn:  # SQLite accepts any text in a DATETIME column
        conn.exec_driver_sql("UPDATE calls SET received_at = 'yesterday' WHERE call_id = 4")
    result = materialize_ingest(ingest_resource(duck, cad_url=cad.url, cms_url=cms.url), raise_on_error=False)
    messages = " | ".join(failure_messages(result))
    assert "calls.received_at: value 'yesterday' in the row with call_id=4 is not a timestamp" in messages
    # Nothing of raw_cad was committed: the earlier tables of the same system were rolled back.
    assert raw_snapshot(duck, "cad_replica")["incidents"] == {}


def test_unreachable_source_names_it_hides_the_password_and_retries_with_backoff(tmp_path, duck):
    _, cms = write_fixture_sources(tmp_path / "src", rows=3)
    secret = "s3cr3t-pw"
    cad_url = f"postgresql+psycopg2://cad_reader:{secret}@127.0.0.1:1/cad_replica"  # nothing listens on :1
    result = materialize_ingest(ingest_resource(duck, cad_url=cad_url, cms_url=cms.url), raise_on_error=False)

    assert not result.success
    messages = " | ".join(failure_messages(result))
    assert (
        "source cad_replica is unreachable at postgresql+psycopg2://cad_reader:***@127.0.0.1:1/cad_replica" in messages
    )
    assert secret not in messages
    logs = " ".join(e.message or "" for e in result.all_events)
    assert secret not in logs
    assert retry_count(result) == FAST_RETRY.max_retries
    # The other system is unaffected.
    assert rows_loaded(result)["raw_cms.people"] == 3


def test_missing_sqlite_file_is_unreachable_not_an_empty_source(tmp_path, duck):
    _, cms = write_fixture_sources(tmp_path / "src", rows=3)
    missing = tmp_path / "nowhere" / "cad_replica.sqlite"
    result = materialize_ingest(
        ingest_resource(duck, cad_url=f"sqlite:///{missing}", cms_url=cms.url), raise_on_error=False
    )
    messages = " | ".join(failure_messages(result))
    assert f"SQLite file {missing} does not exist" in messages
    assert not missing.exists(), "a read-only source must never be created"
