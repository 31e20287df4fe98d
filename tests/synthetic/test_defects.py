"""Every injected defect is listed in truth/defects.csv, is present in the data, and rates follow the config."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

from simulator import GeneratorConfig
from simulator.city import simulate
from simulator.defects import DEFAULT_RATES, inject
from simulator.entry import ENTRY_RATES
from simulator.rules import load_rules


def normalize(typed: str) -> str | None:
    """Recover 'YYYY-NNNNNNN' from the re-formatted variants staff type."""
    s = typed.strip().lstrip("#").replace(" ", "")
    if "-" in s:
        year, seq = s.split("-", 1)
    elif len(s) == 11:
        year, seq = s[:4], s[4:]
    elif len(s) == 9:
        year, seq = s[:2], s[2:]
    else:
        return None
    year = "20" + year if len(year) == 2 else year
    return f"{year}-{seq.zfill(7)}" if seq.isdigit() and len(seq) <= 7 else None


@pytest.fixture(scope="module")
def defects(tiny):
    _, result, _, _ = tiny
    return pd.read_csv(result.truth_dir / "defects.csv", dtype=str, keep_default_na=False)


def test_defect_log_columns_and_kinds(defects):
    assert list(defects.columns) == ["defect_kind", "table", "primary_key", "column", "detail"]
    # the midnight kind needs a contact near midnight, which the tiny tier may not draw
    assert set(defects.defect_kind) >= set(DEFAULT_RATES) | {"dst_transition"} | (
        set(ENTRY_RATES) - {"entry_wrong_day"}
    )
    assert set(defects.defect_kind) <= set(DEFAULT_RATES) | {"dst_transition"} | set(ENTRY_RATES)


def test_cad_number_defects_are_present_and_complete(tiny, defects):
    _, result, _, cms = tiny
    links = pd.read_csv(result.truth_dir / "encounter_links.csv", dtype=str, keep_default_na=False)
    enc = cms["encounters"].merge(links.assign(encounter_id=links.encounter_id.astype("int64")), on="encounter_id")
    typed = enc.cad_incident_number.fillna("")
    differs = enc[typed != enc.incident_number]
    listed = defects[defects.column == "cad_incident_number"].set_index("primary_key").defect_kind
    listed = listed[listed.index.isin(set(enc.encounter_id.astype(str)))]
    assert listed.index.is_unique, "one number defect per encounter"
    assert set(differs.encounter_id.astype(str)) == set(listed.index), "every wrong CAD number is listed"
    for row in differs.itertuples():
        kind = listed[str(row.encounter_id)]
        if kind in ("cad_number_missing", "entry_number_missing_callback"):
            assert pd.isna(row.cad_incident_number)
        elif kind == "cad_number_reformatted":
            assert normalize(row.cad_incident_number) == row.incident_number, row
        elif kind == "entry_number_transposed":
            assert sorted(row.cad_incident_number) == sorted(row.incident_number)
            assert sum(a != b for a, b in zip(row.cad_incident_number, row.incident_number)) == 2
        else:
            assert kind == "cad_number_mistyped" and normalize(row.cad_incident_number) != row.incident_number
            diff = sum(a != b for a, b in zip(row.cad_incident_number, row.incident_number))
            assert len(row.cad_incident_number) == len(row.incident_number) and diff in (1, 2)


def test_assignment_time_defects_are_present(tiny, defects):
    _, _, cad, _ = tiny
    asg = cad["unit_assignments"].set_index(cad["unit_assignments"].assignment_id.astype(str))
    rows = defects[defects.table == "unit_assignments"]
    for d in rows.itertuples():
        a = asg.loc[d.primary_key]
        if d.defect_kind in ("missing_dispatch_time", "missing_on_scene_time"):
            assert pd.isna(a[d.column])
        elif d.defect_kind == "placeholder_timestamp":
            assert str(a[d.column]) == "1900-01-01 00:00:00"
        elif d.defect_kind == "cleared_before_dispatched":
            assert a.cleared_at < a.dispatched_at
        elif d.defect_kind == "late_cleared_update":
            assert a.updated_at - a.cleared_at >= pd.Timedelta(hours=3)
    # Conversely every impossible value in the data is listed.
    placeholders = set(asg.index[(asg.dispatched_at.dt.year == 1900) | (asg.on_scene_at.dt.year == 1900)])
    assert placeholders == set(rows.primary_key[rows.defect_kind == "placeholder_timestamp"])
    backwards = set(asg.index[asg.cleared_at < asg.dispatched_at])
    assert backwards == set(rows.primary_key[rows.defect_kind == "cleared_before_dispatched"])
    no_dispatch = set(asg.index[asg.dispatched_at.isna()])
    assert no_dispatch == set(rows.primary_key[rows.defect_kind == "missing_dispatch_time"])


def test_unknown_call_types_and_duplicates_are_listed(tiny, defects):
    _, _, cad, _ = tiny
    known = set(cad["call_types"].call_type_code)
    inc = cad["incidents"]
    unknown = inc[~inc.final_call_type.isin(known) | ~inc.initial_call_type.isin(known)]
    listed = defects[defects.defect_kind == "unknown_call_type"]
    assert set(unknown.incident_number) == set(listed.primary_key)
    calls = cad["calls"].set_index(cad["calls"].call_id.astype(str))
    dups = defects[defects.defect_kind == "duplicate_call"]
    assert len(dups) > 0
    for d in dups.itertuples():
        original = calls.loc[re.search(r"call (\d+)", d.detail).group(1)]
        copy = calls.loc[d.primary_key]
        assert copy.incident_number == original.incident_number and copy.caller_phone == original.caller_phone
        assert pd.Timedelta(0) < copy.received_at - original.received_at <= pd.Timedelta(seconds=60)


def test_late_updates_have_a_later_updated_at(tiny, defects):
    _, _, cad, _ = tiny
    inc = cad["incidents"].set_index("incident_number")
    for d in defects[defects.defect_kind == "late_reclassification"].itertuples():
        row = inc.loc[d.primary_key]
        assert row.updated_at - row.closed_at >= pd.Timedelta(days=1)
        assert row.initial_call_type != row.final_call_type


@pytest.mark.parametrize("multiplier", [1.0, 3.0])
def test_defect_rates_follow_the_configuration(multiplier):
    cfg = GeneratorConfig(tier="tiny", seed=11, defect_rate=multiplier)
    state = simulate(cfg, load_rules())
    written, log = inject(state, cfg)
    t = state.tables
    enc_with_number = t["encounters"].cad_incident_number.notna().sum()
    fu_with_number = t["follow_ups"].cad_incident_number.notna().sum()
    asg = t["unit_assignments"]
    populations = {
        "cad_number_reformatted": enc_with_number + fu_with_number,
        "cad_number_mistyped": enc_with_number,
        "cad_number_missing": enc_with_number,
        "duplicate_call": t["calls"].caller_phone.notna().sum(),
        "missing_dispatch_time": asg.dispatched_at.notna().sum(),
        "missing_on_scene_time": asg.on_scene_at.notna().sum(),
        "cleared_before_dispatched": (asg.dispatched_at.notna() & asg.cleared_at.notna()).sum(),
        "placeholder_timestamp": asg.on_scene_at.notna().sum(),
        "unknown_call_type": len(t["incidents"]),
        "late_cleared_update": (asg.cleared_at + 86400 < state.end_utc).sum(),
        "late_reclassification": (
            (t["incidents"].initial_call_type != t["incidents"].final_call_type)
            & (t["incidents"].closed_at + 2 * 86400 < state.end_utc)
        ).sum(),
    }
    counts = log.defect_kind.value_counts()
    for kind, population in populations.items():
        p = min(1.0, DEFAULT_RATES[kind] * multiplier)
        expected = p * population
        tolerance = 4.5 * math.sqrt(expected * (1 - p)) + 0.08 * expected + 2
        assert abs(counts.get(kind, 0) - expected) <= tolerance, (
            f"{kind}: {counts.get(kind, 0)} injected, expected about {expected:.1f} (rate {p} x {population} rows)"
        )
    assert len(written["calls"]) == len(t["calls"]) + counts["duplicate_call"]
    assert np.array_equal(written["incidents"].incident_number, t["incidents"].incident_number)
