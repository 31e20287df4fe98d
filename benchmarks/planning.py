"""The expansion planner against a world whose future is known.

    .venv/bin/python benchmarks/planning.py --tier demo
    .venv/bin/python benchmarks/planning.py --tier city --seeds 5       # five years: run it once

Generates the tier's city (seed 7, default defects) under build/bench/planning/<tier>/baseline/,
loads it and runs `dbt build`; then generates the same city, seed and call stream under each
changed service model (scenarios/longer-hours.yml, scenarios/two-more-teams.yml, through the
generator's service-model override) and keeps only its truth. The planner, given only the baseline
warehouse and the scenario file, predicts each world; the table puts its prediction (mean and
spread across seeds) beside the observed marts (baseline) and the simulated outcome (the truth of
each world), and the time to plan one scenario. Figures also go to build/bench/planning/<tier>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("ARP_MODE", "demo")

import duckdb
import pandas as pd

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

from orchestration.ingest.loader import load_sources  # noqa: E402
from orchestration.planning.inputs import read_inputs  # noqa: E402
from orchestration.planning.report import plan  # noqa: E402
from orchestration.planning.scenario import SCENARIO_DIR, Scenario, load_scenario  # noqa: E402
from orchestration.public_tables.publication_gate import dbt_environment_for  # noqa: E402
from orchestration.warehouse.destination import Destination  # noqa: E402
from simulator import GeneratorConfig, generate  # noqa: E402
from simulator.service_model import ServiceModel  # noqa: E402

DBT = Path(sys.executable).with_name("dbt")
CHANGED = ("longer-hours", "two-more-teams")


def service_model_of(scenario: Scenario) -> ServiceModel:
    """The generator's override for what a validation scenario changes (hours and teams only)."""
    hours, added, teams = {}, {}, {}
    for program, change in scenario.programs.items():
        if change.service_beats is not None or change.eligible_call_types is not None or scenario.demand_growth != 1:
            raise ValueError(f"{scenario.source}: the generator override takes hours and teams only")
        if change.hours_by_day() is not None:
            hours[program] = change.hours_by_day()
        if change.added_teams:
            added[program] = change.added_teams
        if change.teams_per_shift is not None:
            teams[program] = change.teams_per_shift
    return ServiceModel(hours=hours, added_teams=added, teams=teams)


def build_baseline(tier: str, out: Path, reuse: bool) -> Path:
    warehouse = out / "warehouse.duckdb"
    if reuse and warehouse.exists():
        return warehouse
    out.mkdir(parents=True, exist_ok=True)
    result = generate(GeneratorConfig(tier=tier, seed=7, out_dir=out), progress=False)
    warehouse.unlink(missing_ok=True)
    load_sources(result.cad_url, result.cms_url, Destination.duckdb(warehouse), full_refresh=True)
    env = dbt_environment_for(Destination.duckdb(warehouse), out)
    proc = subprocess.run(
        [str(DBT), "build", "--exclude", "path:models/public_marts", "path:models/public_candidates"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise SystemExit(
            "dbt build failed:\n" + "\n".join(line for line in proc.stdout.splitlines() if "ERROR" in line)
        )
    return warehouse


def truth_figures(truth_dir: Path) -> dict[str, float]:
    inc = pd.read_csv(truth_dir / "incidents.csv", low_memory=False)
    eligible = inc[inc.eligible.astype(bool)]
    responded = eligible.heart_responded.astype(bool)
    return {
        "responded": int(responded.sum()),
        "forgone": int((~responded).sum()),
        "forgone_share": float(1 - responded.mean()),
        "response_median_minutes": float(eligible.response_minutes.median()),
    }


def marts_figures(warehouse: Path) -> dict[str, float]:
    con = duckdb.connect(str(warehouse), read_only=True)
    row = con.execute(
        "select count(*) filter (where is_heart_responded), count(*) filter (where is_forgone), avg(case when is_heart_responded then 0 else 1 end), "
        "median(response_minutes) from marts.fct_incidents where is_eligible"
    ).fetchone()
    return {"responded": row[0], "forgone": row[1], "forgone_share": row[2], "response_median_minutes": row[3]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tier", default="demo")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="reuse the baseline warehouse and worlds if built")
    args = parser.parse_args()
    root = PROJECT_ROOT / "build" / "bench" / "planning" / args.tier
    started = time.perf_counter()
    warehouse = build_baseline(args.tier, root / "baseline", args.reuse)
    print(f"[{args.tier}] baseline city built in {time.perf_counter() - started:.0f}s", flush=True)
    known = {"baseline": marts_figures(warehouse)}
    truth = {"baseline": truth_figures(root / "baseline" / "truth")}
    for name in CHANGED:
        scenario = load_scenario(SCENARIO_DIR / f"{name}.yml")
        out = root / name
        if not (args.reuse and (out / "truth" / "incidents.csv").exists()):
            t = time.perf_counter()
            cfg = GeneratorConfig(tier=args.tier, seed=7, out_dir=out, service_model=service_model_of(scenario))
            generate(cfg, progress=False)
            print(f"[{args.tier}] {name} world simulated in {time.perf_counter() - t:.0f}s", flush=True)
        truth[name] = known[name] = truth_figures(out / "truth")

    t = time.perf_counter()
    inputs = read_inputs(Destination.duckdb(warehouse))
    read_seconds = time.perf_counter() - t
    rows, reports = [], {}
    for name in ("baseline", *CHANGED):
        report = plan(load_scenario(SCENARIO_DIR / f"{name}.yml"), inputs, seeds=args.seeds)
        reports[name] = report
        for key in ("responded", "forgone", "forgone_share", "response_median_minutes"):
            f = report["figures"][key]
            actual = known[name][key]
            rows.append(
                {
                    "scenario": name,
                    "figure": key,
                    "predicted": f["mean"],
                    "low": f["low"],
                    "high": f["high"],
                    "known": actual,
                    "known_from": "marts" if name == "baseline" else "simulated truth",
                    "error_pct": 100.0 * (f["mean"] - actual) / actual if actual else float("nan"),
                    "truth": truth[name][key],
                }
            )
    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 160, "display.float_format", "{:,.3f}".format):
        print(table.to_string(index=False))
    plan_seconds = {name: r["seconds"] for name, r in reports.items()}
    print(
        f"reading the warehouse: {read_seconds:.1f}s; planning one scenario ({args.seeds} seeds): "
        + ", ".join(f"{n} {s:.1f}s" for n, s in plan_seconds.items())
    )
    out = root.with_suffix(".json")
    out.write_text(
        json.dumps(
            {
                "tier": args.tier,
                "seeds": args.seeds,
                "rows": rows,
                "read_seconds": read_seconds,
                "plan_seconds": plan_seconds,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"figures written to {out}")


if __name__ == "__main__":
    main()
