"""dbt build benchmark: wall time of `dbt build` (seeds, models, tests) per tier and warehouse engine.

    .venv/bin/python benchmarks/dbt_build.py                         # demo tier on DuckDB and PostgreSQL
    .venv/bin/python benchmarks/dbt_build.py --tiers city            # the big one: run it once
    .venv/bin/python benchmarks/dbt_build.py --tiers demo --engines duckdb

For each tier the synthetic sources are generated once under build/bench/<tier>/sources (shared with
benchmarks/ingest.py, reused afterwards; generation is not build time). Each engine gets a fresh
warehouse loaded with the real loader: a DuckDB file build/bench/<tier>/dbt_build.duckdb, or the
PostgreSQL database arp_dbt_bench_<tier> (dropped first, kept afterwards for inspection). Then
`dbt build` runs once and its wall time, the slowest nodes and the row counts of the main marts are
printed and written to build/bench/dbt_build.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

# Synthetic cities only: the published demo hash key is allowed (orchestration/privacy/hash_key.py).
os.environ.setdefault("ARP_MODE", "demo")

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

from orchestration.ingest.loader import load_sources  # noqa: E402
from orchestration.warehouse.destination import Destination  # noqa: E402
from simulator import GeneratorConfig, generate  # noqa: E402

BENCH = PROJECT_ROOT / "build" / "bench"
DBT = Path(sys.executable).with_name("dbt")
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
MARTS = ("fct_incidents", "fct_encounters", "fct_metric_values")


def sources_for(tier: str, seed: int) -> Path:
    out = BENCH / tier
    sources = out / "sources"
    if not (sources / "cad_replica.sqlite").exists() or not (sources / "case_management.sqlite").exists():
        print(
            f"[{tier}] generating the synthetic city (seed {seed}) into {sources.relative_to(PROJECT_ROOT)}", flush=True
        )
        started = time.perf_counter()
        generate(GeneratorConfig(tier=tier, seed=seed, out_dir=out), progress=True)
        print(f"[{tier}] generated in {time.perf_counter() - started:.0f}s", flush=True)
    return sources


def fresh_pg_database(name: str) -> None:
    import psycopg2

    con = psycopg2.connect(dbname="postgres", **PG)
    con.autocommit = True
    with con.cursor() as cur:
        cur.execute(f'drop database if exists "{name}" with (force)')
        cur.execute(f'create database "{name}"')
    con.close()


def count_rows(engine: str, location: str) -> dict[str, int]:
    counts = {}
    if engine == "duckdb":
        import duckdb

        with duckdb.connect(location, read_only=True) as con:
            for table in MARTS:
                counts[table] = con.execute(f"select count(*) from marts.{table}").fetchone()[0]
    else:
        import psycopg2

        with psycopg2.connect(dbname=location, **PG) as con, con.cursor() as cur:
            for table in MARTS:
                cur.execute(f"select count(*) from marts.{table}")
                counts[table] = cur.fetchone()[0]
    return counts


def run_build(tier: str, engine: str, sources: Path) -> dict:
    work = BENCH / tier / f"dbt_{engine}"
    work.mkdir(parents=True, exist_ok=True)
    env = dict(
        os.environ,
        ARP_TARGET=engine,
        DBT_PROFILES_DIR=str(PROJECT_ROOT),
        DBT_TARGET_PATH=str(work / "target"),
        DBT_LOG_PATH=str(work / "logs"),
    )
    if engine == "duckdb":
        location = str(BENCH / tier / "dbt_build.duckdb")
        Path(location).unlink(missing_ok=True)
        env["ARP_DUCKDB_PATH"] = location
        destination = Destination.duckdb(location)
    else:
        location = f"arp_dbt_bench_{tier}"
        fresh_pg_database(location)
        env.update(
            ARP_PG_HOST=PG["host"],
            ARP_PG_PORT=str(PG["port"]),
            ARP_PG_USER=PG["user"],
            ARP_PG_PASSWORD="",
            ARP_PG_DATABASE=location,
        )
        destination = Destination.postgres(
            database=location, pg_host=PG["host"], pg_port=PG["port"], pg_user=PG["user"], pg_password=""
        )
    print(f"[{tier}/{engine}] loading raw tables into {destination.describe()}", flush=True)
    started = time.perf_counter()
    load_sources(
        f"sqlite:///{sources / 'cad_replica.sqlite'}",
        f"sqlite:///{sources / 'case_management.sqlite'}",
        destination,
        full_refresh=True,
    )
    load_seconds = time.perf_counter() - started

    print(f"[{tier}/{engine}] dbt build", flush=True)
    started = time.perf_counter()
    # the public tables that read the suppression decisions are built after them, by the pipeline
    proc = subprocess.Popen(
        [str(DBT), "build", "--exclude", "source:suppression+"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if " of " in line and ("OK" in line or "ERROR" in line or "FAIL" in line):
            print(f"    {line.rstrip()}", flush=True)
    proc.wait()
    build_seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"[{tier}/{engine}] dbt build failed (rc={proc.returncode}); log: {work / 'logs'}")
    results = json.loads((work / "target" / "run_results.json").read_text())["results"]
    slowest = sorted(
        ((r["execution_time"], r["unique_id"].split(".")[-1]) for r in results if r["unique_id"].startswith("model.")),
        reverse=True,
    )[:5]
    return {
        "tier": tier,
        "engine": engine,
        "load_seconds": round(load_seconds, 1),
        "dbt_build_seconds": round(build_seconds, 1),
        "slowest_models": [{"model": m, "seconds": round(s, 1)} for s, m in slowest],
        "rows": count_rows(engine, location),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiers", nargs="+", default=["demo"], choices=["tiny", "demo", "city", "city2x"])
    parser.add_argument("--engines", nargs="+", default=["duckdb", "postgres"], choices=["duckdb", "postgres"])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    out_file = BENCH / "dbt_build.json"
    previous = json.loads(out_file.read_text()) if out_file.exists() else []
    results = []
    for tier in args.tiers:
        sources = sources_for(tier, args.seed)
        for engine in args.engines:
            results.append(run_build(tier, engine, sources))
    print("\ndbt build times")
    print(
        f"{'tier':6s} {'engine':9s} {'load (s)':>9s} {'dbt build (s)':>14s} {'incidents':>10s} "
        f"{'metric rows':>12s}  slowest models"
    )
    for r in results:
        slow = ", ".join(f"{s['model']} {s['seconds']}s" for s in r["slowest_models"][:3])
        print(
            f"{r['tier']:6s} {r['engine']:9s} {r['load_seconds']:9.1f} {r['dbt_build_seconds']:14.1f} "
            f"{r['rows']['fct_incidents']:10,d} {r['rows']['fct_metric_values']:12,d}  {slow}"
        )
    keep = [p for p in previous if (p["tier"], p["engine"]) not in {(r["tier"], r["engine"]) for r in results}]
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_text(json.dumps(keep + results, indent=2) + "\n")
    print(f"\nwritten to {out_file.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
