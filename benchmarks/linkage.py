"""CAD <-> case-management linkage against the simulation's true links, per tier and entry rate.

    .venv/bin/python benchmarks/linkage.py --tier demo                      # realistic entry defaults
    .venv/bin/python benchmarks/linkage.py --tier demo --entry-rates 0 1 2 3  # the recall curve
    .venv/bin/python benchmarks/linkage.py --tier city                      # five years: run it once

For each entry rate: generates the tier (defects at --defect-rate, entry kinds at the rate) under
build/bench/linkage/<tier>-<rate>/, loads it into a fresh DuckDB warehouse with the real loader,
builds the linkage and everything it needs (`dbt build --select +int_encounters_linked`, plus a
second timed `dbt run` of the linkage models alone: their execution times are what linking adds
to the build), and prints precision and recall of the links
(a link is right when it names the encounter's true incident; walk-up encounters with no incident
count as right when left unlinked), per link method and per entry kind of the encounter.
Figures go to build/bench/linkage/<tier>.json.
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
from orchestration.public_tables.publication_gate import dbt_environment_for  # noqa: E402
from orchestration.warehouse.destination import Destination  # noqa: E402
from simulator import GeneratorConfig, generate  # noqa: E402

DBT = Path(sys.executable).with_name("dbt")
LINKAGE_MODELS = (
    "int_encounters_linked_by_rule int_link_pairs_compared int_link_model_fitted "
    "int_link_pairs_scored int_link_pairs_for_review int_encounters_linked"
)


def dbt(args: list[str], out: Path, warehouse: Path) -> tuple[int, float, str]:
    env = dbt_environment_for(Destination.duckdb(warehouse), out)
    started = time.perf_counter()
    proc = subprocess.run([str(DBT), *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    return proc.returncode, time.perf_counter() - started, proc.stdout


def build(tier: str, defect_rate: float, entry_rate: float, seed: int) -> tuple[Path, Path, dict]:
    out = PROJECT_ROOT / "build" / "bench" / "linkage" / f"{tier}-{entry_rate:g}"
    out.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    result = generate(
        GeneratorConfig(tier=tier, seed=seed, defect_rate=defect_rate, entry_rate=entry_rate, out_dir=out),
        progress=False,
    )
    timings["generate"] = time.perf_counter() - started
    warehouse = out / "warehouse.duckdb"
    warehouse.unlink(missing_ok=True)
    started = time.perf_counter()
    load_sources(result.cad_url, result.cms_url, Destination.duckdb(warehouse), full_refresh=True)
    timings["load"] = time.perf_counter() - started
    code, seconds, stdout = dbt(
        ["build", "--select", "+int_encounters_linked", "+int_link_pairs_for_review", "--exclude", "test_type:data"],
        out,
        warehouse,
    )
    timings["dbt_build_upstream"] = seconds
    if code != 0:
        print("\n".join(line for line in stdout.splitlines() if "ERROR" in line or "FAIL" in line))
        raise SystemExit(f"dbt build failed ({code})")
    selected = [m for m in LINKAGE_MODELS.split() if (PROJECT_ROOT / "models" / "intermediate" / f"{m}.sql").exists()]
    code, seconds, stdout = dbt(["run", "--select", *selected], out, warehouse)
    timings["dbt_run_linkage_models"] = seconds
    if code != 0:
        raise SystemExit(f"dbt run of the linkage models failed ({code})")
    # the models' own execution times, without dbt's start-up
    results = json.loads((out / "target" / "run_results.json").read_text())["results"]
    timings["linkage_models_execution"] = {
        r["unique_id"].split(".")[-1]: round(r["execution_time"], 2) for r in results
    }
    timings["linkage_models_execution_total"] = round(sum(r["execution_time"] for r in results), 2)
    return out, warehouse, timings


def score(out: Path, warehouse: Path) -> dict:
    con = duckdb.connect(str(warehouse), read_only=True)
    cols = {
        r[0]
        for r in con.sql(
            "select column_name from information_schema.columns where table_name = 'int_encounters_linked'"
        ).fetchall()
    }
    prob = "match_probability" if "match_probability" in cols else "link_confidence"
    ours = con.sql(
        f"select encounter_id, incident_number, link_method, {prob} as p from intermediate.int_encounters_linked"
    ).df()
    truth = pd.read_csv(out / "truth" / "encounter_links.csv", dtype={"incident_number": str})
    defects = pd.read_csv(out / "truth" / "defects.csv", dtype=str, keep_default_na=False)
    m = truth.merge(ours, on="encounter_id", how="left", suffixes=("_true", "_ours"))
    has_true = m.incident_number_true.notna()
    linked = m.incident_number_ours.notna()
    right = linked & (m.incident_number_ours == m.incident_number_true)
    figures = {
        "encounters": len(m),
        "with_true_incident": int(has_true.sum()),
        "linked": int(linked.sum()),
        "correct_links": int(right.sum()),
        "wrong_links": int((linked & ~right).sum()),
        "missed": int((has_true & ~linked).sum()),
        "precision": float(right.sum() / max(1, linked.sum())),
        "recall": float(right.sum() / max(1, has_true.sum())),
        "staged_encounters": len(ours),
    }
    figures["by_method"] = (
        m[linked]
        .assign(right=right[linked])
        .groupby("link_method")
        .agg(links=("right", "size"), correct=("right", "sum"))
        .reset_index()
        .to_dict(orient="records")
    )
    kinds = defects[(defects.table == "encounters")][["primary_key", "defect_kind"]].drop_duplicates()
    kinds["encounter_id"] = kinds.primary_key.astype("int64")
    per = kinds.merge(m.assign(right=right, linked=linked, has_true=has_true), on="encounter_id")
    figures["by_entry_kind"] = (
        per[per.has_true]
        .groupby("defect_kind")
        .agg(encounters=("right", "size"), linked_right=("right", "sum"), linked=("linked", "sum"))
        .reset_index()
        .to_dict(orient="records")
    )
    missed = m[has_true & ~linked].merge(kinds, on="encounter_id", how="left")
    figures["missed_examples"] = missed.head(15).astype(str).to_dict(orient="records")
    wrong = m[linked & ~right].merge(kinds, on="encounter_id", how="left")
    figures["wrong_examples"] = wrong.head(15).astype(str).to_dict(orient="records")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tier", default="demo")
    parser.add_argument("--defect-rate", type=float, default=1.0)
    parser.add_argument("--entry-rates", type=float, nargs="+", default=[1.0])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    results = []
    for rate in args.entry_rates:
        out, warehouse, timings = build(args.tier, args.defect_rate, rate, args.seed)
        figures = {
            "tier": args.tier,
            "defect_rate": args.defect_rate,
            "entry_rate": rate,
            "seed": args.seed,
            "seconds": timings,
            **score(out, warehouse),
        }
        results.append(figures)
        print(
            f"[{args.tier} entry x{rate:g}] precision {figures['precision']:.4%} recall {figures['recall']:.4%} "
            f"({figures['correct_links']} right, {figures['wrong_links']} wrong, {figures['missed']} missed of "
            f"{figures['with_true_incident']}); linkage models {timings['linkage_models_execution_total']:.1f}s "
            f"(dbt run {timings['dbt_run_linkage_models']:.1f}s)",
            flush=True,
        )
        print(pd.DataFrame(figures["by_method"]).to_string(index=False))
        print(pd.DataFrame(figures["by_entry_kind"]).to_string(index=False), flush=True)
    path = PROJECT_ROOT / "build" / "bench" / "linkage" / f"{args.tier}.json"
    path.write_text(json.dumps(results, indent=2, default=float) + "\n")
    print(f"figures written to {path.relative_to(PROJECT_ROOT)}")


if __name__ == "__main__":
    main()
