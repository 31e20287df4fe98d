"""Vendor-export mappings on a small, deliberately defective export (no real data needed)."""

from __future__ import annotations

import datetime as dt
import textwrap

import pandas as pd
import pytest

from orchestration.ingest.mappings import MappingError, load_mapping, load_vendor_file, stage_export
from orchestration.ingest.warehouse import connect
from tests.ingest.dagster_helpers import ingest_resource, materialize_ingest, rows_loaded

MAPPING = """
name: testville
system: cad_replica
timezone: America/Chicago
source:
  format: csv
  null_tokens: ["N/A", "", "-"]
  record_id: Event
  max_quarantine_share: 0.8   # a deliberately defective export: 6 of its 8 rows are quarantined
codes:
  origin: {E911: "911", ADMIN: NON_EMERGENCY, OFFICER: SELF_INITIATED}
tables:
  incidents:
    columns:
      incident_number: {from: Event, pattern: '^EV(?P<y>\\d{4})-(?P<n>\\d+)$', template: "{y}-{n:0>7}"}
      created_at: {from: Opened, timestamp: {format: "%m/%d/%Y %H:%M"}}
      initial_call_type: {from: Nature}
      final_call_type: {from: Final Nature}
      priority: {from: Pri}
      call_origin: {from: Source, codes: origin}
      beat: {from: Beat}
      block_address: {value: null}
      latitude: {from: Lat}
      longitude: {from: Lon}
      weapon_involved: {from: Weapon, boolean: {true: [Y], false: [N]}}
      violence_toward_others: {from: Nature, codes: {ASSAULT: true}, otherwise: false}
      disposition: {from: Dispo}
      closed_at: {from: Closed, timestamp: {format: ISO8601, zone: utc}}
      updated_at: {from: Modified, timestamp: {format: "%m/%d/%Y %H:%M"}}
"""

HEADER = [
    "Event",
    "Opened",
    "Nature",
    "Final Nature",
    "Pri",
    "Source",
    "Beat",
    "Lat",
    "Lon",
    "Weapon",
    "Dispo",
    "Closed",
    "Modified",
    "Unused",
]
ROWS = [
    # good; Chicago is UTC-6 in January
    [
        "EV2024-15",
        "01/05/2024 23:30",
        "WELFARE",
        "WELFARE",
        "2",
        "E911",
        "12",
        "41.8",
        "-87.6",
        "N",
        "ADVISED",
        "2024-01-06 06:10:00",
        "01/05/2024 23:30",
        "x",
    ],
    # good, null tokens in nullable columns, spaces around values
    [
        "EV2024-16",
        "07/04/2024 12:00",
        " ASSAULT ",
        "N/A",
        "-",
        "ADMIN",
        "",
        "N/A",
        "N/A",
        "Y",
        "",
        "",
        "07/04/2024 12:05",
        "x",
    ],
    # required origin missing -> quarantine
    [
        "EV2024-17",
        "07/04/2024 13:00",
        "NOISE",
        "NOISE",
        "3",
        "N/A",
        "7",
        "41.8",
        "-87.6",
        "N",
        "",
        "",
        "07/04/2024 13:00",
        "x",
    ],
    # unknown origin code + unparseable priority -> quarantine with both reasons
    [
        "EV2024-18",
        "07/04/2024 14:00",
        "NOISE",
        "NOISE",
        "high",
        "RADIO",
        "7",
        "41.8",
        "-87.6",
        "N",
        "",
        "",
        "07/04/2024 14:00",
        "x",
    ],
    # incident number in an unexpected format -> quarantine
    [
        "2024-19",
        "07/04/2024 15:00",
        "NOISE",
        "NOISE",
        "3",
        "E911",
        "7",
        "41.8",
        "-87.6",
        "N",
        "",
        "",
        "07/04/2024 15:00",
        "x",
    ],
    # 02:30 on the spring-forward date does not exist in Chicago -> quarantine
    [
        "EV2024-20",
        "03/10/2024 02:30",
        "NOISE",
        "NOISE",
        "3",
        "E911",
        "7",
        "41.8",
        "-87.6",
        "N",
        "",
        "",
        "03/10/2024 02:30",
        "x",
    ],
    # an older version of EV2024-15 further down the file: superseded -> quarantine
    [
        "EV2024-15",
        "01/05/2024 23:30",
        "WELFARE",
        "CHECK",
        "2",
        "E911",
        "12",
        "41.8",
        "-87.6",
        "N",
        "",
        "",
        "01/05/2024 23:00",
        "x",
    ],
    # bad boolean token and unparseable timestamp
    [
        "EV2024-21",
        "yesterday",
        "NOISE",
        "NOISE",
        "3",
        "E911",
        "7",
        "41.8",
        "-87.6",
        "maybe",
        "",
        "",
        "07/04/2024 16:00",
        "x",
    ],
]


@pytest.fixture
def export(tmp_path):
    mapping_path = tmp_path / "testville.yml"
    mapping_path.write_text(MAPPING)
    csv_path = tmp_path / "export.csv"
    pd.DataFrame(ROWS, columns=HEADER).to_csv(csv_path, index=False)
    return mapping_path, csv_path


def test_mapping_translates_cleans_and_quarantines_with_reasons(tmp_path, export):
    mapping_path, csv_path = export
    result, staged = stage_export(mapping_path, csv_path, tmp_path / "staged.sqlite")
    incidents = result.tables["incidents"].set_index("incident_number")

    assert result.rows_in == 8
    assert len(incidents) + result.quarantined("incidents") == result.rows_in  # nothing lost
    assert sorted(incidents.index) == ["2024-0000015", "2024-0000016"]

    first = incidents.loc["2024-0000015"]
    assert first.created_at == pd.Timestamp("2024-01-06 05:30:00")  # 23:30 CST = 05:30 UTC
    assert first.closed_at == pd.Timestamp("2024-01-06 06:10:00")  # already UTC
    assert first.final_call_type == "WELFARE"  # the later version won
    assert first.call_origin == "911" and first.priority == 2 and bool(first.weapon_involved) is False
    second = incidents.loc["2024-0000016"]
    assert second.created_at == pd.Timestamp("2024-07-04 17:00:00")  # CDT is UTC-5 in July
    assert second.initial_call_type == "ASSAULT" and bool(second.violence_toward_others) is True
    assert pd.isna(second.final_call_type) and pd.isna(second.priority) and pd.isna(second.latitude)
    assert pd.isna(second.beat) and bool(second.weapon_involved) is True

    reasons = dict(zip(result.quarantine.record_id, result.quarantine.reason))
    assert reasons["EV2024-17"] == "call_origin: required value is missing ('N/A')"
    assert "priority: 'high' is not a valid integer" in reasons["EV2024-18"]
    assert "call_origin: Source 'RADIO' has no code translation" in reasons["EV2024-18"]
    assert "does not match pattern" in reasons["2024-19"]
    assert "skipped or repeated by a DST change in America/Chicago" in reasons["EV2024-20"]
    assert "created_at: 'yesterday' is not a valid timestamp" in reasons["EV2024-21"]
    assert "weapon_involved: 'maybe' is not a valid boolean" in reasons["EV2024-21"]
    superseded = result.quarantine[result.quarantine.source_row == 7].reason.item()
    assert superseded == "duplicate incident_number '2024-0000015': superseded by source row 1"
    assert '"Unused": "x"' in result.quarantine.record.iloc[0]  # the whole source row is kept


def test_vendor_load_is_incremental_and_keeps_one_quarantine(tmp_path, export, warehouse):
    mapping_path, csv_path = export
    first = load_vendor_file(mapping_path, csv_path, warehouse, staged_path=tmp_path / "s.sqlite")
    assert first.load.rows_loaded["raw_cad.incidents"] == 2
    assert load_vendor_file(mapping_path, csv_path, warehouse, staged_path=tmp_path / "s.sqlite").load.total_loaded == 0

    # The next export corrects EV2024-17's origin, reclassifies EV2024-16 and - without touching
    # its modification time - adds a disposition to EV2024-15.
    rows = [list(r) for r in ROWS]
    rows[2][5] = "E911"
    rows[1][3], rows[1][12] = "MENTAL", "07/04/2024 18:00"
    rows[0][10] = "REPORT"
    pd.DataFrame(rows, columns=HEADER).to_csv(csv_path, index=False)
    third = load_vendor_file(mapping_path, csv_path, warehouse, staged_path=tmp_path / "s.sqlite")
    inc = third.load.table("raw_cad.incidents")
    assert (inc.rows_inserted, inc.rows_updated) == (1, 2)

    with connect(warehouse) as wh:
        n, files = wh.query("SELECT count(*), count(DISTINCT source_file) FROM raw_cad.vendor_quarantine")[0]
        final = wh.query("SELECT final_call_type FROM raw_cad.incidents WHERE incident_number = '2024-0000016'")
    assert (n, files) == (third.mapping.quarantine.shape[0], 1) == (5, 1)
    assert final == [("MENTAL",)]


def test_parquet_export_and_doubled_conversion_repair(tmp_path):
    mapping = tmp_path / "p.yml"
    mapping.write_text(
        textwrap.dedent("""
        name: parquetville
        system: cad_replica
        timezone: America/New_York
        source: {format: parquet}
        tables:
          call_types:
            columns:
              call_type_code: {from: code}
              description: {from: label}
              updated_at: {from: changed, timestamp: {zone: offset, repair: doubled_conversion}}
    """)
    )
    path = tmp_path / "codes.parquet"
    # Local 01:08 (EST) exported as if it were UTC and converted to Eastern again: 20:08-05:00.
    pd.DataFrame(
        {
            "code": ["WELF", "NOISE"],
            "label": ["Welfare", "Noise"],
            "changed": ["2021-12-31T20:08:55-05:00", "2022-07-01T08:00:00-04:00"],
        }
    ).to_parquet(path)
    result, _ = stage_export(mapping, path, tmp_path / "staged.sqlite")
    got = dict(zip(result.tables["call_types"].call_type_code, result.tables["call_types"].updated_at))
    assert got["WELF"] == pd.Timestamp("2022-01-01 06:08:55")  # 01:08:55 EST
    assert got["NOISE"] == pd.Timestamp("2022-07-01 16:00:00")  # 12:00 EDT


@pytest.mark.parametrize(
    "edit,message",
    [
        (
            ("      beat: {from: Beat}\n", "      beet: {from: Beat}\n"),
            "tables.incidents.columns: incidents has no columns ['beet']",
        ),
        (("      beat: {from: Beat}\n", ""), "tables.incidents.columns: no rule for ['beat']"),
        (("timezone: America/Chicago", "timezone: Central"), "timezone: 'Central' is not an IANA time zone"),
        (("codes: origin}", "codes: origins}"), "no code table named 'origins'"),
        (
            ("{format: ISO8601, zone: utc}", "{format: ISO8601, zone: utc, repair: twice}"),
            "repair: 'twice' is not one of doubled_conversion",
        ),
        (
            ("      latitude: {from: Lat}\n", "      latitude: {reproject: {x: X, y: Y, crs: 'EPSG:99999'}}\n"),
            "tables.incidents.columns.latitude.reproject.crs: 'EPSG:99999' is not a coordinate reference system",
        ),
        (
            (
                "codes: {ASSAULT: true}, otherwise: false}",
                "codes: {ASSAULT: true}, otherwise: false, pass_through: true}",
            ),
            "violence_toward_others: give otherwise or pass_through, not both",
        ),
        (("  format: csv\n", "  format: sql\n"), "source.format sql needs source.url"),
        (
            ("  format: csv\n", "  format: csv\n  encoding: klingon\n"),
            "source.encoding 'klingon' is not a known encoding",
        ),
        (
            ("{format: ISO8601, zone: utc}", "{format: epoch_seconds, zone: local}"),
            "closed_at.timestamp.zone: epoch_seconds counts from 1970-01-01 UTC, so zone must be utc",
        ),
    ],
)
def test_mapping_errors_name_file_and_key(tmp_path, edit, message):
    path = tmp_path / "broken.yml"
    assert edit[0] in MAPPING
    path.write_text(MAPPING.replace(edit[0], edit[1]))
    with pytest.raises(MappingError) as err:
        load_mapping(path)
    assert "broken.yml" in str(err.value) and message in str(err.value)


def test_export_missing_a_mapped_column_fails_naming_it(tmp_path, export):
    mapping_path, csv_path = export
    pd.DataFrame(ROWS, columns=HEADER).drop(columns=["Lat"]).to_csv(csv_path, index=False)
    with pytest.raises(MappingError, match=r"export export.csv lacks columns \['Lat'\]"):
        stage_export(mapping_path, csv_path, tmp_path / "staged.sqlite")


def test_dagster_raw_cad_asset_reads_a_vendor_export(tmp_path, export, duck):
    from tests.ingest.contract_fixture import write_fixture_sources

    mapping_path, csv_path = export
    _, cms = write_fixture_sources(tmp_path / "src", rows=3)
    resource = ingest_resource(
        duck,
        cms_url=cms.url,
        cad_mapping=str(mapping_path),
        cad_export=str(csv_path),
        vendor_stage_dir=str(tmp_path / "staged"),
    )
    result = materialize_ingest(resource)
    assert rows_loaded(result)["raw_cad.incidents"] == 2
    mats = {
        ".".join(e.event_specific_data.materialization.asset_key.path): e.event_specific_data.materialization.metadata
        for e in result.get_asset_materialization_events()
    }
    assert mats["raw_cad.incidents"]["vendor_rows_in"].value == 8
    assert mats["raw_cad.incidents"]["vendor_quarantined"].value == 6
    assert materialize_ingest(resource).success and rows_loaded(materialize_ingest(resource))["raw_cad.incidents"] == 0


def test_timestamps_are_stored_as_contract_types(tmp_path, export, duck):
    mapping_path, csv_path = export
    load_vendor_file(mapping_path, csv_path, duck, staged_path=tmp_path / "s.sqlite")
    with connect(duck) as wh:
        created, weapon = wh.query(
            "SELECT created_at, weapon_involved FROM raw_cad.incidents WHERE incident_number = '2024-0000015'"
        )[0]
    assert created == dt.datetime(2024, 1, 6, 5, 30) and weapon is False


def test_a_failing_expression_names_its_setting(tmp_path, export):
    mapping_path, csv_path = export
    mapping_path.write_text(MAPPING.replace("      beat: {from: Beat}\n", '      beat: {expr: "upper(Bet)"}\n'))
    with pytest.raises(MappingError) as err:
        stage_export(mapping_path, csv_path, tmp_path / "staged.sqlite")
    message = str(err.value)
    assert message.startswith("testville.yml: tables.incidents.columns.beat.expr: expression 'upper(Bet)' fails: ")
    assert '"Bet" not found' in message and "TRY_CAST" in message


@pytest.mark.parametrize("name", ["../../../outside", "/tmp/outside", "a/b", "..", "x.sqlite", "name with space", ""])
def test_a_mapping_name_that_could_lead_outside_build_is_refused(tmp_path, name):
    path = tmp_path / "escape.yml"
    path.write_text(MAPPING.replace("name: testville", f"name: {name!r}", 1))
    with pytest.raises(MappingError, match=r"escape.yml: name .* must be 1-64 letters"):
        load_mapping(path)


def test_the_staging_file_stays_under_build_even_for_a_mapping_built_in_code():
    from orchestration.ingest.mappings.load import STAGE_DIR, staging_file

    assert staging_file("burlington_vt").parent == STAGE_DIR.resolve()
    with pytest.raises(MappingError, match="outside"):
        staging_file("../../../../tmp/outside")
