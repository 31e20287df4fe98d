"""The prepared manifest is reused until a dbt project file or folder changes: `dagster dev` and
every run load it without `dbt parse`, and an added, edited or removed model still re-parses."""

from __future__ import annotations

import os
import time
from pathlib import Path
from types import SimpleNamespace

from orchestration.transform.project import manifest_is_stale


def _project(root: Path) -> SimpleNamespace:
    return SimpleNamespace(project_dir=root, manifest_path=root / "target" / "manifest.json")


def _age_everything(root: Path, seconds: float) -> None:
    then = time.time() - seconds
    for path in [root, *root.rglob("*")]:
        os.utime(path, (then, then))


def _parsed(project: SimpleNamespace) -> None:
    """A manifest written 30 s ago, after every project file (written 60 s ago)."""
    _age_everything(project.project_dir, 60)
    project.manifest_path.write_text("{}")
    then = time.time() - 30
    os.utime(project.manifest_path, (then, then))


def test_a_manifest_is_stale_only_after_a_project_file_or_folder_changes(tmp_path):
    (tmp_path / "models" / "staging").mkdir(parents=True)
    model = tmp_path / "models" / "staging" / "stg_a.sql"
    model.write_text("select 1 as a")
    (tmp_path / "dbt_project.yml").write_text("name: p\n")
    project = _project(tmp_path)
    assert manifest_is_stale(project), "no manifest yet"

    project.manifest_path.parent.mkdir()
    _parsed(project)
    assert not manifest_is_stale(project), "nothing changed since the parse"

    model.write_text("select 2 as a")
    assert manifest_is_stale(project), "an edited model"

    _parsed(project)
    assert not manifest_is_stale(project)
    model.unlink()  # only the folder's time tells a removed file
    assert manifest_is_stale(project), "a removed model"
