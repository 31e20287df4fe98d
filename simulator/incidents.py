"""The base stream of CAD incidents: arrival times, call types, origin, location, flags, calls.

Everything is drawn for all incidents at once (numpy), in a fixed order, so a seed reproduces the
same city. Arrival intensity depends on the *local* hour and day of week, so the fall-back day gets
its repeated hour of calls and the spring-forward gap none.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .frames import frame, lookup
from .names import STREETS
from .rules import Rules
from .timeutil import local_parts

# Relative frequency of each call type (percent of incidents). Codes missing here get the
# default weight of their category, so adding a call type to the seed needs no code change.
CALL_TYPE_WEIGHTS = {
    "WELFARE": 4.5,
    "MENTAL": 1.6,
    "SUICIDE_THREAT": 0.5,
    "INTOX": 1.0,
    "DISORIENTED": 0.5,
    "CRISIS_COUNSEL": 0.3,
    "TRESPASS": 2.5,
    "PANHANDLING": 0.5,
    "HOMELESS_ASSIST": 0.6,
    "ENCAMPMENT": 0.4,
    "LOITERING": 0.6,
    "PUBLIC_INDECENCY": 0.3,
    "NEIGHBOR": 1.0,
    "NOISE": 2.5,
    "SUSP_PERSON": 3.5,
    "SUSP_VEHICLE": 2.5,
    "DISTURBANCE": 4.0,
    "ASSIST_CITIZEN": 1.2,
    "ANIMAL": 1.2,
    "ASSAULT": 2.0,
    "AGG_ASSAULT": 0.6,
    "ROBBERY": 0.5,
    "SHOTS_FIRED": 0.8,
    "STABBING": 0.1,
    "DOMESTIC": 2.5,
    "FIGHT": 0.8,
    "SEX_ASSAULT": 0.2,
    "BURGLARY_RES": 1.2,
    "BURGLARY_COM": 0.5,
    "LARCENY": 3.5,
    "SHOPLIFT": 1.5,
    "VANDALISM": 1.5,
    "AUTO_THEFT": 0.8,
    "BREAK_VEHICLE": 1.0,
    "FRAUD": 0.8,
    "TRAFFIC_STOP": 9.0,
    "MVC_PD": 4.0,
    "MVC_INJURY": 1.2,
    "HAZARD_ROAD": 1.0,
    "DWI": 0.4,
    "PARKING": 1.5,
    "DISABLED_VEH": 1.5,
    "SICK_PERSON": 3.0,
    "FALL": 1.5,
    "CHEST_PAIN": 1.0,
    "BREATHING": 1.2,
    "OVERDOSE": 0.6,
    "UNCONSCIOUS": 0.7,
    "LIFT_ASSIST": 0.5,
    "FIRE_STRUCTURE": 0.3,
    "FIRE_VEHICLE": 0.2,
    "FIRE_ALARM": 1.2,
    "GAS_LEAK": 0.3,
    "ALARM_BURGLAR": 4.0,
    "HANG_UP": 5.0,
    "MISSING_PERSON": 0.5,
    "WARRANT": 1.0,
    "FOLLOW_UP": 3.0,
    "INFO": 2.5,
    "FOUND_PROPERTY": 0.4,
}
DEFAULT_CATEGORY_WEIGHT = {
    "BEHAVIORAL_HEALTH": 0.5,
    "QUALITY_OF_LIFE": 0.8,
    "VIOLENT": 0.5,
    "PROPERTY": 0.8,
    "TRAFFIC": 1.0,
    "MEDICAL": 0.8,
    "FIRE": 0.3,
    "OTHER": 0.8,
}

# Local hour-of-day and day-of-week profile of 911 demand (relative).
HOUR_PROFILE = np.array(
    [
        3.2,
        2.6,
        2.2,
        1.8,
        1.5,
        1.5,
        2.0,
        2.8,
        3.6,
        4.2,
        4.6,
        4.9,
        5.1,
        5.2,
        5.3,
        5.5,
        5.8,
        6.0,
        5.9,
        5.6,
        5.2,
        4.8,
        4.3,
        3.7,
    ]
)
DOW_PROFILE = np.array([0.97, 0.96, 0.97, 0.99, 1.05, 1.07, 0.99])  # Mon..Sun

# Call-type reclassification: share of incidents whose final type differs from the initial one,
# and where they go (a suspicious-person call that turns out to be a welfare concern, and back).
RECLASSIFY_SHARE = 0.06
RECLASSIFY_TO = {
    "SUSP_PERSON": ("WELFARE", "TRESPASS", "MENTAL", "LOITERING"),
    "DISTURBANCE": ("MENTAL", "NEIGHBOR", "ASSAULT", "INTOX"),
    "WELFARE": ("MENTAL", "SICK_PERSON", "INFO", "DISORIENTED"),
    "MENTAL": ("SUICIDE_THREAT", "WELFARE", "DISTURBANCE"),
    "TRESPASS": ("HOMELESS_ASSIST", "ENCAMPMENT", "SUSP_PERSON"),
    "HANG_UP": ("DOMESTIC", "INFO", "WELFARE"),
    "ASSAULT": ("FIGHT", "DOMESTIC", "AGG_ASSAULT"),
    "INTOX": ("OVERDOSE", "WELFARE", "DISORIENTED"),
}

SELF_INITIATED_TYPES = {
    "TRAFFIC_STOP": 1.0,
    "WARRANT": 0.8,
    "FOLLOW_UP": 0.85,
    "SUSP_VEHICLE": 0.25,
    "SUSP_PERSON": 0.15,
    "PARKING": 0.3,
    "TRESPASS": 0.1,
    "LOITERING": 0.2,
    "PANHANDLING": 0.2,
    "DWI": 0.5,
}
ALARM_TYPES = {"ALARM_BURGLAR", "FIRE_ALARM"}

PRIORITY_BY_CATEGORY = {
    "VIOLENT": (0.55, 0.4, 0.05, 0, 0),
    "MEDICAL": (0.5, 0.4, 0.1, 0, 0),
    "FIRE": (0.8, 0.2, 0, 0, 0),
    "BEHAVIORAL_HEALTH": (0.05, 0.45, 0.45, 0.05, 0),
    "QUALITY_OF_LIFE": (0, 0.1, 0.5, 0.35, 0.05),
    "PROPERTY": (0, 0.15, 0.5, 0.3, 0.05),
    "TRAFFIC": (0.05, 0.3, 0.4, 0.2, 0.05),
    "OTHER": (0.02, 0.15, 0.4, 0.3, 0.13),
}
# Chance the call-taker flags a weapon / violence toward others, per category.
WEAPON_SHARE = {"VIOLENT": 0.35, "BEHAVIORAL_HEALTH": 0.025, "QUALITY_OF_LIFE": 0.012}
VIOLENCE_SHARE = {"VIOLENT": 0.6, "BEHAVIORAL_HEALTH": 0.03, "QUALITY_OF_LIFE": 0.02}
BEAT_WEIGHT_BY_DISTRICT = {"D1": 1.25, "D2": 1.3, "D3": 1.0, "D4": 0.8, "D5": 0.75}


def call_type_weights(rules: Rules) -> tuple[np.ndarray, np.ndarray]:
    codes = rules.call_types.call_type_code.to_numpy(dtype=object)
    cats = rules.call_types.category.to_numpy(dtype=object)
    w = np.array([CALL_TYPE_WEIGHTS.get(c, DEFAULT_CATEGORY_WEIGHT.get(k, 0.5)) for c, k in zip(codes, cats)])
    return codes, w / w.sum()


def arrival_times(rng: np.random.Generator, start_utc: int, end_utc: int, per_day: float, tz: str) -> np.ndarray:
    """Sorted UTC seconds of a Poisson stream whose rate follows the local hour and weekday."""
    hours = np.arange(start_utc, end_utc, 3600, dtype="int64")
    lp = local_parts(hours, tz)
    season = 1.0 + 0.08 * np.sin(2 * np.pi * (lp.month - 4) / 12.0)  # busier summers
    weight = HOUR_PROFILE[lp.hour] * DOW_PROFILE[lp.dow] * season
    lam = per_day * weight / (HOUR_PROFILE.sum() * DOW_PROFILE.mean())
    counts = rng.poisson(lam)
    starts = np.repeat(hours, counts)
    times = starts + rng.integers(0, 3600, size=len(starts))
    return np.sort(times)


def draw_incidents(rng: np.random.Generator, created: np.ndarray, rules: Rules, tz: str) -> pd.DataFrame:
    """Attributes of incidents created at `created` (UTC seconds), one row each."""
    n = len(created)
    codes, weights = call_type_weights(rules)
    initial = codes[rng.choice(len(codes), size=n, p=weights)]
    category_of = rules.category_of_call_type
    # Reclassification at close.
    final = initial.copy()
    recl = rng.random(n) < RECLASSIFY_SHARE / 0.35  # only the mapped types reclassify; scaled to the target
    pick = rng.random(n)
    for src, targets in RECLASSIFY_TO.items():
        sel = recl & (initial == src)
        if sel.any():
            final[sel] = np.array(targets, dtype=object)[(pick[sel] * len(targets)).astype(int)]
    cat = lookup(category_of, initial)

    # Origin: self-initiated police work, alarms, phone lines.
    origin = np.full(n, "911", dtype=object)
    u = rng.random(n)
    phone_kind = rng.random(n)
    origin[phone_kind < 0.19] = "NON_EMERGENCY"
    origin[(phone_kind >= 0.19) & (phone_kind < 0.205)] = "TEXT"
    origin[(phone_kind >= 0.205) & (phone_kind < 0.225)] = "WALK_IN"
    for code, share in SELF_INITIATED_TYPES.items():
        origin[(initial == code) & (u < share)] = "SELF_INITIATED"
    origin[(origin != "SELF_INITIATED") & (rng.random(n) < 0.03) & np.isin(cat, ["QUALITY_OF_LIFE", "PROPERTY"])] = (
        "SELF_INITIATED"
    )
    for code in ALARM_TYPES:
        origin[initial == code] = "ALARM"

    priority = np.empty(n, dtype="int64")
    pu = rng.random(n)
    for k, probs in PRIORITY_BY_CATEGORY.items():
        sel = cat == k
        cum = np.cumsum(probs)
        priority[sel] = 1 + np.searchsorted(cum / cum[-1], pu[sel], side="right").clip(0, 4)

    weapon = np.zeros(n, dtype=bool)
    violence = np.zeros(n, dtype=bool)
    uw, uv = rng.random(n), rng.random(n)
    for k, share in WEAPON_SHARE.items():
        weapon |= (cat == k) & (uw < share)
    for k, share in VIOLENCE_SHARE.items():
        violence |= (cat == k) & (uv < share)

    beats = rules.beats
    bw = np.array([BEAT_WEIGHT_BY_DISTRICT.get(d, 1.0) for d in beats.district], dtype=float)
    bi = rng.choice(len(beats), size=n, p=bw / bw.sum())
    beat = beats.beat.to_numpy(dtype=object)[bi]
    lat = beats.latitude.astype(float).to_numpy()[bi] + rng.normal(0, 0.004, n)
    lon = beats.longitude.astype(float).to_numpy()[bi] + rng.normal(0, 0.004, n)
    street = np.array(STREETS, dtype=object)[(bi * 7 + rng.integers(0, 6, n)) % len(STREETS)]
    block = rng.integers(1, 40, n) * 100
    block_address = pd.Series(block).astype(str).to_numpy(dtype=object) + " BLOCK " + street
    # A few locations could not be geocoded to a beat.
    ungeocoded = rng.random(n) < 0.004
    beat[ungeocoded] = None
    lat[ungeocoded] = np.nan
    lon[ungeocoded] = np.nan

    return frame(
        {
            "created": created.astype("int64"),
            "initial_call_type": initial,
            "final_call_type": final,
            "category": cat,
            "priority": priority,
            "call_origin": origin,
            "beat": beat,
            "block_address": block_address,
            "latitude": np.round(lat, 5),
            "longitude": np.round(lon, 5),
            "weapon_involved": weapon,
            "violence_toward_others": violence,
        }
    )


def phone_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    area = np.where(rng.random(n) < 0.75, 919, 984)
    number = rng.integers(2_000_000, 9_999_999, size=n)
    return (pd.Series(area * 10_000_000 + number).astype(str)).to_numpy(dtype=object)


def draw_calls(
    rng: np.random.Generator, inc: pd.DataFrame, familiar_pool: np.ndarray, familiar_mask: np.ndarray
) -> pd.DataFrame:
    """911 / non-emergency calls: one or more per phone-originated incident.

    `familiar_mask` marks incidents whose (first) caller is drawn from the pool of repeat callers.
    Returns rows with `incident_idx` (row position in `inc`), `received`, `caller_phone`.
    """
    phone_origin = inc.call_origin.isin(["911", "NON_EMERGENCY", "TEXT"]).to_numpy()
    idx = np.nonzero(phone_origin)[0]
    cat = inc.category.to_numpy()[idx]
    busy_scene = np.isin(cat, ["VIOLENT", "FIRE", "TRAFFIC"])
    extra = rng.geometric(np.where(busy_scene, 0.6, 0.9)) - 1
    extra = np.minimum(extra, 6)
    n_calls = 1 + extra
    inc_idx = np.repeat(idx, n_calls)
    first = np.ones(len(inc_idx), dtype=bool)
    first[1:] = inc_idx[1:] != inc_idx[:-1]
    created = inc.created.to_numpy()[inc_idx]
    received = np.where(
        first, created - rng.integers(15, 150, len(inc_idx)), created + rng.integers(10, 1500, len(inc_idx))
    )
    phone = phone_numbers(rng, len(inc_idx))
    phone[rng.random(len(inc_idx)) < 0.03] = None  # blocked caller id
    fam = first & familiar_mask[inc_idx]
    if len(familiar_pool):
        phone[fam] = familiar_pool[rng.integers(0, len(familiar_pool), fam.sum())]
    # Some second calls are the same caller calling back.
    callback = ~first & (rng.random(len(inc_idx)) < 0.3)
    prev = np.arange(len(inc_idx)) - 1
    phone[callback] = phone[prev[callback]]
    # A caller calling back waits at least a minute after the call before it.
    waits = rng.integers(60, 600, len(inc_idx))
    for i in np.nonzero(callback)[0]:  # in order, so a callback of a callback waits after it
        received[i] = max(received[i], received[i - 1] + waits[i])
    return frame({"incident_idx": inc_idx, "received": received.astype("int64"), "caller_phone": phone})
