"""Where the dbt project lives and how Dagster reaches it.

The target (`duckdb` or `postgres`) comes from ARP_TARGET, like the dbt profile itself. The
manifest is created with `dbt parse` when it is missing (first run of `make demo` or the tests)
and re-created by `dagster dev` on every reload, so editing a model never needs a manual step.
"""
from __future__ import annotations

import os
from pathlib import Path

from dagster_dbt import DbtProject

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# Dagster's own parse goes beside the dbt CLI's target so the two never fight over partial parsing.
DAGSTER_TARGET_PATH = Path("build/dbt/dagster_target")


def dbt_target() -> str:
    return os.environ.get("ARP_TARGET", "duckdb")


def build_dbt_project() -> DbtProject:
    project = DbtProject(
        project_dir=PROJECT_ROOT,
        profiles_dir=PROJECT_ROOT,
        target_path=DAGSTER_TARGET_PATH,
        target=dbt_target(),
    )
    project.prepare_if_dev()
    if not project.manifest_path.exists():
        project.preparer.prepare(project)
    return project


dbt_project = build_dbt_project()
