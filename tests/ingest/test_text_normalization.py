"""A NUL byte in source text and a key over the bound: PostgreSQL used to fail with a raw driver
traceback where DuckDB loaded the row. Now both engines strip the NUL (and record it), set the
long-key row aside in _load_rejects with its reason, and load exactly the same rows."""

from __future__ import annotations

from orchestration.ingest.loader import load_sources
from orchestration.ingest.warehouse import connect
from tests.ingest.contract_fixture import write_fixture_sources


def _plant(cad) -> tuple[str, str]:
    nul_row, long_row = cad.append("incidents", 2)
    table = cad.tables["incidents"]
    long_key = "2024-" + "9" * 9000  # over PostgreSQL's index row limit, let alone the bound
    with cad.engine.begin() as conn:
        conn.execute(
            table.update()
            .where(table.c.incident_number == nul_row["incident_number"])
            .values(block_address="100 BLOCK\x00 MAIN ST", disposition="CLOSED\x00")
        )
        conn.execute(
            table.update()
            .where(table.c.incident_number == long_row["incident_number"])
            .values(incident_number=long_key)
        )
    return nul_row["incident_number"], long_key


def _raw(dest) -> tuple[list, list]:
    with connect(dest) as wh:
        rows = wh.query(
            "select incident_number, block_address, disposition from raw_cad.incidents order by incident_number"
        )
        rejects = wh.query("select source_table, record_key, reason from raw_cad._load_rejects")
    return [tuple(r) for r in rows], [tuple(r) for r in rejects]


def test_both_engines_load_the_nul_and_long_key_rows_identically(tmp_path, duck, pg):
    cad, cms = write_fixture_sources(tmp_path / "src", rows=10)
    nul_number, long_key = _plant(cad)
    reports = {}
    for dest in (duck, pg):
        reports[dest.kind] = load_sources(cad.url, cms.url, dest, full_refresh=True).table("raw_cad.incidents")
    duck_rows, duck_rejects = _raw(duck)
    pg_rows, pg_rejects = _raw(pg)
    assert duck_rows == pg_rows, "the engines loaded different incidents rows"
    assert duck_rejects == pg_rejects and len(duck_rejects) == 1
    source_table, record_key, reason = duck_rejects[0]
    assert source_table == "raw_cad.incidents" and "(9005 chars)" in record_key and "ARP_MAX_KEY_CHARS" in reason
    planted = dict((r[0], r[1:]) for r in duck_rows)[nul_number]
    assert planted == ("100 BLOCK MAIN ST", "CLOSED")
    assert long_key not in {r[0] for r in duck_rows}
    for kind, report in reports.items():
        assert report.nul_bytes_stripped == {"block_address": 1, "disposition": 1}, kind
        assert report.rows_rejected == 1 and report.raw_rows == 11, kind
