"""The causal truth oracle: its files, its output rules, and facts that follow from how the city was simulated."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFINITIONS = PROJECT_ROOT / "docs/metric_definitions.md"
DIMENSIONS = {
    "heart_incidents_by_origin": "origin",
    "outcome_share": "outcome",
    "forgone_share": "reason",
    "eligible_by_dow_hour": "dow_hour_status",
    "eligible_by_beat": "beat_status",
    "referral_share": "referral_type",
    "transport_share": "destination",
    "follow_up_incidents": "response_status",
    "arrests_per_100": "response_status",
    "set_apart_incidents": "reason",
    "transport_destination_share": "destination_group",
    "hospital_transports_per_100": "response_status",
    "care_center_transports_per_100": "response_status",
    "arrests_per_100_standardized": "response_status",
    "hospital_transports_per_100_standardized": "response_status",
    "care_center_transports_per_100_standardized": "response_status",
}


def documented_metric_ids() -> set[str]:
    text = DEFINITIONS.read_text()
    section = text[text.index("## The metric table") : text.index("## How the numbers are proven")]
    ids = set()
    for line in section.splitlines():
        m = re.match(r"\|\s*([a-z0-9_]+)(?:\s*/\s*_(\w+)\s*/\s*_(\w+))?\s*\|", line)
        if m and m.group(1) != "metric_id":
            ids.add(m.group(1))
            if m.group(2):
                stem = m.group(1).rsplit("_", 1)[0]
                ids.update({f"{stem}_{m.group(2)}", f"{stem}_{m.group(3)}"})
    return ids


def read_truth(result) -> pd.DataFrame:
    return pd.read_csv(
        result.truth_dir / "metric_values.csv",
        keep_default_na=False,
        dtype={"period_start": str, "dimension_value": str, "program": str},
    )


def test_every_documented_metric_is_in_the_truth(tiny_clean):
    _, result, _, _ = tiny_clean
    ids = documented_metric_ids()
    catalog = set(pd.read_csv(PROJECT_ROOT / "seeds" / "metric_catalog.csv").metric_id)
    assert ids == catalog, (
        f"documented, not in the catalog: {sorted(ids - catalog)}; not documented: {sorted(catalog - ids)}"
    )
    truth = read_truth(result)
    assert ids <= set(truth.metric_id), f"missing metrics: {sorted(ids - set(truth.metric_id))}"


def test_output_rules(tiny_clean):
    _, result, _, _ = tiny_clean
    truth = read_truth(result)
    assert list(truth.columns) == [
        "metric_id",
        "period_grain",
        "period_start",
        "program",
        "dimension",
        "dimension_value",
        "value",
    ]
    assert set(truth.period_grain) == {"month", "quarter", "year"}
    assert truth.period_start.str.match(r"^\d{4}-\d{2}-01$").all()
    quarters = truth[truth.period_grain == "quarter"].period_start.str[5:7]
    assert set(quarters) <= {"01", "04", "07", "10"}
    assert (truth[truth.period_grain == "year"].period_start.str[5:] == "01-01").all()
    for metric, dim in DIMENSIONS.items():
        rows = truth[truth.metric_id == metric]
        assert (rows.dimension == dim).all() and (rows.dimension_value != "").all(), metric
    plain = truth[~truth.metric_id.isin(list(DIMENSIONS))]
    assert (plain.dimension == "").all() and (plain.dimension_value == "").all()
    shares = truth[truth.metric_id.str.endswith("_share")]
    assert shares.value.between(0, 1).all() and (shares.value > 0).all()
    counts = truth[
        truth.metric_id.isin(
            [
                "heart_incidents",
                "eligible_incidents",
                "ccd_incidents",
                "eligible_by_dow_hour",
                "eligible_by_beat",
                "follow_up_incidents",
            ]
        )
    ]
    assert (counts.value >= 1).all() and (counts.value == counts.value.round()).all()
    programs = truth.groupby("metric_id").program.agg(set)
    for metric, progs in programs.items():
        if metric == "eligible_incidents":
            assert progs <= {"ALL", "CRT", "CORESPONSE", "CCD"}
        elif metric in {"heart_incidents", "heart_incidents_by_origin", "outcome_share", "referral_share"}:
            assert "ALL" in progs and progs <= {"ALL", "CRT", "CORESPONSE", "CCD"}, metric
        elif metric not in {
            "response_minutes_mean",
            "response_minutes_median",
            "response_minutes_p90",
            "time_on_task_minutes_mean",
            "felt_safe_share",
            "police_backup_share",
            "ems_support_share",
            "transport_share",
            "transport_destination_share",
        }:
            assert progs == {"ALL"}, metric
    assert not truth.duplicated(
        ["metric_id", "period_grain", "period_start", "program", "dimension", "dimension_value"]
    ).any()


def test_truth_files_exist_and_describe_the_true_state(tiny_clean):
    _, result, cad, cms = tiny_clean
    truth_dir = result.truth_dir
    incidents = pd.read_csv(truth_dir / "incidents.csv", keep_default_na=False)
    assert len(incidents) == len(cad["incidents"])
    assert set(incidents.incident_number) == set(cad["incidents"].incident_number)
    reasons = set(incidents.forgone_reason) - {""}
    assert reasons == {"outside_service_area", "outside_hours", "no_unit_available", "other"}
    links = pd.read_csv(truth_dir / "encounter_links.csv", keep_default_na=False)
    assert len(links) == len(cms["encounters"])
    assert (links.incident_number == "").sum() > 0, "some encounters have no CAD incident at all"
    canaries = json.loads((truth_dir / "canaries.json").read_text())
    assert {c["table"] for c in canaries} >= {"people", "staff", "encounters", "calls"}
    assert (pd.read_csv(truth_dir / "defects.csv").shape[0]) == 0, "defect_rate=0 injects nothing"


@pytest.mark.parametrize("column", ["eligible", "heart_responded"])
def test_incident_truth_flags_are_booleans(tiny_clean, column):
    _, result, _, _ = tiny_clean
    incidents = pd.read_csv(result.truth_dir / "incidents.csv")
    assert incidents[column].dtype == bool


def test_causal_facts_are_recorded_for_every_incident_heart_did_not_reach(tiny_clean):
    """Every forgone incident carries the simulation's own reason, and every incident a team took
    alone the police response it would have had: the truth is built from these, not from rules."""
    _, result, cad, _ = tiny_clean
    inc = pd.read_csv(result.truth_dir / "incidents.csv", keep_default_na=False)
    forgone = inc[inc.eligible & ~inc.heart_responded]
    assert len(forgone) > 20
    assert (forgone.sim_reason != "").all()
    assert (inc[~(inc.eligible & ~inc.heart_responded)].sim_reason == "").all()
    assert set(forgone.sim_reason) >= {
        "outside_service_area",
        "outside_hours",
        "no_unit_available",
        "dispatcher_declined",
    }
    origin = cad["incidents"].set_index("incident_number").call_origin
    eligible_origins = set(origin.reindex(inc[inc.eligible].incident_number))
    assert eligible_origins <= {"911", "TEXT", "NON_EMERGENCY"}, "only calls from the public are opportunities"
    apart = inc[inc.set_apart != ""]
    assert set(apart.set_apart) == {"not_a_call", "closed_without_need", "reclassified_at_close"}
    assert not (apart.eligible.any()), "a set-apart incident is never eligible"
    took_alone = inc[
        inc.heart_responded & inc.eligible & inc.program.isin(["CRT", "CCD"]) & ~inc.police_without_heart.astype(bool)
    ]
    assert len(took_alone) > 20
    minutes = pd.to_numeric(took_alone.counterfactual_police_minutes)
    assert minutes.notna().all() and (minutes >= 0).all() and minutes.sum() > 0
