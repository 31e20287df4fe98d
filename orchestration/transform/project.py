"""Where the dbt project lives and how Dagster reaches it.

The target (`duckdb` or `postgres`) comes from ARP_TARGET, like the dbt profile itself. The
manifest Dagster reads is (re)created with `dbt parse` when it is missing or older than any file or
folder of the dbt project (a folder's time changes when a file in it is added, removed or renamed),
so editing a model never needs a manual step (a stale manifest would name dbt tests that no longer
exist), and a load with nothing edited, `dagster dev` included, reads the prepared manifest.
The dbt executable is the one installed beside this Python (the project's virtual environment),
so nothing depends on the caller's PATH.
"""

from __future__ import annotations

import fcntl
import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from orchestration.paths import PROJECT_ROOT
from orchestration.settings import settings


def dagster_target_path() -> Path:
    """Dagster's own parse goes beside the dbt CLI's target so the two never fight over partial
    parsing. A city profile other than the demo city parses into its own build/<city>/ (its seeds differ)."""
    return Path(settings().dagster_dbt_target)


def dbt_target() -> str:
    return settings().target


def dbt_beside_python() -> Path:
    """The dbt of this Python's environment: the dbt-core this process imports."""
    return Path(sys.executable).with_name("dbt")


def dbt_executable() -> str:
    beside_python = dbt_beside_python()
    if beside_python.exists():
        return str(beside_python)
    return shutil.which("dbt") or "dbt"


PARTIAL_PARSE = "partial_parse.msgpack"

PROJECT_INPUTS = (
    "dbt_project.yml",
    "profiles.yml",
    "models",
    "macros",
    "seeds",
    "cities",
    "tests/dbt",
    "snapshots",
    "analyses",
    "docs/dbt",
)


def manifest_is_stale(project: DbtProject) -> bool:
    """True when the manifest is missing or a dbt project file or folder changed after it was written."""
    if not project.manifest_path.exists():
        return True
    written = project.manifest_path.stat().st_mtime
    for name in PROJECT_INPUTS:
        path = project.project_dir / name
        if not path.exists():
            continue
        paths = [path] if path.is_file() else [path, *path.rglob("*")]
        if any(p.stat().st_mtime > written for p in paths):
            return True
    return False


def parse_manifest(project: DbtProject) -> Path:
    """`dbt parse` into the Dagster target path, one process at a time (a lock file guards it)."""
    target = project.project_dir / project.target_path
    target.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, DBT_PROFILES_DIR=str(project.profiles_dir))
    with open(target / ".parse.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        proc = subprocess.run(
            [
                dbt_executable(),
                "parse",
                "--quiet",
                "--target-path",
                str(target),
                "--target",
                project.target or dbt_target(),
            ],
            cwd=project.project_dir,
            env=env,
            capture_output=True,
            text=True,
        )
    if proc.returncode != 0 or not project.manifest_path.exists():
        raise RuntimeError(
            f"`dbt parse` of {project.project_dir} failed (rc={proc.returncode}); "
            f"no manifest at {project.manifest_path}:\n{proc.stdout[-3000:]}{proc.stderr[-2000:]}"
        )
    return project.manifest_path


def reuse_prepared_parse(project: DbtProject) -> None:
    """Let a run's dbt re-parse only what changed since the prepared manifest (about 3 s here)
    instead of the whole project (about 8 s): dagster-dbt gives each invocation a fresh target folder
    and seeds it with the partial-parse cache it finds in the dbt target path (DBT_TARGET_PATH), so the
    cache written by `parse_manifest` is put there. dbt still parses in full when a project file or an
    environment variable the project reads differs from what the cache recorded."""
    prepared = project.project_dir / project.target_path / PARTIAL_PARSE
    root = Path(os.environ.get("DBT_TARGET_PATH") or "target")
    root = root if root.is_absolute() else project.project_dir / root
    cached = root / PARTIAL_PARSE
    if not prepared.exists() or cached == prepared:
        return
    if not cached.exists() or cached.stat().st_mtime < prepared.stat().st_mtime:
        root.mkdir(parents=True, exist_ok=True)
        shutil.copy2(prepared, cached)


def dbt_project() -> DbtProject:
    """The dbt project for the target and city profile set now, its manifest parsed when stale."""
    return _dbt_project(dbt_target(), dagster_target_path())


@functools.cache
def _dbt_project(target: str, target_path: Path) -> DbtProject:
    project = DbtProject(
        project_dir=PROJECT_ROOT,
        profiles_dir=PROJECT_ROOT,
        target_path=target_path,
        target=target,
    )
    if manifest_is_stale(project):
        parse_manifest(project)
    return project
