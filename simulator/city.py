"""The simulation: one call of `simulate()` builds the city's true state for a tier.

The true state is every contract table *before* defects, with instants as UTC epoch seconds
(float, NaN = missing) and dates as local day numbers, plus what only the simulation knows: the true
incident of every encounter and follow-up. `defects.py` derives the written (defective) copy from it;
`truth.py` computes the true metric values from it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from orchestration.contract import get_system

from . import canaries, casemgmt, heart, incidents, planted, response
from .config import GeneratorConfig
from .frames import frame, lookup, text
from .rules import DISPATCHABLE, ELIGIBILITY_PROGRAMS, Rules, day_number
from .timeutil import dst_transitions, local_midnight_utc, local_parts

CCD_SHARE = 0.5  # of CCD-eligible phone calls while CCD staff are on (README, "Calibration")
COREQUEST_SHARE = 0.02  # police ask for a co-responder on a call that is not eligible
COREQUEST_TYPES = ("DISTURBANCE", "SUSP_PERSON", "NEIGHBOR", "NOISE", "ASSIST_CITIZEN", "MISSING_PERSON")
OUTREACH_PER_UNIT_HOUR = 0.025  # CRT self-initiated outreach contacts per team per operating hour
OUTREACH_TYPES = (
    ("WELFARE", 0.4),
    ("HOMELESS_ASSIST", 0.3),
    ("MENTAL", 0.1),
    ("INTOX", 0.1),
    ("PANHANDLING", 0.05),
    ("ENCAMPMENT", 0.05),
)
NO_CAD_ENCOUNTER_SHARE = 0.012  # encounters with no CAD incident at all (walk-ups to a team)
EXTRA_PERSON_SHARE = 0.05  # a second person served at the same scene
FAMILIAR_CALLER_SHARE = 0.15  # of behavioral-health / quality-of-life calls made by a repeat caller
# What the simulated city's dispatchers and responders knew about an incident HEART did not reach:
# the reason the simulation itself acted on (the truth reports it; the pipeline derives its own).
SIM_REASON_PUBLISHED = {
    "outside_service_area": "outside_service_area",
    "outside_hours": "outside_hours",
    "no_unit_available": "no_unit_available",
    "dispatcher_declined": "other",
    "team_cancelled_before_arrival": "other",
    "ccd_only_not_taken": "other",
    "arrival_after_period_end": "other",
    "ccd_call_in_progress": "other",
}
# Dispositions the simulation gives incidents that needed no response.
NO_NEED_DISPOSITIONS = ("CANCELLED", "DUPLICATE", "UNFOUNDED")

CAD_TABLES = tuple(t.name for t in get_system("cad_replica").tables)
CMS_TABLES = tuple(t.name for t in get_system("case_management").tables)


@dataclass
class TrueState:
    tables: dict[str, pd.DataFrame]
    encounter_incident: pd.DataFrame  # encounter_id, incident_number (true; None = no CAD incident)
    follow_up_incident: pd.DataFrame  # follow_up_id, incident_number (true, for follow-ups typed by CAD number)
    start_utc: int
    end_utc: int
    timezone: str
    dst_incidents: list[tuple[str, str]] = field(default_factory=list)  # (incident_number, detail)
    loop_labels: pd.DataFrame | None = None  # incident_number, loop outcome (for diagnostics and tests)
    canaries: list[dict] = field(default_factory=list)
    causal: pd.DataFrame | None = None  # per incident: what the simulation knew (see _causal_facts)


def _stage_rngs(seed: int, n: int = 16) -> list[np.random.Generator]:
    return [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(n)]


def planted_dst_times(
    rng: np.random.Generator, start_utc: int, end_utc: int, tz: str, k: int
) -> tuple[np.ndarray, list[str]]:
    """Incidents in both occurrences of the repeated fall-back hour and either side of the spring gap."""
    times, details = [], []
    for kind, change in dst_transitions(
        dt.datetime.fromtimestamp(start_utc, dt.UTC).date(), dt.datetime.fromtimestamp(end_utc, dt.UTC).date(), tz
    ):
        for _ in range(k):
            if kind == "fall":
                # change = first second of standard time: local 01:xx happens in [change-3600, change) and
                # again in [change, change+3600).
                times.append(change - 3600 + int(rng.integers(0, 3600)))
                details.append("created in the first (daylight-time) 01:00-02:00 local hour of the fall-back day")
                times.append(change + int(rng.integers(0, 3600)))
                details.append("created in the repeated (standard-time) 01:00-02:00 local hour of the fall-back day")
            else:
                times.append(change - int(rng.integers(1, 1800)))
                details.append("created in the last minutes before the spring-forward gap (local 01:30-02:00)")
                times.append(change + int(rng.integers(0, 1800)))
                details.append("created just after the spring-forward gap (local 03:00-03:30)")
    keep = [(t, d) for t, d in zip(times, details) if start_utc <= t < end_utc]
    return np.array([t for t, _ in keep], dtype="int64"), [d for _, d in keep]


def simulate(cfg: GeneratorConfig, rules: Rules, tick=lambda msg: None) -> TrueState:
    tier, tz = cfg.tier_spec, cfg.timezone
    r = _stage_rngs(cfg.seed)
    start_utc, end_utc = local_midnight_utc(tier.start, tz), local_midnight_utc(tier.end, tz)

    # ---- 1. the base stream of incidents ------------------------------------------------------
    created = incidents.arrival_times(r[0], start_utc, end_utc, tier.incidents_per_day, tz)
    dst_times, dst_details = (np.array([], dtype="int64"), [])
    if cfg.defect_rate > 0:
        dst_times, dst_details = planted_dst_times(
            r[1], start_utc, end_utc, tz, k=max(1, int(round(3 * min(cfg.defect_rate, 5))))
        )
    is_dst = np.concatenate([np.full(len(created), -1), np.arange(len(dst_times))])
    created = np.concatenate([created, dst_times])
    order = np.argsort(created, kind="stable")
    created, is_dst = created[order], is_dst[order]
    inc = incidents.draw_incidents(r[2], created, rules, tz)
    detail = np.full(len(inc), None, dtype=object)
    detail[is_dst >= 0] = np.array(dst_details + [None], dtype=object)[is_dst[is_dst >= 0]]
    inc["dst_detail"] = text(detail, inc.index)
    tick(f"{len(inc):,} incidents drawn")

    # ---- 2. routing decided at call time (by the *initial* call type) ---------------------------
    lp = local_parts(inc.created.to_numpy(), tz)
    ctype = inc.initial_call_type.to_numpy(dtype=object)
    beat = inc.beat.to_numpy(dtype=object)
    excl = rules.excluded(
        {
            "weapon_involved": inc.weapon_involved.to_numpy(),
            "violence_toward_others": inc.violence_toward_others.to_numpy(),
        },
        lp.day,
    )
    elig = {p: rules.eligible_for(p, ctype, lp.day) & ~excl for p in ELIGIBILITY_PROGRAMS}
    origin = inc.call_origin.to_numpy(dtype=object)
    # Only calls from the public reach a call-taker who can route them to HEART or CCD.
    from_public = np.isin(origin, rules.call_origins_from_public)
    u = r[3].random((2, len(inc)))
    ccd = elig["CCD"] & from_public & rules.operates("CCD", lp.dow, lp.hour, lp.day) & (u[0] < CCD_SHARE)
    serves = {p: rules.serves(p, beat, lp.day) for p in DISPATCHABLE}
    serving = {p: serves[p] & rules.operates(p, lp.dow, lp.hour, lp.day) for p in DISPATCHABLE}
    mask = np.zeros(len(inc), dtype="int64")
    for p in DISPATCHABLE:
        mask |= heart.PROGRAM_BITS[p] * (elig[p] & serving[p])
    dispatch = from_public & ~ccd & (mask > 0)
    any_elig = np.logical_or.reduce([elig[p] for p in ELIGIBILITY_PROGRAMS])
    corequest = (
        from_public
        & ~ccd
        & ~any_elig
        & ~excl
        & np.isin(ctype, COREQUEST_TYPES)
        & serving["CORESPONSE"]
        & (u[1] < COREQUEST_SHARE)
    )
    # Why an eligible call from the public never entered the dispatch loop.
    any_dispatchable = np.logical_or.reduce([elig[p] for p in DISPATCHABLE])
    any_serves = np.logical_or.reduce([elig[p] & serves[p] for p in DISPATCHABLE])
    not_routed = any_elig & from_public & ~ccd & ~dispatch
    routing_reason = np.full(len(inc), None, dtype=object)
    routing_reason[not_routed & ~any_dispatchable] = "ccd_only_not_taken"
    routing_reason[not_routed & any_dispatchable & ~any_serves] = "outside_service_area"
    routing_reason[not_routed & any_serves] = "outside_hours"

    # ---- 3. HEART self-initiated outreach candidates ------------------------------------------
    roster = heart.build_roster(tier, tier.start, r[4])
    n_crt = int((roster.units.program == "CRT").sum())
    hours = (end_utc - start_utc) / 3600
    n_out = int(r[5].poisson(hours * n_crt * OUTREACH_PER_UNIT_HOUR * 0.7))
    out_t = np.sort(r[5].integers(start_utc, end_utc, n_out))
    out_lp = local_parts(out_t, tz)
    on = rules.operates("CRT", out_lp.dow, out_lp.hour, out_lp.day)
    out_t = out_t[on]
    out_day = out_lp.day[on]
    out_beat = np.empty(len(out_t), dtype=object)
    pick = r[5].random(len(out_t))
    for d in np.unique(out_day):
        sel = out_day == d
        served = np.array(rules.service_beats_on("CRT", int(d)), dtype=object)
        out_beat[sel] = served[(pick[sel] * len(served)).astype(int)]

    # ---- 4. the sequential HEART loop ---------------------------------------------------------
    base_ev = np.nonzero(dispatch | corequest)[0]
    ev_time = np.concatenate([inc.created.to_numpy()[base_ev], out_t])
    ev_day = np.concatenate([lp.day[base_ev], out_day])
    ev_kind = np.concatenate(
        [
            np.where(dispatch[base_ev], heart.DISPATCH, heart.CORESPONSE_REQUEST),
            np.full(len(out_t), heart.SELF_INITIATED),
        ]
    )
    ev_mask = np.concatenate(
        [
            np.where(dispatch[base_ev], mask[base_ev], heart.PROGRAM_BITS["CORESPONSE"]),
            np.full(len(out_t), heart.PROGRAM_BITS["CRT"]),
        ]
    )
    ev_src = np.concatenate([base_ev, -1 - np.arange(len(out_t))])  # >= 0 base row, < 0 outreach candidate
    ev_order = np.lexsort((ev_kind, ev_time))
    ev_time, ev_day, ev_kind, ev_mask, ev_src = (a[ev_order] for a in (ev_time, ev_day, ev_kind, ev_mask, ev_src))
    tick(f"HEART dispatch loop over {len(ev_time):,} events")
    shifts = heart.build_shifts(
        np.random.default_rng(np.random.SeedSequence([cfg.seed, 0x5F])),
        roster,
        rules,
        day_number(tier.start),
        day_number(tier.end),
        tz,
    )
    loop = heart.run_loop(r[6], roster, ev_time, ev_day, ev_kind, ev_mask, shifts=shifts)

    # Outreach that found a free team becomes a self-initiated incident.
    done = (ev_kind == heart.SELF_INITIATED) & (loop.outcome == heart.ARRIVED)
    out_rows = -1 - ev_src[done]
    si = incidents.draw_incidents(r[7], out_t[out_rows], rules, tz)
    si_types = np.array([t for t, _ in OUTREACH_TYPES], dtype=object)
    si_w = np.array([w for _, w in OUTREACH_TYPES])
    si["initial_call_type"] = text(si_types[r[7].choice(len(si_types), size=len(si), p=si_w / si_w.sum())], si.index)
    si["final_call_type"] = si["initial_call_type"]
    si["category"] = text(lookup(rules.category_of_call_type, si.initial_call_type.to_numpy(dtype=object)), si.index)
    si["call_origin"] = text("SELF_INITIATED", si.index)
    si["priority"] = 4
    si["weapon_involved"] = False
    si["violence_toward_others"] = False
    si["beat"] = text(out_beat[out_rows], si.index)
    b = rules.beats.set_index("beat")
    si["latitude"] = np.round(b.latitude.astype(float).reindex(si.beat).to_numpy() + r[7].normal(0, 0.004, len(si)), 5)
    si["longitude"] = np.round(
        b.longitude.astype(float).reindex(si.beat).to_numpy() + r[7].normal(0, 0.004, len(si)), 5
    )
    si["dst_detail"] = text(None, si.index)

    # ---- 5. one incident table, numbered in creation order ------------------------------------
    n_base = len(inc)
    inc["loop"] = -1
    inc.loc[ev_src[ev_src >= 0], "loop"] = loop.outcome[ev_src >= 0]
    inc["ccd"] = ccd
    inc["heart_si"] = False
    inc["corequest"] = corequest
    inc["from_public"] = from_public
    loop_reason = {
        heart.NO_UNIT: "no_unit_available",
        heart.DECLINED: "dispatcher_declined",
        heart.CANCELLED: "team_cancelled_before_arrival",
    }
    in_loop_reason = lookup(loop_reason, inc["loop"].to_numpy(), None)
    inc["sim_reason"] = text(np.where(dispatch, in_loop_reason, routing_reason), inc.index)
    for p in ELIGIBILITY_PROGRAMS:
        inc[f"dispatch_eligible_{p}"] = elig[p]
    si["loop"] = heart.ARRIVED
    si["ccd"] = False
    si["heart_si"] = True
    si["corequest"] = False
    si["from_public"] = False
    si["sim_reason"] = text(None, si.index)
    si_day = local_parts(si.created.to_numpy(), tz).day
    for p in ELIGIBILITY_PROGRAMS:
        si[f"dispatch_eligible_{p}"] = rules.eligible_for(p, si.initial_call_type.to_numpy(dtype=object), si_day)
    allinc = pd.concat([inc, si], ignore_index=True)
    # Map loop events to rows of `allinc` before sorting.
    ev_row = np.where(ev_src >= 0, ev_src, -1)
    ev_row[done] = n_base + np.arange(done.sum())
    perm = np.argsort(allinc.created.to_numpy(), kind="stable")
    allinc = allinc.iloc[perm].reset_index(drop=True)
    new_pos = np.empty(len(perm), dtype="int64")
    new_pos[perm] = np.arange(len(perm))
    alp = local_parts(allinc.created.to_numpy(), tz)
    seq = allinc.groupby(alp.year).cumcount().to_numpy() + 1
    allinc["incident_number"] = text(
        (pd.Series(alp.year).astype(str) + "-" + pd.Series(seq).astype(str).str.zfill(7)).to_numpy(dtype=object),
        allinc.index,
    )
    heart_asg = loop.assignments.copy()
    heart_asg["incident"] = new_pos[ev_row[heart_asg.event.to_numpy()]]
    heart_asg = heart_asg[ev_row[heart_asg.event.to_numpy()] >= 0].drop(columns="event")
    heart_asg["transport_destination"] = text(None, heart_asg.index)
    tick(f"{len(allinc):,} incidents after HEART outreach; {len(heart_asg):,} HEART assignments")

    # ---- 6. police, EMS and fire -----------------------------------------------------------------
    arrived_rows = np.zeros(len(allinc), dtype=bool)
    arrived_rows[heart_asg.incident[heart_asg.on_scene.notna()].to_numpy()] = True
    police_ok = (
        ~allinc.ccd.to_numpy()
        & ~allinc.heart_si.to_numpy()
        & (~arrived_rows | allinc.corequest.to_numpy() | (r[8].random(len(allinc)) < 0.12))
    )
    counts = response.unit_counts(r[8], allinc, police_ok)
    beat_district = dict(zip(rules.beats.beat, rules.beats.district))
    other_asg = response.build_assignments(r[9], allinc, counts, roster.units, beat_district)
    # The police response each incident HEART or CCD took alone would have had without them, drawn
    # from the same model as real police responses (the truth of police time saved).
    allinc["police_without_heart"] = police_ok
    allinc["counterfactual_police_units"] = counts["POLICE_IF_NO_HEART"]
    none = np.zeros(len(allinc), dtype="int64")
    cf_counts = {"POLICE": np.where(police_ok, 0, counts["POLICE_IF_NO_HEART"]), "EMS": none, "FIRE": none}
    cf_asg = response.build_assignments(
        np.random.default_rng(np.random.SeedSequence([cfg.seed, 0xCF])), allinc, cf_counts, roster.units, beat_district
    )
    cf_minutes = ((cf_asg.cleared - cf_asg.dispatched) / 60.0).groupby(cf_asg.incident.to_numpy()).sum()
    allinc["counterfactual_police_minutes"] = np.where(
        police_ok, np.nan, cf_minutes.reindex(range(len(allinc))).fillna(0.0).to_numpy()
    )

    # ---- 7. encounters ---------------------------------------------------------------------------
    arrived = heart_asg[heart_asg.on_scene.notna()]
    enc = frame(
        {
            "incident": arrived.incident.to_numpy(),
            "program": arrived.unit_type.to_numpy(),
            "unit_id": arrived.unit_id.to_numpy(),
            "started": arrived.on_scene.to_numpy(),
            "ended": arrived.cleared.to_numpy(),
        }
    )
    extra = enc.sample(frac=EXTRA_PERSON_SHARE, random_state=np.random.RandomState(cfg.seed % 2**32))
    extra = extra.assign(started=extra.started + 300, ended=extra.ended)
    ccd_rows = np.nonzero(allinc.ccd.to_numpy())[0]
    ccd_start = allinc.created.to_numpy()[ccd_rows] + r[10].integers(60, 300, len(ccd_rows))
    ccd_enc = frame(
        {
            "incident": ccd_rows,
            "program": "CCD",
            "unit_id": None,
            "started": ccd_start.astype(float),
            "ended": (ccd_start + r[10].integers(480, 2700, len(ccd_rows))).astype(float),
        }
    )
    n_nocad = int(round(len(enc) * NO_CAD_ENCOUNTER_SHARE))
    nc_start = np.sort(r[10].integers(start_utc, end_utc - 7200, n_nocad))
    nocad = frame(
        {
            "incident": -1,
            "program": "CRT",
            "unit_id": None,
            "started": nc_start.astype(float),
            "ended": (nc_start + r[10].integers(900, 3600, n_nocad)).astype(float),
        }
    )
    enc = pd.concat([enc, extra, ccd_enc, nocad], ignore_index=True)
    enc = enc.sort_values(["started", "incident"], kind="stable").reset_index(drop=True)
    details = casemgmt.draw_encounter_details(r[11], len(enc), enc.program.to_numpy(dtype=object), rules)
    enc = pd.concat([enc, details], axis=1)

    # Units a team asked for once on scene.
    linked = enc.incident.to_numpy() >= 0
    bk = linked & enc.police_backup_requested.to_numpy()
    em = linked & enc.ems_requested.to_numpy()
    backup = response.backup_assignments(
        r[12], enc.incident.to_numpy()[bk], enc.started.to_numpy()[bk], "POLICE", allinc, roster.units, beat_district
    )
    ems = response.backup_assignments(
        r[12],
        enc.incident.to_numpy()[em],
        enc.started.to_numpy()[em],
        "EMS",
        allinc,
        roster.units,
        beat_district,
        transport_share=0.4,
    )
    asg = pd.concat([heart_asg, other_asg, backup, ems], ignore_index=True)

    # ---- 8. closing, the end-of-period snapshot, dispositions --------------------------------------
    state = _close_and_snapshot(r[13], allinc, asg, enc, rules, start_utc, end_utc)
    allinc, asg, enc = state
    arrests = response.build_arrests(r[14], allinc, asg, arrived_rows)
    arrests = arrests[arrests.arrested <= end_utc]

    tables, enc_links, fu_links = _assemble(
        r[15], cfg, rules, roster, allinc, asg, enc, arrests, start_utc, end_utc, tick
    )
    status = heart.unit_status_changes(shifts, loop.unavailable, asg[asg.unit_type.isin(DISPATCHABLE)], end_utc)
    status = status.sort_values(["changed_at", "unit_id"], kind="stable").reset_index(drop=True)
    tables["unit_status_changes"] = frame(
        {
            "status_change_id": np.arange(1, len(status) + 1, dtype="int64") + 8_000_000,
            "unit_id": status.unit_id.to_numpy(dtype=object),
            "status": status.status.to_numpy(dtype=object),
            "changed_at": status.changed_at.to_numpy(),
            "updated_at": np.minimum(status.changed_at.to_numpy() + 1, end_utc),
        }
    )
    planted = canaries.plant(tables, np.random.default_rng(np.random.SeedSequence([cfg.seed, 0xCA4A])))
    has_dst = allinc.dst_detail.notna().to_numpy()
    dst = list(zip(allinc.incident_number.to_numpy()[has_dst], allinc.dst_detail.to_numpy()[has_dst]))
    loop_names = {
        -1: "not_in_loop",
        heart.NO_UNIT: "no_unit_available",
        heart.DECLINED: "declined",
        heart.ARRIVED: "arrived",
        heart.CANCELLED: "cancelled",
    }
    labels = frame({"incident_number": allinc.incident_number, "loop": lookup(loop_names, allinc["loop"].to_numpy())})
    causal = _causal_facts(allinc, tables, rules, tz)
    return TrueState(tables, enc_links, fu_links, start_utc, end_utc, tz, dst, labels, planted, causal)


def _causal_facts(allinc: pd.DataFrame, tables: dict[str, pd.DataFrame], rules: Rules, tz: str) -> pd.DataFrame:
    """What the simulation itself knows about each incident (one row per incident, in table order).

    These are the facts the routing, the dispatch loop and the closing acted on, recorded where they
    were decided; the truth is built from them rather than from the written definitions.
    """
    written = tables["incidents"]
    assert (written.incident_number.to_numpy() == allinc.incident_number.to_numpy()).all()
    disposition = written.disposition.to_numpy(dtype=object)
    day = local_parts(allinc.created.to_numpy(), tz).day
    final = allinc.final_call_type.to_numpy(dtype=object)
    flags = {
        "weapon_involved": allinc.weapon_involved.to_numpy(dtype=bool),
        "violence_toward_others": allinc.violence_toward_others.to_numpy(dtype=bool),
    }
    excluded = rules.excluded(flags, day)
    close_eligible = np.logical_or.reduce([rules.eligible_for(p, final, day) for p in ELIGIBILITY_PROGRAMS]) & ~excluded
    dispatch_eligible = np.logical_or.reduce(
        [allinc[f"dispatch_eligible_{p}"].to_numpy(dtype=bool) for p in ELIGIBILITY_PROGRAMS]
    )
    no_need = np.isin(disposition, NO_NEED_DISPOSITIONS)
    from_public = allinc.from_public.to_numpy(dtype=bool)
    opportunity = dispatch_eligible & from_public & ~no_need
    set_apart = np.full(len(allinc), None, dtype=object)
    typed = dispatch_eligible | close_eligible
    set_apart[typed & ~opportunity] = "reclassified_at_close"
    set_apart[typed & ~opportunity & dispatch_eligible & no_need] = "closed_without_need"
    set_apart[typed & ~opportunity & ~from_public] = "not_a_call"
    frame_ = pd.DataFrame(
        {
            "incident_number": allinc.incident_number.to_numpy(dtype=object),
            "opportunity": opportunity,
            "set_apart": set_apart,
            "sim_reason": allinc.sim_reason.to_numpy(dtype=object),
            "police_without_heart": allinc.police_without_heart.to_numpy(dtype=bool),
            "counterfactual_police_units": allinc.counterfactual_police_units.to_numpy(),
            "counterfactual_police_minutes": allinc.counterfactual_police_minutes.to_numpy(dtype="float64"),
        }
    )
    for p in ELIGIBILITY_PROGRAMS:
        frame_[f"eligible_{p}"] = opportunity & allinc[f"dispatch_eligible_{p}"].to_numpy(dtype=bool)
    return frame_


def _close_and_snapshot(
    rng, inc: pd.DataFrame, asg: pd.DataFrame, enc: pd.DataFrame, rules: Rules, start_utc: int, end_utc: int
):
    """Close incidents, choose dispositions, then cut everything at the end of the period:
    what had not happened yet does not exist, and incidents still being worked stay open."""
    n = len(inc)
    last_clear = asg.groupby("incident").cleared.max().reindex(range(n)).to_numpy()
    ccd_end = enc[enc.program == "CCD"].groupby("incident").ended.max().reindex(range(n)).to_numpy()
    created = inc.created.to_numpy().astype(float)
    base = np.fmax(last_clear, ccd_end)
    no_units = np.isnan(base)
    closed = np.where(no_units, created + rng.integers(120, 1800, n), base + rng.integers(30, 600, n))

    # Dispositions.
    disp = np.full(n, None, dtype=object)
    u = rng.random(n)
    police_choice = np.array(
        ["REPORT"] * 35
        + ["ADVISED"] * 30
        + ["ASSISTED"] * 10
        + ["UTL"] * 8
        + ["GOA"] * 7
        + ["UNFOUNDED"] * 5
        + ["REFERRED"] * 5,
        dtype=object,
    )
    disp[:] = police_choice[(u * len(police_choice)).astype(int)]
    traffic = inc.initial_call_type.to_numpy() == "TRAFFIC_STOP"
    disp[traffic] = np.where(u[traffic] < 0.5, "CITATION", "ADVISED")
    transported = asg[asg.transport_destination.notna()].incident.unique()
    disp[transported] = "TRANSPORT"
    nobody_choice = np.array(["CANCELLED"] * 5 + ["DUPLICATE"] * 2 + ["ADVISED"] * 3, dtype=object)
    disp[no_units] = nobody_choice[(u[no_units] * 10).astype(int)]
    # HEART incidents report the first encounter's outcome; CCD calls their phone resolution.
    first_enc = enc[enc.incident >= 0].sort_values("started", kind="stable").drop_duplicates("incident")
    heart_disp = {
        "RESOLVED": "HEART_RESOLVED",
        "LINKED_SERVICES": "REFERRED",
        "TRANSPORT_HOSPITAL": "TRANSPORT",
        "TRANSPORT_CARE": "TRANSPORT",
        "TRANSPORT_OTHER": "TRANSPORT",
        "DECLINED": "REFUSED",
        "POLICE_TAKEOVER": "REPORT",
        "NOT_LOCATED": "GOA",
        "OTHER": "ASSISTED",
        "PHONE_RESOLVED": "CCD",
    }
    rows = first_enc.incident.to_numpy()
    disp[rows] = [heart_disp.get(o, "ASSISTED") if o is not None else "ASSISTED" for o in first_enc.outcome]
    ccd_rows = np.nonzero(inc.ccd.to_numpy())[0]
    ccd_outcome = enc[enc.program == "CCD"].set_index("incident").outcome
    disp[ccd_rows] = ["CCD_REFERRED" if ccd_outcome.get(i) == "LINKED_SERVICES" else "CCD" for i in ccd_rows]

    # The snapshot at the end of the period.
    open_ = closed > end_utc
    closed[open_] = np.nan
    disp[open_] = None
    inc = inc.assign(closed=closed, disposition=text(disp, inc.index))
    asg = asg[asg.dispatched <= end_utc].copy()
    for col in ("en_route", "on_scene", "cleared"):
        v = asg[col].to_numpy()
        asg[col] = np.where(v > end_utc, np.nan, v)
    asg.loc[asg.on_scene.isna() & asg.cleared.isna() & asg.en_route.isna(), "en_route"] = np.nan
    enc = enc[enc.ended <= end_utc].reset_index(drop=True)
    return inc, asg.reset_index(drop=True), enc


def _assemble(
    rng,
    cfg: GeneratorConfig,
    rules: Rules,
    roster: heart.Roster,
    inc: pd.DataFrame,
    asg: pd.DataFrame,
    enc: pd.DataFrame,
    arrests: pd.DataFrame,
    start_utc: int,
    end_utc: int,
    tick,
):
    """Shape every contract table (ids, updated_at, calls, people, follow-ups, staff)."""
    tier = cfg.tier_spec
    n = len(inc)
    number = inc.incident_number.to_numpy(dtype=object)
    cat = inc.category.to_numpy(dtype=object)

    # Arrests re-label the disposition of their (closed) incident.
    arrested_inc = arrests.incident.unique()
    disp = inc.disposition.to_numpy(dtype=object).copy()
    closed_mask = ~np.isnan(inc.closed.to_numpy())
    sel = arrested_inc[closed_mask[arrested_inc]]
    disp[sel] = "ARREST"
    inc = inc.assign(disposition=text(disp, inc.index))

    # updated_at: the last change of each row; the snapshot cannot see later changes.
    asg_last = asg[["dispatched", "en_route", "on_scene", "cleared"]].max(axis=1).to_numpy()
    last_asg = pd.Series(asg_last).groupby(asg.incident.to_numpy()).max().reindex(range(n)).to_numpy()
    inc_updated = np.where(
        closed_mask, inc.closed.to_numpy() + rng.integers(0, 90, n), np.fmax(inc.created.to_numpy(), last_asg)
    )
    inc_updated = np.minimum(inc_updated, end_utc)
    final_type = inc.final_call_type.to_numpy(dtype=object).copy()
    incidents_t = frame(
        {
            "incident_number": number,
            "created_at": inc.created.to_numpy().astype("int64"),
            "initial_call_type": inc.initial_call_type.to_numpy(dtype=object),
            "final_call_type": final_type,
            "priority": inc.priority.to_numpy(),
            "call_origin": inc.call_origin.to_numpy(dtype=object),
            "beat": inc.beat.to_numpy(dtype=object),
            "block_address": inc.block_address.to_numpy(dtype=object),
            "latitude": inc.latitude.to_numpy(),
            "longitude": inc.longitude.to_numpy(),
            "weapon_involved": inc.weapon_involved.to_numpy(dtype=bool),
            "violence_toward_others": inc.violence_toward_others.to_numpy(dtype=bool),
            "disposition": disp,
            "closed_at": inc.closed.to_numpy(),
            "updated_at": np.floor(inc_updated),
        }
    )

    # Calls, with a pool of repeat callers on behavioral-health and quality-of-life calls.
    pool = incidents.phone_numbers(rng, tier.familiar_callers)
    familiar = np.isin(cat, ["BEHAVIORAL_HEALTH", "QUALITY_OF_LIFE"]) & (rng.random(n) < FAMILIAR_CALLER_SHARE)
    calls = incidents.draw_calls(rng, inc, pool, familiar)
    calls = calls[calls.received <= end_utc].sort_values(["received", "incident_idx"], kind="stable")
    calls_t = frame(
        {
            "call_id": np.arange(1, len(calls) + 1, dtype="int64") + 10_000_000,
            "incident_number": number[calls.incident_idx.to_numpy()],
            "received_at": calls.received.to_numpy(),
            "caller_phone": calls.caller_phone.to_numpy(dtype=object),
            "updated_at": np.minimum(calls.received.to_numpy() + rng.integers(0, 5, len(calls)), end_utc),
        }
    )

    asg = asg.sort_values(["dispatched", "incident", "unit_id"], kind="stable").reset_index(drop=True)
    asg_last = asg[["dispatched", "en_route", "on_scene", "cleared"]].max(axis=1).to_numpy()
    assignments_t = frame(
        {
            "assignment_id": np.arange(1, len(asg) + 1, dtype="int64") + 5_000_000,
            "incident_number": number[asg.incident.to_numpy()],
            "unit_id": asg.unit_id.to_numpy(dtype=object),
            "unit_type": asg.unit_type.to_numpy(dtype=object),
            "dispatched_at": asg.dispatched.to_numpy(),
            "en_route_at": asg.en_route.to_numpy(),
            "on_scene_at": asg.on_scene.to_numpy(),
            "cleared_at": asg.cleared.to_numpy(),
            "transport_destination": asg.transport_destination.to_numpy(dtype=object),
            "updated_at": np.minimum(asg_last + rng.integers(0, 60, len(asg)), end_utc),
        }
    )

    arrests = arrests.sort_values(["arrested", "incident"], kind="stable")
    arrests_t = frame(
        {
            "arrest_id": np.arange(1, len(arrests) + 1, dtype="int64") + 700_000,
            "incident_number": number[arrests.incident.to_numpy()],
            "arrested_at": arrests.arrested.to_numpy(),
            "charge_category": arrests.charge_category.to_numpy(dtype=object),
            "updated_at": np.minimum(arrests.arrested.to_numpy() + rng.integers(300, 3 * 3600, len(arrests)), end_utc),
        }
    )

    units = roster.units
    units_t = frame(
        {
            "unit_id": units.unit_id.to_numpy(dtype=object),
            "unit_type": units.unit_type.to_numpy(dtype=object),
            "agency": units.agency.to_numpy(dtype=object),
            "program": units.program.to_numpy(dtype=object),
            "in_service_from": units.in_service_from.astype(float).to_numpy(),
            "in_service_to": units.in_service_to.astype(float).to_numpy(),
            "updated_at": units.in_service_from.astype(float).to_numpy() * 86400 + 12 * 3600,
        }
    )
    ct = rules.call_types
    call_types_t = frame(
        {
            "call_type_code": ct.call_type_code.to_numpy(dtype=object),
            "description": ct.description.to_numpy(dtype=object),
            "updated_at": np.full(len(ct), float(start_utc - 30 * 86400)),
        }
    )
    tick(f"CAD tables shaped: {len(calls_t):,} calls, {len(assignments_t):,} assignments")

    # ---- case management --------------------------------------------------------------------
    enc_inc = enc.incident.to_numpy()
    enc_id = np.arange(1, len(enc) + 1, dtype="int64") + 300_000
    person = casemgmt.assign_people(rng, len(enc))
    person[enc.program.to_numpy() == "CCD"] = np.where(
        rng.random((enc.program == "CCD").sum()) < 0.5, np.nan, person[enc.program.to_numpy() == "CCD"]
    )
    block = np.where(enc_inc >= 0, inc.block_address.to_numpy(dtype=object)[np.maximum(enc_inc, 0)], None).astype(
        object
    )
    nocad = enc_inc < 0
    block[nocad] = inc.block_address.to_numpy(dtype=object)[rng.integers(0, n, nocad.sum())]
    lag = rng.integers(1800, 2 * 86400, len(enc))
    encounters_t = frame(
        {
            "encounter_id": enc_id,
            "person_id": person,
            "cad_incident_number": np.where(enc_inc >= 0, number[np.maximum(enc_inc, 0)], None).astype(object),
            "program": enc.program.to_numpy(dtype=object),
            "unit_id": enc.unit_id.to_numpy(dtype=object),
            "started_at": enc.started.to_numpy(),
            "ended_at": enc.ended.to_numpy(),
            "block_address": block,
            "outcome": enc.outcome.to_numpy(dtype=object),
            "responder_felt_safe": enc.responder_felt_safe.to_numpy(dtype=object),
            "police_backup_requested": enc.police_backup_requested.to_numpy(dtype=bool),
            "ems_requested": enc.ems_requested.to_numpy(dtype=bool),
            "note": casemgmt.note_text(rng, len(enc)),
            "updated_at": np.minimum(enc.ended.to_numpy() + lag, end_utc),
        }
    )
    enc_links = frame(
        {"encounter_id": enc_id, "incident_number": encounters_t.cad_incident_number.to_numpy(dtype=object)}
    )

    refs = casemgmt.build_referrals(rng, enc)
    refs = refs.sort_values(["referred", "encounter_row"], kind="stable")
    referrals_t = frame(
        {
            "referral_id": np.arange(1, len(refs) + 1, dtype="int64") + 900_000,
            "encounter_id": enc_id[refs.encounter_row.to_numpy()],
            "referral_type": refs.referral_type.to_numpy(dtype=object),
            "provider_name": refs.provider_name.to_numpy(dtype=object),
            "referred_at": refs.referred.to_numpy(),
            "updated_at": np.minimum(refs.referred.to_numpy() + rng.integers(600, 86400, len(refs)), end_utc),
        }
    )
    trans = casemgmt.build_transports(rng, enc)
    transports_t = frame(
        {
            "transport_id": np.arange(1, len(trans) + 1, dtype="int64") + 60_000,
            "encounter_id": enc_id[trans.encounter_row.to_numpy()],
            "destination_type": trans.destination_type.to_numpy(dtype=object),
            "destination_name": trans.destination_name.to_numpy(dtype=object),
            "transported_at": trans.transported.to_numpy(),
            "updated_at": np.minimum(trans.transported.to_numpy() + rng.integers(600, 86400, len(trans)), end_utc),
        }
    )

    # Follow-ups: Care Navigation follows up on encounters of any HEART response (and walk-up encounters),
    # and by CAD number on some eligible calls HEART did not reach.
    opportunity = (
        np.logical_or.reduce([inc[f"dispatch_eligible_{p}"].to_numpy(dtype=bool) for p in ELIGIBILITY_PROGRAMS])
        & inc.from_public.to_numpy(dtype=bool)
        & ~np.isin(incidents_t.disposition.to_numpy(dtype=object), NO_NEED_DISPOSITIONS)
    )
    responded = np.zeros(n, dtype=bool)
    responded[enc_inc[enc_inc >= 0]] = True
    responded[asg[asg.unit_type.isin(DISPATCHABLE) & asg.on_scene.notna()].incident.to_numpy()] = True
    responded |= np.isin(incidents_t.disposition.to_numpy(dtype=object), list(rules.ccd_dispositions))
    fu_enc = np.arange(len(enc))
    forgone = np.nonzero(opportunity & ~responded)[0]
    fu = casemgmt.build_follow_ups(
        rng,
        fu_enc,
        enc.ended.to_numpy()[fu_enc],
        person[fu_enc],
        forgone,
        inc.created.to_numpy()[forgone].astype(float),
    )
    fu = planted.plant_follow_up_effects(fu, cfg.planted_effects, cfg.seed, cfg.timezone)
    fu = fu[fu.followed_up <= end_utc].sort_values(["followed_up", "encounter_row", "incident"], kind="stable")
    fu_ids = np.arange(1, len(fu) + 1, dtype="int64") + 40_000
    by_number = fu.incident.to_numpy() >= 0
    follow_ups_t = frame(
        {
            "follow_up_id": fu_ids,
            "person_id": fu.person_id.to_numpy(),
            "encounter_id": np.where(by_number, np.nan, enc_id[np.maximum(fu.encounter_row.to_numpy(), 0)]),
            "cad_incident_number": np.where(by_number, number[np.maximum(fu.incident.to_numpy(), 0)], None).astype(
                object
            ),
            "followed_up_at": fu.followed_up.to_numpy(),
            "method": fu.method.to_numpy(dtype=object),
            "outcome": fu.outcome.to_numpy(dtype=object),
            "team": fu.team.to_numpy(dtype=object),
            "updated_at": np.minimum(fu.followed_up.to_numpy() + rng.integers(60, 7200, len(fu)), end_utc),
        }
    )
    fu_links = frame(
        {
            "follow_up_id": fu_ids[by_number],
            "incident_number": follow_ups_t.cad_incident_number.to_numpy(dtype=object)[by_number],
        }
    )

    # People: everyone an encounter or follow-up names.
    pid = np.unique(
        np.concatenate([person[~np.isnan(person)], fu.person_id.to_numpy()[~np.isnan(fu.person_id.to_numpy())]])
    ).astype("int64")
    first_seen = pd.Series(enc.started.to_numpy()).groupby(person).min().reindex(pid).to_numpy()
    first_seen = np.where(np.isnan(first_seen), start_utc, first_seen)
    phones = incidents.phone_numbers(rng, len(pid))
    phones[rng.random(len(pid)) < 0.35] = None
    people = casemgmt.build_people(rng, pid, first_seen, phones)
    people["updated_at"] = np.minimum(first_seen + rng.integers(600, 86400, len(pid)), end_utc)
    heart_units = roster.units[roster.units.program.notna()].program.value_counts().to_dict()
    staff = casemgmt.build_staff(rng, tier.start, tier.end, heart_units)
    staff["updated_at"] = np.minimum(
        np.fmax(staff.hired_on.to_numpy(), np.nan_to_num(staff.separated_on.to_numpy(), nan=-1e9)) * 86400 + 3600 * 14,
        end_utc,
    )
    tables = {
        "call_types": call_types_t,
        "units": units_t,
        "incidents": incidents_t,
        "calls": calls_t,
        "unit_assignments": assignments_t,
        "arrests": arrests_t,
        "people": people,
        "encounters": encounters_t,
        "referrals": referrals_t,
        "transports": transports_t,
        "follow_ups": follow_ups_t,
        "staff": staff,
    }
    tick(f"case management shaped: {len(encounters_t):,} encounters")
    return tables, enc_links, fu_links
