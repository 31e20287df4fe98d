"""Disk use stays bounded over 20 runs: each run's dbt target folder (a real dbt parse's output)
and its Dagster run history are pruned to the configured retention, in a real Dagster instance."""

from __future__ import annotations

import shutil
import time
import uuid

import dagster as dg
import pytest

from orchestration.retention import Retention, RetentionSettingError, folder_bytes, prune
from transform.dbt_runner import Warehouse, run_dbt

RUNS = 20


def test_disk_use_is_bounded_over_20_runs(tmp_path, monkeypatch):
    template = tmp_path / "template"
    run_dbt(Warehouse("duckdb", template, duckdb_path=tmp_path / "w.duckdb"), ["parse"], echo=False)
    target_root = tmp_path / "dbt_target"
    target_root.mkdir()
    home = tmp_path / "dagster_home"
    home.mkdir()
    monkeypatch.setenv("DBT_TARGET_PATH", str(target_root))
    monkeypatch.setenv("ARP_KEEP_DBT_TARGETS", "3")
    monkeypatch.setenv("ARP_RUN_HISTORY_DAYS", str(4 / 86400))  # four seconds, so 20 runs span several periods

    @dg.op
    def dbt_like_step(context):
        context.log.info(prune(context.instance))
        # what dagster-dbt writes for each invocation: the target (and log) of one dbt command
        folder = target_root / f"dbt_build-{context.run.run_id[:7]}-{uuid.uuid4().hex[:7]}"
        shutil.copytree(template / "target", folder)

    @dg.job
    def pipeline():
        dbt_like_step()

    sizes, runs_kept = [], []
    with dg.instance_for_test(temp_dir=str(home)) as instance:
        import orchestration.retention as retention

        monkeypatch.setattr(retention, "IN_USE_SECONDS", 0)  # the test's folders are all seconds old
        for _ in range(RUNS):
            assert pipeline.execute_in_process(instance=instance).success
            sizes.append(folder_bytes(target_root) + folder_bytes(home))
            runs_kept.append(len(instance.get_run_records()))
            time.sleep(1.0)
    per_run = folder_bytes(template / "target")
    print(
        f"\none dbt target: {per_run / 1e6:.1f} MB; disk after runs 1, 5, 10, 20: "
        + ", ".join(f"{sizes[i - 1] / 1e6:.1f} MB" for i in (1, 5, 10, 20))
        + f"; without pruning: {RUNS * per_run / 1e6:.1f} MB of targets; runs kept after run 20: {runs_kept[-1]}"
    )
    assert max(sizes[4:]) <= 4 * per_run + max(sizes[:5]) * 0.5, f"disk use grew: {sizes}"
    assert sizes[-1] < 0.5 * RUNS * per_run
    assert len(list(target_root.iterdir())) <= 4
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
