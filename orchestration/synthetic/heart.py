"""HEART units and the one sequential part of the simulation: who is free when a call comes in.

Only incidents a HEART unit could be sent to (eligible by their initial call type, inside a
service area, during operating hours), police requests for a co-responder, and the teams' own
self-initiated outreach enter the loop, in time order. A unit is busy from its dispatch to its
clear time, exactly the `busy` of docs/metric_definitions.md; the oracle later re-derives every
forgone reason from the resulting assignments rather than trusting the loop's labels.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .config import EXPANSION_DATE, Tier
from .frames import frame
from .rules import day_number

PROGRAM_BITS = {"CRT": 1, "CORESPONSE": 2}
UNIT_PREFIX = {"CRT": "CRT", "CORESPONSE": "COR"}

# Event kinds in the loop.
DISPATCH, CORESPONSE_REQUEST, SELF_INITIATED = 0, 1, 2
# Loop outcomes of a dispatch candidate.
NO_UNIT, DECLINED, ARRIVED, CANCELLED = 0, 1, 2, 3

DECLINE_SHARE = 0.07        # dispatcher kept it with police although a team was free
CANCEL_SHARE = 0.03         # team dispatched but cancelled before arrival
SECOND_UNIT_SHARE = 0.04    # a second HEART unit joins


@dataclass
class Roster:
    units: pd.DataFrame   # unit_id, unit_type, agency, program, in_service_from (day), in_service_to (day or NaN)


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
    units = pd.DataFrame(rows, columns=["unit_id", "unit_type", "agency", "program", "in_service_from",
                                        "in_service_to"])
    # One police car was retired mid-period (a closed in-service window).
    retired = units.index[units.unit_type == "POLICE"][-1]
    units.loc[retired, "in_service_to"] = start_day + (day_number(tier.end) - start_day) // 2
    return Roster(units)


@dataclass
class LoopResult:
    outcome: np.ndarray          # per event: NO_UNIT / DECLINED / ARRIVED / CANCELLED (-1 for skipped outreach)
    assignments: pd.DataFrame    # event, unit_id, unit_type, dispatched, en_route, on_scene (NaN), cleared


def run_loop(rng: np.random.Generator, roster: Roster, times: np.ndarray, days: np.ndarray,
             kinds: np.ndarray, masks: np.ndarray, free_at: dict[str, int] | None = None) -> LoopResult:
    """Sequential dispatch of HEART units over events sorted by time.

    `masks` holds, per event, the bit set of programs allowed to take it (PROGRAM_BITS).
    `free_at` (unit -> UTC second) seeds the state, e.g. in live mode.
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
    travel = np.where(kinds == SELF_INITIATED, rng.integers(0, 90, n), rng.lognormal(np.log(660), 0.45, n)).astype("int64")
    service = np.clip(rng.lognormal(np.log(3600), 0.5, n), 600, 6 * 3600).astype("int64")
    cancel_after = rng.integers(120, 900, n)
    second_lag = rng.integers(60, 600, n)
    second_travel = rng.lognormal(np.log(600), 0.45, n).astype("int64")

    outcome = np.full(n, -1, dtype="int64")
    a_event, a_unit, a_disp, a_enr, a_ons, a_clr = [], [], [], [], [], []
    for i in range(n):
        t = int(times[i])
        d = int(days[i])
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
        a_event.append(i); a_unit.append(u); a_disp.append(disp); a_enr.append(enr); a_ons.append(ons)
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
                a_event.append(i); a_unit.append(v); a_disp.append(disp2); a_enr.append(disp2 + 60)
                a_ons.append(ons2); a_clr.append(clr2)
                if cancelled:
                    outcome[i] = ARRIVED
    unit_arr = np.array(a_unit, dtype="int64")
    assignments = frame({
        "event": np.array(a_event, dtype="int64"),
        "unit_id": np.array(ids, dtype=object)[unit_arr] if len(unit_arr) else np.array([], dtype=object),
        "unit_type": heart.program.to_numpy(dtype=object)[unit_arr] if len(unit_arr) else np.array([], dtype=object),
        "dispatched": np.array(a_disp, dtype="float64"),
        "en_route": np.array(a_enr, dtype="float64"),
        "on_scene": np.array(a_ons, dtype="float64"),
        "cleared": np.array(a_clr, dtype="float64"),
    })
    return LoopResult(outcome, assignments)
