"""A small public-marts warehouse with exactly the interface's columns, for tests that must not
wait for the whole pipeline: one year of figures with small cells suppressed (value NULL,
`small_cell`) and one complementary cell per suppressed group, like the real public marts."""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

import duckdb

PROJECT_ROOT = Path(__file__).resolve().parents[2]
YEAR = 2024
PROGRAMS = ("CRT", "CORESPONSE", "CCD")
HEART_PROGRAM_METRICS = {
    "heart_incidents",
    "heart_incidents_by_origin",
    "response_minutes_mean",
    "response_minutes_median",
    "response_minutes_p90",
    "outcome_share",
    "felt_safe_share",
    "police_backup_share",
    "ems_support_share",
    "referral_share",
    "transport_share",
}
DIMENSIONS = {
    "heart_incidents_by_origin": ("origin", ["911", "self_initiated", "other"]),
    "outcome_share": (
        "outcome",
        [
            "resolved_on_scene",
            "connected_to_services",
            "transported",
            "refused_services",
            "police_involved",
            "unable_to_locate",
            "resolved_by_phone",
            "other",
        ],
    ),
    "forgone_share": ("reason", ["outside_service_area", "outside_hours", "no_unit_available", "other"]),
    "eligible_by_beat": (
        "beat_status",
        [f"{b}|{s}" for b in ("111", "212", "314", "UNKNOWN") for s in ("responded", "forgone")],
    ),
    "eligible_by_dow_hour": (
        "dow_hour_status",
        [
            f"{d}|{h:02d}|{s}"
            for d in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
            for h in range(24)
            for s in ("responded", "forgone")
        ],
    ),
    "referral_share": ("referral_type", ["MENTAL_HEALTH", "HOUSING", "SUBSTANCE_USE", "FOOD"]),
    "transport_share": ("destination", ["hospital", "care_center", "other"]),
    "follow_up_incidents": ("response_status", ["responded", "forgone"]),
    "arrests_per_100": ("response_status", ["responded", "forgone"]),
    "hospital_transports_per_100": ("response_status", ["responded", "forgone"]),
    "care_center_transports_per_100": ("response_status", ["responded", "forgone"]),
}
DEMOGRAPHICS = {
    "ALL": ["TOTAL"],  # the public tables' total beside each breakdown
    "race": ["BLACK", "WHITE", "ASIAN", "MULTIRACIAL", "OTHER", "UNKNOWN"],
    "ethnicity": ["HISPANIC", "NOT_HISPANIC", "UNKNOWN"],
    "gender": ["WOMAN", "MAN", "NONBINARY", "UNKNOWN"],
    "age_group": ["UNDER_18", "18_24", "25_34", "35_44", "45_54", "55_64", "65_PLUS"],
}
SUMMARIES = [
    (
        "CRT",
        "A team met a man sleeping at a bus stop in the cold, brought him water and a blanket and "
        "drove him to a shelter bed he chose.",
        "Un equipo encontró a un hombre que dormía en una parada de autobús con frío, le dio agua y una manta "
        "y lo llevó a la cama de albergue que él eligió.",
    ),
    (
        "CCD",
        "A caller worried about a neighbour was talked through the situation by a clinician in the 911 "
        "center, who arranged a welfare visit the next morning.",
        "Una clínica del centro 911 habló con una persona preocupada por su vecina y organizó una visita de "
        "bienestar a la mañana siguiente.",
    ),
]


def periods() -> list[tuple[str, dt.date, int]]:
    """(grain, start, months in it) for the year."""
    out = [("month", dt.date(YEAR, m, 1), 1) for m in range(1, 13)]
    out += [("quarter", dt.date(YEAR, m, 1), 3) for m in (1, 4, 7, 10)]
    return out + [("year", dt.date(YEAR, 1, 1), 12)]


def catalog_rows() -> list[dict]:
    with open(PROJECT_ROOT / "seeds" / "metric_catalog.csv", newline="", encoding="utf-8") as fh:
        # Every metric available, as for the demo city (a CAD-only city: tests/cities).
        return [
            {**{k: v for k, v in row.items() if k != "source_model"}, "unavailable_reason": None}
            for row in csv.DictReader(fh)
        ]


def _suppress(rows: list[dict], value_col: str, group_cols: tuple[str, ...]) -> None:
    """Counts 1-10 -> NULL small_cell; then hide the next-smallest cell of each such group."""
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        r.setdefault("is_suppressed", False)
        r.setdefault("suppression_reason", None)
        if r.get("_count") and 1 <= r["_count"] <= 10:
            r.update(is_suppressed=True, suppression_reason="small_cell")
        groups.setdefault(tuple(r[c] for c in group_cols), []).append(r)
    for members in groups.values():
        hidden = [m for m in members if m["is_suppressed"]]
        shown = sorted((m for m in members if not m["is_suppressed"] and m.get("_count")), key=lambda m: m["_count"])
        if len(hidden) == 1 and shown and len(members) > 1:
            shown[0].update(is_suppressed=True, suppression_reason="complementary")
    for r in rows:
        if r["is_suppressed"]:
            r[value_col] = None
        r.pop("_count", None)


def metric_rows(rng: random.Random) -> list[dict]:
    rows = []
    cat = {c["metric_id"]: c for c in catalog_rows()}
    for grain, start, months in periods():
        for metric_id, c in cat.items():
            programs = ["ALL"] + (
                list(PROGRAMS) if metric_id in HEART_PROGRAM_METRICS or metric_id == "eligible_incidents" else []
            )
            dim, values = DIMENSIONS.get(metric_id, ("", [""]))
            for program in programs:
                scale = 1.0 if program == "ALL" else {"CRT": 0.55, "CORESPONSE": 0.25, "CCD": 0.2}[program]
                for i, dv in enumerate(values):
                    unit = c["unit"]
                    count = None
                    if unit == "incidents":
                        base = {
                            "heart_incidents": 700,
                            "eligible_incidents": 1900,
                            "ccd_incidents": 120,
                            "heart_incidents_by_origin": 700 / (1 + 3 * i),
                            "eligible_by_beat": 90 / (1 + i),
                            "eligible_by_dow_hour": (4 if 8 <= (i // 2) % 24 <= 20 else 0.08) * (3 if i % 2 else 2),
                            "follow_up_incidents": 40 / (1 + 4 * i),
                        }.get(metric_id, 60 / (1 + i))
                        count = max(0, round(base * months * scale * rng.uniform(0.8, 1.2)))
                        if program == "CCD" and dv == "self_initiated":
                            count = rng.randint(1, 9)
                        value = float(count)
                    elif unit == "minutes":
                        value = {
                            "response_minutes_mean": 14.0,
                            "response_minutes_median": 12.0,
                            "response_minutes_p90": 26.0,
                            "police_minutes_per_forgone_incident": 95.0,
                        }.get(metric_id, 30.0) * rng.uniform(0.85, 1.15)
                    elif unit == "share (0..1)":
                        value = rng.uniform(0.02, 0.45) if dim else rng.uniform(0.05, 0.95)
                        count = max(1, round(value * 700 * months * scale))
                        if metric_id == "outcome_share" and dv == "other" and grain == "month":
                            count, value = rng.randint(2, 9), 0.01
                    elif unit == "contacts":
                        count = round(150 * months * rng.uniform(0.8, 1.2))
                        value = float(count)
                    elif unit == "hours":
                        value = 160.0 * months * rng.uniform(0.9, 1.1)
                    else:  # per 100 incidents
                        value = rng.uniform(0.2, 9.0) * (2.5 if dv == "forgone" else 1.0)
                    if count == 0:
                        continue  # zero counts are omitted in the marts
                    rows.append(
                        {
                            "metric_id": metric_id,
                            "period_grain": grain,
                            "period_start": start,
                            "program": program,
                            "dimension": dim,
                            "dimension_value": dv,
                            "value": round(value, 6),
                            "_count": count,
                        }
                    )
    _suppress(rows, "value", ("metric_id", "period_grain", "period_start", "program", "dimension"))
    return rows


def demographic_rows(rng: random.Random, value_col: str, attributes: list[str], size: float) -> list[dict]:
    rows = []
    for grain, start, months in periods():
        if grain == "month":
            continue
        for program in ("ALL", "CRT", "CORESPONSE"):
            for attribute in attributes:
                for i, category in enumerate(DEMOGRAPHICS[attribute]):
                    count = round(
                        size
                        * (months if value_col == "people_served" else 1)
                        * (0.6 if program != "ALL" else 1)
                        / (1 + 1.6 * i)
                        * rng.uniform(0.8, 1.2)
                    )
                    if count == 0:
                        continue
                    rows.append(
                        {
                            "period_grain": grain,
                            "period_start": start,
                            "program": program,
                            "attribute": attribute,
                            "category": category,
                            value_col: count,
                            "_count": count,
                        }
                    )
    _suppress(rows, value_col, ("period_grain", "period_start", "program", "attribute"))
    return rows


def build_public_marts(path: Path, seed: int = 11) -> Path:
    """Write the five public marts into a DuckDB file at `path`."""
    rng = random.Random(seed)
    tables = {
        "pub_metric_values": metric_rows(rng),
        "pub_metric_catalog": catalog_rows(),
        "pub_people_served_demographics": demographic_rows(rng, "people_served", list(DEMOGRAPHICS), 120),
        "pub_staff_demographics": demographic_rows(rng, "staff_count", ["ALL", "race", "ethnicity", "gender"], 24),
        "pub_call_summaries": [
            {"period_start": dt.date(YEAR, m, 1), "program": p, "summary_en": en, "summary_es": es}
            for m in (4, 7, 10)
            for p, en, es in SUMMARIES
        ],
    }
    # The data run through December 31: December, Q4 and the year are still open to late follow-ups.
    for r in tables["pub_metric_values"]:
        r["is_provisional"] = (r["period_grain"], r["period_start"].month) in {
            ("month", 12),
            ("quarter", 10),
            ("year", 1),
        }
    types = {
        "period_start": "date",
        "value": "double",
        "people_served": "double",
        "staff_count": "double",
        "is_suppressed": "boolean",
        "is_provisional": "boolean",
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists public_marts")
        for table, rows in tables.items():
            cols = list(rows[0])
            con.execute(
                f"create or replace table public_marts.{table} ("
                + ", ".join(f"{c} {types.get(c, 'varchar')}" for c in cols)
                + ")"
            )
            con.executemany(
                f"insert into public_marts.{table} values ({', '.join('?' for _ in cols)})",
                [[r[c] for c in cols] for r in rows],
            )
        # A raw table the publisher must never read.
        con.execute("create schema if not exists raw_cms")
        con.execute("create or replace table raw_cms.case_notes as select 'private note' as note_text")
    return path
