"""Compare marts.fct_metric_values with the generator's truth/metric_values.csv.

Tolerances (issue 4): counts within 1% or 1, whichever is larger; shares within 0.01; times within
2%. Per-100 rates are shares x 100 (within 1.0). A truth row missing from the mart counts as 0 for
counts and shares, and as out of tolerance for times.
"""
from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

KEY = ["metric_id", "period_grain", "period_start", "program", "dimension", "dimension_value"]
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def metric_kinds() -> dict[str, str]:
    """metric_id -> count | share | rate100 | time, from the catalog's unit column."""
    kinds = {}
    with open(PROJECT_ROOT / "seeds" / "metric_catalog.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            unit = row["unit"]
            if unit in ("incidents", "contacts"):
                kinds[row["metric_id"]] = "count"
            elif unit.startswith("share"):
                kinds[row["metric_id"]] = "share"
            elif unit.startswith("per 100"):
                kinds[row["metric_id"]] = "rate100"
            elif unit in ("minutes", "hours"):
                kinds[row["metric_id"]] = "time"
            else:
                raise ValueError(f"seeds/metric_catalog.csv: metric {row['metric_id']} has unit {unit!r}, "
                                 "which the truth comparison cannot classify")
    return kinds


def within_tolerance(kind: str, truth: float, ours: float | None) -> bool:
    if ours is None or (isinstance(ours, float) and math.isnan(ours)):
        if kind == "time":
            return False
        ours = 0.0
    if kind == "count":
        return abs(ours - truth) <= max(1.0, 0.01 * abs(truth))
    if kind == "share":
        return abs(ours - truth) <= 0.01
    if kind == "rate100":
        return abs(ours - truth) <= 1.0
    return abs(ours - truth) <= 0.02 * abs(truth)


def read_truth(truth_dir: Path) -> pd.DataFrame:
    frame = pd.read_csv(truth_dir / "metric_values.csv", dtype={"dimension": str, "dimension_value": str,
                                                               "period_start": str, "program": str},
                        keep_default_na=False)
    frame["value"] = frame["value"].astype(float)
    return frame


def normalize_ours(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["period_start"] = out["period_start"].map(lambda d: d.isoformat() if hasattr(d, "isoformat") else str(d))
    out["value"] = out["value"].astype(float)
    return out


@dataclass
class Comparison:
    merged: pd.DataFrame           # truth rows (outer-joined with ours), with `ok`
    extra: pd.DataFrame            # rows we have that the truth does not
    kinds: dict[str, str] = field(default_factory=dict)

    @property
    def truth_rows(self) -> int:
        return int(self.merged["value_truth"].notna().sum())

    @property
    def outside(self) -> pd.DataFrame:
        return self.merged[~self.merged["ok"]]


def compare(truth: pd.DataFrame, ours: pd.DataFrame) -> Comparison:
    kinds = metric_kinds()
    merged = truth.merge(normalize_ours(ours)[KEY + ["value"]], on=KEY, how="left", suffixes=("_truth", "_ours"))
    merged["kind"] = merged["metric_id"].map(kinds)
    merged["ok"] = [within_tolerance(k, t, None if pd.isna(o) else o)
                    for k, t, o in zip(merged["kind"], merged["value_truth"], merged["value_ours"])]
    keys = set(map(tuple, truth[KEY].itertuples(index=False)))
    ours_n = normalize_ours(ours)
    extra = ours_n[[tuple(r) not in keys for r in ours_n[KEY].itertuples(index=False)]]
    return Comparison(merged, extra, kinds)


def exact_differences(truth: pd.DataFrame, ours: pd.DataFrame, rel_tol: float = 1e-9) -> list[str]:
    """Every truth row must exist with the same value (relative 1e-9), and no extra rows."""
    merged = truth.merge(normalize_ours(ours)[KEY + ["value"]], on=KEY, how="outer",
                         suffixes=("_truth", "_ours"), indicator=True)
    problems = []
    for row in merged.to_dict("records"):
        where = ", ".join(f"{k}={row[k]!r}" for k in KEY)
        if row["_merge"] == "left_only":
            problems.append(f"missing from fct_metric_values: {where} (truth {row['value_truth']})")
        elif row["_merge"] == "right_only":
            problems.append(f"not in truth: {where} (ours {row['value_ours']})")
        elif not math.isclose(row["value_truth"], row["value_ours"], rel_tol=rel_tol, abs_tol=1e-12):
            problems.append(f"value differs: {where}: truth {row['value_truth']!r}, ours {row['value_ours']!r}")
    return problems
