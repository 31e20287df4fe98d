"""Keep build/ and the Dagster storage from growing without end.

Every dbt invocation under Dagster writes its own target folder (manifest, run results, compiled
SQL and its log: about 21 MB on the synthetic city), and Dagster keeps every run's event log.
Without pruning, 33 small runs used 673 MB. Each dbt step therefore prunes before it starts:

* `ARP_KEEP_DBT_TARGETS` (default 5): the newest dbt target folders kept under DBT_TARGET_PATH;
  folders written in the last 10 minutes are always kept (a run may still be writing there);
* `ARP_RUN_HISTORY_DAYS` (default 30): finished Dagster runs older than this are deleted with
  their event logs; running and queued runs are never touched.

dbt's own log (DBT_LOG_PATH/dbt.log) is rotated by dbt itself (10 MB, 5 files).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from orchestration.settings import SettingsError, settings

DEFAULT_KEEP_DBT_TARGETS = 5
DEFAULT_RUN_HISTORY_DAYS = 30.0
IN_USE_SECONDS = 600
# dagster-dbt names each invocation's folder <step>-<run id[:7]>-<random[:7]>; nothing else is pruned.
INVOCATION_FOLDER = re.compile(r".+-[0-9a-f]{7}-[0-9a-f]{7}")
FINISHED = [dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED]


class RetentionSettingError(SettingsError):
    """A retention setting is not a number in its allowed range; the message names it."""


@dataclass(frozen=True)
class Retention:
    keep_dbt_targets: int = DEFAULT_KEEP_DBT_TARGETS
    run_history_days: float = DEFAULT_RUN_HISTORY_DAYS

    @classmethod
    def from_env(cls, env=None) -> Retention:
        """ARP_KEEP_DBT_TARGETS and ARP_RUN_HISTORY_DAYS of `env` (default: the environment)."""
        try:
            current = settings(env)
        except SettingsError as error:
            raise RetentionSettingError(str(error)) from None
        return cls(current.keep_dbt_targets, current.run_history_days)


def folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file()) if Path(path).exists() else 0


def prune_dbt_targets(root: Path, keep: int) -> tuple[int, int]:
    """Remove all but the `keep` newest target folders under `root`; (folders removed, bytes freed)."""
    root = Path(root)
    if not root.is_dir():
        return 0, 0
    folders = sorted(
        (p for p in root.iterdir() if p.is_dir() and INVOCATION_FOLDER.fullmatch(p.name)),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    removed = freed = 0
    now = time.time()
    for folder in folders[keep:]:
        if now - folder.stat().st_mtime < IN_USE_SECONDS:
            continue
        size = folder_bytes(folder)
        shutil.rmtree(folder, ignore_errors=True)
        removed, freed = removed + 1, freed + size
    return removed, freed


def prune_run_history(instance: dg.DagsterInstance, days: float) -> int:
    """Delete finished runs created more than `days` ago; returns how many."""
    cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
    old = instance.get_run_records(dg.RunsFilter(statuses=FINISHED, created_before=cutoff))
    for record in old:
        instance.delete_run(record.dagster_run.run_id)
    return len(old)


def prune(instance: dg.DagsterInstance, retention: Retention | None = None) -> str:
    """Both prunings; a one-line account for the run log."""
    retention = retention or Retention.from_env()
    target_root = Path(os.environ.get("DBT_TARGET_PATH", "target"))
    folders, freed = prune_dbt_targets(target_root, retention.keep_dbt_targets)
    runs = prune_run_history(instance, retention.run_history_days)
    return (
        f"retention: removed {folders} dbt target folders ({freed / 1e6:.1f} MB) beyond the newest "
        f"{retention.keep_dbt_targets}, and {runs} runs older than {retention.run_history_days:g} days"
    )
