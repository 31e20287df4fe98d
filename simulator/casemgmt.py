"""The case-management side: people, encounters, referrals, transports, follow-ups, staff."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .frames import frame
from .names import DESTINATION_NAMES, FIRST_NAMES, LAST_NAMES, NOTE_TEMPLATES, PROVIDERS, STREETS
from .rules import Rules, day_number

UNIT_OUTCOMES = (
    ("RESOLVED", 0.45),
    ("LINKED_SERVICES", 0.25),
    ("DECLINED", 0.11),
    ("NOT_LOCATED", 0.07),
    ("POLICE_TAKEOVER", 0.03),
    ("OTHER", 0.03),
    (None, 0.06),
)
HEART_TRANSPORT_SHARE = 0.15  # calibrated (README, "Calibration")
HEART_DESTINATIONS = (
    ("BH_URGENT_CARE", 0.34),
    ("RECOVERY_CENTER", 0.18),
    ("SHELTER", 0.16),
    ("HOSPITAL_ED", 0.12),
    ("FAMILY_FRIENDS", 0.06),
    ("DETOX", 0.05),
    ("HOME", 0.04),
    ("FOOD", 0.03),
    ("PSYCH_HOSPITAL", 0.02),
)
TRANSPORT_OUTCOME = {"hospital": "TRANSPORT_HOSPITAL", "care_center": "TRANSPORT_CARE", "other": "TRANSPORT_OTHER"}
REFERRAL_WEIGHTS = {
    "MENTAL_HEALTH": 0.35,
    "SUBSTANCE_USE": 0.13,
    "MEDICAL": 0.1,
    "CRISIS_LINE": 0.05,
    "HOUSING": 0.16,
    "FOOD": 0.1,
    "BENEFITS": 0.08,
    "CASE_MANAGEMENT": 0.08,
    "PEER_SUPPORT": 0.03,
    "LEGAL": 0.02,
    "DOMESTIC_VIOLENCE": 0.03,
}
# Shares calibrated to published figures: see the "Calibration" table of this package's README.
POLICE_BACKUP_SHARE = 0.02
EMS_REQUEST_SHARE = 0.05
FELT_SAFE_REPORTED = 0.85
FELT_SAFE_TRUE = 0.99
FOLLOW_UP_RESPONDED = 0.32
FOLLOW_UP_FORGONE = 0.04
# Of the follow-ups on eligible calls HEART did not reach, the share that are a Crisis Call
# Diversion clinician's call back (the rest are Care Navigation's). No public figure: Durham
# reports only that these calls fell most after the October 2023 expansion.
CCD_FOLLOW_UP_SHARE = 0.6


def _choice(rng, pairs, n):
    values = np.array([v for v, _ in pairs], dtype=object)
    p = np.array([w for _, w in pairs], dtype=float)
    return values[rng.choice(len(values), size=n, p=p / p.sum())]


def draw_encounter_details(rng: np.random.Generator, n: int, program: np.ndarray, rules: Rules) -> pd.DataFrame:
    """Outcome, safety report, requests and transport destination of `n` encounters."""
    outcome = _choice(rng, UNIT_OUTCOMES, n)
    ccd = program == "CCD"
    outcome[ccd] = np.where(rng.random(ccd.sum()) < 0.7, "PHONE_RESOLVED", "LINKED_SERVICES")
    transport = np.full(n, None, dtype=object)
    tr = ~ccd & (rng.random(n) < HEART_TRANSPORT_SHARE)
    transport[tr] = _choice(rng, HEART_DESTINATIONS, tr.sum())
    cat_of = rules.destination_category
    outcome[tr] = [TRANSPORT_OUTCOME[cat_of[d]] for d in transport[tr]]
    felt_safe = np.where(rng.random(n) < FELT_SAFE_TRUE, True, False).astype(object)
    felt_safe[(rng.random(n) >= FELT_SAFE_REPORTED) | ccd] = None
    backup = ~ccd & (rng.random(n) < POLICE_BACKUP_SHARE)
    ems = ~ccd & (rng.random(n) < EMS_REQUEST_SHARE)
    return frame(
        {
            "outcome": outcome,
            "transport": transport,
            "responder_felt_safe": felt_safe,
            "police_backup_requested": backup,
            "ems_requested": ems,
        }
    )


def assign_people(rng: np.random.Generator, n: int, share_identified: float = 0.85) -> np.ndarray:
    """person_id per encounter (NaN when not identified): a few frequent clients, many one-time ones."""
    ident = rng.random(n) < share_identified
    frequent_pool = max(5, int(n * 0.02))
    frequent = ident & (rng.random(n) < 0.25)
    pid = np.full(n, np.nan)
    pid[frequent] = 1 + rng.integers(0, frequent_pool, frequent.sum())
    pid[ident & ~frequent] = frequent_pool + 1 + np.arange((ident & ~frequent).sum())
    used, new_ids = np.unique(pid[~np.isnan(pid)], return_inverse=True)
    # Renumber densely so person ids have no gaps.
    pid[~np.isnan(pid)] = 1 + new_ids
    return pid


def build_people(
    rng: np.random.Generator, person_ids: np.ndarray, first_seen: np.ndarray, phones: np.ndarray
) -> pd.DataFrame:
    n = len(person_ids)
    first = np.array(FIRST_NAMES, dtype=object)[rng.integers(0, len(FIRST_NAMES), n)]
    last = np.array(LAST_NAMES, dtype=object)[rng.integers(0, len(LAST_NAMES), n)]
    first[rng.random(n) < 0.04] = None
    age_band = _choice(
        rng,
        (
            ("UNDER_18", 0.04),
            ("18_24", 0.12),
            ("25_34", 0.24),
            ("35_44", 0.22),
            ("45_54", 0.18),
            ("55_64", 0.14),
            ("65_PLUS", 0.06),
        ),
        n,
    )
    lo = {"UNDER_18": 12, "18_24": 18, "25_34": 25, "35_44": 35, "45_54": 45, "55_64": 55, "65_PLUS": 65}
    hi = {"UNDER_18": 17, "18_24": 24, "25_34": 34, "35_44": 44, "45_54": 54, "55_64": 64, "65_PLUS": 85}
    seen_day = np.floor_divide(first_seen.astype("int64"), 86400)
    age_days = np.array([rng.integers(lo[a] * 365 + 1, hi[a] * 365 + 364) for a in age_band])
    dob = (seen_day - age_days).astype(float)
    dob[rng.random(n) < 0.07] = np.nan
    address = (
        pd.Series(rng.integers(100, 4000, n)).astype(str)
        + " "
        + np.array(STREETS, dtype=object)[rng.integers(0, len(STREETS), n)]
    ).to_numpy(dtype=object)
    unsheltered = rng.random(n) < 0.22
    address[unsheltered] = None
    housing = np.where(
        unsheltered, "UNSHELTERED", _choice(rng, (("HOUSED", 0.8), ("SHELTERED", 0.12), ("UNKNOWN", 0.08)), n)
    ).astype(object)
    return frame(
        {
            "person_id": person_ids.astype("int64"),
            "first_name": first,
            "last_name": last,
            "date_of_birth": dob,
            "phone": phones,
            "address": address,
            "age_group": age_band,
            "race": _choice(
                rng,
                (
                    ("BLACK", 0.52),
                    ("WHITE", 0.33),
                    ("ASIAN", 0.03),
                    ("AMERICAN_INDIAN", 0.01),
                    ("PACIFIC_ISLANDER", 0.004),
                    ("MULTIRACIAL", 0.04),
                    ("OTHER", 0.03),
                    ("UNKNOWN", 0.046),
                ),
                n,
            ),
            "ethnicity": _choice(rng, (("HISPANIC", 0.11), ("NOT_HISPANIC", 0.83), ("UNKNOWN", 0.06)), n),
            "gender": _choice(
                rng, (("MAN", 0.55), ("WOMAN", 0.4), ("NONBINARY", 0.015), ("TRANSGENDER", 0.01), ("UNKNOWN", 0.025)), n
            ),
            "primary_language": _choice(rng, (("ENGLISH", 0.9), ("SPANISH", 0.08), ("OTHER", 0.02)), n),
            "housing_status": housing,
        }
    )


def build_referrals(rng: np.random.Generator, enc: pd.DataFrame) -> pd.DataFrame:
    """0-3 referrals per encounter (more when the person was connected to services)."""
    n = len(enc)
    linked = np.isin(enc.outcome.to_numpy(dtype=object), ["LINKED_SERVICES"])
    k = rng.choice(4, size=n, p=[0.5, 0.32, 0.13, 0.05])
    k = np.where(linked, np.maximum(k, 1), k)
    k = np.where(np.isin(enc.outcome.to_numpy(dtype=object), ["NOT_LOCATED"]), 0, k)
    idx = np.repeat(np.arange(n), k)
    types = np.array(list(REFERRAL_WEIGHTS), dtype=object)
    w = np.array(list(REFERRAL_WEIGHTS.values()))
    rtype = types[rng.choice(len(types), size=len(idx), p=w / w.sum())]
    provider = np.array([PROVIDERS[t][int(rng.integers(0, len(PROVIDERS[t])))] for t in rtype], dtype=object)
    provider[rng.random(len(idx)) < 0.1] = None
    start = enc.started.to_numpy()[idx]
    end = enc.ended.to_numpy()[idx]
    referred = np.floor(start + rng.uniform(0.3, 1.0, len(idx)) * np.maximum(end - start, 60))
    out = frame({"encounter_row": idx, "referral_type": rtype, "provider_name": provider, "referred": referred})
    # One referral of a type per encounter.
    return out.drop_duplicates(["encounter_row", "referral_type"]).reset_index(drop=True)


def build_transports(rng: np.random.Generator, enc: pd.DataFrame) -> pd.DataFrame:
    sel = np.nonzero(enc.transport.notna().to_numpy())[0]
    dest = enc.transport.to_numpy(dtype=object)[sel]
    name = np.array([DESTINATION_NAMES[d][int(rng.integers(0, len(DESTINATION_NAMES[d])))] for d in dest], dtype=object)
    start = enc.started.to_numpy()[sel]
    end = enc.ended.to_numpy()[sel]
    when = np.floor(start + rng.uniform(0.5, 0.95, len(sel)) * np.maximum(end - start, 120))
    return frame({"encounter_row": sel, "destination_type": dest, "destination_name": name, "transported": when})


def build_follow_ups(
    rng: np.random.Generator,
    enc_rows: np.ndarray,
    enc_end: np.ndarray,
    enc_person: np.ndarray,
    forgone_incidents: np.ndarray,
    forgone_created: np.ndarray,
) -> pd.DataFrame:
    """Follow-ups on encounters (Care Navigation, by encounter) and on forgone incidents (by CAD
    number; Care Navigation, or a CCD clinician calling back by phone)."""
    take = rng.random(len(enc_rows)) < FOLLOW_UP_RESPONDED
    k = np.where(take, rng.choice([1, 2, 3], size=len(enc_rows), p=[0.6, 0.3, 0.1]), 0)
    e_idx = np.repeat(np.arange(len(enc_rows)), k)
    e_when = enc_end[e_idx] + rng.integers(3600 * 18, 86400 * 14, len(e_idx))
    take_f = rng.random(len(forgone_incidents)) < FOLLOW_UP_FORGONE
    kf = np.where(take_f, rng.choice([1, 2], size=len(forgone_incidents), p=[0.75, 0.25]), 0)
    f_idx = np.repeat(np.arange(len(forgone_incidents)), kf)
    f_when = forgone_created[f_idx] + rng.integers(86400, 86400 * 10, len(f_idx))
    n = len(e_idx) + len(f_idx)
    method = _choice(rng, (("PHONE", 0.6), ("IN_PERSON", 0.3), ("TEXT", 0.1)), n)
    outcome = _choice(
        rng, (("CONNECTED", 0.45), ("LEFT_MESSAGE", 0.25), ("UNABLE_TO_REACH", 0.22), ("DECLINED", 0.08)), n
    )
    person = np.concatenate([enc_person[e_idx], np.full(len(f_idx), np.nan)])
    team = np.full(n, "CARE_NAVIGATION", dtype=object)
    ccd = np.r_[np.zeros(len(e_idx), dtype=bool), rng.random(len(f_idx)) < CCD_FOLLOW_UP_SHARE]
    team[ccd] = "CCD"
    method[ccd] = "PHONE"
    return frame(
        {
            "encounter_row": np.concatenate([enc_rows[e_idx], np.full(len(f_idx), -1)]).astype("int64"),
            "incident": np.concatenate([np.full(len(e_idx), -1), forgone_incidents[f_idx]]).astype("int64"),
            "person_id": person,
            "followed_up": np.concatenate([e_when, f_when]).astype("float64"),
            "method": method,
            "outcome": outcome,
            "team": team,
        }
    )


def build_staff(rng: np.random.Generator, start: dt.date, end: dt.date, heart_units: dict[str, int]) -> pd.DataFrame:
    rows = []
    roles = {
        "CRT": [("PEER_SUPPORT", 2), ("SOCIAL_WORKER", 2), ("EMT", 2)],
        "CORESPONSE": [("CLINICIAN", 2)],
    }
    for program, per_unit in roles.items():
        for role, k in per_unit:
            rows += [(program, role)] * (k * max(1, heart_units.get(program, 1)))
        rows += [(program, "SUPERVISOR")] * max(1, heart_units.get(program, 1) // 3)
    navigators = max(2, heart_units.get("CRT", 1) // 2)
    rows += [("CARENAV", "CARE_NAVIGATOR")] * navigators + [("CARENAV", "SUPERVISOR")]
    rows += [("CCD", "CLINICIAN")] * max(3, heart_units.get("CRT", 1) // 2) + [("CCD", "SUPERVISOR")]
    n = len(rows)
    s_day, e_day = day_number(start), day_number(end)
    hired = s_day - rng.integers(30, 900, n)
    separated = np.where(rng.random(n) < 0.18, rng.integers(s_day, e_day, n), np.nan)
    first = np.array(FIRST_NAMES, dtype=object)[rng.integers(0, len(FIRST_NAMES), n)]
    last = np.array(LAST_NAMES, dtype=object)[rng.integers(0, len(LAST_NAMES), n)]
    return frame(
        {
            "staff_id": np.arange(1, n + 1, dtype="int64"),
            "full_name": first + " " + last,
            "program": np.array([r[0] for r in rows], dtype=object),
            "role": np.array([r[1] for r in rows], dtype=object),
            "race": _choice(
                rng,
                (
                    ("BLACK", 0.45),
                    ("WHITE", 0.38),
                    ("ASIAN", 0.05),
                    ("MULTIRACIAL", 0.06),
                    ("OTHER", 0.03),
                    ("UNKNOWN", 0.03),
                ),
                n,
            ),
            "ethnicity": _choice(rng, (("HISPANIC", 0.12), ("NOT_HISPANIC", 0.85), ("UNKNOWN", 0.03)), n),
            "gender": _choice(rng, (("WOMAN", 0.62), ("MAN", 0.33), ("NONBINARY", 0.03), ("UNKNOWN", 0.02)), n),
            "hired_on": hired.astype(float),
            "separated_on": separated,
        }
    )


def note_text(rng: np.random.Generator, n: int) -> np.ndarray:
    notes = np.array(NOTE_TEMPLATES, dtype=object)[rng.integers(0, len(NOTE_TEMPLATES), n)]
    notes[rng.random(n) < 0.1] = None
    return notes
