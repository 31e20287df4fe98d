"""Case-management entry as people really type it.

CMS staff key an encounter in by hand after the contact, so the written row drifts from what CAD
holds: the house number they stood at instead of CAD's block, long or misspelled street names, a
start time rounded or typed when they wrote the note, the unit call sign in their own style, two
digits of the incident number swapped, no number at all on a callback, and the date of the day
before or after for contacts near midnight. Each kind has its own rate (`ENTRY_RATES`, the share
of the applicable encounters at `entry_rate` = 1) and every changed row is written to the defect
log with the true value, so the true links stay known (truth/encounter_links.csv is the
simulation's, never derived from the written rows).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .timeutil import format_timestamps

ENTRY_RATES = {
    "entry_address_house_number": 0.30,  # encounters with a block address: '2917 MLK JR PKWY'
    "entry_address_long_form": 0.15,  # 'MARTIN LUTHER KING JR PARKWAY', 'LAKEWOOD AVENUE'
    "entry_address_misspelled": 0.03,  # one letter of the street name dropped, doubled or swapped
    "entry_time_rounded": 0.20,  # start (and end) rounded to 5 or 15 minutes
    "entry_time_late": 0.04,  # start typed when the note was written: 10-60 minutes late
    "entry_unit_variant": 0.30,  # 'CRT 3', 'crt3', 'CRT-03' for CAD's 'CRT03'
    "entry_number_transposed": 0.02,  # two adjacent digits of the sequence swapped
    "entry_number_missing_callback": 0.10,  # CCD phone work: the callback is logged without a number
    "entry_wrong_day": 0.30,  # contacts within 45 minutes of local midnight: the other day's date
}

# Long forms staff type for CAD's abbreviations (the inverse is staging's normalization).
LONG_FORMS = {
    "ST": "STREET",
    "AVE": "AVENUE",
    "RD": "ROAD",
    "BLVD": "BOULEVARD",
    "DR": "DRIVE",
    "HWY": "HIGHWAY",
    "TER": "TERRACE",
    "PKWY": "PARKWAY",
    "MLK": "MARTIN LUTHER KING",
}
MIDNIGHT_MINUTES = 45


def rate_of(kind: str, multiplier: float) -> float:
    return min(1.0, ENTRY_RATES[kind] * multiplier)


def house_number(block: str, rng: np.random.Generator) -> str:
    m = re.match(r"^(\d+) BLOCK (.*)$", block)
    if not m:
        return block
    return f"{int(m.group(1)) + int(rng.integers(1, 100))} {m.group(2)}"


def long_form(address: str) -> str:
    return " ".join(LONG_FORMS.get(word, word) for word in address.split(" "))


def misspell(address: str, rng: np.random.Generator) -> str:
    """One edit inside the longest word of the street name (never the house or block number)."""
    words = address.split(" ")
    candidates = [i for i, w in enumerate(words) if w.isalpha() and len(w) >= 4 and w != "BLOCK"]
    if not candidates:
        return address
    i = max(candidates, key=lambda j: len(words[j]))
    w = list(words[i])
    k = int(rng.integers(1, len(w) - 1))
    edit = int(rng.integers(0, 3))
    if edit == 0:
        del w[k]
    elif edit == 1:
        w.insert(k, w[k])
    else:
        w[k], w[k + 1] = w[k + 1], w[k]
    new = "".join(w)
    if new == words[i]:  # swapping two equal letters changes nothing: drop one instead
        new = words[i][:k] + words[i][k + 1 :]
    words[i] = new
    return " ".join(words)


def unit_variant(unit: str, variant: int) -> str:
    m = re.match(r"^([A-Z]+)0*(\d+)$", unit)
    if not m:
        return unit.lower()
    letters, digits = m.group(1), m.group(2)
    return [
        f"{letters} {digits}",
        f"{letters.lower()}{digits}",
        f"{letters}-{unit[len(letters) :]}",
        f"{letters.capitalize()} {digits}",
        f"{letters}{digits}",
    ][variant % 5]


def transpose(number: str, rng: np.random.Generator) -> str:
    year, seq = number.split("-")
    pairs = [i for i in range(len(seq) - 1) if seq[i] != seq[i + 1]]
    if not pairs:
        return number
    i = pairs[int(rng.integers(0, len(pairs)))]
    d = list(seq)
    d[i], d[i + 1] = d[i + 1], d[i]
    return f"{year}-{''.join(d)}"


def local_minute_of_day(seconds: np.ndarray, tz: str) -> np.ndarray:
    idx = pd.DatetimeIndex(pd.to_datetime(np.asarray(seconds, dtype="int64"), unit="s", utc=True)).tz_convert(tz)
    return np.asarray(idx.hour * 60 + idx.minute, dtype="int64")


def apply(enc: pd.DataFrame, cfg, end_utc: float, log, multiplier: float) -> pd.DataFrame:
    """`enc` (the written encounters) as staff type it; each change is added to `log`."""
    rng = np.random.default_rng(np.random.SeedSequence([cfg.seed, 0xE7717]))
    enc = enc.copy()
    ids = enc.encounter_id.to_numpy()
    n = len(enc)

    def pick(mask: np.ndarray, kind: str) -> np.ndarray:
        return np.nonzero(mask & (rng.random(n) < rate_of(kind, multiplier)))[0]

    def fmt(values):
        return format_timestamps(np.asarray(values, dtype="float64"))

    # --- addresses: a house number instead of the block, long forms, a misspelled street.
    addr = enc.block_address.to_numpy(dtype=object).copy()
    has_addr = pd.notna(addr)
    for kind, change in (
        ("entry_address_house_number", lambda a: house_number(a, rng)),
        ("entry_address_long_form", long_form),
        ("entry_address_misspelled", lambda a: misspell(a, rng)),
    ):
        pos = pick(has_addr, kind)
        new = [change(addr[i]) for i in pos]
        log.add(kind, "encounters", ids[pos], "block_address", [f"{addr[i]} typed as {v!r}" for i, v in zip(pos, new)])
        addr[pos] = new
    enc["block_address"] = pd.Series(addr, index=enc.index, dtype=object)

    # --- times: rounded, entered late, dated the other day near midnight. Start and end move together
    # (staff type both from the same memory), so a contact never ends before it starts.
    start = enc.started_at.to_numpy(dtype="float64").copy()
    end = enc.ended_at.to_numpy(dtype="float64").copy()
    shift = np.zeros(n)
    # a contact typed a day or an hour later must still fall inside the simulated period
    room = start < end_utc - 2 * 86400
    pos = pick(room, "entry_time_rounded")
    step = np.where(rng.random(len(pos)) < 0.6, 300.0, 900.0)
    shift[pos] = np.round(start[pos] / step) * step - start[pos]
    log.add(
        "entry_time_rounded",
        "encounters",
        ids[pos],
        "started_at",
        [f"{t} typed as {u}" for t, u in zip(fmt(start[pos]), fmt(start[pos] + shift[pos]))],
    )
    late = pick(room, "entry_time_late")
    shift[late] += rng.integers(600, 3600, len(late))
    log.add(
        "entry_time_late",
        "encounters",
        ids[late],
        "started_at",
        [f"{t} typed as {u}" for t, u in zip(fmt(start[late]), fmt(start[late] + shift[late]))],
    )
    minute_of_day = local_minute_of_day(start, cfg.timezone)
    near = room & ((minute_of_day < MIDNIGHT_MINUTES) | (minute_of_day >= 24 * 60 - MIDNIGHT_MINUTES))
    wrong = pick(near, "entry_wrong_day")
    # after midnight they still think it is yesterday; before it, they date it by the note's day
    day = np.where(minute_of_day[wrong] < MIDNIGHT_MINUTES, -86400.0, 86400.0)
    shift[wrong] += day
    log.add(
        "entry_wrong_day",
        "encounters",
        ids[wrong],
        "started_at",
        [f"{t} typed as {u}" for t, u in zip(fmt(start[wrong]), fmt(start[wrong] + shift[wrong]))],
    )
    enc["started_at"] = start + shift
    enc["ended_at"] = end + shift
    # the row cannot have been written before the contact it records
    written = np.where(np.isnan(end + shift), start + shift, end + shift)
    enc["updated_at"] = np.minimum(np.maximum(enc.updated_at.to_numpy(dtype="float64"), written), end_utc)

    # --- unit call signs in each person's style.
    unit = enc.unit_id.to_numpy(dtype=object).copy()
    pos = pick(pd.notna(unit), "entry_unit_variant")
    new = [unit_variant(unit[i], int(v)) for i, v in zip(pos, rng.integers(0, 5, len(pos)))]
    log.add(
        "entry_unit_variant", "encounters", ids[pos], "unit_id", [f"{unit[i]} typed as {v!r}" for i, v in zip(pos, new)]
    )
    unit[pos] = new
    enc["unit_id"] = pd.Series(unit, index=enc.index, dtype=object)

    # --- incident numbers: two digits swapped; callbacks logged without one. Only numbers still as
    # CAD wrote them (the older defect kinds may have reformatted or dropped them already).
    num = enc.cad_incident_number.to_numpy(dtype=object).copy()
    canonical = np.array([isinstance(v, str) and re.fullmatch(r"\d{4}-\d{7}", v) is not None for v in num])
    pos = pick(canonical, "entry_number_transposed")
    new = [transpose(num[i], rng) for i in pos]
    keep = np.array([a != b for a, b in zip(new, num[pos])], dtype=bool)
    pos, new = pos[keep], [v for v, k in zip(new, keep) if k]
    log.add(
        "entry_number_transposed",
        "encounters",
        ids[pos],
        "cad_incident_number",
        [f"{num[i]} typed as {v!r}" for i, v in zip(pos, new)],
    )
    num[pos] = new
    callback = canonical & (enc.program.to_numpy(dtype=object) == "CCD")
    callback[pos] = False
    pos = pick(callback, "entry_number_missing_callback")
    log.add(
        "entry_number_missing_callback",
        "encounters",
        ids[pos],
        "cad_incident_number",
        [f"{num[i]} left empty" for i in pos],
    )
    num[pos] = None
    enc["cad_incident_number"] = pd.Series(num, index=enc.index, dtype=object)
    return enc
