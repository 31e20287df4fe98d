"""PII canaries: a few distinctive, made-up identifiers planted in the raw PII columns.

They are part of the true state (real-looking people, staff and notes), listed in
`truth/canaries.json`; a later scan of everything outside the raw layer must not find any of them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .rules import day_number

PEOPLE = (
    {
        "first_name": "Zebulon",
        "last_name": "Canarywhistle",
        "date_of_birth": "1948-02-29",
        "phone": "9195550147",
        "address": "7 CANARY FEATHER LN",
    },
    {
        "first_name": "Philippa",
        "last_name": "Larkspur-Quenneville",
        "date_of_birth": "1961-10-31",
        "phone": "9845550163",
        "address": "1313 MOCKINGBIRD HOLLOW",
    },
)
STAFF_NAMES = ("Ottoline Canaryfield", "Barnaby Wrenthistle")
NOTES = (
    "Client says the canary code word is PERIWINKLE-4471 and asked us to remember it.",
    "Neighbor Marguerite Oakenshield-Vasquez at 4242 Thistledown Ct called about the client.",
)
CALLER_PHONE = "9195550199"


def plant(tables: dict[str, pd.DataFrame], rng: np.random.Generator) -> list[dict]:
    found: list[dict] = []

    def record(table, key_col, key, column, value):
        found.append({"table": table, "primary_key": str(key), "column": column, "value": value})

    people = tables["people"]
    if len(people) >= len(PEOPLE):
        rows = rng.choice(len(people), size=len(PEOPLE), replace=False)
        for row, canary in zip(sorted(rows), PEOPLE):
            key = int(people.person_id.iloc[row])
            for col, value in canary.items():
                people.iloc[row, people.columns.get_loc(col)] = (
                    float(day_number(value)) if col == "date_of_birth" else value
                )
                record("people", "person_id", key, col, value)
    staff = tables["staff"]
    for row, name in zip(sorted(rng.choice(len(staff), size=len(STAFF_NAMES), replace=False)), STAFF_NAMES):
        staff.iloc[row, staff.columns.get_loc("full_name")] = name
        record("staff", "staff_id", int(staff.staff_id.iloc[row]), "full_name", name)
    enc = tables["encounters"]
    if len(enc) >= len(NOTES):
        for row, note in zip(sorted(rng.choice(len(enc), size=len(NOTES), replace=False)), NOTES):
            enc.iloc[row, enc.columns.get_loc("note")] = note
            record("encounters", "encounter_id", int(enc.encounter_id.iloc[row]), "note", note)
    calls = tables["calls"]
    if len(calls):
        row = int(rng.integers(0, len(calls)))
        calls.iloc[row, calls.columns.get_loc("caller_phone")] = CALLER_PHONE
        record("calls", "call_id", int(calls.call_id.iloc[row]), "caller_phone", CALLER_PHONE)
    return found
