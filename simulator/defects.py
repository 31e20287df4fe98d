"""Realistic defects, injected into the *written* copy of the true state and listed in the truth.

The truth keeps describing the real world (the pre-defect state); the pipeline sees the defective
copy and must quarantine, normalize or flag what it can. Each kind has a default rate (share of the
rows it can apply to); `GeneratorConfig.defect_rate` multiplies them all. A row receives at most one
defect. Every injected defect is one row of `truth/defects.csv`:
`defect_kind, table, primary_key, column, detail`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from orchestration.business_rules import business_rules

from . import entry
from .timeutil import PLACEHOLDER_TS, format_timestamps

LOG_COLUMNS = ["defect_kind", "table", "primary_key", "column", "detail"]

# Share of the applicable rows that receive each defect at defect_rate = 1.
DEFAULT_RATES = {
    "cad_number_reformatted": 0.05,  # encounters / follow-ups with a CAD number: '24-0001234', '20240001234' ...
    "cad_number_mistyped": 0.015,  # encounters with a CAD number: one digit changed or two transposed
    "cad_number_missing": 0.02,  # encounters with a CAD number: left empty
    "duplicate_call": 0.01,  # calls with a caller phone: the same call recorded twice, seconds apart
    "missing_dispatch_time": 0.005,  # unit assignments with a dispatch time
    "missing_on_scene_time": 0.01,  # unit assignments with an on-scene time
    "cleared_before_dispatched": 0.003,  # unit assignments with both times
    "placeholder_timestamp": 0.003,  # unit assignments: dispatch or on-scene time set to 1900-01-01 00:00:00
    "unknown_call_type": 0.004,  # incidents: a call type that is not in call_types
    "late_cleared_update": 0.01,  # unit assignments: clear time entered hours or days later
    "late_reclassification": 0.15,  # reclassified incidents: final call type changed days after closing
}
# Planted at DST changes (a count per change, not a rate): see city.planted_dst_times.
DST_KIND = "dst_transition"


@dataclass
class _Log:
    rows: list[tuple]

    def add(self, kind: str, table: str, keys, column: str, details) -> None:
        for k, d in zip(keys, details):
            self.rows.append((kind, table, str(k), column, d))


def empty_log() -> pd.DataFrame:
    return pd.DataFrame(columns=LOG_COLUMNS)


def rate_of(kind: str, multiplier: float) -> float:
    return min(1.0, DEFAULT_RATES[kind] * multiplier)


def _pick(rng: np.random.Generator, candidates: np.ndarray, used: np.ndarray, rate: float) -> np.ndarray:
    """Positions among `candidates` (a boolean mask) chosen with probability `rate`, not yet used."""
    draw = rng.random(len(candidates)) < rate
    chosen = candidates & draw & ~used
    used |= chosen
    return np.nonzero(chosen)[0]


# ---- CAD numbers as staff type them -------------------------------------------------------------


def reformat_number(number: str, variant: int) -> str:
    year, seq = number.split("-")
    return [
        f"{year}{seq}",  # no dash
        f"{year[2:]}-{seq}",  # two-digit year
        f"{year}-{int(seq)}",  # leading zeros dropped
        f" {year} - {seq} ",  # spaces
        f"#{number}",  # hash prefix
        f"{year[2:]}{seq}",  # two-digit year, no dash
    ][variant % 6]


def mistype_number(number: str, rng: np.random.Generator) -> str:
    year, seq = number.split("-")
    digits = list(seq)
    for _ in range(20):
        d = digits.copy()
        if rng.random() < 0.5:
            i = int(rng.integers(2, len(d) - 1))
            d[i], d[i + 1] = d[i + 1], d[i]
        else:
            i = int(rng.integers(2, len(d)))
            d[i] = str((int(d[i]) + int(rng.integers(1, 10))) % 10)
        if d != digits:
            return f"{year}-{''.join(d)}"
    return f"{year}-{seq[:-1]}{(int(seq[-1]) + 1) % 10}"


UNKNOWN_TYPE_VARIANTS = ("UNK", "10-96", "MISC", "WELFARE CHK", "MENTL", "OTHR")


def inject(state, cfg) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """The written tables (copies of the true state with defects) and the defect log."""
    m = float(cfg.defect_rate)
    rng = np.random.default_rng(np.random.SeedSequence([cfg.seed, 0xDEFEC7]))
    t = {k: v.copy() for k, v in state.tables.items()}
    log = _Log([])
    end = state.end_utc

    # --- CAD numbers typed in case management.
    enc = t["encounters"]
    has_num = enc.cad_incident_number.notna().to_numpy()
    used = np.zeros(len(enc), dtype=bool)
    numbers = enc.cad_incident_number.to_numpy(dtype=object).copy()
    pos = _pick(rng, has_num, used, rate_of("cad_number_reformatted", m))
    variants = rng.integers(0, 6, len(pos))
    new = [reformat_number(numbers[i], v) for i, v in zip(pos, variants)]
    log.add(
        "cad_number_reformatted",
        "encounters",
        enc.encounter_id.to_numpy()[pos],
        "cad_incident_number",
        [f"{numbers[i]} typed as {n!r}" for i, n in zip(pos, new)],
    )
    numbers[pos] = new
    pos = _pick(rng, has_num, used, rate_of("cad_number_mistyped", m))
    new = [mistype_number(numbers[i], rng) for i in pos]
    log.add(
        "cad_number_mistyped",
        "encounters",
        enc.encounter_id.to_numpy()[pos],
        "cad_incident_number",
        [f"{numbers[i]} typed as {n!r}" for i, n in zip(pos, new)],
    )
    numbers[pos] = new
    pos = _pick(rng, has_num, used, rate_of("cad_number_missing", m))
    log.add(
        "cad_number_missing",
        "encounters",
        enc.encounter_id.to_numpy()[pos],
        "cad_incident_number",
        [f"{numbers[i]} left empty" for i in pos],
    )
    numbers[pos] = None
    enc["cad_incident_number"] = numbers
    t["encounters"] = entry.apply(enc, cfg, end, log, m * float(cfg.entry_rate))

    fu = t["follow_ups"]
    fu_num = fu.cad_incident_number.to_numpy(dtype=object).copy()
    pos = _pick(
        rng,
        fu.cad_incident_number.notna().to_numpy(),
        np.zeros(len(fu), dtype=bool),
        rate_of("cad_number_reformatted", m),
    )
    new = [reformat_number(fu_num[i], v) for i, v in zip(pos, rng.integers(0, 6, len(pos)))]
    log.add(
        "cad_number_reformatted",
        "follow_ups",
        fu.follow_up_id.to_numpy()[pos],
        "cad_incident_number",
        [f"{fu_num[i]} typed as {n!r}" for i, n in zip(pos, new)],
    )
    fu_num[pos] = new
    fu["cad_incident_number"] = fu_num

    # --- duplicate calls: the phone system logged the same call twice.
    calls = t["calls"]
    pos = _pick(
        rng, calls.caller_phone.notna().to_numpy(), np.zeros(len(calls), dtype=bool), rate_of("duplicate_call", m)
    )
    dup = calls.iloc[pos].copy()
    dup["call_id"] = calls.call_id.max() + 1 + np.arange(len(pos))
    # A double-logged call lands well inside the duplicate-call window; callers calling back wait a
    # minute or more (incidents.draw_calls), so staging's duplicate rule can tell the two apart.
    window = business_rules().duplicate_call_seconds
    dup["received_at"] = np.minimum(
        dup.received_at.to_numpy() + rng.integers(1, max(2, window * 2 // 3), len(pos)), end
    )
    dup["updated_at"] = np.maximum(dup.updated_at.to_numpy(), dup.received_at.to_numpy())
    log.add(
        "duplicate_call",
        "calls",
        dup.call_id.to_numpy(),
        "call_id",
        [f"duplicate of call {c} (same incident, same phone)" for c in calls.call_id.to_numpy()[pos]],
    )
    t["calls"] = pd.concat([calls, dup], ignore_index=True)

    # --- unit assignment times.
    ua = t["unit_assignments"]
    used = np.zeros(len(ua), dtype=bool)
    ids = ua.assignment_id.to_numpy()

    def fmt(values):
        return format_timestamps(np.asarray(values, dtype="float64"))

    pos = _pick(rng, ua.dispatched_at.notna().to_numpy(), used, rate_of("missing_dispatch_time", m))
    log.add(
        "missing_dispatch_time",
        "unit_assignments",
        ids[pos],
        "dispatched_at",
        [f"true value {v}" for v in fmt(ua.dispatched_at.to_numpy()[pos])],
    )
    ua.loc[ua.index[pos], "dispatched_at"] = np.nan
    pos = _pick(rng, ua.on_scene_at.notna().to_numpy(), used, rate_of("missing_on_scene_time", m))
    log.add(
        "missing_on_scene_time",
        "unit_assignments",
        ids[pos],
        "on_scene_at",
        [f"true value {v}" for v in fmt(ua.on_scene_at.to_numpy()[pos])],
    )
    ua.loc[ua.index[pos], "on_scene_at"] = np.nan
    both = ua.dispatched_at.notna().to_numpy() & ua.cleared_at.notna().to_numpy()
    pos = _pick(rng, both, used, rate_of("cleared_before_dispatched", m))
    true_clr = ua.cleared_at.to_numpy()[pos]
    ua.loc[ua.index[pos], "cleared_at"] = ua.dispatched_at.to_numpy()[pos] - rng.integers(60, 3600, len(pos))
    log.add(
        "cleared_before_dispatched",
        "unit_assignments",
        ids[pos],
        "cleared_at",
        [f"true value {v}" for v in fmt(true_clr)],
    )
    pos = _pick(rng, ua.on_scene_at.notna().to_numpy(), used, rate_of("placeholder_timestamp", m))
    cols = np.where(rng.random(len(pos)) < 0.5, "dispatched_at", "on_scene_at")
    for col in ("dispatched_at", "on_scene_at"):
        sel = pos[cols == col]
        log.add(
            "placeholder_timestamp",
            "unit_assignments",
            ids[sel],
            col,
            [f"true value {v} written as 1900-01-01 00:00:00" for v in fmt(ua[col].to_numpy()[sel])],
        )
        ua.loc[ua.index[sel], col] = float(PLACEHOLDER_TS)
    late = ua.cleared_at.notna().to_numpy() & (ua.cleared_at.to_numpy() + 86400 < end)
    pos = _pick(rng, late, used, rate_of("late_cleared_update", m))
    new_upd = np.minimum(ua.cleared_at.to_numpy()[pos] + rng.integers(3 * 3600, 5 * 86400, len(pos)), end)
    log.add(
        "late_cleared_update",
        "unit_assignments",
        ids[pos],
        "updated_at",
        [
            f"cleared_at {c} entered late: row updated at {u}"
            for c, u in zip(fmt(ua.cleared_at.to_numpy()[pos]), fmt(new_upd))
        ],
    )
    ua.loc[ua.index[pos], "updated_at"] = new_upd

    # --- incidents: unknown call types, late reclassification, DST.
    inc = t["incidents"]
    used = np.zeros(len(inc), dtype=bool)
    nums = inc.incident_number.to_numpy(dtype=object)
    pos = _pick(rng, inc.final_call_type.notna().to_numpy(), used, rate_of("unknown_call_type", m))
    col_is_final = rng.random(len(pos)) < 0.7
    for col, sel in (("final_call_type", pos[col_is_final]), ("initial_call_type", pos[~col_is_final])):
        bad = np.array(UNKNOWN_TYPE_VARIANTS, dtype=object)[rng.integers(0, len(UNKNOWN_TYPE_VARIANTS), len(sel))]
        log.add(
            "unknown_call_type",
            "incidents",
            nums[sel],
            col,
            [f"true value {v} written as {b!r}" for v, b in zip(inc[col].to_numpy(dtype=object)[sel], bad)],
        )
        inc.loc[inc.index[sel], col] = bad
    recl = (
        (inc.initial_call_type != inc.final_call_type).to_numpy()
        & inc.closed_at.notna().to_numpy()
        & (inc.closed_at.to_numpy() + 2 * 86400 < end)
    )
    pos = _pick(rng, recl, used, rate_of("late_reclassification", m))
    new_upd = np.minimum(inc.closed_at.to_numpy()[pos] + rng.integers(86400, 10 * 86400, len(pos)), end)
    log.add(
        "late_reclassification",
        "incidents",
        nums[pos],
        "final_call_type",
        [
            f"reclassified {a} -> {b} after closing: row updated at {u}"
            for a, b, u in zip(
                inc.initial_call_type.to_numpy(dtype=object)[pos],
                inc.final_call_type.to_numpy(dtype=object)[pos],
                fmt(new_upd),
            )
        ],
    )
    inc.loc[inc.index[pos], "updated_at"] = new_upd
    dst = dict(state.dst_incidents)
    keys = [n for n in nums if n in dst]
    log.add(DST_KIND, "incidents", keys, "created_at", [dst[k] for k in keys])

    return t, pd.DataFrame(log.rows, columns=LOG_COLUMNS)
