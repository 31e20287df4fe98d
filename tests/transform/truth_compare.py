"""Compare marts.fct_metric_values with the generator's causal truth (truth/metric_values.csv).

Tolerances, per metric kind (the catalog's unit decides the kind):

| kind | metrics | with defects | without defects |
|---|---|---|---|
| count | incidents, contacts | within 1% or 1, whichever is larger | exact |
| share | shares (0..1) | within 0.01 | exact |
| rate100 | per 100 incidents | within 1.0 | exact |
| time | minutes | within 2% or 1 minute, whichever is larger | exact |
| reason_share | forgone_share | within 0.02 | within 0.02 |
| estimate | police_hours_saved, police_hours_saved_net | within 20% (a month: 35%) | within 20% (a month: 35%) |

forgone_share is derived by the pipeline from the data while its truth is the simulation's own reason
for not going (the two disagree on the few incidents documented in docs/metric_definitions.md);
police time saved is Durham's estimate, while its truth is the police time the simulation actually
saved, so its tolerance is the bound on the estimator's bias (measured in benchmarks/oracle.py); a
month holds few answered and forgone incidents (a partial month at the edge of the data fewer still),
so its estimate is looser.
A truth row missing from the mart, or a mart row missing from the truth, is always a failure, with one
reading made explicit: neither side writes a count of zero. A count row present on one side only is
compared with zero on the other when its key is one the metric has (its period, program and
dimension value occur in the comparison): a garbled call type that moves one incident into an
otherwise empty day-and-hour cell is then a count of 1 against a true 0, inside the count tolerance
with defects, and a failure when the comparison is exact. Such rows are reported apart
(`implied_zero_truth`, `implied_zero_mart`); any other one-sided row stays missing.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

KEY = ["metric_id", "period_grain", "period_start", "program", "dimension", "dimension_value"]
PROJECT_ROOT = Path(__file__).resolve().parents[2]


# metric -> kind, for the metrics whose truth is not simply what the data records
CAUSAL_KINDS = {"forgone_share": "reason_share", "police_hours_saved": "estimate", "police_hours_saved_net": "estimate"}
TOLERANCE = {"count": 0.01, "share": 0.01, "rate100": 1.0, "time": 0.02, "reason_share": 0.02, "estimate": 0.20}
MONTHLY_ESTIMATE_TOLERANCE = 0.35


def metric_kinds() -> dict[str, str]:
    """metric_id -> count | share | rate100 | time | reason_share | estimate."""
    kinds = {}
    with open(PROJECT_ROOT / "seeds" / "metric_catalog.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            unit = row["unit"]
            if row["metric_id"] in CAUSAL_KINDS:
                kinds[row["metric_id"]] = CAUSAL_KINDS[row["metric_id"]]
            elif unit in ("incidents", "contacts"):
                kinds[row["metric_id"]] = "count"
            elif unit.startswith("share"):
                kinds[row["metric_id"]] = "share"
            elif unit.startswith("per 100"):
                kinds[row["metric_id"]] = "rate100"
            elif unit in ("minutes", "hours"):
                kinds[row["metric_id"]] = "time"
            else:
                raise ValueError(
                    f"seeds/metric_catalog.csv: metric {row['metric_id']} has unit {unit!r}, "
                    "which the truth comparison cannot classify"
                )
    return kinds


def within_tolerance(kind: str, truth: float, ours: float | None, exact: bool = False, grain: str = "") -> bool:
    """Is `ours` close enough to `truth`? A missing value never is."""
    if ours is None or (isinstance(ours, float) and math.isnan(ours)):
        return False
    if exact and kind not in ("reason_share", "estimate"):
        return math.isclose(ours, truth, rel_tol=1e-9, abs_tol=1e-12)
    tol = TOLERANCE[kind]
    if kind == "count":
        return abs(ours - truth) <= max(1.0, tol * abs(truth))
    if kind in ("share", "rate100", "reason_share"):
        return abs(ours - truth) <= tol
    if kind == "time":
        return abs(ours - truth) <= max(1.0, tol * abs(truth))
    if kind == "estimate" and grain == "month":
        tol = MONTHLY_ESTIMATE_TOLERANCE
    return abs(ours - truth) <= tol * abs(truth)


def read_truth(truth_dir: Path) -> pd.DataFrame:
    frame = pd.read_csv(
        truth_dir / "metric_values.csv",
        dtype={"dimension": str, "dimension_value": str, "period_start": str, "program": str},
        keep_default_na=False,
    )
    frame["value"] = frame["value"].astype(float)
    return frame


def normalize_ours(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["period_start"] = out["period_start"].map(lambda d: d.isoformat() if hasattr(d, "isoformat") else str(d))
    out["value"] = out["value"].astype(float)
    return out


@dataclass
class Comparison:
    merged: pd.DataFrame  # truth rows and mart rows (outer join), with `ok` and `implied_zero`
    kinds: dict[str, str] = field(default_factory=dict)

    @property
    def implied_zero_truth(self) -> pd.DataFrame:
        """Mart counts compared with the zero the truth does not write."""
        return self.merged[self.merged["implied_zero"] == "truth"]

    @property
    def implied_zero_mart(self) -> pd.DataFrame:
        """Truth counts compared with the zero the mart does not write."""
        return self.merged[self.merged["implied_zero"] == "mart"]

    @property
    def truth_rows(self) -> int:
        return int(self.merged["value_truth"].notna().sum())

    @property
    def outside(self) -> pd.DataFrame:
        """Truth rows whose mart value is missing or out of tolerance."""
        return self.merged[self.merged["value_truth"].notna() & ~self.merged["ok"]]

    @property
    def missing(self) -> pd.DataFrame:
        return self.merged[self.merged["value_ours"].isna()]

    @property
    def extra(self) -> pd.DataFrame:
        """Mart rows the truth does not have."""
        return self.merged[self.merged["value_truth"].isna()]


def _fill_implied_zeros(merged: pd.DataFrame) -> pd.DataFrame:
    """A one-sided count row whose period, program and dimension value the other side has for that
    metric in other rows is a zero on the other side (module docstring); mark it and fill the zero."""
    merged["implied_zero"] = ""
    for side, other in (("truth", "value_truth"), ("mart", "value_ours")):
        present = merged[merged[other].notna()]
        periods = set(zip(present["period_grain"], present["period_start"]))
        programs = set(zip(present["metric_id"], present["program"]))
        values = set(zip(present["metric_id"], present["dimension"], present["dimension_value"]))
        one_sided = merged[other].isna() & (merged["kind"] == "count")
        in_domain = [
            (g, p) in periods and (m, pr) in programs and (m, d, v) in values
            for g, p, m, pr, d, v in zip(
                merged["period_grain"],
                merged["period_start"],
                merged["metric_id"],
                merged["program"],
                merged["dimension"],
                merged["dimension_value"],
            )
        ]
        fill = one_sided & pd.Series(in_domain, index=merged.index)
        merged.loc[fill, other] = 0.0
        merged.loc[fill, "implied_zero"] = side
    return merged


def compare(truth: pd.DataFrame, ours: pd.DataFrame, exact: bool = False) -> Comparison:
    kinds = metric_kinds()
    merged = truth.merge(normalize_ours(ours)[KEY + ["value"]], on=KEY, how="outer", suffixes=("_truth", "_ours"))
    merged["kind"] = merged["metric_id"].map(kinds)
    merged = _fill_implied_zeros(merged)
    merged["ok"] = [
        not pd.isna(t) and within_tolerance(k, t, None if pd.isna(o) else o, exact, g)
        for k, t, o, g in zip(merged["kind"], merged["value_truth"], merged["value_ours"], merged["period_grain"])
    ]
    return Comparison(merged, kinds)


def describe(rows: pd.DataFrame, limit: int = 30) -> str:
    cols = KEY + ["kind", "value_truth", "value_ours", "implied_zero"]
    return rows[cols].head(limit).to_string()
