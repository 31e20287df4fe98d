"""A scenario applied to the observed period: which calls reach the teams, and when each team is on.

Date by date, a program's eligible call types, service beats and operating hours are the scenario's
where it sets them and the seeds' (effective-dated) otherwise; its teams are the scenario's count,
or the warehouse roster's in-service units plus the teams it adds. A team is on duty over its
program's operating hours of the day (the seeds' shifts never cross midnight), as the teams of the
synthetic city are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from orchestration.planning.scenario import DAYS, Scenario

# Why a call did not reach a team, in the marts' forgone-reason vocabulary; `loop` = it did.
NOT_DISPATCHABLE, OUTSIDE_AREA, OUTSIDE_HOURS, LOOP, CCD = (
    "other",
    "outside_service_area",
    "outside_hours",
    "loop",
    "ccd",
)


@dataclass
class Team:
    program: str
    shifts: np.ndarray  # (n, 2) UTC seconds of each shift's start and end, sorted


@dataclass
class PlannedCalls:
    frame: pd.DataFrame  # t, beat, band, route (LOOP / CCD / a forgone reason), mask (programs able to go)
    teams: list[Team]


def _open(value) -> bool:
    return value is None or pd.isna(value)


def hours_by_date(seed_hours: pd.DataFrame, program: str, days: list[dt.date], scenario: Scenario | None = None):
    """Local date -> (start_hour, end_hour) of the program, or None when it is closed that day."""
    change = scenario.programs.get(program) if scenario else None
    by_day = change.hours_by_day() if change else None
    if by_day is not None:
        return {day: by_day[DAYS[day.weekday()]] for day in days}
    rows = [
        (DAYS.index(r.day_of_week), r.effective_from, r.effective_to, (int(r.start_hour), int(r.end_hour)))
        for r in seed_hours[seed_hours.program == program].itertuples()
    ]
    out = {}
    for day in days:
        dow = day.weekday()
        out[day] = next(
            (span for d, frm, to, span in rows if d == dow and (_open(frm) or frm <= day) and (_open(to) or day < to)),
            None,
        )
    return out


def _utc(day: dt.date, hour: int, tz: ZoneInfo) -> int:
    if hour >= 24:
        day, hour = day + dt.timedelta(days=1), 0
    return int(dt.datetime(day.year, day.month, day.day, hour, tzinfo=tz).timestamp())


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days)]


def teams_by_date(roster: pd.DataFrame, program: str, days: list[dt.date]) -> list[int]:
    """In-service units of the program on each local date (in_service_to is the last day in service)."""
    units = roster[roster.program == program]
    spans = list(zip(units.in_service_from, units.in_service_to))
    return [sum(1 for frm, to in spans if (_open(frm) or frm <= day) and (_open(to) or day <= to)) for day in days]


def scheduled_shifts(seed_hours: pd.DataFrame, roster: pd.DataFrame, start: dt.date, end: dt.date) -> int:
    """Team shifts the roster was scheduled for over the period (what the status history is held to)."""
    days, total = _days(start, end), 0
    for program in roster.program.unique():
        spans = hours_by_date(seed_hours, program, days)
        total += sum(n for day, n in zip(days, teams_by_date(roster, program, days)) if spans[day])
    return total


def build_teams(inputs, scenario: Scenario) -> list[Team]:
    zone, teams = ZoneInfo(inputs.timezone), []
    hours = inputs.seeds["program_operating_hours"]
    days = _days(inputs.start, inputs.end)
    for program in inputs.dispatchable:
        change = scenario.programs.get(program)
        counts = teams_by_date(inputs.roster, program, days)
        if change and change.teams_per_shift is not None:
            counts = [change.teams_per_shift] * len(days)
        elif change and change.added_teams:
            counts = [c + change.added_teams for c in counts]
        spans = hours_by_date(hours, program, days, scenario)
        windows = []
        for day, n in zip(days, counts):
            span = spans[day]
            windows.append((n, None if span is None else (_utc(day, span[0], zone), _utc(day, span[1], zone))))
        for k in range(max(counts, default=0)):
            shifts = [w for n, w in windows if w is not None and n > k]
            teams.append(Team(program, np.array(shifts, dtype="int64").reshape(-1, 2)))
    return teams


def _eligible_for(inputs, scenario: Scenario, program: str) -> np.ndarray:
    calls = inputs.calls
    change = scenario.programs.get(program)
    if change and change.eligible_call_types is not None:
        return calls.call_type.isin(change.eligible_call_types).to_numpy()
    return calls[f"is_eligible_{program.lower()}"].to_numpy(dtype=bool)


def _serves(inputs, scenario: Scenario, program: str) -> np.ndarray:
    calls = inputs.calls
    change = scenario.programs.get(program)
    if change and change.service_beats is not None:
        return calls.beat.isin(change.service_beats).to_numpy()
    beats = inputs.seeds["program_service_beats"]
    beats = beats[beats.program == program]
    out = np.zeros(len(calls), dtype=bool)
    dates = calls.date.to_numpy()
    for row in beats.itertuples():
        ok = calls.beat.to_numpy() == row.beat
        if row.effective_from is not None and not pd.isna(row.effective_from):
            ok &= dates >= row.effective_from
        if row.effective_to is not None and not pd.isna(row.effective_to):
            ok &= dates < row.effective_to
        out |= ok
    return out


def _operates(inputs, scenario: Scenario, program: str) -> np.ndarray:
    calls = inputs.calls
    hours = inputs.seeds["program_operating_hours"]
    spans = hours_by_date(hours, program, _days(inputs.start, inputs.end), scenario)
    dates = pd.Series(list(spans))
    start = dates.map(lambda d: spans[d][0] if spans[d] else 99)
    end = dates.map(lambda d: spans[d][1] if spans[d] else -1)
    position = pd.Index(dates).get_indexer(calls.date)
    start, end = start.to_numpy()[position], end.to_numpy()[position]
    hour = calls.created_hour.to_numpy()
    return (hour >= start) & (hour < end)


def plan_calls(inputs, scenario: Scenario) -> PlannedCalls:
    """Route every call under the scenario: CCD as observed, a forgone reason, or into the teams' loop."""
    from orchestration.planning.simulate import PROGRAM_BITS

    calls = inputs.calls
    eligible = {p: _eligible_for(inputs, scenario, p) for p in inputs.dispatchable}
    serving = {p: eligible[p] & _serves(inputs, scenario, p) for p in inputs.dispatchable}
    operating = {p: serving[p] & _operates(inputs, scenario, p) for p in inputs.dispatchable}
    any_of = lambda d: np.logical_or.reduce(list(d.values()))  # noqa: E731
    is_eligible = any_of(eligible) | calls.is_eligible_ccd.to_numpy()
    mask = np.zeros(len(calls), dtype="int64")
    for p in inputs.dispatchable:
        mask |= PROGRAM_BITS[p] * operating[p]
    route = np.full(len(calls), LOOP, dtype=object)
    route[~any_of(operating)] = OUTSIDE_HOURS
    route[~any_of(serving)] = OUTSIDE_AREA
    route[~any_of(eligible)] = NOT_DISPATCHABLE
    # Crisis Call Diversion resolved the call on the phone before any team could be sent: kept as observed.
    ccd = (calls.heart_program == "CCD").to_numpy()
    route[ccd] = CCD
    frame = pd.DataFrame(
        {
            "t": calls.t.to_numpy(),
            "beat": calls.beat.to_numpy(dtype=object),
            "band": calls.created_hour.to_numpy() // 6,
            "route": route,
            "mask": mask,
            "police_units": calls.police_units.fillna(0).to_numpy(),
        }
    )[is_eligible].reset_index(drop=True)
    return PlannedCalls(frame, build_teams(inputs, scenario))
