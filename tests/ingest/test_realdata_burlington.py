"""All 10,830 Burlington VT incidents through cities/burlington/burlington_vt.yml, checked against the file itself."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from orchestration.ingest.mappings import load_vendor_file
from orchestration.ingest.warehouse import connect
from orchestration.paths import PROJECT_ROOT
from tests.ingest.helpers import realdata_file

pytestmark = pytest.mark.realdata

MAPPING = PROJECT_ROOT / "cities" / "burlington" / "burlington_vt.yml"
EXPORT = "burlington_vt_police_incidents_2022H1.csv"
ROWS = 10_830


@pytest.fixture(scope="module")
def source() -> pd.DataFrame:
    frame = pd.read_csv(realdata_file(EXPORT), dtype=str, keep_default_na=False)
    assert len(frame) == ROWS
    # The contract's incident number, computed here independently of the mapping's pattern.
    frame["incident_number"] = "20" + frame.incident_number.str[:2] + "-" + frame.incident_number.str[4:].str.zfill(7)
    return frame.set_index("incident_number")


def test_every_burlington_row_is_loaded_or_quarantined_with_repaired_times(tmp_path, warehouse, source):
    report = load_vendor_file(MAPPING, realdata_file(EXPORT), warehouse, staged_path=tmp_path / "bvt.sqlite")

    loaded = report.load.rows_loaded["raw_cad.incidents"]
    quarantined = report.quarantined("incidents")
    assert report.rows_in == ROWS
    assert loaded + quarantined == ROWS, report.summary()
    # The only rows the contract cannot take: call_origin "NA" (not nullable in the contract).
    assert quarantined == (source.call_origin == "NA").sum() == 21

    with connect(warehouse) as wh:
        raw = pd.DataFrame(
            wh.query(
                "SELECT incident_number, created_at, updated_at, call_origin, priority, latitude, beat "
                "FROM raw_cad.incidents"
            ),
            columns=["incident_number", "created_at", "updated_at", "call_origin", "priority", "latitude", "beat"],
        ).set_index("incident_number")
        q = pd.DataFrame(
            wh.query("SELECT record_id, reason FROM raw_cad.vendor_quarantine"), columns=["record_id", "reason"]
        )
        call_types = wh.query("SELECT count(*) FROM raw_cad.call_types")[0][0]
    assert len(raw) == loaded
    assert set(q.record_id) == set(
        source.index[source.call_origin == "NA"].str.replace(r"^20(\d\d)-0(\d{6})$", r"\1BU\2", regex=True)
    )
    assert (q.reason == "call_origin: required value is missing ('NA')").all()

    # The repair: local Burlington time of created_at must agree with the file's own Hour and
    # DayOfWeek columns on every row (the labelled call_time is off by the UTC offset on all of them).
    src = source.loc[raw.index]
    local = pd.to_datetime(raw.created_at).dt.tz_localize("UTC").dt.tz_convert(ZoneInfo("America/New_York"))
    hour_label = local.dt.strftime("%-I %p").str.lower()
    assert (hour_label == src.Hour).all(), pd.concat([hour_label, src.Hour], axis=1)[hour_label != src.Hour].head()
    assert (local.dt.day_name() == src.DayOfWeek).all()
    assert (local.dt.month_name() == src.Month).all()
    labelled = pd.to_datetime(src.call_time, format="%Y-%m-%dT%H:%M:%S%z", utc=True).dt.tz_localize(None)
    offset_hours = (pd.to_datetime(raw.created_at) - labelled).dt.total_seconds() / 3600
    assert set(offset_hours.unique()) == {4.0, 5.0}  # the repair moved every row by its own UTC offset
    assert (raw.updated_at == raw.created_at).all()

    # Null tokens, code translations and coordinates.
    assert raw.latitude.isna().sum() == (src.Latitude == "NA").sum()
    assert raw.priority.isna().sum() == (src.priority == "NA").sum()
    assert raw.beat.isna().sum() == (src.Area == "NA").sum()
    assert set(raw.call_origin) == {"911", "NON_EMERGENCY", "SELF_INITIATED", "WALK_IN"}
    assert call_types == source.call_type[source.call_type != "NA"].nunique()

    again = load_vendor_file(MAPPING, realdata_file(EXPORT), warehouse, staged_path=tmp_path / "bvt.sqlite")
    assert again.load.total_loaded == 0
