"""The deployed path for a killed run: `dagster-daemon`, with the instance settings `make demo`
writes (run monitoring on), runs the CAD sensor and launches each run in its own worker process.
The worker of a run is killed with SIGKILL while its dbt child builds. The next CAD insert must
reach marts.fct_incidents through a run started within two sensor ticks of the kill, the killed
run must be marked failed, and its orphaned dbt process must be ended: left running, it holds
DuckDB's single writer lock and finishes the dead run's build with no Dagster record.

The processes are found from Dagster's own event log and /proc, not from the platform's run tags,
so the test checks the recovery without trusting the code that implements it."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest
import sqlalchemy as sa

from orchestration.ingest.destination import Destination
from orchestration.ingest.loader import load_sources
from orchestration.synthetic import GeneratorConfig, generate
from orchestration.synthetic.live import LiveCity

from transform.dbt_runner import PROJECT_ROOT, Warehouse, run_dbt

pytestmark = pytest.mark.slow

SENSOR_SECONDS = 10
# Generous: a cad_incremental run on the tiny city takes about a minute alone, far longer on a busy machine.
RUN_SECONDS = 1500


def _incidents(path) -> set[str]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {r[0] for r in con.execute("select incident_number from marts.fct_incidents").fetchall()}


def _source_incidents(cfg) -> set[str]:
    with sa.create_engine(cfg.resolved_cad_url).connect() as con:
        return {r[0] for r in con.execute(sa.text("select incident_number from incidents")).fetchall()}


def _proc_start(pid: int) -> str | None:
    try:
        stat = open(f"/proc/{pid}/stat").read()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()
    return None if fields[0] in ("Z", "X") else fields[19]


def _dbt_children(pid: int) -> list[int]:
    """dbt processes whose parent is `pid`, read from /proc (independent of the run's own tags)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = open(f"/proc/{entry}/stat").read()
            cmdline = open(f"/proc/{entry}/cmdline", "rb").read().split(b"\0")
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        if ppid == pid and any(part.endswith(b"/dbt") for part in cmdline[:2]):
            found.append(int(entry))
    return found


def _worker_pid(instance, run_id: str) -> int | None:
    """The run worker's pid, from the engine event Dagster's run launcher writes when it starts it."""
    for record in instance.all_logs(run_id, of_type=dg.DagsterEventType.ENGINE_EVENT):
        match = re.search(r"Started process for run \(pid: (\d+)\)", record.dagster_event.message or "")
        if match:
            return int(match.group(1))
    return None


def _sensor_ticks(instance, name: str) -> list:
    from dagster._core.definitions.run_request import InstigatorType

    for state in instance.all_instigator_state(instigator_type=InstigatorType.SENSOR):
        if state.instigator_name == name:
            return sorted(instance.get_ticks(state.instigator_origin_id, state.selector_id, limit=500),
                          key=lambda tick: tick.timestamp)
    return []


def test_a_sigkilled_run_under_the_daemon_recovers_within_two_sensor_ticks(tmp_path, monkeypatch):
    cfg = GeneratorConfig(tier="tiny", seed=11, out_dir=tmp_path / "city")
    generate(cfg, progress=False)
    warehouse = tmp_path / "warehouse.duckdb"
    load_sources(cfg.resolved_cad_url, cfg.resolved_cms_url, Destination.duckdb(warehouse), full_refresh=True)
    run_dbt(Warehouse("duckdb", tmp_path / "dbt", duckdb_path=warehouse), ["build"], echo=False)
    known = _incidents(warehouse)

    home = tmp_path / "dagster_home"
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    from orchestration.cli import _dagster_home

    _dagster_home()  # the instance settings `make demo` writes, run monitoring included
    env = {**os.environ, "DAGSTER_HOME": str(home), "ARP_MODE": "demo", "ARP_TARGET": "duckdb",
           "ARP_DUCKDB_PATH": str(warehouse), "ARP_CAD_URL": cfg.resolved_cad_url, "ARP_CMS_URL": cfg.resolved_cms_url,
           "ARP_CAD_SENSOR": "on", "ARP_CAD_SENSOR_INTERVAL_SECONDS": str(SENSOR_SECONDS),
           "DBT_TARGET_PATH": str(tmp_path / "dbt" / "target"), "DBT_LOG_PATH": str(tmp_path / "dbt" / "logs"),
           # A busy machine answers the daemon's calls to the code server slowly; this test is about
           # recovery, so a slow answer must not fail a launch (Dagster's default is 60 s).
           "DAGSTER_GRPC_TIMEOUT_SECONDS": "600"}
    live = LiveCity(cfg, clock=lambda: pd.Timestamp("2024-11-10 12:00:00", tz="UTC").timestamp())
    live.step(new_incidents=3, updates=0)  # the killed run's rows: the sensor's first tick starts a run

    daemon_log = tmp_path / "daemon.log"
    daemon = subprocess.Popen([str(Path(sys.executable).with_name("dagster-daemon")), "run",
                               "-m", "orchestration.definitions"], cwd=PROJECT_ROOT, env=env,
                              stdout=daemon_log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    instance = dg.DagsterInstance.get()
    orphan = None
    try:
        killed, deadline = None, time.monotonic() + RUN_SECONDS
        while killed is None and time.monotonic() < deadline:
            assert daemon.poll() is None, f"dagster-daemon exited: {daemon_log.read_text()[-3000:]}"
            for record in instance.get_run_records(dg.RunsFilter(job_name="cad_incremental"), limit=1):
                worker = _worker_pid(instance, record.dagster_run.run_id)
                children = _dbt_children(worker) if worker else []
                if children:
                    time.sleep(1.0)  # dbt is building
                    orphan = (children[0], _proc_start(children[0]))
                    os.kill(worker, signal.SIGKILL)
                    killed = (record.dagster_run.run_id, time.time())
            time.sleep(0.5)
        assert killed is not None, f"no run reached dbt: {daemon_log.read_text()[-3000:]}"
        killed_run, killed_at = killed
        live.step(new_incidents=2, updates=0)  # the next insert, after the kill
        inserted = _source_incidents(cfg) - known

        delivered, deadline = None, time.monotonic() + RUN_SECONDS
        while delivered is None and time.monotonic() < deadline:
            assert daemon.poll() is None, f"dagster-daemon exited: {daemon_log.read_text()[-3000:]}"
            later = [r.dagster_run for r in instance.get_run_records(dg.RunsFilter(job_name="cad_incremental"))
                     if r.create_timestamp.timestamp() > killed_at]
            failed = [r.run_id for r in later if r.status == dg.DagsterRunStatus.FAILURE]
            assert not failed, f"the run after the kill failed: {failed} (orphaned dbt alive: " \
                               f"{_proc_start(orphan[0]) == orphan[1]})"
            delivered = next((r for r in later if r.status == dg.DagsterRunStatus.SUCCESS), None)
            time.sleep(1.0)
        assert delivered is not None, (
            f"no run after the kill finished in {RUN_SECONDS} s; killed run "
            f"{instance.get_run_by_id(killed_run).status.value}, orphaned dbt alive: "
            f"{_proc_start(orphan[0]) == orphan[1]}, later runs: {[(r.run_id[:8], r.status.value) for r in later]}")
    finally:
        os.killpg(daemon.pid, signal.SIGTERM)  # the daemon, its code server and any run it launched
        try:
            daemon.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(daemon.pid, signal.SIGKILL)
        orphan_left = orphan is not None and _proc_start(orphan[0]) == orphan[1]
        if orphan_left:
            os.kill(orphan[0], signal.SIGKILL)  # never leave the test's own dbt process behind

    ticks = [t for t in _sensor_ticks(instance, "cad_source_sensor") if t.timestamp > killed_at]
    tick = next((i + 1 for i, t in enumerate(ticks) if delivered.run_id in t.run_ids), None)
    status = instance.get_run_by_id(killed_run).status
    print(f"\nkilled run {killed_run[:8]}: {status.value}; orphaned dbt left running: {orphan_left}; "
          f"next run {delivered.run_id[:8]} started by sensor tick {tick} after the kill")
    assert status == dg.DagsterRunStatus.FAILURE, f"the killed run is {status.value}"
    assert not orphan_left, "the killed run's dbt process was still running after the next run finished"
    assert tick is not None and tick <= 2, f"the next run was not started within two ticks: tick {tick}"
    assert inserted <= _incidents(warehouse), f"{sorted(inserted - _incidents(warehouse))} missing from fct_incidents"
