"""Why a metric value differs from the truth: trace it to the incidents behind it.

For a metric row outside tolerance we take the incidents in its scope (its local period, and its
program for program rows), compare each incident's facts in the truth (truth/incidents.csv) with
ours (marts.fct_incidents), and ask whether every incident whose facts differ was *touched* by a
row our staging quarantined or flagged:

* quarantined: a quarantined call, unit assignment or arrest of the incident, or a quarantined
  encounter truly belonging to it;
* flagged: an unknown call type or impossible close time on the incident, or a unit assignment
  without a valid dispatch, on-scene or clear time (a field the metrics had to leave out).

A row is explained when at least one incident differs and all differing incidents are touched.
Metrics whose facts are not in truth/incidents.csv (referrals, transports, safety reports, and
police minutes or follow-ups when the truth file leaves them out) are explained when a touched
incident lies in their scope.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from .dbt_runner import Warehouse, read_sql

# truth column -> (our column, comparison)
FACTS = {
    "eligible": ("is_eligible", "bool"),
    "heart_responded": ("is_heart_responded", "bool"),
    "program": ("heart_program", "text"),
    "forgone_reason": ("forgone_reason", "text"),
    "origin": ("origin", "text"),
    "response_minutes": ("response_minutes", "float"),
    "familiar_caller": ("is_familiar_caller", "bool"),
    "police_minutes": ("police_minutes", "float"),
    "follow_up": ("has_follow_up", "bool"),
}
# which facts decide each metric (metrics not listed: any touched incident in scope explains them)
METRIC_FACTS = {
    "heart_incidents": ["heart_responded", "program"],
    "eligible_incidents": ["eligible"],
    "heart_incidents_by_origin": ["heart_responded", "program", "origin"],
    "response_minutes_mean": ["heart_responded", "program", "response_minutes"],
    "response_minutes_median": ["heart_responded", "program", "response_minutes"],
    "response_minutes_p90": ["heart_responded", "program", "response_minutes"],
    "forgone_share": ["eligible", "heart_responded", "forgone_reason"],
    "eligible_by_dow_hour": ["eligible", "heart_responded"],
    "eligible_by_beat": ["eligible", "heart_responded"],
    "police_minutes_per_forgone_incident": ["eligible", "heart_responded", "police_minutes"],
    "follow_up_incidents": ["eligible", "heart_responded", "follow_up"],
    "familiar_caller_share": ["eligible", "familiar_caller"],
    "police_hours_saved": ["eligible", "heart_responded", "police_minutes"],
}


def _same(kind: str, a, b) -> bool:
    a_null = a is None or (isinstance(a, float) and math.isnan(a)) or a == ""
    b_null = b is None or (isinstance(b, float) and math.isnan(b)) or b == ""
    if a_null or b_null:
        return a_null and b_null
    if kind == "bool":
        return (str(a).lower() in ("true", "1")) == (str(b).lower() in ("true", "1"))
    if kind == "float":
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return str(a) == str(b)


def _periods(created_utc: pd.Series, tz: str) -> pd.DataFrame:
    local = pd.to_datetime(created_utc).dt.tz_localize("UTC").dt.tz_convert(ZoneInfo(tz)).dt.tz_localize(None)
    quarter_month = ((local.dt.month - 1) // 3) * 3 + 1
    return pd.DataFrame(
        {
            "month": local.dt.strftime("%Y-%m-01"),
            "quarter": [f"{y:04d}-{m:02d}-01" for y, m in zip(local.dt.year, quarter_month)],
            "year": local.dt.strftime("%Y-01-01"),
        }
    )


@dataclass
class Attribution:
    explained: pd.DataFrame  # outside rows with `explained`, `differing`, `touched_differing`
    touched: set[str]
    touched_by_quarantine: set[str]


def touched_incidents(warehouse: Warehouse, truth_dir: Path) -> tuple[set[str], set[str]]:
    """(incidents touched by any quarantined or flagged row, incidents touched by quarantine only)."""
    quarantined = set(
        read_sql(warehouse, "select incident_number from staging.stg_quarantine where incident_number is not null")[
            "incident_number"
        ]
    )
    links = pd.read_csv(truth_dir / "encounter_links.csv", dtype=str)
    q_enc = read_sql(warehouse, "select record_key from staging.quarantine_cms__encounters")
    quarantined |= set(links[links.encounter_id.isin(q_enc["record_key"])].incident_number.dropna())
    flagged = set(
        read_sql(
            warehouse,
            """
        select incident_number from marts.fct_incidents
        where has_unknown_final_call_type or has_unknown_initial_call_type or is_closed_at_invalid
        union
        select incident_number from intermediate.int_unit_assignments_timed
        where not has_valid_dispatch or not has_valid_clear or cleared_at < dispatched_at
            or (on_scene_at is not null and not has_valid_on_scene)
            or (on_scene_at is null and cleared_at is not null and en_route_at is not null)
    """,
        )["incident_number"]
    )
    return quarantined | flagged, quarantined


def attribute(outside: pd.DataFrame, warehouse: Warehouse, truth_dir: Path, tz: str) -> Attribution:
    truth = pd.read_csv(truth_dir / "incidents.csv", dtype=str, keep_default_na=False)
    # creation times come from raw (no defect touches them): the truth file need not carry them
    created = read_sql(
        warehouse, "select incident_number, cast(created_at as varchar) as created_at from raw_cad.incidents"
    )
    truth = truth.drop(columns=[c for c in ("created_at",) if c in truth.columns]).merge(
        created, on="incident_number", how="left"
    )
    truth = pd.concat([truth.reset_index(drop=True), _periods(truth["created_at"], tz)], axis=1)
    facts = {fact: spec for fact, spec in FACTS.items() if fact in truth.columns}
    ours = read_sql(
        warehouse,
        "select incident_number, "
        + ", ".join(f"{c} as ours_{c}" for c, _ in FACTS.values())
        + " from marts.fct_incidents",
    )
    merged = truth.merge(ours, on="incident_number", how="left")
    for fact, (col, kind) in facts.items():
        merged[f"differs_{fact}"] = [not _same(kind, a, b) for a, b in zip(merged[fact], merged[f"ours_{col}"])]
    touched, by_quarantine = touched_incidents(warehouse, truth_dir)
    merged["touched"] = merged["incident_number"].isin(touched)

    records = []
    for row in outside.to_dict("records"):
        scope = merged[merged[row["period_grain"]] == row["period_start"]]
        if row["program"] != "ALL":
            scope = scope[(scope["program"] == row["program"]) | (scope["ours_heart_program"] == row["program"])]
        metric_facts = [f for f in METRIC_FACTS.get(row["metric_id"], []) if f in facts]
        if metric_facts:
            differing = scope[scope[[f"differs_{f}" for f in metric_facts]].any(axis=1)]
            explained = len(differing) > 0 and bool(differing["touched"].all())
            n_diff, n_touched = len(differing), int(differing["touched"].sum())
        else:
            n_touched = int(scope["touched"].sum())
            n_diff = n_touched
            explained = n_touched > 0
        records.append({**row, "differing_incidents": n_diff, "touched_differing": n_touched, "explained": explained})
    return Attribution(pd.DataFrame(records), touched, by_quarantine)
