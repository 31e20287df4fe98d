"""Quality benchmark: how long the Great Expectations suites take, per tier and warehouse engine.

    .venv/bin/python benchmarks/quality.py                               # demo tier, DuckDB
    .venv/bin/python benchmarks/quality.py --engines duckdb postgres     # both engines
    .venv/bin/python benchmarks/quality.py --tiers city --raw-only       # the big one: run it once

For each tier the synthetic sources are generated once under build/bench/<tier>/sources (shared
with benchmarks/ingest.py; generation is not timed). Each engine gets a fresh warehouse (a DuckDB
file under build/bench/<tier>/, or the PostgreSQL database arp_gx_bench_<tier>, dropped first),
loaded by the real loader and built by dbt (`seed` + `run`) and the public-tables step (skipped
with --raw-only, which then validates only the raw suites). Timed: every asset's suites (one GX validation each, as one Dagster
check step runs them), per layer and in total, and the Data Docs build. Results are printed and
written to build/bench/quality.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

# Synthetic cities only: the published demo hash key is allowed (orchestration/privacy/hash_key.py).
os.environ.setdefault("ARP_MODE", "demo")

import psycopg2

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

from orchestration.ingest import Destination, load_sources  # noqa: E402
from orchestration.public_tables.publication_gate import dbt_environment_for  # noqa: E402
from orchestration.public_tables.tables import publish_public_tables  # noqa: E402
from orchestration.quality.docs import build_quality_docs  # noqa: E402
from orchestration.quality.runner import validate_asset  # noqa: E402
from orchestration.quality.settings import load_settings  # noqa: E402
from orchestration.quality.suites import load_suites  # noqa: E402
from orchestration.quality.warehouse import Warehouse  # noqa: E402
from simulator import GeneratorConfig, generate  # noqa: E402

BENCH = PROJECT_ROOT / "build" / "bench"
DBT = Path(sys.executable).with_name("dbt")


def log(msg: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {msg}", flush=True)


def ensure_sources(tier: str) -> tuple[str, str]:
    out = BENCH / tier
    sources = out / "sources"
    cad, cms = sources / "cad_replica.sqlite", sources / "case_management.sqlite"
    if cad.exists() and cms.exists():
        log(f"{tier}: reusing sources in {sources}")
    else:
        log(f"{tier}: generating sources into {sources} (not timed)")
        generate(GeneratorConfig(tier=tier, seed=7, out_dir=out), progress=True)
    return f"sqlite:///{cad}", f"sqlite:///{cms}"


def fresh_destination(tier: str, engine: str) -> Destination:
    if engine == "duckdb":
        path = BENCH / tier / "quality.duckdb"
        path.unlink(missing_ok=True)
        return Destination.duckdb(path)
    name = f"arp_gx_bench_{tier}"
    dest = Destination.postgres(name)
    con = psycopg2.connect(**dest.pg_connect_kwargs(database="postgres"))
    con.autocommit = True
    with con.cursor() as cur:
        cur.execute("select pg_terminate_backend(pid) from pg_stat_activity where datname = %s", (name,))
        cur.execute(f'drop database if exists "{name}"')
        cur.execute(f'create database "{name}"')
    con.close()
    return dest


def dbt(dest: Destination, tier: str, args: list[str]) -> float:
    env = dbt_environment_for(dest, BENCH / tier / f"dbt_{dest.kind}")
    started = time.monotonic()
    proc = subprocess.run([str(DBT), *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(f"dbt {' '.join(args)} failed on {dest.describe()}:\n{proc.stdout[-3000:]}")
    return time.monotonic() - started


def bench(tier: str, engine: str, raw_only: bool) -> dict:
    cad, cms = ensure_sources(tier)
    dest = fresh_destination(tier, engine)
    log(f"{tier}/{engine}: loading sources into {dest.describe()}")
    started = time.monotonic()
    report = load_sources(cad, cms, dest, full_refresh=True)
    load_s = time.monotonic() - started
    rows = {t.key: t.raw_rows for t in report.tables}
    log(
        f"{tier}/{engine}: loaded {sum(rows.values()):,} raw rows in {load_s:.1f} s "
        f"({rows.get('raw_cad.incidents', 0):,} incidents)"
    )
    dbt_s = None
    if not raw_only:
        log(f"{tier}/{engine}: dbt seed + run (not part of the suite time)")
        dbt_s = dbt(dest, tier, ["seed"]) + dbt(dest, tier, ["run", "--exclude", "source:suppression+"])
        started = time.monotonic()
        publish_public_tables(dest)  # decisions by Python, then dbt builds the suppressed tables
        dbt_s += time.monotonic() - started
        log(f"{tier}/{engine}: dbt and the public tables done in {dbt_s:.1f} s")

    started = time.monotonic()
    import great_expectations  # noqa: F401  (once per process; reported apart from the suites)

    import_s = time.monotonic() - started
    warehouse, settings = Warehouse(dest), load_settings()
    results_dir = BENCH / tier / f"gx_results_{engine}"
    assets = [a for a in load_suites() if not raw_only or a.asset_key[0] in ("raw_cad", "raw_cms")]
    per_asset, per_layer = {}, defaultdict(float)
    failed = {"blocking": [], "warning": []}
    started = time.monotonic()
    for asset in assets:
        outcome = validate_asset(asset, warehouse, settings, results_dir=results_dir)
        per_asset[asset.label] = round(outcome.seconds, 2)
        per_layer[asset.asset_key[0]] += outcome.seconds
        for check in outcome.checks.values():
            if not check.passed:
                failed["blocking" if check.spec.blocking else "warning"].append(
                    f"{asset.label}:{check.spec.name} ({check.unexpected_rows} rows)"
                )
        log(f"  {asset.label:40s} {outcome.seconds:6.2f} s")
    suites_s = time.monotonic() - started
    started = time.monotonic()
    build_quality_docs(
        out_dir=BENCH / tier / f"docs_quality_{engine}",
        results_dir=results_dir,
        context_dir=BENCH / tier / f"gx_docs_context_{engine}",
    )
    docs_s = time.monotonic() - started
    result = {
        "tier": tier,
        "engine": engine,
        "raw_rows": sum(rows.values()),
        "incidents": rows.get("raw_cad.incidents", 0),
        "load_seconds": round(load_s, 1),
        "dbt_seconds": round(dbt_s, 1) if dbt_s is not None else None,
        "assets": len(assets),
        "checks": sum(len(a.checks) for a in assets),
        "suites_seconds": round(suites_s, 1),
        "per_layer_seconds": {k: round(v, 1) for k, v in per_layer.items()},
        "docs_seconds": round(docs_s, 1),
        "gx_import_seconds": round(import_s, 1),
        "per_asset_seconds": per_asset,
        "failed_checks": failed,
    }
    log(
        f"{tier}/{engine}: {result['checks']} checks on {len(assets)} assets in {suites_s:.1f} s "
        f"({', '.join(f'{k} {v:.1f} s' for k, v in per_layer.items())}); Data Docs {docs_s:.1f} s; "
        f"GX import {import_s:.1f} s (once per process, not included); "
        f"failed: {len(failed['blocking'])} blocking, {len(failed['warning'])} warnings"
    )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiers", nargs="+", default=["demo"])
    parser.add_argument("--engines", nargs="+", default=["duckdb"], choices=["duckdb", "postgres"])
    parser.add_argument("--raw-only", action="store_true", help="skip dbt; validate the raw suites only")
    args = parser.parse_args(argv)
    results = [bench(t, e, args.raw_only) for t in args.tiers for e in args.engines]
    out = BENCH / "quality.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads(out.read_text()) if out.exists() else []
    keep = [r for r in previous if (r["tier"], r["engine"]) not in {(x["tier"], x["engine"]) for x in results}]
    out.write_text(json.dumps(keep + results, indent=1))
    print("\ntier    engine    incidents   checks  suites (s)  per layer (s)                       docs (s)")
    for r in results:
        layers = ", ".join(f"{k} {v}" for k, v in r["per_layer_seconds"].items())
        print(
            f"{r['tier']:7s} {r['engine']:9s} {r['incidents']:9,d} {r['checks']:8d} {r['suites_seconds']:10.1f}"
            f"  {layers:35s} {r['docs_seconds']:8.1f}"
        )
        for kind, items in r["failed_checks"].items():
            if items:
                print(f"    failed {kind}: {', '.join(items)}")
    print(f"written to {out.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
