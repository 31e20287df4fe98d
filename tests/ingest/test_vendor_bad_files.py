"""Bad export files fail with the file, line and column at fault and leave the warehouse as it was."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from orchestration.ingest.mappings import BadExport, load_vendor_file
from orchestration.ingest.warehouse import connect
from tests.ingest.helpers import raw_snapshot

FIXTURES = Path(__file__).parent / "fixtures" / "vendor"
MAPPING = FIXTURES / "split_datetime.yml"
GOOD = FIXTURES / "split_datetime.csv"


def good_lines() -> list[str]:
    return GOOD.read_text(encoding="utf-8").splitlines(keepends=True)


def warehouse_state(destination) -> tuple:
    with connect(destination) as wh:
        quarantine = sorted(wh.query("SELECT mapping, source_file, source_row, reason FROM raw_cad.vendor_quarantine"))
    return raw_snapshot(destination, "cad_replica"), quarantine


@pytest.fixture
def loaded(tmp_path, duck):
    """A warehouse that already holds the good export: a bad one must not change it."""
    load_vendor_file(MAPPING, GOOD, duck, staged_path=tmp_path / "s.sqlite")
    return duck, warehouse_state(duck)


def fails(tmp_path, destination, export: Path, mapping: Path = MAPPING) -> str:
    with pytest.raises(BadExport) as err:
        load_vendor_file(mapping, export, destination, staged_path=tmp_path / "s.sqlite")
    return str(err.value)


def test_non_utf8_file_names_line_and_the_encoding_setting(tmp_path, loaded):
    duck, before = loaded
    lines = good_lines()
    lines[3] = lines[3].replace("MAIN ST / GREGSON ST", "CAFÉ ST / GREGSON ST")
    export = tmp_path / "latin.csv"
    export.write_bytes("".join(lines).encode("cp1252"))

    message = fails(tmp_path, duck, export)
    assert f"{export} line 4, character" in message and "byte 0xc9 is not valid utf-8" in message
    assert "set encoding: cp1252 under source:" in message and "split_datetime.yml" in message
    assert warehouse_state(duck) == before

    # Setting the encoding is the fix.
    mapping = tmp_path / "cp1252.yml"
    mapping.write_text(
        MAPPING.read_text().replace("  record_id: INC_NO\n", "  record_id: INC_NO\n  encoding: cp1252\n")
    )
    report = load_vendor_file(mapping, export, duck, staged_path=tmp_path / "s.sqlite")
    with connect(duck) as wh:
        assert wh.query("SELECT block_address FROM raw_cad.incidents WHERE incident_number = '2024-0000103'") == [
            ("CAFÉ ST / GREGSON ST",)
        ]
    assert report.load.table("raw_cad.incidents").rows_updated == 1


@pytest.mark.parametrize(
    "content,expected",
    [
        ("", "the export is empty (0 bytes, no header)"),
        ("\n\n", "the export is empty (2 bytes, no header)"),
        (None, "the export has a header but no data rows"),
    ],
)
def test_empty_file(tmp_path, loaded, content, expected):
    duck, before = loaded
    export = tmp_path / "empty.csv"
    export.write_text(good_lines()[0] if content is None else content)
    message = fails(tmp_path, duck, export)
    assert message.startswith(str(export)) and expected in message and "re-export" in message
    assert warehouse_state(duck) == before


def test_ragged_row_names_line_and_column(tmp_path, loaded):
    duck, before = loaded
    lines = good_lines()
    lines[2] = lines[2].replace("115 N DUKE ST", "115 N DUKE ST, APT 2")  # an unquoted comma: one field too many
    lines[5] = ",".join(lines[5].split(",")[:10]) + "\n"  # a truncated line
    export = tmp_path / "ragged.csv"
    export.write_text("".join(lines))
    message = fails(tmp_path, duck, export)
    assert message.startswith(f"{export} line 3: 16 fields where the header has 15")
    assert "after the last column 'LAST_UPDATE' have no header" in message and "source.csv.sep" in message
    assert warehouse_state(duck) == before

    lines = good_lines()
    lines[5] = ",".join(lines[5].split(",")[:10]) + "\n"
    export.write_text("".join(lines))
    message = fails(tmp_path, duck, export)
    assert message.startswith(f"{export} line 6: 10 fields where the header has 15: column 'LON' and the ones")
    assert warehouse_state(duck) == before


def test_quoted_line_breaks_keep_true_line_numbers(tmp_path, duck):
    lines = good_lines()
    lines[1] = lines[1].replace("WELFARE CHECK", '"WELFARE\nCHECK"', 1)  # row 1 spans lines 2-3
    lines[3] = lines[3].replace(",911,", ",911,EXTRA,")  # now on line 5
    export = tmp_path / "multiline.csv"
    export.write_text("".join(lines))
    assert fails(tmp_path, duck, export).startswith(f"{export} line 5: 16 fields")


def test_timestamp_format_that_matches_no_row(tmp_path, loaded):
    duck, before = loaded
    with open(GOOD, newline="") as f:
        source = list(csv.DictReader(f))
    for r in source:  # the vendor switched the update stamp to ISO
        if r["LAST_UPDATE"]:
            r["LAST_UPDATE"] = dt.datetime.strptime(r["LAST_UPDATE"], "%m/%d/%Y %H:%M:%S").isoformat()
    export = tmp_path / "iso.csv"
    with open(export, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(source[0]))
        writer.writeheader()
        writer.writerows(source)
    message = fails(tmp_path, duck, export)
    assert message.startswith(
        "iso.csv line 2, column 'LAST_UPDATE': '2024-01-15T15:10:00' does not match the "
        "timestamp format '%m/%d/%Y %H:%M:%S' (incidents.updated_at)"
    )
    assert "set tables.incidents.columns.updated_at.timestamp.format in split_datetime.yml" in message
    assert warehouse_state(duck) == before


def test_load_quarantining_more_than_the_allowed_share_fails(tmp_path, loaded):
    duck, before = loaded
    mapping = tmp_path / "strict.yml"  # the default share, 20%
    mapping.write_text(MAPPING.read_text().replace("  max_quarantine_share: 0.5\n", ""))
    # 2 of the 6 rows are quarantined (33%): too many for the default.
    message = fails(tmp_path, duck, GOOD, mapping)
    assert message.startswith(
        "split_datetime.csv: 2 of 6 rows for incidents (33%) would be quarantined, more "
        "than the 20% allowed (source.max_quarantine_share in strict.yml); nothing was loaded"
    )
    assert "1x created_at: required value is missing" in message
    assert warehouse_state(duck) == before


def test_older_export_never_overwrites_newer_rows(tmp_path, warehouse):
    newer = tmp_path / "newer.csv"
    lines = good_lines()
    # A week later: 24-0000101 was reclassified (and its LAST_UPDATE moved on).
    lines[1] = (
        lines[1]
        .replace(",WELFARE CHECK,,", ",WELFARE CHECK,MENTAL HEALTH,")
        .replace("01/15/2024 15:10:00\n", "01/22/2024 09:00:00\n")
    )
    newer.write_text("".join(lines))
    load_vendor_file(MAPPING, newer, warehouse, staged_path=tmp_path / "s.sqlite")

    # Re-loading last week's export: its version of 24-0000101 is older and must not win.
    older = load_vendor_file(MAPPING, GOOD, warehouse, staged_path=tmp_path / "s.sqlite")
    incidents = older.load.table("raw_cad.incidents")
    assert (incidents.rows_older, incidents.rows_loaded) == (1, 0)
    with connect(warehouse) as wh:
        assert wh.query(
            "SELECT final_call_type, updated_at FROM raw_cad.incidents WHERE incident_number = '2024-0000101'"
        ) == [("MENTAL HEALTH", dt.datetime(2024, 1, 22, 14, 0))]
        assert wh.query("SELECT count(*) FROM raw_cad.incidents")[0][0] == 4


def test_one_bad_file_among_several_loads_none_of_them(tmp_path, duck):
    import shutil

    from orchestration.ingest.mappings import load_mapping
    from orchestration.ingest.mappings.readers import export_state

    folder = tmp_path / "daily"
    folder.mkdir()
    shutil.copy(GOOD, folder / "day1.csv")
    mapping = tmp_path / "daily.yml"
    mapping.write_text(
        MAPPING.read_text().replace("tests/ingest/fixtures/vendor/split_datetime.csv", f"{folder}/day*.csv")
    )
    load_vendor_file(mapping, None, duck, staged_path=tmp_path / "s.sqlite")
    before = warehouse_state(duck)
    state = export_state(load_mapping(mapping))

    lines = good_lines()
    (folder / "day2.csv").write_text(
        "".join(lines[:1] + [lines[1].replace("24-0000101", "24-0000201")] + [lines[2].rstrip("\n") + ",EXTRA\n"])
    )
    assert export_state(load_mapping(mapping)) != state  # the sensor sees the new file
    message = fails(tmp_path, duck, folder / "day*.csv", mapping)
    assert message.startswith(f"{folder / 'day2.csv'} line 3: 16 fields")
    assert warehouse_state(duck) == before  # day2's good row 24-0000201 was not loaded either
