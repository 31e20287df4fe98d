"""`sqlfluff lint` (dbt templater, rules in .sqlfluff) over the transformation's models and singular tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .dbt_runner import PROJECT_ROOT

# Every model and singular test of the project.
LINTED = [
    "models/staging",
    "models/intermediate/metrics",
    "models/public_candidates",
    "models/public_marts",
    *sorted(str(p.relative_to(PROJECT_ROOT)) for p in (PROJECT_ROOT / "models/intermediate").glob("*.sql")),
    "models/marts",
    "tests/dbt/assert_metric_catalog_matches_metric_values.sql",
    "tests/dbt/assert_eligibility_exclusions_name_incident_flags.sql",
]


@pytest.mark.slow
def test_models_pass_sqlfluff_with_the_dbt_templater(tmp_path):
    sqlfluff = Path(sys.executable).with_name("sqlfluff")
    env = dict(
        os.environ,
        ARP_TARGET="duckdb",
        ARP_DUCKDB_PATH=str(tmp_path / "lint.duckdb"),
        DBT_TARGET_PATH=str(tmp_path / "target"),
        DBT_LOG_PATH=str(tmp_path / "logs"),
        DBT_PROFILES_DIR=str(PROJECT_ROOT),
    )
    proc = subprocess.run(
        [str(sqlfluff), "lint", *LINTED, "--processes", "2"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
    )
    violations = [line for line in proc.stdout.splitlines() if line.startswith(("==", "L:"))]
    assert proc.returncode == 0, (
        "sqlfluff found violations (config: .sqlfluff):\n" + "\n".join(violations[:80]) + "\n" + proc.stderr[-2000:]
    )
