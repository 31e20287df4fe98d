"""The seeds are a consistent city configuration, and the generator really reads them."""

from __future__ import annotations

import datetime as dt
import shutil

import pandas as pd
import yaml

from simulator import GeneratorConfig
from simulator.city import simulate
from simulator.rules import SEEDS_DIR, load_rules


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(SEEDS_DIR / f"{name}.csv", dtype=str, keep_default_na=False)


def active(frame: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    iso = day.isoformat()
    return frame[(frame.effective_from <= iso) & ((frame.effective_to == "") | (iso < frame.effective_to))]


def test_every_seed_is_documented_with_its_columns():
    doc = yaml.safe_load((SEEDS_DIR / "_seeds.yml").read_text())
    documented = {s["name"]: [c["name"] for c in s["columns"]] for s in doc["seeds"]}
    files = {p.stem for p in SEEDS_DIR.glob("*.csv")}
    mine = {
        "call_types",
        "call_type_eligibility",
        "eligibility_exclusions",
        "program_service_beats",
        "program_operating_hours",
        "call_origins",
        "dispositions",
        "encounter_outcomes",
        "referral_types",
        "transport_destinations",
        "familiar_caller_rule",
        "beats",
    }
    assert mine <= files and mine <= set(documented)
    for name in mine:
        assert list(read(name).columns) == documented[name], f"seeds/_seeds.yml columns of {name}"


def test_ccd_types_are_a_subset_of_crt_types_on_every_day():
    elig = read("call_type_eligibility")
    changes = sorted({d for d in elig.effective_from} | {d for d in elig.effective_to if d})
    for iso in changes:
        day = dt.date.fromisoformat(iso)
        on = active(elig, day)
        assert set(on.call_type_code[on.program == "CCD"]) <= set(on.call_type_code[on.program == "CRT"]), iso


def test_rules_change_inside_the_demo_year():
    elig = read("call_type_eligibility")
    beats = read("program_service_beats")
    inside = lambda d: "2024-01-02" <= d <= "2024-12-31"  # noqa: E731
    assert any(inside(d) for d in elig.effective_from), "a call type is added during the demo year"
    assert any(inside(d) for d in beats.effective_from), "the service area expands during the demo year"
    hours = read("program_operating_hours")
    assert set(hours.program) == {"CRT", "CORESPONSE", "CCD"}
    assert set(hours.day_of_week) == {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}
    assert (hours.start_hour.astype(int) < hours.end_hour.astype(int)).all()
    assert set(read("call_origins").origin) == {"911", "self_initiated", "other"}
    assert set(read("transport_destinations").destination_category) == {"hospital", "care_center", "other"}
    outcome_cats = set(read("dispositions").outcome_category)
    assert set(read("encounter_outcomes").outcome_category) <= outcome_cats


def test_the_generator_reads_the_rules_from_the_seeds(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, seeds)
    elig = read("call_type_eligibility")
    elig[elig.program != "CCD"].to_csv(seeds / "call_type_eligibility.csv", index=False)
    state = simulate(GeneratorConfig(tier="tiny", seed=7, defect_rate=0), load_rules(seeds))
    assert not state.tables["incidents"].disposition.isin(["CCD", "CCD_REFERRED"]).any()
    assert (state.tables["encounters"].program != "CCD").all()
