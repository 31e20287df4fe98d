"""The pipeline against the simulation's own knowledge, per tier (defects off unless asked).

    .venv/bin/python benchmarks/oracle.py --tier demo
    .venv/bin/python benchmarks/oracle.py --tier city            # five years: run it once
    .venv/bin/python benchmarks/oracle.py --tier demo --defect-rate 1
    .venv/bin/python benchmarks/oracle.py --tier demo --defect-rate 1 --entry-rate 0   # CMS entry verbatim

Generates the city under build/bench/oracle/<tier>-<defect rate>/, loads it into a fresh DuckDB
warehouse with the real loader, runs `dbt build` (staging to marts) and prints:
- rows of fct_metric_values against the causal truth, per metric kind: exact, within tolerance,
  outside, missing on either side;
- the confusion matrix of forgone reasons (simulation's reason x derived reason) and the agreement;
- police time saved by Durham's formula beside the police time the simulation really saved, per
  year and overall, with the estimator's bias (gross and net).
Figures are also written to build/bench/oracle/<tier>-<rate>.json.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

# Synthetic cities only: the published demo hash key is allowed (orchestration/privacy/hash_key.py).
os.environ.setdefault("ARP_MODE", "demo")

import duckdb
import pandas as pd

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))
sys.path.insert(0, str(PROJECT_ROOT / "tests"))

from transform import truth_compare  # noqa: E402

from orchestration.ingest.loader import load_sources  # noqa: E402
from orchestration.public_tables.publication_gate import dbt_environment_for  # noqa: E402
from orchestration.warehouse.destination import Destination  # noqa: E402
from simulator import GeneratorConfig, generate  # noqa: E402

DBT = Path(sys.executable).with_name("dbt")


def build(tier: str, rate: float, seed: int, entry_rate: float = 1.0) -> tuple[Path, Path]:
    suffix = "" if entry_rate == 1.0 else f"-entry{entry_rate:g}"
    out = PROJECT_ROOT / "build" / "bench" / "oracle" / f"{tier}-{rate:g}{suffix}"
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    result = generate(
        GeneratorConfig(tier=tier, seed=seed, defect_rate=rate, entry_rate=entry_rate, out_dir=out), progress=True
    )
    print(f"[{tier}] generated in {time.perf_counter() - started:.0f}s", flush=True)
    warehouse = out / "warehouse.duckdb"
    warehouse.unlink(missing_ok=True)
    started = time.perf_counter()
    load_sources(result.cad_url, result.cms_url, Destination.duckdb(warehouse), full_refresh=True)
    print(f"[{tier}] loaded in {time.perf_counter() - started:.0f}s", flush=True)
    env = dbt_environment_for(Destination.duckdb(warehouse), out)
    started = time.perf_counter()
    proc = subprocess.run(
        [str(DBT), "build", "--exclude", "path:models/public_marts", "path:models/public_candidates"],
        cwd=PROJECT_ROOT,
        env={**env},
        capture_output=True,
        text=True,
    )
    print(f"[{tier}] dbt build exit {proc.returncode} in {time.perf_counter() - started:.0f}s", flush=True)
    if proc.returncode != 0:
        print("\n".join(line for line in proc.stdout.splitlines() if "ERROR" in line or "FAIL" in line))
    return out, warehouse


def report(out: Path, warehouse: Path) -> dict:
    con = duckdb.connect(str(warehouse), read_only=True)
    ours = con.sql(
        "select * exclude (period_start), strftime(period_start, '%Y-%m-%d') as period_start "
        "from marts.fct_metric_values"
    ).df()
    truth = truth_compare.read_truth(out / "truth")
    exact = truth_compare.compare(truth, ours, exact=True)
    tolerant = truth_compare.compare(truth, ours)
    figures: dict = {
        "truth_rows": int(exact.truth_rows),
        "missing_from_mart": len(exact.missing),
        "only_in_mart": len(exact.extra),
        "mart_counts_against_a_true_zero": len(exact.implied_zero_truth),
        "true_counts_against_a_mart_zero": len(exact.implied_zero_mart),
    }
    print(
        f"\nmetric rows: {exact.truth_rows} in the truth, {len(exact.missing)} missing from the mart, "
        f"{len(exact.extra)} only in the mart; counts written on one side only, compared with zero: "
        f"{len(exact.implied_zero_truth)} in the mart, {len(exact.implied_zero_mart)} in the truth"
    )
    by_kind = []
    for kind, rows in exact.merged[exact.merged.value_truth.notna()].groupby("kind"):
        tol_rows = tolerant.merged.loc[rows.index]
        by_kind.append(
            {"kind": kind, "rows": len(rows), "exact": int(rows.ok.sum()), "within_tolerance": int(tol_rows.ok.sum())}
        )
    print(pd.DataFrame(by_kind).to_string(index=False))
    figures["by_kind"] = by_kind

    inc = pd.read_csv(out / "truth" / "incidents.csv", dtype=str, keep_default_na=False)
    derived = con.sql("select incident_number, forgone_reason from marts.fct_incidents").df()
    merged = inc.merge(derived, on="incident_number", how="left")
    forgone = merged[(merged.forgone_reason_x != "") | merged.forgone_reason_y.notna()]
    matrix = pd.crosstab(
        forgone.sim_reason.replace("", "(not forgone)"), forgone.forgone_reason_y.fillna("(not forgone)")
    )
    agree = float((forgone.forgone_reason_x == forgone.forgone_reason_y).mean())
    print(
        f"\nforgone reasons: simulation (rows) x derived (columns), {len(forgone)} incidents, "
        f"agreement {agree:.4f}\n{matrix.to_string()}"
    )
    figures["forgone_incidents"], figures["reason_agreement"] = len(forgone), agree
    figures["reason_matrix"] = {str(k): {str(c): int(v) for c, v in row.items()} for k, row in matrix.iterrows()}

    rows = []
    for metric in ("police_hours_saved", "police_hours_saved_net"):
        m = exact.merged[(exact.merged.metric_id == metric) & (exact.merged.period_grain == "year")]
        for r in m.itertuples():
            rows.append(
                {
                    "metric": metric,
                    "year": r.period_start[:4],
                    "formula": r.value_ours,
                    "true": r.value_truth,
                    "bias": (r.value_ours - r.value_truth) / r.value_truth,
                }
            )
        total_f, total_t = m.value_ours.sum(), m.value_truth.sum()
        rows.append(
            {
                "metric": metric,
                "year": "all",
                "formula": total_f,
                "true": total_t,
                "bias": (total_f - total_t) / total_t if total_t else math.nan,
            }
        )
    saved = pd.DataFrame(rows)
    print(
        "\npolice hours saved: Durham's formula vs the simulated true saving\n"
        + saved.to_string(index=False, float_format=lambda v: f"{v:,.3f}")
    )
    figures["police_hours_saved"] = rows
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tier", default="demo")
    parser.add_argument("--defect-rate", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--entry-rate",
        type=float,
        default=1.0,
        help="case-management entry kinds, on top of --defect-rate (0 = typed verbatim)",
    )
    args = parser.parse_args()
    out, warehouse = build(args.tier, args.defect_rate, args.seed, args.entry_rate)
    figures = report(out, warehouse)
    path = out.parent / f"{out.name}.json"
    path.write_text(json.dumps(figures, indent=2, default=float) + "\n")
    print(f"\nfigures written to {path.relative_to(PROJECT_ROOT)}")


if __name__ == "__main__":
    main()
