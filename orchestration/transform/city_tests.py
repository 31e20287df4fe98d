"""The dbt tests a city cannot run because it lacks the table they test, and why.

A city profile that does not have a source table (say a CAD-only city has no case-management
encounters) still gets the raw table, empty, so every model builds. A dbt test of that table (or of
its base_/stg_ models) would then pass on no rows and claim something it never checked: such tests
are left out of that city's `dbt build` and listed with the reason ("needs case-management
encounters") in the run's log and in `<city build>/dbt/skipped_tests.csv`.
"""

from __future__ import annotations

import csv
import json
from functools import lru_cache
from pathlib import Path

from orchestration.paths import PROJECT_ROOT
from orchestration.settings import settings

PROJECT = "alt_response"
SYSTEM_SCHEMA = {"cad": "raw_cad", "cms": "raw_cms"}
LABELS = PROJECT_ROOT / "seeds" / "source_data.csv"


def missing_tables() -> list[str]:
    """The `<system>.<table>` tokens of ARP_CITY_MISSING_DATA (set by the city profile); columns are not tables."""
    return [i for i in settings().missing_data() if i.count(".") == 1]


def _labels() -> dict[str, str]:
    with LABELS.open(newline="") as f:
        return {row["requirement"]: row["label"] for row in csv.DictReader(f)}


def _table_nodes(token: str) -> set[str]:
    system, table = token.split(".")
    return {
        f"source.{PROJECT}.{SYSTEM_SCHEMA[system]}.{table}",
        f"model.{PROJECT}.base_{system}__{table}",
        f"model.{PROJECT}.stg_{system}__{table}",
    }


@lru_cache(maxsize=4)
def skipped_tests(manifest_path: Path, missing: tuple[str, ...]) -> dict[str, str]:
    """{test name: reason} for every test that reads a table the city lacks (directly or via its base_/stg_ model)."""
    if not missing:
        return {}
    labels = _labels()
    lacking = {node: labels.get(token, token) for token in missing for node in _table_nodes(token)}
    manifest = json.loads(Path(manifest_path).read_text())
    skipped = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test":
            continue
        needs = sorted({lacking[n] for n in node["depends_on"]["nodes"] if n in lacking})
        if needs:
            skipped[node["name"]] = "needs " + ", ".join(needs)
    return dict(sorted(skipped.items()))


def city_skipped_tests(manifest_path: Path) -> dict[str, str]:
    return skipped_tests(Path(manifest_path), tuple(missing_tables()))


def write_skipped_tests(skipped: dict[str, str], out_dir: Path) -> Path:
    """The record of what this city's build left out and why (one row per dbt test)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "skipped_tests.csv"
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["test", "reason"])
        writer.writerows(skipped.items())
    return path
