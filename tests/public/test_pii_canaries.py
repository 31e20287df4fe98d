"""No PII canary planted in the raw sources reaches a table outside raw_* or a published file."""

from __future__ import annotations

import duckdb
import pytest

from orchestration.privacy.canary_scan import load_canaries, scan_files, scan_warehouse
from orchestration.warehouse.destination import Destination


@pytest.fixture(scope="module")
def duckdb_published(duckdb_default, duckdb_public_tables):
    return Destination.duckdb(duckdb_default.warehouse.duckdb_path)


@pytest.fixture(scope="module")
def canaries(dataset_default):
    values = load_canaries(dataset_default.truth_dir / "canaries.json")
    assert len(values) >= 10, "the generator must plant names, phones, birth dates, addresses and notes"
    return values


def test_canaries_are_present_in_raw(duckdb_published, canaries):
    """The scan is meaningful only if the canaries really are in the raw layer."""
    con = duckdb.connect(str(duckdb_published.duckdb_path), read_only=True)
    try:
        people = con.sql("select * from raw_cms.people").df().astype(str).apply(lambda c: c.str.lower())
        encounters = con.sql("select note from raw_cms.encounters").df().astype(str).note.str.lower()
    finally:
        con.close()
    found = [
        c
        for c in canaries
        if people.apply(lambda col, c=c: col.str.contains(c.lower(), regex=False)).any().any()
        or encounters.str.contains(c.lower(), regex=False).any()
    ]
    assert len(found) >= len(canaries) // 2, f"only {found} of the canaries are in raw"


def test_no_canary_outside_raw_on_duckdb(duckdb_published, canaries):
    findings, tables = scan_warehouse(duckdb_published, canaries)
    print(f"\nduckdb: {tables} tables scanned for {len(canaries)} canaries")
    assert tables >= 50
    assert findings == []


@pytest.mark.postgres
def test_no_canary_outside_raw_on_postgres(postgres_public_tables, canaries):
    dest = postgres_public_tables
    findings, tables = scan_warehouse(dest, canaries)
    print(f"\npostgres: {tables} tables scanned")
    assert tables >= 50
    assert findings == []


def test_the_scan_finds_a_deliberate_leak(duckdb_published, canaries, tmp_path):
    leak = canaries[0]
    con = duckdb.connect(str(duckdb_published.duckdb_path))
    try:
        con.execute("create table marts.zz_leak as select 1 as id, ? as client_name", [leak])
    finally:
        con.close()
    try:
        findings, _ = scan_warehouse(duckdb_published, canaries)
    finally:
        con = duckdb.connect(str(duckdb_published.duckdb_path))
        con.execute("drop table marts.zz_leak")
        con.close()
    assert [(f.where, f.canary) for f in findings] == [("marts.zz_leak", leak)]

    page = tmp_path / "site" / "index.html"
    page.parent.mkdir()
    page.write_text(f"<html><body><p>{canaries[-1].upper()}</p></body></html>")
    file_findings, files = scan_files([tmp_path / "site"], canaries)
    assert files == 1 and [f.canary for f in file_findings] == [canaries[-1].lower()]
