"""A cad_incremental run killed with SIGKILL while dbt builds: the CAD sensor's next tick marks it
failed, ends the dbt process it left behind and starts the next run, and the CAD rows inserted
after the kill reach marts.fct_incidents; all within two sensor ticks.

The worker and its dbt process are found from /proc, not from the tags the platform records, so
the test needs nothing from the code that implements the recovery and fails on code without it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
from transform.dbt_runner import PROJECT_ROOT, Warehouse, run_dbt

from orchestration.ingest.loader import load_sources
from orchestration.ingest.resources import IngestResource
from orchestration.warehouse.destination import Destination
from simulator import GeneratorConfig, generate
from simulator.live import LiveCity

RUN_CAD_INCREMENTAL = """
import dagster as dg
from orchestration.definitions import defs
defs().resolve_job_def("cad_incremental").execute_in_process(instance=dg.DagsterInstance.get())
"""


def _incidents(path) -> set[str]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {r[0] for r in con.execute("select incident_number from marts.fct_incidents").fetchall()}


def _process(pid: int) -> tuple[int, str] | None:
    """(pid, start time) of a live process, so a reused pid is never taken for it; None once gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    return None if fields[0] in ("Z", "X") else (pid, fields[19])


def is_alive(process: tuple[int, str] | None) -> bool:
    return process is not None and _process(process[0]) == process


def _dbt_child(pid: int) -> tuple[int, str] | None:
    """The dbt process whose parent is `pid`, from /proc."""
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if int(stat[stat.rindex(")") + 2 :].split()[1]) == pid and any(a.endswith(b"/dbt") for a in cmdline[:2]):
            return _process(int(entry))
    return None


def _new_numbers(cfg, before: set[str]) -> set[str]:
    import sqlalchemy as sa

    with sa.create_engine(cfg.resolved_cad_url).connect() as con:
        rows = con.execute(sa.text("select incident_number from incidents")).fetchall()
    return {r[0] for r in rows} - before


def test_a_killed_run_is_failed_and_the_next_insert_reaches_fct_incidents(tmp_path, monkeypatch, request):
    cfg = GeneratorConfig(tier="tiny", seed=11, out_dir=tmp_path / "city")
    generate(cfg, progress=False)
    warehouse = tmp_path / "warehouse.duckdb"
    load_sources(cfg.resolved_cad_url, cfg.resolved_cms_url, Destination.duckdb(warehouse), full_refresh=True)
    run_dbt(
        Warehouse("duckdb", tmp_path / "dbt", duckdb_path=warehouse),
        ["build", "--exclude", "source:suppression+"],
        echo=False,
    )  # the public tables need the decisions

    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    env = {
        "DAGSTER_HOME": str(home),
        "ARP_MODE": "demo",
        "ARP_TARGET": "duckdb",
        "ARP_DUCKDB_PATH": str(warehouse),
        "ARP_CAD_URL": cfg.resolved_cad_url,
        "ARP_CMS_URL": cfg.resolved_cms_url,
        "DBT_TARGET_PATH": str(tmp_path / "dbt" / "target"),
        "DBT_LOG_PATH": str(tmp_path / "dbt" / "logs"),
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    live = LiveCity(cfg, clock=lambda: pd.Timestamp("2024-11-10 12:00:00", tz="UTC").timestamp())
    known = _incidents(warehouse)
    live.step(new_incidents=3, updates=0)

    worker = subprocess.Popen(
        [sys.executable, "-c", RUN_CAD_INCREMENTAL],
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    instance = dg.DagsterInstance.get()
    run, dbt_process = None, None
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and worker.poll() is None:
        dbt_process = _dbt_child(worker.pid)
        records = instance.get_run_records(dg.RunsFilter(job_name="cad_incremental"), limit=1)
        if dbt_process and records:
            run = records[0].dagster_run
            break
        time.sleep(0.5)
    assert run is not None, "the run never reached dbt"
    # Without the recovery the killed run's dbt process builds on; never leave it behind the test.
    request.addfinalizer(lambda: is_alive(dbt_process) and os.kill(dbt_process[0], signal.SIGKILL))
    time.sleep(1.0)  # dbt is now building
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    assert instance.get_run_by_id(run.run_id).status == dg.DagsterRunStatus.STARTED, "Dagster noticed by itself"
    orphan_alive = is_alive(dbt_process)

    live.step(new_incidents=2, updates=0)  # the next insert, after the kill
    inserted = _new_numbers(cfg, known)

    from orchestration.automation import build_cad_source_sensor
    from orchestration.definitions import defs

    cad_source_sensor = build_cad_source_sensor()
    definitions = defs()

    resource = IngestResource()
    cursor = "fingerprint of the killed run's rows"
    started_runs = []
    for tick in (1, 2):
        context = dg.build_sensor_context(instance=instance, cursor=cursor, resources={"ingest": resource})
        result = cad_source_sensor(context)
        cursor = context.cursor
        if isinstance(result, dg.RunRequest):
            done = definitions.resolve_job_def("cad_incremental").execute_in_process(
                instance=instance, tags=result.tags
            )
            assert done.success
            started_runs.append(tick)
        if started_runs and inserted <= _incidents(warehouse):
            break
    killed = instance.get_run_by_id(run.run_id)
    print(
        f"\nkilled run {run.run_id[:8]}: {killed.status.value}; orphaned dbt alive after the kill: {orphan_alive}, "
        f"after the tick: {is_alive(dbt_process)}; next run started on tick {started_runs}"
    )
    assert killed.status == dg.DagsterRunStatus.FAILURE
    assert not is_alive(dbt_process), "the killed run's dbt process is still running"
    assert started_runs and started_runs[0] == 1, "the sensor did not start the next run on its first tick"
    assert inserted <= _incidents(warehouse), f"{sorted(inserted - _incidents(warehouse))} missing from fct_incidents"
