"""Every catalog metric has a dbt unit test of its boundary cases: its metric id is among the rows
some unit test expects (models/intermediate/_intermediate__unit_tests.yml). `dbt build` runs them
(tests/transform/test_dbt_build.py); this keeps a new metric from arriving without one."""

from __future__ import annotations

import csv
from pathlib import Path

import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_every_catalog_metric_has_a_unit_test():
    tested = set()
    for path in sorted((PROJECT_ROOT / "models").rglob("*unit_tests.yml")):
        for unit_test in yaml.safe_load(path.read_text())["unit_tests"]:
            tested |= {row["metric_id"] for row in unit_test["expect"].get("rows", []) if "metric_id" in row}
    with open(PROJECT_ROOT / "seeds" / "metric_catalog.csv", newline="") as fh:
        catalog = [row["metric_id"] for row in csv.DictReader(fh)]
    untested = [m for m in catalog if m not in tested]
    assert len(catalog) >= 30
    assert not untested, f"metrics with no dbt unit test expecting a row of theirs: {untested}"


def test_unit_test_names_fit_a_postgresql_identifier():
    """dbt names a unit test's relation after the test, and PostgreSQL refuses identifiers over 63
    bytes: a longer name builds on DuckDB and fails the whole PostgreSQL build."""
    names = [
        unit_test["name"]
        for path in sorted((PROJECT_ROOT / "models").rglob("*.yml"))
        for unit_test in (yaml.safe_load(path.read_text()) or {}).get("unit_tests", [])
    ]
    assert len(names) >= 20
    too_long = [n for n in names if len(n.encode()) > 63]
    assert not too_long, f"unit test names over 63 bytes: {too_long}"
