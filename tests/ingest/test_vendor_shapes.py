"""One vendor-export shape per test, each loaded by its mapping YAML alone (tests/ingest/fixtures/vendor).

Expected rows are computed here from the CSV with the standard library, independently of the
mapping engine, and compared with what reached the warehouse and the quarantine.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from orchestration.ingest.mappings import load_vendor_file
from orchestration.ingest.warehouse import connect

FIXTURES = Path(__file__).parent / "fixtures" / "vendor"
UTC = dt.UTC


def rows(name: str) -> list[dict]:
    with open(FIXTURES / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def to_utc(text: str, fmt: str, zone: str) -> dt.datetime:
    local = dt.datetime.strptime(text, fmt).replace(tzinfo=ZoneInfo(zone))
    return local.astimezone(UTC).replace(tzinfo=None)


def load(shape: str, destination, tmp_path):
    report = load_vendor_file(FIXTURES / f"{shape}.yml", None, destination, staged_path=tmp_path / f"{shape}.sqlite")
    with connect(destination) as wh:
        incidents = {
            r[0]: r
            for r in wh.query(
                "SELECT incident_number, created_at, closed_at, call_origin, block_address, latitude, longitude, "
                "initial_call_type, final_call_type, priority, beat, updated_at FROM raw_cad.incidents"
            )
        }
        quarantined = {
            r[0]: r[1]
            for r in wh.query(
                "SELECT record_id, reason FROM raw_cad.vendor_quarantine WHERE target_table = 'incidents'"
            )
        }
    return report, incidents, quarantined


def test_split_date_and_time_columns(tmp_path, warehouse):
    source = rows("split_datetime.csv")
    expected = {}
    for r in source:
        try:
            created = to_utc(f"{r['CALL_DATE']} {r['CALL_TIME']}", "%m/%d/%Y %H:%M:%S", "America/New_York")
        except ValueError:  # a missing or impossible half of the pair
            continue
        expected["20" + r["INC_NO"][:2] + "-" + r["INC_NO"][3:].zfill(7)] = (created, r)
    report, incidents, quarantined = load("split_datetime", warehouse, tmp_path)

    assert report.rows_in == len(source) == 6
    assert set(incidents) == set(expected) and len(incidents) == 4
    assert report.quarantined("incidents") == len(source) - len(expected) == 2
    for number, (created, r) in expected.items():
        got = incidents[number]
        assert got[1] == created
        assert got[8] == (r["FINAL_NATURE"] or r["NATURE"])  # coalesce of two columns
        assert got[10] == (re.search(r"BEAT (\d+)", r["BEAT_DESC"]) or [None, None])[1]  # regex extract
    assert incidents["2024-0000101"][4] == "2900 BLOCK MLK JR PKWY"
    assert incidents["2024-0000103"][4] == "MAIN ST / GREGSON ST"  # an intersection stays as it is
    assert incidents["2024-0000102"][2] == dt.datetime(2024, 1, 16, 5, 45, 30)
    assert (
        quarantined["24-0000104"]
        == "created_at: required value is missing (expr CALL_DATE || ' ' || CALL_TIME gave null)"
    )
    assert quarantined["24-0000105"] == "created_at: '13/45/2024 10:00:00' is not a valid timestamp"


def test_epoch_seconds_and_milliseconds(tmp_path, duck):
    source = rows("epoch.csv")
    origins = {
        ("PHONE", "911"): "911",
        ("PHONE", "ADMIN"): "NON_EMERGENCY",
        ("RADIO", ""): "SELF_INITIATED",
        ("TEXT", "911"): "TEXT",
    }
    expected = {}
    for r in source:
        if not r["created_epoch"].isdigit() or (r["channel"], r["method"]) not in origins:
            continue
        created = dt.datetime.fromtimestamp(int(r["created_epoch"]), UTC).replace(tzinfo=None)
        closed = (
            dt.datetime.fromtimestamp(int(r["closed_epoch_ms"]) / 1000, UTC).replace(tzinfo=None)
            if r["closed_epoch_ms"]
            else None
        )
        expected[f"{created.year}-{r['event_id']:0>7}"] = (created, closed, origins[(r["channel"], r["method"])])
    report, incidents, quarantined = load("epoch", duck, tmp_path)

    assert len(incidents) == len(expected) == 4
    assert report.quarantined("incidents") == len(source) - len(expected) == 2
    assert {k: v[1:4] for k, v in incidents.items()} == expected
    assert incidents["2024-0001002"][11] == dt.datetime(2024, 7, 1, 12, 1, 0, 500000)  # milliseconds kept
    assert "'WEB/FORM' has no code translation" in quarantined["1005"]


def test_state_plane_coordinates_are_reprojected(tmp_path, duck):
    # The fixture's X/Y were computed from these WGS84 points (Durham landmarks), rounded to 0.01 ft.
    points = {
        "2024-0000201": (35.99403, -78.89862),
        "2024-0000202": (36.00190, -78.94018),
        "2024-0000203": (35.97436, -78.89829),
        "2024-0000204": (35.90336, -78.94376),
    }
    source = rows("stateplane.csv")
    numeric = [r for r in source if all(re.fullmatch(r"[\d.]+", r[c]) for c in ("X_COORD", "Y_COORD"))]
    report, incidents, quarantined = load("stateplane", duck, tmp_path)

    assert len(incidents) == len(numeric) == 5
    assert report.quarantined("incidents") == len(source) - len(numeric) == 1
    for number, (lat, lon) in points.items():
        assert incidents[number][5] == pytest.approx(lat, abs=1e-6)
        assert incidents[number][6] == pytest.approx(lon, abs=1e-6)
    assert incidents["2024-0000205"][5:7] == (None, None)  # 0/0 is "no location"
    assert incidents["2024-0000204"][4] == "6900 BLOCK FAYETTEVILLE RD"
    assert "X_COORD/Y_COORD 'UNK'/'816740.44' are not numbers" in quarantined["2024-0000206"]


def test_month_letter_incident_numbers(tmp_path, duck):
    source = rows("month_letter.csv")
    expected = {}
    for r in source:
        m = re.fullmatch(r"([A-L])(\d{5})(\d{2})", r["NOPD_Item"])
        if m:
            month = "ABCDEFGHIJKL".index(m[1]) + 1
            expected[f"20{m[3]}-{month:02d}{m[2]}"] = to_utc(r["TimeCreate"], "%m/%d/%Y %I:%M:%S %p", "America/Chicago")
    report, incidents, quarantined = load("month_letter", duck, tmp_path)

    assert {k: v[1] for k, v in incidents.items()} == expected
    assert len(expected) == 3 and sorted(expected)[-1] == "2023-1200120"
    assert report.quarantined("incidents") == len(source) - len(expected) == 2
    assert set(quarantined) == {"M0000123", "A00001"}
    assert incidents["2023-0100001"][5:7] == (29.95465, -90.06911)  # parsed from the WKT POINT
    assert incidents["2023-1200120"][5:7] == (None, None)  # POINT (0 0)
    assert incidents["2023-0200045"][9] == 2  # priority "2C"


def test_local_time_cad_with_filter_and_code_rules(tmp_path, warehouse):
    source = rows("local_time.csv")
    police = [r for r in source if r["Agency"] == "PD"]
    expected = {}
    for r in police:
        wall = dt.datetime.strptime(r["Received"], "%Y-%m-%d %H:%M:%S")
        zone = ZoneInfo("America/Los_Angeles")
        aware = wall.replace(tzinfo=zone)
        if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall:
            continue  # skipped by the spring-forward change: quarantined
        expected["20" + r["CallNumber"][1:3] + "-" + r["CallNumber"][4:]] = aware.astimezone(UTC).replace(tzinfo=None)
    report, incidents, quarantined = load("local_time", warehouse, tmp_path)

    assert {k: v[1] for k, v in incidents.items()} == expected
    assert report.mapping.filtered["incidents"] == len(source) - len(police) == 2
    assert report.quarantined("incidents") == len(police) - len(expected) == 1
    assert report.rows_in == len(incidents) + report.quarantined("incidents") + report.mapping.filtered["incidents"]
    # 01:30 on the fall-back date happens twice; the mapping takes the first (PDT, UTC-7).
    assert incidents["2024-0000303"][1] == dt.datetime(2024, 11, 3, 8, 30)
    assert incidents["2024-0000301"][2] == dt.datetime(2024, 3, 10, 7, 30)  # the UTC column as is
    types = {k: v[7] for k, v in incidents.items()}
    assert types == {
        "2024-0000301": "MENTAL_HEALTH",
        "2024-0000303": "SUICIDE_RISK",
        "2024-0000305": "SHOPLIFT",
        "2024-0000306": "MENTAL_HEALTH",
    }
    assert dict(report.mapping.passed_through["incidents.initial_call_type"]) == {"WELFARE": 1, "SHOPLIFT": 1}


def test_one_row_per_unit_becomes_incidents_and_assignments(tmp_path, warehouse):
    files = sorted((FIXTURES / "per_unit").glob("units_*.csv"))
    source = [r for f in files for r in rows(f"per_unit/{f.name}")]
    prefixes = [("CRT", "CRT"), ("M", "EMS"), ("E", "FIRE"), ("L", "FIRE"), ("P", "POLICE")]

    def unit_type(unit):
        return next((t for p, t in prefixes if unit.startswith(p)), None)

    def stamp(text):
        return to_utc(text, "%Y-%m-%d %H:%M:%S", "America/New_York") if text else None

    expected_assignments = {}
    for r in source:
        if not r["Unit"] or unit_type(r["Unit"]) is None:
            continue
        try:
            times = tuple(stamp(r[c]) for c in ("Dispatched", "Enroute", "OnScene", "Cleared"))
        except ValueError:
            continue
        expected_assignments[(r["IncidentNum"], r["Unit"])] = (unit_type(r["Unit"]),) + times
    closed = {}
    for r in source:
        if r["Cleared"]:
            closed[r["IncidentNum"]] = max(closed.get(r["IncidentNum"], ""), r["Cleared"])

    report = load_vendor_file(FIXTURES / "per_unit.yml", None, warehouse, staged_path=tmp_path / "u.sqlite")
    with connect(warehouse) as wh:
        incidents = dict(wh.query("SELECT incident_number, closed_at FROM raw_cad.incidents"))
        assignments = {
            (r[0], r[1]): r[2:]
            for r in wh.query(
                "SELECT incident_number, unit_id, unit_type, dispatched_at, en_route_at, on_scene_at, cleared_at "
                "FROM raw_cad.unit_assignments"
            )
        }
        ids = wh.query("SELECT count(DISTINCT assignment_id) FROM raw_cad.unit_assignments")[0][0]

    calls = {r["IncidentNum"] for r in source}
    assert report.rows_in == len(source) == 9
    assert set(incidents) == calls and len(calls) == 6
    assert report.mapping.merged["incidents"] == len(source) - len(calls) == 3  # extra unit lines, not quarantined
    assert report.quarantined("incidents") == 0
    assert incidents == {k: stamp(closed.get(k, "")) for k in calls}  # latest unit clear time
    assert assignments == expected_assignments and len(assignments) == 6
    assert ids == len(assignments)  # no id collisions
    with_unit = [r for r in source if r["Unit"]]
    assert report.mapping.filtered["unit_assignments"] == len(source) - len(with_unit) == 1
    assert report.quarantined("unit_assignments") == len(with_unit) - len(expected_assignments) == 2
    # Re-running loads nothing, and the surrogate ids are stable.
    again = load_vendor_file(FIXTURES / "per_unit.yml", None, warehouse, staged_path=tmp_path / "u.sqlite")
    assert again.load.total_loaded == 0
    with connect(warehouse) as wh:
        assert sorted(wh.query("SELECT source_file, source_row FROM raw_cad.vendor_quarantine")) == [
            ("units_2024-05-01.csv", 5),
            ("units_2024-05-02.csv", 4),
        ]
        assert wh.query("SELECT count(DISTINCT assignment_id) FROM raw_cad.unit_assignments")[0][0] == ids
