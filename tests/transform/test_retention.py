"""Disk use stays bounded over repeated runs: the real dbt asset, run six times in a real Dagster
instance with a retention of two dbt targets, writes a dbt target folder (manifest, run results,
compiled SQL) per run and Dagster keeps every run's event log; the dbt step prunes both to the
configured retention before dbt starts. Without the pruning the targets alone would grow by one
folder a run, past the bound asserted here: six runs are three times the retention, so from the
third run on every run must remove as much as it adds."""

from __future__ import annotations

import shutil
import time

import dagster as dg
import pytest

from orchestration.retention import Retention, RetentionSettingError, folder_bytes

RUNS = 6
KEEP_TARGETS = 2
MODEL = dg.AssetKey(["staging", "base_cad__calls"])


@pytest.mark.slow
def test_disk_use_is_bounded_over_repeated_runs(duckdb_default, tmp_path, monkeypatch):
    from orchestration.transform.assets import build_dbt_assets, dbt_resource

    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(duckdb_default.warehouse.duckdb_path, warehouse)
    target_root, home = tmp_path / "dbt_target", tmp_path / "dagster_home"
    home.mkdir()
    for name, value in {
        "ARP_DUCKDB_PATH": str(warehouse),
        "DBT_TARGET_PATH": str(target_root),
        "DBT_LOG_PATH": str(tmp_path / "dbt_logs"),
        "ARP_KEEP_DBT_TARGETS": str(KEEP_TARGETS),
        # four seconds, so runs several seconds apart span several retention periods
        "ARP_RUN_HISTORY_DAYS": str(4 / 86400),
    }.items():
        monkeypatch.setenv(name, value)
    import orchestration.retention as retention

    monkeypatch.setattr(retention, "IN_USE_SECONDS", 0)  # the test's folders are all seconds old
    resource = dbt_resource()

    sizes, runs_kept, per_run = [], [], []
    with dg.instance_for_test(temp_dir=str(home)) as instance:
        for _ in range(RUNS):
            before = {p.name for p in target_root.iterdir() if p.is_dir()} if target_root.exists() else set()
            result = dg.materialize(
                [build_dbt_assets()],
                selection=dg.AssetSelection.assets(MODEL),
                resources={"dbt": resource},
                instance=instance,
            )
            assert result.success
            per_run += [folder_bytes(p) for p in target_root.iterdir() if p.is_dir() and p.name not in before]
            sizes.append(folder_bytes(target_root) + folder_bytes(home))
            runs_kept.append(len(instance.get_run_records()))
            time.sleep(1.0)
    folder = max(per_run)
    print(
        f"\none dbt target folder: {folder / 1e6:.1f} MB; disk after each run: "
        + ", ".join(f"{size / 1e6:.1f} MB" for size in sizes)
        + f"; without pruning: {RUNS * folder / 1e6:.1f} MB of targets; runs kept after run {RUNS}: {runs_kept[-1]}"
    )
    assert len(per_run) == RUNS, "each run writes its own dbt target folder"
    # from the run after the retention is full, every run removes as much as it adds
    full = KEEP_TARGETS + 1
    assert max(sizes[full:]) <= max(sizes[:full]) + folder, f"disk use grew: {sizes}"
    # folders only: beside them sits the partial-parse cache every run starts from (one file)
    folders = [p for p in target_root.iterdir() if p.is_dir()]
    assert len(folders) <= KEEP_TARGETS + 1, sorted(p.name for p in folders)
    assert runs_kept[-1] < RUNS / 2, f"run history was not pruned: {runs_kept}"


@pytest.mark.parametrize(
    "env, name",
    [
        ({"ARP_KEEP_DBT_TARGETS": "0"}, "ARP_KEEP_DBT_TARGETS"),
        ({"ARP_KEEP_DBT_TARGETS": "5; rm -rf /"}, "ARP_KEEP_DBT_TARGETS"),
        ({"ARP_RUN_HISTORY_DAYS": "-1"}, "ARP_RUN_HISTORY_DAYS"),
        ({"ARP_RUN_HISTORY_DAYS": "nan"}, "ARP_RUN_HISTORY_DAYS"),
    ],
)
def test_retention_settings_are_numbers_in_range(env, name):
    with pytest.raises(RetentionSettingError, match=name):
        Retention.from_env(env)
    assert Retention.from_env({}) == Retention(5, 30.0)
