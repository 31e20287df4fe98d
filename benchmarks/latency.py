"""Freshness as a reader of the operational marts sees it: from one incident inserted at the CAD
source to its row in marts.fct_incidents, with the real dagster-daemon and CAD sensor running.

    .venv/bin/python benchmarks/latency.py --tier demo --engines duckdb postgres --samples 10
    .venv/bin/python benchmarks/latency.py --tier city --engines duckdb --samples 10

For each engine: the tier's sources are loaded into a fresh warehouse and built once with `dbt build`
(what the daily full run leaves behind), then a code server serves the project's own definitions and
`dagster-daemon` runs the CAD sensor from it, as `make ui` (dagster dev) does. Each sample waits
until no run is active, inserts one incident with the generator's live mode, and times until a
`cad_incremental` run materializes marts.fct_incidents; once that run has ended the incident is
looked up in the mart, and a sample whose run did not carry it waits for the next one. The clock
stops at the materialization event, which Dagster records after dbt has committed the model, so the
warehouse is never opened while dbt writes it.

Printed and written to build/bench/latency.json: every sample, the median and the 95th percentile
(inclusive method), the first run (the sensor's first tick, before any sample), and where each
sample's seconds went (the sensor's tick, the run's start, each step of the run).
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

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))
sys.path.insert(0, str(PROJECT_ROOT / "benchmarks"))
os.environ.setdefault("ARP_MODE", "demo")  # synthetic cities only: the published demo key is allowed

import dagster as dg  # noqa: E402
import yaml  # noqa: E402
from dbt_build import sources_for  # noqa: E402
from ingest import BENCH, _insert_live_incidents, fresh_destination  # noqa: E402

from orchestration.ingest import load_sources  # noqa: E402
from orchestration.public_tables.publication_gate import dbt_environment_for  # noqa: E402
from orchestration.warehouse.connections import connect  # noqa: E402
from simulator import GeneratorConfig  # noqa: E402

FCT_INCIDENTS = dg.AssetKey(["marts", "fct_incidents"])
JOB = "cad_incremental"
ACTIVE = [
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]


def log(msg: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {msg}", flush=True)


def active_runs(instance: dg.DagsterInstance) -> int:
    return len(instance.get_run_records(dg.RunsFilter(job_name=JOB, statuses=ACTIVE)))


def wait_idle(instance: dg.DagsterInstance, daemon: subprocess.Popen, timeout: float, why: str) -> None:
    deadline = time.monotonic() + timeout
    while active_runs(instance):
        if daemon.poll() is not None:
            raise RuntimeError(f"dagster-daemon exited ({daemon.returncode}) while waiting for {why}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"a {JOB} run was still active after {timeout:.0f} s ({why})")
        time.sleep(0.5)


def in_mart(dest, number: str) -> bool:
    with connect(dest, read_only=True) as con:
        cur = con.cursor()
        mark = "?" if dest.kind == "duckdb" else "%s"
        cur.execute(f"select count(*) from marts.fct_incidents where incident_number = {mark}", [number])
        return cur.fetchone()[0] == 1


def phases(instance: dg.DagsterInstance, run_id: str, inserted: float, arrived: float) -> dict[str, float]:
    """Where one sample's seconds went, from the run's own event log: the sensor's tick until the run
    was created, the run's process start, then each step in the order it ran, the one that
    materialized fct_incidents counted only up to that moment."""
    record = instance.get_run_record_by_id(run_id)
    events = [e for e in instance.all_logs(run_id) if e.dagster_event is not None]
    started = next(e.timestamp for e in events if e.dagster_event.event_type == dg.DagsterEventType.RUN_START)
    out = {
        "sensor tick": record.create_timestamp.timestamp() - inserted,
        "run start": started - record.create_timestamp.timestamp(),
    }
    step_started: dict[str, float] = {}
    for e in events:
        kind = e.dagster_event.event_type
        if kind == dg.DagsterEventType.STEP_START:
            step_started[e.step_key] = e.timestamp
        elif kind == dg.DagsterEventType.STEP_SUCCESS and e.timestamp <= arrived:
            out[e.step_key] = e.timestamp - step_started[e.step_key]
    for step, began in step_started.items():
        if step not in out and began <= arrived:
            out[f"{step} to fct_incidents"] = arrived - began
    return {name: round(seconds, 1) for name, seconds in out.items()}


def one_sample(instance, daemon, dest, cfg, cad_url) -> tuple[float, dict[str, float]]:
    """Seconds from the insert to the materialization of fct_incidents that carries the incident, and
    where they went."""
    (number,), inserted = _insert_live_incidents(cfg, cad_url, 1)
    seen: set[str] = set()
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if daemon.poll() is not None:
            raise RuntimeError(f"dagster-daemon exited ({daemon.returncode})")
        event = instance.get_latest_materialization_event(FCT_INCIDENTS)
        if event is not None and event.timestamp > inserted and event.run_id not in seen:
            seen.add(event.run_id)
            wait_idle(instance, daemon, 600, "the run that materialized fct_incidents")
            if in_mart(dest, number):
                return event.timestamp - inserted, phases(instance, event.run_id, inserted, event.timestamp)
            log(f"  run {event.run_id[:8]} did not carry incident {number} (it loaded before the insert)")
        time.sleep(0.25)
    raise RuntimeError(f"incident {number} was not in marts.fct_incidents 600 s after its insert")


def bench(tier: str, engine: str, samples: int, interval: int) -> dict:
    sources_for(tier, 7)  # generated once under build/bench/<tier>/sources, shared with the other benchmarks
    work = BENCH / "latency_marts" / f"{tier}_{engine}"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(BENCH / tier / "sources", work / "sources")
    cfg = GeneratorConfig(tier=tier, seed=7, out_dir=work)
    cad_url, cms_url = cfg.resolved_cad_url, cfg.resolved_cms_url
    dest = fresh_destination(f"marts_latency_{tier}", engine)
    log(f"[{tier}/{engine}] loading the sources into {dest.describe()}")
    load_sources(cad_url, cms_url, dest)
    env = dbt_environment_for(dest, work / "dbt")
    started = time.perf_counter()
    dbt = str(Path(sys.executable).with_name("dbt"))
    build = subprocess.run(
        [dbt, "build", "--exclude", "source:suppression+", "path:models/public_candidates", "--quiet"],
        cwd=PROJECT_ROOT,
        env=env,
    )
    if build.returncode:
        raise SystemExit(f"the first dbt build failed (exit {build.returncode})")
    log(f"[{tier}/{engine}] first dbt build: {time.perf_counter() - started:.0f} s")

    home = work / "dagster_home"
    home.mkdir(parents=True)
    # Launch runs as soon as the sensor asks (the queued coordinator would add its dequeue interval).
    (home / "dagster.yaml").write_text(
        "telemetry:\n  enabled: false\n"
        "run_coordinator:\n  module: dagster._core.run_coordinator\n  class: DefaultRunCoordinator\n"
    )
    env.update(
        DAGSTER_HOME=str(home),
        ARP_CAD_URL=cad_url,
        ARP_CMS_URL=cms_url,
        ARP_CAD_SENSOR="on",
        ARP_CAD_SENSOR_INTERVAL_SECONDS=str(interval),
        DBT_TARGET_PATH=str(work / "dagster_dbt"),
        # Dagster's prepared manifest and partial-parse cache, parsed with this warehouse's profile:
        # one prepared by another process (the tests, `make demo`) names another DuckDB file, and dbt
        # then parses the whole project again on every run (seconds of each sample).
        ARP_DAGSTER_DBT_TARGET=str(work / "dagster_parse"),
    )
    # The layout `make ui` (dagster dev) runs: one long-lived code server, which the daemon reaches
    # through a workspace file. A daemon given the module itself starts its own code server and
    # replaces it every minute, loading the definitions again (seconds of CPU taken from a run).
    socket = work / "code_server.sock"
    server_log = open(work / "code_server.log", "w")  # noqa: SIM115 (held by the server until it is stopped)
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("dagster")), "code-server", "start", "-m", "orchestration.definitions"]
        + ["--socket", str(socket), "--location-name", "orchestration.definitions"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=server_log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    health = [str(Path(sys.executable).with_name("dagster")), "api", "grpc-health-check", "--socket", str(socket)]
    deadline = time.monotonic() + 300
    while subprocess.run(health, capture_output=True, env=env).returncode != 0:
        if server.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the code server did not start; see {work / 'code_server.log'}")
        time.sleep(1)
    workspace = work / "workspace.yaml"
    location = {"socket": str(socket), "location_name": "orchestration.definitions"}
    workspace.write_text(yaml.safe_dump({"load_from": [{"grpc_server": location}]}))
    daemon_log = open(work / "daemon.log", "w")  # noqa: SIM115 (held by the daemon until it is stopped)
    daemon = subprocess.Popen(
        [str(Path(sys.executable).with_name("dagster-daemon")), "run", "-w", str(workspace)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=daemon_log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log(
        f"[{tier}/{engine}] code server and dagster-daemon started (sensor interval {interval} s, the daemon "
        f"looks every 5 s), logs in {work / 'code_server.log'} and {work / 'daemon.log'}"
    )
    results: list[float] = []
    breakdowns: list[dict[str, float]] = []
    try:
        with dg.DagsterInstance.from_config(str(home)) as instance:
            # The sensor's first tick (no cursor yet) always starts a run: let it finish first.
            first_started = time.monotonic()
            while not instance.get_run_records(dg.RunsFilter(job_name=JOB), limit=1):
                if time.monotonic() - first_started > 300 or daemon.poll() is not None:
                    raise RuntimeError(f"no {JOB} run started; see {work / 'daemon.log'}")
                time.sleep(0.5)
            wait_idle(instance, daemon, 1800, "the first run")
            first_run = time.monotonic() - first_started
            log(f"[{tier}/{engine}] first run (the sensor's first tick) done after {first_run:.0f} s")
            for i in range(samples):
                wait_idle(instance, daemon, 1800, "the previous sample's run")
                seconds, spent = one_sample(instance, daemon, dest, cfg, cad_url)
                results.append(seconds)
                breakdowns.append(spent)
                log(f"[{tier}/{engine}] sample {i + 1}/{samples}: in marts.fct_incidents after {seconds:.1f} s")
                log("    " + ", ".join(f"{name} {s:.1f}" for name, s in spent.items()))
    finally:
        for process in (daemon, server):  # the daemon, the code server and any run it launched
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        daemon_log.close()
        server_log.close()
    p95 = statistics.quantiles(results, n=20, method="inclusive")[-1] if len(results) > 1 else results[0]
    return {
        "tier": tier,
        "engine": engine,
        "sensor_interval_s": interval,
        "first_run_s": round(first_run, 1),
        "samples_s": [round(s, 1) for s in results],
        "median_s": round(statistics.median(results), 1),
        "p95_s": round(p95, 1),
        "median_phases_s": {
            # over the samples whose run had the phase (a missing step is not a zero)
            name: round(statistics.median(b[name] for b in breakdowns if name in b), 1)
            for name in dict.fromkeys(n for b in breakdowns for n in b)
        },
        "phases_s": breakdowns,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tier", default="demo", choices=["tiny", "demo", "city", "city2x"])
    parser.add_argument("--engines", nargs="+", default=["duckdb", "postgres"], choices=["duckdb", "postgres"])
    parser.add_argument("--samples", type=int, default=10)
    # Dagster's daemon looks at sensors every 5 s; a minimum interval under that means every look
    # (5 s itself waits for a second look every other tick).
    parser.add_argument("--sensor-interval", type=int, default=1)
    args = parser.parse_args(argv)
    out = BENCH / "latency.json"
    previous = json.loads(out.read_text()) if out.exists() else {}
    for engine in args.engines:
        previous[f"{args.tier}/{engine}"] = bench(args.tier, engine, args.samples, args.sensor_interval)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(previous, indent=2))
    print("\ninsert at the CAD source -> row in marts.fct_incidents (daemon and CAD sensor running)")
    print(f"  {'tier':<6} {'engine':<9} {'median':>8} {'p95':>8} {'first run':>10}  samples")
    for r in previous.values():
        print(
            f"  {r['tier']:<6} {r['engine']:<9} {r['median_s']:>7.1f}s {r['p95_s']:>7.1f}s "
            f"{r['first_run_s']:>9.0f}s  {r['samples_s']}"
        )
    for r in previous.values():
        if "median_phases_s" in r:
            spent = ", ".join(f"{name} {s:.1f}" for name, s in r["median_phases_s"].items())
            print(f"  {r['tier']}/{r['engine']}, median of each phase (s): {spent}")
    print(f"\nwritten to {out.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
