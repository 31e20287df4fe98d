"""What the planner knows, read from the warehouse and the reference tables.

The eligible call stream (`marts.fct_incidents`: arrival time, beat, call type, the programs it is
eligible for, and what happened), the observed HEART responses' timings (call to dispatch, dispatch
to on scene, dispatch to clear) by program, beat and hour, the teams' roster (`staging.stg_cad__units`)
and what their status history says about unstaffed shifts, breaks and free time (outreach per free
team hour), and the police parts of the police-hours-saved formula over the forgone incidents.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from orchestration.business_rules import business_rules
from orchestration.paths import PROJECT_ROOT, seeds_dir
from orchestration.warehouse.connections import connect
from orchestration.warehouse.destination import Destination

# Calls that could be eligible under some scenario: calls from the public, no exclusion flagged, not
# closed without need (eligibility rules 1, 3 and 4); rule 2, the call type, is the scenario's.
CALLS_SQL = """
select
    incident_number, created_at, created_date_local, created_hour, beat, eligibility_call_type as call_type,
    is_eligible, is_eligible_crt, is_eligible_coresponse, is_eligible_ccd,
    heart_program, is_heart_responded, forgone_reason, heart_units,
    first_heart_dispatched_at, first_heart_on_scene_at, last_heart_cleared_at, response_minutes,
    police_units, valid_police_assignments, police_minutes
from marts.fct_incidents
where begins_as_call and not coalesce(closes_without_need, false)
    and not coalesce(weapon_involved, false) and not coalesce(violence_toward_others, false)
"""
# HEART work that is not an eligible call: the teams' own outreach and police requests for a co-responder.
OTHER_WORK_SQL = """
select incident_number, origin, heart_program, created_at, first_heart_dispatched_at, last_heart_cleared_at
from marts.fct_incidents
where heart_units > 0 and not is_eligible
"""
UNITS_SQL = (
    "select unit_id, program, in_service_from, in_service_to from staging.stg_cad__units where program is not null"
)
STATUS_SQL = "select unit_id, status, changed_at from staging.stg_cad__unit_status_changes order by unit_id, changed_at"
PROGRAM_OF_UNIT_TYPE = {"CRT": "CRT", "CORESPONSE": "CORESPONSE"}


class NothingToPlanWith(ValueError):
    """The warehouse holds no program to learn from (e.g. a city whose data is CAD only): planning
    is not available there, which is a fact to report, not a failure of the run."""


@dataclass
class Timings:
    """Observed HEART responses, seconds: call to dispatch, dispatch to on scene, dispatch to clear."""

    frame: pd.DataFrame  # program, beat, band (hour // 6), delay, response, busy
    cancelled_busy: np.ndarray  # dispatch to clear of team runs cancelled before arrival


@dataclass
class PlanningInputs:
    calls: pd.DataFrame  # one row a call that could be eligible (CALLS_SQL) with t (UTC s), date, dow
    other_work: pd.DataFrame  # program, t, busy (s): co-response requests not eligible (fixed load)
    roster: pd.DataFrame  # unit_id, program, in_service_from, in_service_to (local dates)
    timings: Timings
    start: dt.date  # first local date of the observed period
    end: dt.date  # local date after the last
    timezone: str
    seeds: dict[str, pd.DataFrame]  # program_operating_hours, program_service_beats, call_type_eligibility
    dispatchable: tuple[str, ...]
    police_free_programs: tuple[str, ...]
    unstaffed_share: float  # of scheduled team shifts never staffed (status history)
    break_minutes: float  # median out-of-service spell
    outreach_per_free_hour: float  # CRT self-initiated incidents per free team hour
    outreach_busy: np.ndarray  # their dispatch to clear, seconds
    decline_share: float  # of calls with a free team that the dispatcher kept with police
    cancel_share: float  # of team dispatches cancelled before arrival
    second_unit_share: float  # of team responses with a second HEART unit
    police_units_per_forgone: float  # B of the police hours saved formula
    police_minutes_per_unit: float  # C of it

    @property
    def observed(self) -> pd.DataFrame:
        """The eligible calls as the marts counted them."""
        return self.calls[self.calls.is_eligible]


def _frame(con, sql: str) -> pd.DataFrame:
    cur = con.cursor()
    cur.execute(sql)
    rows = cur.fetchall()
    return pd.DataFrame(rows, columns=[d[0] for d in cur.description])


def _epoch(values: pd.Series) -> np.ndarray:
    """UTC seconds of naive-UTC timestamps (NaN where missing)."""
    ts = pd.to_datetime(values)
    out = (ts - pd.Timestamp("1970-01-01")).dt.total_seconds()
    return out.to_numpy(dtype="float64")


def _seed(name: str, folder: Path) -> pd.DataFrame:
    frame = pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)
    for col in ("effective_from", "effective_to"):
        if col in frame:
            frame[col] = pd.to_datetime(frame[col].replace("", None)).dt.date
    return frame


def _police_free_programs() -> tuple[str, ...]:
    project = yaml.safe_load((PROJECT_ROOT / "dbt_project.yml").read_text())
    return tuple(project["vars"]["police_free_programs"])


def _timings(calls: pd.DataFrame) -> Timings:
    team = calls[calls.heart_program.isin(list(PROGRAM_OF_UNIT_TYPE)) & calls.is_eligible].copy()
    team = team[team.response_minutes.notna() & (team.heart_units == 1)]
    frame = pd.DataFrame(
        {
            "program": team.heart_program.to_numpy(dtype=object),
            "beat": team.beat.to_numpy(dtype=object),
            "band": (team.created_hour.astype(int) // 6).to_numpy(),
            "delay": (team.dispatched_t - team.t).to_numpy(),
            "response": team.response_minutes.to_numpy(dtype="float64") * 60.0,
            "busy": (team.cleared_t - team.dispatched_t).to_numpy(),
        }
    )
    frame = frame[(frame.delay >= 0) & (frame.busy > 0)].dropna().reset_index(drop=True)
    if frame.empty:
        raise NothingToPlanWith("marts.fct_incidents: no HEART team response with valid times to learn timings from")
    cancelled = calls[calls.is_eligible & calls.is_forgone_with_unit]
    busy = (cancelled.cleared_t - cancelled.dispatched_t).dropna().to_numpy()
    return Timings(frame, busy[busy > 0] if len(busy) else np.array([600.0]))


def _status_figures(
    status: pd.DataFrame, roster: pd.DataFrame, shifts_scheduled: int, tz: str
) -> tuple[float, float, float]:
    """Unstaffed share of scheduled shifts, median break minutes and CRT free hours, from the status
    history. A staffed shift starts with the team AVAILABLE, so a scheduled shift without an AVAILABLE
    change on its local date was not staffed."""
    if status.empty:
        return 0.0, 30.0, float("nan")
    status = status.assign(t=_epoch(status.changed_at)).sort_values(["unit_id", "t"], kind="stable")
    status["until"] = status.groupby("unit_id").t.shift(-1)
    local_date = pd.to_datetime(status.t, unit="s").dt.tz_localize("UTC").dt.tz_convert(tz).dt.date
    available = status.status == "AVAILABLE"
    staffed = len(set(zip(status.unit_id[available], local_date[available])))
    unstaffed = max(0.0, 1.0 - staffed / shifts_scheduled) if shifts_scheduled > 0 else 0.0
    status = status.dropna(subset=["until"])
    status["hours"] = (status.until - status.t) / 3600.0
    status["program"] = status.unit_id.map(dict(zip(roster.unit_id, roster.program)))
    breaks = status[status.status == "OUT_OF_SERVICE"].hours * 60.0
    free_crt = status[(status.status == "AVAILABLE") & (status.program == "CRT")].hours.sum()
    return unstaffed, float(breaks.median()) if len(breaks) else 30.0, float(free_crt)


def read_inputs(dest: Destination, seeds: Path | None = None) -> PlanningInputs:
    seeds = Path(seeds or seeds_dir())
    rules = business_rules()
    with connect(dest, read_only=True) as con:
        calls = _frame(con, CALLS_SQL)
        other = _frame(con, OTHER_WORK_SQL)
        roster = _frame(con, UNITS_SQL)
        status = _frame(con, STATUS_SQL)
    if calls.empty:
        raise NothingToPlanWith("marts.fct_incidents has no calls from the public to plan with")
    for col in ("is_eligible", "is_eligible_crt", "is_eligible_coresponse", "is_eligible_ccd", "is_heart_responded"):
        calls[col] = calls[col].fillna(False).astype(bool)
    calls["beat"] = calls.beat.astype(object)
    calls["t"] = _epoch(calls.created_at)
    calls["dispatched_t"] = _epoch(calls.first_heart_dispatched_at)
    calls["cleared_t"] = _epoch(calls.last_heart_cleared_at)
    calls["date"] = pd.to_datetime(calls.created_date_local).dt.date
    calls["dow"] = pd.to_datetime(calls.created_date_local).dt.day_of_week.to_numpy()
    calls["created_hour"] = calls.created_hour.astype(int)
    calls["heart_units"] = calls.heart_units.fillna(0).astype(int)
    calls["is_forgone_with_unit"] = ~calls.is_heart_responded & (calls.heart_units > 0)
    calls = calls.sort_values("t", kind="stable").reset_index(drop=True)
    start, end = min(calls.date), max(calls.date) + dt.timedelta(days=1)
    roster["in_service_from"] = pd.to_datetime(roster.in_service_from).dt.date
    roster["in_service_to"] = pd.to_datetime(roster.in_service_to).dt.date

    seed_frames = {
        name: _seed(name, seeds)
        for name in ("program_operating_hours", "program_service_beats", "call_type_eligibility")
    }
    # Imported here: the model module needs the seed frames above, not the other way round.
    from orchestration.planning.model import scheduled_shifts

    scheduled = scheduled_shifts(seed_frames["program_operating_hours"], roster, start, end)
    unstaffed, break_minutes, free_crt_hours = _status_figures(status, roster, scheduled, rules.city_timezone)

    outreach = other[(other.origin == "self_initiated") & (other.heart_program == "CRT")]
    outreach_busy = (_epoch(outreach.last_heart_cleared_at) - _epoch(outreach.first_heart_dispatched_at)).astype(float)
    outreach_busy = outreach_busy[np.isfinite(outreach_busy) & (outreach_busy > 0)]
    corequests = other[(other.origin != "self_initiated") & (other.heart_program == "CORESPONSE")]
    other_work = pd.DataFrame(
        {
            "program": "CORESPONSE",
            "t": _epoch(corequests.created_at),
            "busy": _epoch(corequests.last_heart_cleared_at) - _epoch(corequests.first_heart_dispatched_at),
        }
    ).dropna()
    # A request whose clear is not after its dispatch has invalid times (a CAD defect): its load is unknown.
    other_work = other_work[other_work.busy > 0]

    eligible = calls[calls.is_eligible]
    team_responded = eligible.heart_program.isin(list(PROGRAM_OF_UNIT_TYPE))
    other_forgone = eligible.forgone_reason.eq("other") & (eligible.is_eligible_crt | eligible.is_eligible_coresponse)
    cancelled = int((other_forgone & eligible.is_forgone_with_unit).sum())
    declined = int((other_forgone & ~eligible.is_forgone_with_unit).sum())
    dispatched = int(team_responded.sum()) + cancelled
    forgone = eligible[~eligible.is_heart_responded]
    timed_units = forgone.valid_police_assignments.fillna(0).sum()
    return PlanningInputs(
        calls=calls,
        other_work=other_work,
        roster=roster,
        timings=_timings(calls),
        start=start,
        end=end,
        timezone=rules.city_timezone,
        seeds=seed_frames,
        dispatchable=tuple(rules.dispatchable_programs),
        police_free_programs=_police_free_programs(),
        unstaffed_share=unstaffed,
        break_minutes=break_minutes,
        outreach_per_free_hour=(len(outreach) / free_crt_hours) if free_crt_hours and free_crt_hours > 0 else 0.0,
        outreach_busy=outreach_busy if len(outreach_busy) else np.array([3600.0]),
        decline_share=declined / max(1, declined + dispatched),
        cancel_share=cancelled / max(1, dispatched),
        second_unit_share=float((eligible[team_responded].heart_units >= 2).mean()) if team_responded.any() else 0.0,
        police_units_per_forgone=float(forgone.police_units.fillna(0).sum() / max(1, len(forgone))),
        police_minutes_per_unit=float(forgone.police_minutes.fillna(0).sum() / timed_units) if timed_units else 0.0,
    )
