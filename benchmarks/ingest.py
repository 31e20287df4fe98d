"""Ingestion benchmark: load times per tier and warehouse engine, and live insert -> raw_cad latency.

    .venv/bin/python benchmarks/ingest.py                          # demo tier on DuckDB and PostgreSQL + latency
    .venv/bin/python benchmarks/ingest.py --tiers city --no-latency  # the big one: run it once
    .venv/bin/python benchmarks/ingest.py --tiers tiny --engines duckdb --latency-samples 2

For each tier the synthetic sources are generated once under build/bench/<tier>/sources (reused
afterwards; generation time is not load time). Each engine gets a fresh warehouse: a DuckDB file
under build/bench/<tier>/, or the PostgreSQL database arp_ingest_bench_<tier> (dropped first).
Figures: the full first load, a no-change re-run, and rows per second.

Latency: a real `dagster-daemon` (own DAGSTER_HOME under build/bench/) runs the CAD sensor every
few seconds over a pre-loaded warehouse; the benchmark inserts incidents at the CAD source
(the generator's LiveCity) and times until each row is
visible in raw_cad.incidents. Results are printed and written to build/bench/ingest.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
import sqlalchemy as sa

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

from orchestration.ingest import Destination, load_sources  # noqa: E402
from orchestration.ingest.warehouse import connect  # noqa: E402
from simulator import GeneratorConfig, LiveCity, generate  # noqa: E402

BENCH = PROJECT_ROOT / "build" / "bench"


def log(msg: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {msg}", flush=True)


# ---- sources ------------------------------------------------------------------------------------


def tier_config(tier: str) -> GeneratorConfig:
    return GeneratorConfig(tier=tier, seed=7, out_dir=BENCH / tier)


def ensure_sources(tier: str) -> tuple[str, str, dict]:
    cfg = tier_config(tier)
    marker = cfg.out_dir / "sources" / "counts.json"
    if marker.exists():
        counts = json.loads(marker.read_text())
        log(f"{tier}: reusing sources in {cfg.out_dir / 'sources'} ({sum(counts.values()):,} rows)")
    else:
        log(f"{tier}: generating sources (once) ...")
        started = time.perf_counter()
        result = generate(cfg, progress=True)
        counts = dict(result.counts)
        marker.write_text(json.dumps(counts))
        log(f"{tier}: generated {sum(counts.values()):,} rows in {time.perf_counter() - started:.0f}s")
    return cfg.resolved_cad_url, cfg.resolved_cms_url, counts


# ---- warehouses ---------------------------------------------------------------------------------


def fresh_destination(tier: str, engine: str, label: str = "") -> Destination:
    if engine == "duckdb":
        path = BENCH / tier / f"warehouse{label}.duckdb"
        for p in (path, path.with_suffix(".duckdb.wal")):
            p.unlink(missing_ok=True)
        return Destination.duckdb(path)
    name = f"arp_ingest_bench_{tier}{label}"
    admin = psycopg2.connect(**Destination.postgres().pg_connect_kwargs(database="postgres"))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return Destination.postgres(database=name)


def bench_load(tier: str, engine: str, cad_url: str, cms_url: str) -> dict:
    dest = fresh_destination(tier, engine)
    log(f"{tier} -> {engine}: full load into {dest.describe()} ...")
    started = time.perf_counter()
    report = load_sources(cad_url, cms_url, dest)
    full = time.perf_counter() - started
    rows = report.total_loaded
    log(f"{tier} -> {engine}: {rows:,} rows in {full:.1f}s ({rows / full:,.0f} rows/s)")
    started = time.perf_counter()
    again = load_sources(cad_url, cms_url, dest)
    noop = time.perf_counter() - started
    log(f"{tier} -> {engine}: re-run without changes loaded {again.total_loaded} rows in {noop:.2f}s")
    return {
        "tier": tier,
        "engine": engine,
        "rows": rows,
        "full_load_s": round(full, 2),
        "rows_per_s": round(rows / full),
        "noop_rerun_s": round(noop, 2),
        "noop_rerun_rows": again.total_loaded,
        "per_table_s": {t.key: round(t.seconds, 2) for t in report.tables},
    }


# ---- live latency -------------------------------------------------------------------------------


def _insert_live_incidents(cfg: GeneratorConfig, cad_url: str, n: int) -> tuple[set[str], float]:
    """Append n incidents at the CAD source with the generator's live mode; returns their numbers and
    the moment (time.time()) the insert was committed. Finding the numbers afterwards reads every
    incident number again (seconds at city scale), which a clock started on return would miss."""
    engine = sa.create_engine(cad_url)
    try:
        with engine.connect() as conn:
            before = {r[0] for r in conn.exec_driver_sql("SELECT incident_number FROM incidents")}
        city = LiveCity(cfg)
        try:
            city.step(new_incidents=n, updates=0)
            committed = time.time()
        finally:
            city.close()
        with engine.connect() as conn:
            after = {r[0] for r in conn.exec_driver_sql("SELECT incident_number FROM incidents")}
        return after - before, committed
    finally:
        engine.dispose()


def _visible(dest: Destination, numbers: set[str]) -> bool:
    marks = ", ".join("?" for _ in numbers)
    sql = f"SELECT count(*) FROM raw_cad.incidents WHERE incident_number IN ({marks})"
    try:
        if dest.kind == "duckdb":
            import duckdb

            # Read-only, and never wait: the loader holds the write lock only while it commits.
            con = duckdb.connect(str(dest.duckdb_path), read_only=True)
            try:
                return con.execute(sql, list(numbers)).fetchone()[0] == len(numbers)
            finally:
                con.close()
        with connect(dest) as wh:
            return wh.query(sql, list(numbers))[0][0] == len(numbers)
    except Exception:  # locked by the running load, or table not there yet
        return False


def bench_latency(tier: str, engine: str, samples: int, interval: int, per_sample: int) -> dict:
    cad_url, cms_url, _ = ensure_sources(tier)
    work = BENCH / "latency"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(Path(tier_config(tier).out_dir) / "sources", work / "sources")
    cfg = GeneratorConfig(tier=tier, seed=7, out_dir=work)
    cad_url, cms_url = cfg.resolved_cad_url, cfg.resolved_cms_url
    dest = fresh_destination("latency", engine)
    log(f"latency: pre-loading {tier} sources into {dest.describe()} ...")
    load_sources(cad_url, cms_url, dest)

    home = work / "dagster_home"
    home.mkdir(parents=True)
    # Launch runs as soon as the sensor asks (the queued coordinator would add up to its dequeue interval).
    (home / "dagster.yaml").write_text(
        "telemetry:\n  enabled: false\n"
        "run_coordinator:\n  module: dagster._core.run_coordinator\n  class: DefaultRunCoordinator\n"
    )
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "ARP_CAD_URL": cad_url,
        "ARP_CMS_URL": cms_url,
        "ARP_TARGET": engine,
        "ARP_CAD_SENSOR": "on",
        "ARP_CAD_SENSOR_INTERVAL_SECONDS": str(interval),
    }
    if engine == "duckdb":
        env["ARP_DUCKDB_PATH"] = str(dest.duckdb_path)
    else:
        env["ARP_PG_DATABASE"] = dest.pg_database
    # A code location of ingestion and the sensor alone: the latency measured is insert -> raw_cad.
    location = work / "ingest_location.py"
    location.write_text(
        "import dagster as dg\n"
        "from orchestration.automation import build_cad_source_sensor, cad_incremental_job\n"
        "from orchestration.ingest.defs import defs as ingest\n\n\n"
        "@dg.definitions\n"
        "def defs():\n"
        "    sensor_and_job = dg.Definitions(jobs=[cad_incremental_job], sensors=[build_cad_source_sensor()])\n"
        "    return dg.Definitions.merge(ingest(), sensor_and_job)\n"
    )
    daemon_log = open(work / "daemon.log", "w")  # noqa: SIM115 (held by the daemon process until it is stopped below)
    log(f"latency: starting dagster-daemon (sensor every {interval}s), log in {work / 'daemon.log'}")
    daemon = subprocess.Popen(
        [str(PROJECT_ROOT / ".venv" / "bin" / "dagster-daemon"), "run", "-f", str(location)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=daemon_log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    results = []
    try:
        # The first tick always starts a run (no cursor yet); let it finish before measuring.
        time.sleep(interval * 2 + 20)
        for i in range(samples):
            numbers, committed = _insert_live_incidents(cfg, cad_url, per_sample)
            started = time.perf_counter() - (time.time() - committed)
            deadline = started + 300
            while not _visible(dest, numbers):
                if daemon.poll() is not None:
                    raise RuntimeError(f"dagster-daemon exited ({daemon.returncode}); see {work / 'daemon.log'}")
                if time.perf_counter() > deadline:
                    raise RuntimeError(f"incidents {sorted(numbers)} not in raw_cad after 300s; see daemon.log")
                time.sleep(0.2)
            seconds = time.perf_counter() - started
            results.append(seconds)
            log(f"latency sample {i + 1}/{samples}: {len(numbers)} new incident(s) in raw_cad after {seconds:.1f}s")
            time.sleep(interval + 5)  # let that run finish so samples are independent
    finally:
        os.killpg(daemon.pid, signal.SIGTERM)  # the daemon, its code server and any run it launched
        try:
            daemon.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(daemon.pid, signal.SIGKILL)
        daemon_log.close()
    return {
        "tier": tier,
        "engine": engine,
        "sensor_interval_s": interval,
        "samples_s": [round(s, 1) for s in results],
        "median_s": round(statistics.median(results), 1),
        "max_s": round(max(results), 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--tiers",
        nargs="*",
        default=["demo"],
        choices=["tiny", "demo", "city", "city2x"],
        help="tiers to load (none: latency only)",
    )
    parser.add_argument("--engines", nargs="+", default=["duckdb", "postgres"], choices=["duckdb", "postgres"])
    parser.add_argument("--no-latency", action="store_true")
    parser.add_argument("--latency-tier", default="demo", choices=["tiny", "demo", "city", "city2x"])
    parser.add_argument("--latency-engine", default="duckdb", choices=["duckdb", "postgres"])
    parser.add_argument("--latency-samples", type=int, default=3)
    parser.add_argument("--sensor-interval", type=int, default=5)
    args = parser.parse_args(argv)

    BENCH.mkdir(parents=True, exist_ok=True)
    out = BENCH / "ingest.json"
    previous = json.loads(out.read_text()) if out.exists() else {}
    loads = {f"{r['tier']}/{r['engine']}": r for r in previous.get("loads", [])}
    latency = previous.get("latency") or {}
    if "engine" in latency:  # older single-result layout
        latency = {latency["engine"]: latency}
    for tier in args.tiers:
        cad_url, cms_url, _ = ensure_sources(tier)
        for engine in args.engines:
            loads[f"{tier}/{engine}"] = bench_load(tier, engine, cad_url, cms_url)
    if not args.no_latency:
        latency[args.latency_engine] = bench_latency(
            args.latency_tier, args.latency_engine, args.latency_samples, args.sensor_interval, per_sample=1
        )
    out.write_text(json.dumps({"loads": list(loads.values()), "latency": latency}, indent=2))

    print("\nload times (full first load; no-change re-run)")
    print(f"  {'tier':<6} {'engine':<9} {'rows':>11} {'full load':>10} {'rows/s':>9} {'re-run':>8}")
    for r in loads.values():
        print(
            f"  {r['tier']:<6} {r['engine']:<9} {r['rows']:>11,} {r['full_load_s']:>9.1f}s "
            f"{r['rows_per_s']:>9,} {r['noop_rerun_s']:>7.2f}s"
        )
    for lat in latency.values():
        print(
            f"\nlive insert -> raw_cad.incidents with the sensor running ({lat['tier']} sources, "
            f"{lat['engine']}, sensor every {lat['sensor_interval_s']}s): median {lat['median_s']}s, "
            f"max {lat['max_s']}s, samples {lat['samples_s']}"
        )
    print(f"\nwritten to {out.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
