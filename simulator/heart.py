"""HEART units and the one sequential part of the simulation: who is free when a call comes in.

Only incidents a HEART unit could be sent to (eligible by their initial call type, inside a
service area, during operating hours), police requests for a co-responder, and the teams' own
self-initiated outreach enter the loop, in time order. A unit cannot take a call while it is on
another call (committed from the moment the dispatcher picks it until it clears), on a day its
team is not staffed, or on its meal break (taken only if the unit is free when the break is due).
The loop's own outcome is the simulation's reason for not going; CAD records the same world as the
unit status history written by `unit_status_changes()`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .config import EXPANSION_DATE, Tier
from .frames import frame
from .rules import DAYS, day_number
from .timeutil import local_midnight_utc, utc_of_local

PROGRAM_BITS = {"CRT": 1, "CORESPONSE": 2}
UNIT_PREFIX = {"CRT": "CRT", "CORESPONSE": "COR"}

# Event kinds in the loop.
DISPATCH, CORESPONSE_REQUEST, SELF_INITIATED = 0, 1, 2
# Loop outcomes of a dispatch candidate.
NO_UNIT, DECLINED, ARRIVED, CANCELLED = 0, 1, 2, 3

DECLINE_SHARE = 0.07  # dispatcher kept it with police although a team was free
UNSTAFFED_DAY_SHARE = 0.05  # a team's shift not staffed that day (sickness, vacancy, training)
BREAK_MINUTES = 30  # one meal break per staffed shift of 8 hours or more
CANCEL_SHARE = 0.03  # team dispatched but cancelled before arrival
SECOND_UNIT_SHARE = 0.04  # a second HEART unit joins


@dataclass
class Roster:
    units: pd.DataFrame  # unit_id, unit_type, agency, program, in_service_from (day), in_service_to (day or NaN)


def build_roster(tier: Tier, start: dt.date, rng: np.random.Generator) -> Roster:
    rows = []
    start_day = day_number(start)
    # HEART teams: the initial ones, plus the teams added with the service-area expansion.
    for program, n in (("CRT", tier.crt_units), ("CORESPONSE", tier.coresponse_units)):
        for i in range(1, n + 1):
            rows.append((f"{UNIT_PREFIX[program]}{i:02d}", program, "CSD", program, start_day, np.nan))
    if tier.start <= EXPANSION_DATE < tier.end:
        for i in range(tier.crt_units + 1, tier.crt_units + tier.expansion_crt_units + 1):
            rows.append((f"CRT{i:02d}", "CRT", "CSD", "CRT", day_number(EXPANSION_DATE), np.nan))
    for i in range(tier.police_units):
        district = 1 + i % 5
        rows.append((f"P{district}{10 + i // 5:02d}", "POLICE", "DPD", None, start_day - 400, np.nan))
    for i in range(1, tier.ems_units + 1):
        rows.append((f"M{i}", "EMS", "EMS", None, start_day - 400, np.nan))
    for i in range(1, tier.fire_units + 1):
        rows.append((f"{'E' if i % 3 else 'L'}{i}", "FIRE", "DFD", None, start_day - 400, np.nan))
    units = pd.DataFrame(
        rows, columns=["unit_id", "unit_type", "agency", "program", "in_service_from", "in_service_to"]
    )
    # One police car was retired mid-period (a closed in-service window).
    retired = units.index[units.unit_type == "POLICE"][-1]
    units.loc[retired, "in_service_to"] = start_day + (day_number(tier.end) - start_day) // 2
    return Roster(units)


@dataclass
class Shifts:
    """Per HEART unit (by position in the roster's HEART units): staffed shifts and planned breaks."""

    on_duty: pd.DataFrame  # unit_id, start, end (UTC seconds) of each staffed shift
    planned: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]]  # unit -> (start, end, forced) sorted


def build_shifts(rng: np.random.Generator, roster: Roster, rules, start_day: int, end_day: int, tz: str) -> Shifts:
    """Shifts follow the program's operating hours (seed program_operating_hours) on every day a unit
    is in service; some days a team is not staffed (unavailable for the whole shift, forced), and a
    staffed shift of 8 hours or more has one meal break in its middle half (taken only if free)."""
    heart_units = roster.units[roster.units.program.isin(list(PROGRAM_BITS))].reset_index(drop=True)
    days = np.arange(start_day, end_day)
    dates = [dt.date(1970, 1, 1) + dt.timedelta(days=int(d)) for d in days]
    midnight = np.array(
        [local_midnight_utc(d, tz) for d in dates] + [local_midnight_utc(dates[-1] + dt.timedelta(days=1), tz)],
        dtype="int64",
    )
    dow = np.array([d.weekday() for d in dates])
    cache: dict[tuple[int, int], int] = {}

    def clock(j: int, hour: int) -> int:
        if hour >= 24:
            return int(midnight[j + 1])
        if (j, hour) not in cache:
            cache[(j, hour)] = utc_of_local(dates[j], hour, 0, tz)
        return cache[(j, hour)]

    rows, planned = [], {}
    for u, unit in heart_units.iterrows():
        hours = rules.hours[rules.hours.program == unit.program]
        frm, to = int(unit.in_service_from), (10**7 if pd.isna(unit.in_service_to) else int(unit.in_service_to))
        starts, ends = [], []
        for row in hours.itertuples():
            day_of = DAYS.index(row.day_of_week)
            sel = (
                (dow == day_of)
                & (days >= row.effective_from_day)
                & (days < row.effective_to_day)
                & (days >= frm)
                & (days <= to)
            )
            k = np.nonzero(sel)[0]
            # Local clock hours (a shift never crosses midnight in the seeds), placed on each day's
            # own clock so a DST day's shift starts at its local hour too.
            s_utc = np.array([clock(j, int(row.start_hour)) for j in k], dtype="int64")
            e_utc = np.array([clock(j, int(row.end_hour)) for j in k], dtype="int64")
            starts.append(s_utc)
            ends.append(e_utc)
        if not starts:
            planned[u] = (np.array([], dtype="int64"),) * 2 + (np.array([], dtype=bool),)
            continue
        s_all, e_all = np.concatenate(starts), np.concatenate(ends)
        order = np.argsort(s_all)
        s_all, e_all = s_all[order], e_all[order]
        staffed = rng.random(len(s_all)) >= UNSTAFFED_DAY_SHARE
        rows.append(pd.DataFrame({"unit_id": unit.unit_id, "start": s_all[staffed], "end": e_all[staffed]}))
        long_ = staffed & (e_all - s_all >= 8 * 3600)
        b_start = s_all + ((0.25 + 0.5 * rng.random(len(s_all))) * (e_all - s_all)).astype("int64")
        p_start = np.concatenate([s_all[~staffed], b_start[long_]])
        p_end = np.concatenate([e_all[~staffed], b_start[long_] + BREAK_MINUTES * 60])
        p_forced = np.concatenate([np.ones((~staffed).sum(), dtype=bool), np.zeros(long_.sum(), dtype=bool)])
        o = np.argsort(p_start, kind="stable")
        planned[u] = (p_start[o], p_end[o], p_forced[o])
    on_duty = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["unit_id", "start", "end"])
    return Shifts(on_duty, planned)


@dataclass
class LoopResult:
    outcome: np.ndarray  # per event: NO_UNIT / DECLINED / ARRIVED / CANCELLED (-1 for skipped outreach)
    assignments: pd.DataFrame  # event, unit_id, unit_type, dispatched, en_route, on_scene (NaN), cleared
    unavailable: pd.DataFrame  # unit_id, start, end, kind (unstaffed | break): the time units were not free


def run_loop(
    rng: np.random.Generator,
    roster: Roster,
    times: np.ndarray,
    days: np.ndarray,
    kinds: np.ndarray,
    masks: np.ndarray,
    free_at: dict[str, int] | None = None,
    shifts: Shifts | None = None,
) -> LoopResult:
    """Sequential dispatch of HEART units over events sorted by time.

    `masks` holds, per event, the bit set of programs allowed to take it (PROGRAM_BITS).
    `free_at` (unit -> UTC second) seeds the state, e.g. in live mode. `shifts` makes units
    unavailable on unstaffed shifts and their breaks.
    """
    n = len(times)
    heart = roster.units[roster.units.program.isin(list(PROGRAM_BITS))].reset_index(drop=True)
    ids = heart.unit_id.tolist()
    bits = [PROGRAM_BITS[p] for p in heart.program]
    frm = heart.in_service_from.astype("int64").tolist()
    to = heart.in_service_to.fillna(10**7).astype("int64").tolist()
    free = [int((free_at or {}).get(u, -(2**62))) for u in ids]
    by_mask = {m: [i for i, b in enumerate(bits) if b & m] for m in (1, 2, 3)}

    # Pre-drawn randomness (vectorized), consumed by index.
    u_decline, u_pick, u_cancel, u_second = (rng.random(n) for _ in range(4))
    delay = np.where(kinds == SELF_INITIATED, 0, rng.lognormal(np.log(90), 0.6, n)).astype("int64")
    en_route = np.where(kinds == SELF_INITIATED, 0, rng.lognormal(np.log(60), 0.5, n)).astype("int64")
    travel = np.where(kinds == SELF_INITIATED, rng.integers(0, 90, n), rng.lognormal(np.log(660), 0.45, n)).astype(
        "int64"
    )
    service = np.clip(rng.lognormal(np.log(3600), 0.5, n), 600, 6 * 3600).astype("int64")
    cancel_after = rng.integers(120, 900, n)
    second_lag = rng.integers(60, 600, n)
    second_travel = rng.lognormal(np.log(600), 0.45, n).astype("int64")

    planned = shifts.planned if shifts is not None else {}
    next_planned = [0] * len(ids)
    off_unit, off_start, off_end, off_kind = [], [], [], []

    def settle(u: int, t: int) -> None:
        """Apply the unit's planned unavailability that began by `t`: an unstaffed shift always, a
        break only when the unit is free as it falls due (a team on a call skips it)."""
        p_start, p_end, p_forced = planned.get(u, ((), (), ()))
        k = next_planned[u]
        while k < len(p_start) and p_start[k] <= t:
            if p_forced[k] or free[u] <= p_start[k]:
                free[u] = max(free[u], int(p_end[k]))
                off_unit.append(u)
                off_start.append(int(p_start[k]))
                off_end.append(int(p_end[k]))
                off_kind.append("unstaffed" if p_forced[k] else "break")
            k += 1
        next_planned[u] = k

    outcome = np.full(n, -1, dtype="int64")
    a_event, a_unit, a_disp, a_enr, a_ons, a_clr = [], [], [], [], [], []
    for i in range(n):
        t = int(times[i])
        d = int(days[i])
        for u in by_mask.get(int(masks[i]), ()):
            settle(u, t)
        cands = [u for u in by_mask.get(int(masks[i]), ()) if frm[u] <= d <= to[u] and free[u] <= t]
        kind = kinds[i]
        if not cands:
            outcome[i] = NO_UNIT if kind != SELF_INITIATED else -1
            continue
        if kind == DISPATCH and u_decline[i] < DECLINE_SHARE:
            outcome[i] = DECLINED
            continue
        u = cands[int(u_pick[i] * len(cands))]
        disp = t + int(delay[i])
        enr = disp + int(en_route[i])
        cancelled = kind != SELF_INITIATED and u_cancel[i] < CANCEL_SHARE
        if cancelled:
            ons, clr = np.nan, disp + int(cancel_after[i])
        else:
            ons = enr + int(travel[i])
            clr = int(ons) + int(service[i])
        free[u] = clr
        a_event.append(i)
        a_unit.append(u)
        a_disp.append(disp)
        a_enr.append(enr)
        a_ons.append(ons)
        a_clr.append(clr)
        outcome[i] = CANCELLED if cancelled else ARRIVED
        if kind == DISPATCH and u_second[i] < SECOND_UNIT_SHARE:
            others = [v for v in cands if v != u]
            if others:
                v = others[int(u_pick[i] * len(others))]
                disp2 = disp + int(second_lag[i])
                ons2 = disp2 + 60 + int(second_travel[i])
                clr2 = max(int(ons2) + int(service[i]) // 2, int(ons2) + 600)
                free[v] = clr2
                a_event.append(i)
                a_unit.append(v)
                a_disp.append(disp2)
                a_enr.append(disp2 + 60)
                a_ons.append(ons2)
                a_clr.append(clr2)
                if cancelled:
                    outcome[i] = ARRIVED
    unit_arr = np.array(a_unit, dtype="int64")
    assignments = frame(
        {
            "event": np.array(a_event, dtype="int64"),
            "unit_id": np.array(ids, dtype=object)[unit_arr] if len(unit_arr) else np.array([], dtype=object),
            "unit_type": heart.program.to_numpy(dtype=object)[unit_arr]
            if len(unit_arr)
            else np.array([], dtype=object),
            "dispatched": np.array(a_disp, dtype="float64"),
            "en_route": np.array(a_enr, dtype="float64"),
            "on_scene": np.array(a_ons, dtype="float64"),
            "cleared": np.array(a_clr, dtype="float64"),
        }
    )
    off = np.array(off_unit, dtype="int64")
    unavailable = frame(
        {
            "unit_id": np.array(ids, dtype=object)[off] if len(off) else np.array([], dtype=object),
            "start": np.array(off_start, dtype="float64"),
            "end": np.array(off_end, dtype="float64"),
            "kind": np.array(off_kind, dtype=object),
        }
    )
    return LoopResult(outcome, assignments, unavailable)


STATUS_CODES = ("AVAILABLE", "ASSIGNED", "OUT_OF_SERVICE", "OFF_DUTY")


def unit_status_changes(
    shifts: Shifts, unavailable: pd.DataFrame, assignments: pd.DataFrame, end_utc: int
) -> pd.DataFrame:
    """CAD's unit status history of the HEART units, as a CAD keeps it: a row each time a unit's
    status changes. ASSIGNED from dispatch to clear, OUT_OF_SERVICE on a break, AVAILABLE on a
    staffed shift otherwise, OFF_DUTY outside it (and all of an unstaffed shift)."""
    ev = [
        pd.DataFrame({"unit_id": shifts.on_duty.unit_id, "t": shifts.on_duty.start, "duty": 1, "busy": 0, "brk": 0}),
        pd.DataFrame({"unit_id": shifts.on_duty.unit_id, "t": shifts.on_duty.end, "duty": -1, "busy": 0, "brk": 0}),
    ]
    breaks = unavailable[unavailable.kind == "break"]
    ev += [
        pd.DataFrame({"unit_id": breaks.unit_id, "t": breaks.start, "duty": 0, "busy": 0, "brk": 1}),
        pd.DataFrame({"unit_id": breaks.unit_id, "t": breaks.end, "duty": 0, "busy": 0, "brk": -1}),
    ]
    a = assignments[assignments.dispatched.notna()]
    ev += [pd.DataFrame({"unit_id": a.unit_id, "t": a.dispatched, "duty": 0, "busy": 1, "brk": 0})]
    cleared = a[a.cleared.notna()]
    ev += [pd.DataFrame({"unit_id": cleared.unit_id, "t": cleared.cleared, "duty": 0, "busy": -1, "brk": 0})]
    events = pd.concat(ev, ignore_index=True)
    events = events[events.t <= end_utc].astype({"t": "float64"})
    # all changes at one instant are applied together; the status after them is what CAD shows
    events = events.groupby(["unit_id", "t"], as_index=False)[["duty", "busy", "brk"]].sum()
    events = events.sort_values(["unit_id", "t"], kind="stable")
    g = events.groupby("unit_id")
    duty = g.duty.cumsum().to_numpy() > 0
    busy = g.busy.cumsum().to_numpy() > 0
    brk = g.brk.cumsum().to_numpy() > 0
    status = np.where(busy, "ASSIGNED", np.where(brk, "OUT_OF_SERVICE", np.where(duty, "AVAILABLE", "OFF_DUTY")))
    events["status"] = status
    prev = events.groupby("unit_id").status.shift()
    changes = events[events.status != prev]
    return frame(
        {
            "unit_id": changes.unit_id.to_numpy(dtype=object),
            "status": changes.status.to_numpy(dtype=object),
            "changed_at": changes.t.to_numpy(dtype="float64"),
        }
    )
