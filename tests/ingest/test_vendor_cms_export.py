"""The mapping language on a case-management vendor's export: encounters, referrals and follow-ups from one CSV."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from orchestration.ingest.mappings import load_vendor_file
from orchestration.ingest.warehouse import connect

FIXTURES = Path(__file__).parent / "fixtures" / "vendor"
PROGRAMS = {"Crisis Response Team": "CRT", "Co-Response": "CORESPONSE", "Crisis Call Diversion": "CCD"}


def local(text: str) -> dt.datetime:
    wall = dt.datetime.strptime(text, "%m/%d/%Y %I:%M %p").replace(tzinfo=ZoneInfo("America/New_York"))
    return wall.astimezone(dt.UTC).replace(tzinfo=None)


def test_case_management_export_fills_three_contract_tables(tmp_path, warehouse):
    with open(FIXTURES / "cms_encounters.csv", newline="") as f:
        source = list(csv.DictReader(f))
    good = {int(r["Encounter ID"][2:]): r for r in source if r["Team"] in PROGRAMS and r["Start Time"]}

    report = load_vendor_file(FIXTURES / "cms_encounters.yml", None, warehouse, staged_path=tmp_path / "c.sqlite")
    with connect(warehouse) as wh:
        encounters = {
            r[0]: r[1:]
            for r in wh.query(
                "SELECT encounter_id, person_id, program, started_at, police_backup_requested, outcome FROM raw_cms.encounters"
            )
        }
        referrals = sorted(wh.query("SELECT encounter_id, referral_type, provider_name FROM raw_cms.referrals"))
        follow_ups = sorted(wh.query("SELECT encounter_id, person_id, method, outcome FROM raw_cms.follow_ups"))
        quarantined = wh.query("SELECT count(*) FROM raw_cms.vendor_quarantine")[0][0]

    assert encounters == {
        k: (
            int(r["Client ID"][2:]) if r["Client ID"] else None,
            PROGRAMS[r["Team"]],
            local(f"{r['Contact Date']} {r['Start Time']}"),
            r["PD Backup"] == "Yes",
            {"Resolved": "RESOLVED", "Phone resolved": "PHONE_RESOLVED"}.get(r["Outcome"], r["Outcome"]),
        )
        for k, r in good.items()
    }
    assert report.quarantined("encounters") == quarantined == len(source) - len(good) == 2
    with_referral = [r for r in source if r["Referral Type"]]
    assert referrals == [(1001, "MENTAL_HEALTH", "Alliance Health"), (1003, "HOUSING", "Housing for New Hope")]
    assert len(referrals) == len(with_referral) and report.mapping.filtered["referrals"] == len(source) - 2
    assert follow_ups == [(1001, 77, "PHONE", "CONNECTED"), (1003, 78, "TEXT", "LEFT_MESSAGE")]
    assert (
        load_vendor_file(
            FIXTURES / "cms_encounters.yml", None, warehouse, staged_path=tmp_path / "c.sqlite"
        ).load.total_loaded
        == 0
    )


def test_dagster_raw_cms_assets_read_a_vendor_export(tmp_path, duck):
    from tests.ingest.contract_fixture import write_fixture_sources
    from tests.ingest.dagster_helpers import ingest_resource, materialize_ingest, rows_loaded

    cad, _ = write_fixture_sources(tmp_path / "src", rows=3)
    resource = ingest_resource(
        duck,
        cad_url=cad.url,
        cms_mapping=str(FIXTURES / "cms_encounters.yml"),
        vendor_stage_dir=str(tmp_path / "staged"),
    )
    loaded = rows_loaded(materialize_ingest(resource))
    assert (loaded["raw_cms.encounters"], loaded["raw_cms.referrals"], loaded["raw_cms.follow_ups"]) == (3, 2, 2)
    assert loaded["raw_cms.people"] == 0


def test_spreadsheet_export_maps_like_the_csv(tmp_path, duck):
    import openpyxl

    with open(FIXTURES / "cms_encounters.csv", newline="") as f:
        header, *body = list(csv.reader(f))
    book = openpyxl.Workbook()
    book.active.title = "Read me"
    book.active.append(["Exported by the vendor's report builder"])
    sheet = book.create_sheet("Encounters")
    sheet.append(header)
    stamp = header.index("Last Modified")
    for row in body:  # the modification time as a real date cell; everything else as typed text
        cells = [v or None for v in row]
        cells[stamp] = dt.datetime.strptime(row[stamp], "%m/%d/%Y %I:%M %p")
        sheet.append(cells)
    workbook = tmp_path / "encounters.xlsx"
    book.save(workbook)
    text = (FIXTURES / "cms_encounters.yml").read_text()
    mapping = tmp_path / "cms_xlsx.yml"
    mapping.write_text(
        text.replace(
            "  path: tests/ingest/fixtures/vendor/cms_encounters.csv\n",
            f"  format: xlsx\n  path: {workbook}\n  sheet: Encounters\n",
        ).replace(
            '{from: Last Modified, timestamp: {format: "%m/%d/%Y %I:%M %p"}}',
            "{from: Last Modified, timestamp: {format: ISO8601}}",
        )
    )

    from_csv = load_vendor_file(
        FIXTURES / "cms_encounters.yml", None, tmp_path / "a.duckdb", staged_path=tmp_path / "a.sqlite"
    ).mapping
    from_xlsx = load_vendor_file(mapping, None, duck, staged_path=tmp_path / "b.sqlite").mapping
    for table in ("encounters", "referrals", "follow_ups"):
        assert from_xlsx.tables[table].equals(from_csv.tables[table]), table
    assert sorted(from_xlsx.quarantine.source_row) == sorted(from_csv.quarantine.source_row) == [4, 5]

    from orchestration.ingest.mappings import BadExport

    mapping.write_text(mapping.read_text().replace("sheet: Encounters", "sheet: Encounter"))
    with pytest.raises(
        BadExport,
        match=r"encounters.xlsx: no sheet 'Encounter' \(it has 'Read me', 'Encounters'\); "
        r"set source.sheet in cms_xlsx.yml",
    ):
        load_vendor_file(mapping, None, duck, staged_path=tmp_path / "b.sqlite")
