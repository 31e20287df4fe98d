"""Whether a run's process is still alive, so a run killed by the machine does not block the next.

A run whose worker is killed (kill -9, out of memory, a reboot) stays STARTED in Dagster forever,
and the CAD sensor would wait for it forever. Each run therefore records its worker process in its
tags when its first step starts (`arp/worker`: host, pid and the process's start time, so a reused
pid is not mistaken for it), and dbt's process when dbt starts (`arp/dbt`). The sensor asks
`end_dead_runs` before it waits for a run: a run whose worker is gone is marked failed, and its dbt
process, which a killed worker leaves running on its own, is ended with it.

Under `dagster-daemon` (or `dagster dev`) the code server that launched a run notices when its
worker dies and marks the run failed itself, but it knows nothing of the dbt process the worker
started, which keeps building on its own and, on DuckDB, holds the warehouse's only write lock
so the next run fails. `end_orphaned_children` therefore also ends the dbt process of every
recently failed or canceled run. The daemon's run monitoring (dagster.yaml `run_monitoring`)
fails runs whose worker never reached a step; the checks here need no daemon, so they also work
when the code server died with the worker, and in tests.
"""

from __future__ import annotations

import os
import signal
import socket
import time
from pathlib import Path

import dagster as dg

WORKER_TAG = "arp/worker"
DBT_TAG = "arp/dbt"


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat), or None."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat[stat.rindex(")") + 2 :].split()[19]


def _is_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat[stat.rindex(")") + 2 :].split()[0] in ("Z", "X")


def process_tag(pid: int) -> str:
    return f"{socket.gethostname()}:{pid}:{_start_time(pid)}"


def _parse(tag: str | None) -> tuple[str, int, str] | None:
    try:
        host, pid, started = str(tag).rsplit(":", 2)
        return host, int(pid), started
    except (ValueError, AttributeError):
        return None


def is_alive(tag: str | None) -> bool | None:
    """True/False for a process recorded on this host; None when it cannot be told from here."""
    parsed = _parse(tag)
    if parsed is None or parsed[0] != socket.gethostname():
        return None
    _, pid, started = parsed
    return _start_time(pid) == started and not _is_zombie(pid)


def record_worker(context) -> None:
    """Tag the run with this process (once per run; every step of an in-process run shares it)."""
    if WORKER_TAG not in context.run.tags:
        context.instance.add_run_tags(context.run.run_id, {WORKER_TAG: process_tag(os.getpid())})


def record_child(context, pid: int) -> None:
    context.instance.add_run_tags(context.run.run_id, {DBT_TAG: process_tag(pid)})


def _end(tag: str | None) -> bool:
    if not is_alive(tag):
        return False
    _, pid, _ = _parse(tag)
    os.kill(pid, signal.SIGTERM)  # dbt stops its queries and exits on SIGTERM
    for _ in range(50):
        if not is_alive(tag):
            return True
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)
    return True


def end_dead_runs(instance: dg.DagsterInstance, records) -> list[str]:
    """Mark failed every run of `records` whose worker process is gone; end its dbt process.
    Returns the ids of the runs ended."""
    ended = []
    for record in records:
        run = record.dagster_run
        if is_alive(run.tags.get(WORKER_TAG)) is not False:
            continue
        child = " and its orphaned dbt process was ended" if _end(run.tags.get(DBT_TAG)) else ""
        instance.report_run_failed(
            run, message=f"run {run.run_id}: its worker process ({run.tags[WORKER_TAG]}) is gone{child}; marked failed"
        )
        ended.append(run.run_id)
    return ended


def end_orphaned_children(records) -> list[str]:
    """End the dbt process each finished run of `records` left running; returns those runs' ids.

    A pid is only signalled when its start time matches the tag, so a reused pid is left alone."""
    return [record.dagster_run.run_id for record in records if _end(record.dagster_run.tags.get(DBT_TAG))]
