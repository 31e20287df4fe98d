"""Police, EMS and fire assignments with status times, arrests and dispositions (vectorized)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .frames import frame, lookup

# Median minutes from creation to dispatch, by priority 1..5.
DISPATCH_DELAY_MIN = {1: 1.2, 2: 3.0, 3: 7.0, 4: 14.0, 5: 22.0}
# Median on-scene minutes of a police unit, by call-type category.
POLICE_SERVICE_MIN = {
    "VIOLENT": 75,
    "PROPERTY": 45,
    "QUALITY_OF_LIFE": 30,
    "BEHAVIORAL_HEALTH": 50,
    "TRAFFIC": 28,
    "MEDICAL": 25,
    "FIRE": 35,
    "OTHER": 22,
}
# Arrest shares of police-handled incidents; quality-of-life and behavioral-health calibrated (README, "Calibration").
ARREST_SHARE = {
    "VIOLENT": 0.2,
    "PROPERTY": 0.07,
    "QUALITY_OF_LIFE": 0.02,
    "BEHAVIORAL_HEALTH": 0.02,
    "TRAFFIC": 0.03,
    "MEDICAL": 0.004,
    "FIRE": 0.01,
    "OTHER": 0.02,
}
ARREST_SHARE_BY_TYPE = {"DOMESTIC": 0.3, "DWI": 0.65, "WARRANT": 0.55}
CHARGE_BY_CATEGORY = {
    "VIOLENT": "VIOLENT",
    "PROPERTY": "PROPERTY",
    "TRAFFIC": "OTHER",
    "OTHER": "WARRANT",
    "QUALITY_OF_LIFE": "PUBLIC_ORDER",
    "BEHAVIORAL_HEALTH": "PUBLIC_ORDER",
}
EMS_TYPES = {
    "SICK_PERSON": 1.0,
    "FALL": 1.0,
    "CHEST_PAIN": 1.0,
    "BREATHING": 1.0,
    "OVERDOSE": 1.0,
    "UNCONSCIOUS": 1.0,
    "LIFT_ASSIST": 1.0,
    "MVC_INJURY": 1.0,
    "STABBING": 0.9,
    "SHOTS_FIRED": 0.35,
    "FIRE_STRUCTURE": 0.4,
    "SUICIDE_THREAT": 0.35,
    "INTOX": 0.12,
    "MENTAL": 0.08,
    "AGG_ASSAULT": 0.5,
}
EMS_TRANSPORT_SHARE = 0.55


def _lognormal_minutes(rng, median_min: np.ndarray, sigma: float) -> np.ndarray:
    return rng.lognormal(np.log(np.asarray(median_min, dtype=float) * 60.0), sigma)


def unit_counts(rng: np.random.Generator, inc: pd.DataFrame, police_eligible: np.ndarray) -> dict[str, np.ndarray]:
    """How many police / EMS / fire units each incident gets. `police_eligible` is False where HEART or
    CCD took the call alone (then police come only as backup, added elsewhere); POLICE_IF_NO_HEART
    keeps the police units those incidents would have had without HEART."""
    n = len(inc)
    cat = inc.category.to_numpy()
    ctype = inc.initial_call_type.to_numpy()
    origin = inc.call_origin.to_numpy()
    u = rng.random((4, n))
    police = np.ones(n, dtype="int64")
    police += (cat == "VIOLENT") * (1 + rng.poisson(0.8, n))
    extra_share = {"PROPERTY": 0.3, "QUALITY_OF_LIFE": 0.25, "BEHAVIORAL_HEALTH": 0.4, "TRAFFIC": 0.3, "OTHER": 0.12}
    for k, s in extra_share.items():
        police += (cat == k) & (u[0] < s)
    police[(cat == "MEDICAL")] = (u[0][cat == "MEDICAL"] < 0.22).astype("int64")
    police[(cat == "FIRE")] = (u[0][cat == "FIRE"] < 0.4).astype("int64")
    police[ctype == "INFO"] = (u[0][ctype == "INFO"] < 0.3).astype("int64")
    si = origin == "SELF_INITIATED"
    police[si] = 1 + (u[1][si] < 0.2)
    nobody = ~si & (u[2] < 0.04)  # cancelled, duplicate or handled by phone
    police[nobody] = 0
    police_if_no_heart = police.copy()
    police[~police_eligible] = 0

    ems_share = lookup(EMS_TYPES, ctype, 0.0, float)
    ems = ((u[3] < ems_share) & ~nobody).astype("int64")
    fire = np.zeros(n, dtype="int64")
    fire[cat == "FIRE"] = 1 + rng.integers(0, 3, (cat == "FIRE").sum())
    med_fire = np.isin(ctype, ["CHEST_PAIN", "BREATHING", "UNCONSCIOUS", "MVC_INJURY", "OVERDOSE"])
    fire[med_fire & (u[1] < 0.5)] = 1
    fire[nobody] = 0
    ems[~police_eligible & (cat != "MEDICAL")] = 0
    return {"POLICE": police, "EMS": ems, "FIRE": fire, "POLICE_IF_NO_HEART": police_if_no_heart}


def build_assignments(
    rng: np.random.Generator,
    inc: pd.DataFrame,
    counts: dict[str, np.ndarray],
    units: pd.DataFrame,
    beat_district: dict[str, str],
) -> pd.DataFrame:
    """Assignment rows for the counted police/EMS/fire units of each incident."""
    frames = []
    created = inc.created.to_numpy()
    priority = inc.priority.to_numpy()
    cat = inc.category.to_numpy()
    si = (inc.call_origin == "SELF_INITIATED").to_numpy()
    district = lookup(beat_district, inc.beat.to_numpy(dtype=object), "D1")
    for unit_type in ("POLICE", "EMS", "FIRE"):
        k = counts[unit_type]
        idx = np.repeat(np.arange(len(inc)), k)
        if len(idx) == 0:
            continue
        order = np.arange(len(idx)) - np.repeat(np.cumsum(k) - k, k)  # 0 for the first unit of an incident
        pool = units[units.unit_type == unit_type].unit_id.to_numpy(dtype=object)
        if unit_type == "POLICE":
            # Police cars come from the incident's district; distinct cars per incident.
            unit = np.empty(len(idx), dtype=object)
            d_of = district[idx]
            for d in np.unique(d_of):
                sel = d_of == d
                dpool = np.array([p for p in pool if p[1] == d[1]], dtype=object)
                start = rng.integers(0, len(dpool), sel.sum())
                unit[sel] = dpool[(start + order[sel]) % len(dpool)]
            # A unit starting the incident itself (self-initiated) was there at creation.
        else:
            start = np.repeat(rng.integers(0, len(pool), len(inc)), k)
            unit = pool[(start + order) % len(pool)]
        med = np.array([0.0] + [DISPATCH_DELAY_MIN[p] for p in range(1, 6)])[priority[idx]]
        if unit_type != "POLICE":
            med = np.minimum(med, 2.0)
        disp = created[idx] + _lognormal_minutes(rng, med, 0.7) + order * rng.integers(30, 400, len(idx))
        first_si = si[idx] & (order == 0) & (unit_type == "POLICE")
        disp = np.where(first_si, created[idx], disp)
        enr = disp + rng.lognormal(np.log(50), 0.5, len(idx))
        travel = rng.lognormal(np.log(420 if unit_type != "POLICE" else 480), 0.5, len(idx))
        ons = np.where(first_si, created[idx] + rng.integers(0, 30, len(idx)), enr + travel)
        if unit_type == "POLICE":
            svc_med = lookup(POLICE_SERVICE_MIN, cat[idx], 30, float)
        else:
            svc_med = np.full(len(idx), 40.0 if unit_type == "EMS" else 25.0)
        service = np.clip(_lognormal_minutes(rng, svc_med, 0.6), 180, 8 * 3600)
        cancelled = ~first_si & (rng.random(len(idx)) < 0.06)
        clr = np.where(cancelled, disp + rng.integers(60, 900, len(idx)), ons + service)
        ons = np.where(cancelled, np.nan, ons)
        enr = np.where(cancelled & (rng.random(len(idx)) < 0.5), np.nan, enr)
        dest = np.full(len(idx), None, dtype=object)
        if unit_type == "EMS":
            tr = ~cancelled & (rng.random(len(idx)) < EMS_TRANSPORT_SHARE)
            dest[tr] = np.array(["HOSPITAL_ED"] * 18 + ["PSYCH_HOSPITAL", "BH_URGENT_CARE"], dtype=object)[
                rng.integers(0, 20, tr.sum())
            ]
        elif unit_type == "POLICE":
            bh = (cat[idx] == "BEHAVIORAL_HEALTH") & ~cancelled & (rng.random(len(idx)) < 0.04)
            dest[bh] = np.array(["PSYCH_HOSPITAL", "BH_URGENT_CARE", "HOSPITAL_ED"], dtype=object)[
                rng.integers(0, 3, bh.sum())
            ]
        frames.append(
            frame(
                {
                    "incident": idx,
                    "unit_id": unit,
                    "unit_type": unit_type,
                    "dispatched": np.floor(disp),
                    "en_route": np.floor(enr),
                    "on_scene": np.floor(ons),
                    "cleared": np.floor(clr),
                    "transport_destination": dest,
                }
            )
        )
    if not frames:  # e.g. one new live incident that got no unit
        return frame(
            {
                "incident": np.array([], dtype="int64"),
                "unit_id": np.array([], dtype=object),
                "unit_type": np.array([], dtype=object),
                "dispatched": np.array([], dtype=float),
                "en_route": np.array([], dtype=float),
                "on_scene": np.array([], dtype=float),
                "cleared": np.array([], dtype=float),
                "transport_destination": np.array([], dtype=object),
            }
        )
    return pd.concat(frames, ignore_index=True)


def backup_assignments(
    rng: np.random.Generator,
    incident: np.ndarray,
    after: np.ndarray,
    unit_type: str,
    inc: pd.DataFrame,
    units: pd.DataFrame,
    beat_district: dict[str, str],
    transport_share: float = 0.0,
) -> pd.DataFrame:
    """Units requested by a HEART team on scene (police backup, EMS), dispatched after `after`."""
    n = len(incident)
    pool = units[units.unit_type == unit_type].unit_id.to_numpy(dtype=object)
    if unit_type == "POLICE":
        beats = inc.beat.to_numpy()[incident]
        unit = np.empty(n, dtype=object)
        for i, b in enumerate(beats):
            d = beat_district.get(b, "D1") if b is not None else "D1"
            dpool = [p for p in pool if p[1] == d[1]]
            unit[i] = dpool[int(rng.integers(0, len(dpool)))]
    else:
        unit = pool[rng.integers(0, len(pool), n)] if n else np.array([], dtype=object)
    disp = after + rng.integers(120, 1200, n)
    enr = disp + rng.integers(20, 120, n)
    ons = enr + rng.lognormal(np.log(420), 0.4, n)
    clr = ons + np.clip(rng.lognormal(np.log(1800), 0.5, n), 300, 4 * 3600)
    dest = np.full(n, None, dtype=object)
    dest[rng.random(n) < transport_share] = "HOSPITAL_ED"
    return frame(
        {
            "incident": incident,
            "unit_id": unit,
            "unit_type": unit_type,
            "dispatched": np.floor(disp).astype(float),
            "en_route": np.floor(enr).astype(float),
            "on_scene": np.floor(ons),
            "cleared": np.floor(clr),
            "transport_destination": dest,
        }
    )


def build_arrests(
    rng: np.random.Generator, inc: pd.DataFrame, asg: pd.DataFrame, heart_arrived: np.ndarray
) -> pd.DataFrame:
    police = asg[(asg.unit_type == "POLICE") & asg.on_scene.notna()]
    g = police.groupby("incident").agg(first_on=("on_scene", "min"), last_clr=("cleared", "max"))
    idx = g.index.to_numpy()
    cat = inc.category.to_numpy()[idx]
    ctype = inc.initial_call_type.to_numpy()[idx]
    share = np.where(
        np.isin(ctype, list(ARREST_SHARE_BY_TYPE)),
        lookup(ARREST_SHARE_BY_TYPE, ctype, 0.0, float),
        lookup(ARREST_SHARE, cat, 0.02, float),
    )
    share = np.where(heart_arrived[idx], 0.01, share)
    hit = rng.random(len(idx)) < share
    n = np.where(hit, 1 + (rng.random(len(idx)) < 0.12), 0)
    rows = np.repeat(np.arange(len(idx)), n)
    first_on = g.first_on.to_numpy()[rows]
    span = np.maximum(g.last_clr.to_numpy()[rows] - first_on, 60)
    arrested = np.floor(first_on + rng.uniform(0.1, 0.9, len(rows)) * span)
    charge = lookup(CHARGE_BY_CATEGORY, cat[rows], "OTHER")
    drug = rng.random(len(rows)) < 0.12
    charge[drug] = "DRUG"
    return frame({"incident": idx[rows], "arrested": arrested, "charge_category": charge})
