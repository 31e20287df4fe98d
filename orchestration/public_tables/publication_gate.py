"""Public tables replace the published ones only after their blocking checks pass on the new rows.

The public tables built from the suppression decisions are dbt models (models/public_marts/
suppressed). The pipeline never lets dbt rebuild them in place: it builds each new version beside
the live table as `public_marts.<table>__candidate` (dbt variable `publication_candidate`, see
macros/publication.sql), so dbt's contracts and tests run on the candidates; then the blocking
checks of expectations/public_marts.yml run against the candidates, and only when every one
passes are all candidates renamed over the published tables, in one transaction. A failing dbt
test or check drops the candidates, leaves the published tables as they were and raises an error
naming the table, the check and what it found. (Dagster's asset checks on the same tables still
run after the step: this gate is what keeps a bad version from ever being readable.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from orchestration.ingest.warehouse import connect, q
from orchestration.paths import PROJECT_ROOT
from orchestration.warehouse.destination import Destination

CANDIDATE_SUFFIX = "__candidate"
SCHEMA = "public_marts"
# The public tables that read the suppression decisions, and the dbt arguments that build their
# new versions as candidates (with the decisions' own tests first).
GATED_TABLES = ("pub_metric_values", "pub_people_served_demographics", "pub_staff_demographics")
CANDIDATE_SELECTION = "source:suppression+"
CANDIDATE_VARS = "{publication_candidate: true}"


class PublicTableCheckFailed(RuntimeError):
    """A dbt test or blocking check failed on a new version of a public table; the published one is unchanged."""


def candidate_name(table: str) -> str:
    return f"{table}{CANDIDATE_SUFFIX}"


def _suite_for_candidate(asset):
    live = f"{SCHEMA}.{asset.asset_key[-1]}"
    candidate = f"{SCHEMA}.{candidate_name(asset.asset_key[-1])}"
    batches = {
        name: replace(
            batch,
            table=candidate if batch.table == live else batch.table,
            query=batch.query.replace(live, candidate) if batch.query else batch.query,
        )
        for name, batch in asset.batches.items()
    }
    return replace(asset, batches=batches)


def check_candidates(dest: Destination, tables: list[str]) -> list[str]:
    """The blocking checks of each candidate table; a list of failures (empty = publishable)."""
    from orchestration.quality.runner import validate_asset
    from orchestration.quality.suites import load_suites
    from orchestration.quality.warehouse import Warehouse

    suites = {tuple(a.asset_key): a for a in load_suites()}
    failures = []
    for table in tables:
        asset = suites.get((SCHEMA, table))
        if asset is None:
            continue
        blocking = [c.name for c in asset.checks if c.blocking]
        if not blocking:
            continue
        outcome = validate_asset(_suite_for_candidate(asset), Warehouse(dest), checks=blocking, results_dir=None)
        for name, check in outcome.checks.items():
            if not check.passed:
                first = check.failures[0]
                found = first.error or f"{first.unexpected_count or first.observed} unexpected"
                failures.append(
                    f"{SCHEMA}.{table}: blocking check {name} failed on the new version "
                    f"({first.description or first.type}: {found})"
                )
    return failures


def swap_in(dest: Destination, tables: list[str]) -> None:
    """Replace every published table by its candidate in one transaction."""
    with connect(dest) as warehouse:
        warehouse.begin()
        try:
            for table in tables:
                warehouse.execute(f"DROP TABLE IF EXISTS {SCHEMA}.{q(table)}")
                warehouse.execute(f"ALTER TABLE {SCHEMA}.{q(candidate_name(table))} RENAME TO {q(table)}")
            warehouse.commit()
        except Exception:
            warehouse.rollback()
            raise


def drop_candidates(dest: Destination, tables: list[str]) -> None:
    with connect(dest) as warehouse:
        for table in tables:
            warehouse.execute(f"DROP TABLE IF EXISTS {SCHEMA}.{q(candidate_name(table))}")


def publish_checked(
    dest: Destination, tables: list[str] | tuple[str, ...] = GATED_TABLES, dbt_failure: str | None = None
) -> None:
    """Check the built candidates of `tables`, then swap them all in, or drop them all and raise.
    `dbt_failure` is what failed in the dbt build of the candidates, if anything did."""
    tables = list(tables)
    if dbt_failure:
        drop_candidates(dest, tables)
        raise PublicTableCheckFailed(
            "public tables not published; the previous version stays in place: "
            f"the dbt build of the new version failed: {dbt_failure}"
        )
    missing = [t for t in tables if not _exists(dest, candidate_name(t))]
    if missing:
        drop_candidates(dest, tables)
        raise PublicTableCheckFailed(
            "public tables not published; the previous version stays in place: "
            "no new version of " + ", ".join(f"{SCHEMA}.{t}" for t in missing) + " was built"
        )
    failures = check_candidates(dest, tables)
    if failures:
        drop_candidates(dest, tables)
        raise PublicTableCheckFailed(
            "public tables not published; the previous version stays in place: " + "; ".join(failures)
        )
    swap_in(dest, tables)


def _exists(dest: Destination, table: str) -> bool:
    with connect(dest) as warehouse:
        return bool(
            warehouse.query(
                "select 1 from information_schema.tables where table_schema = ? and table_name = ?", (SCHEMA, table)
            )
        )


def dbt_environment_for(dest: Destination, work_dir: Path) -> dict[str, str]:
    """The environment of a dbt process that builds into `dest`, with its own target and logs."""
    from orchestration.privacy.hash_key import dbt_environment

    env = dict(
        os.environ,
        ARP_TARGET=dest.kind,
        DBT_PROFILES_DIR=str(PROJECT_ROOT),
        DBT_PROJECT_DIR=str(PROJECT_ROOT),
        DBT_TARGET_PATH=str(work_dir / "target"),
        DBT_LOG_PATH=str(work_dir / "logs"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    if dest.kind == "duckdb":
        env["ARP_DUCKDB_PATH"] = str(dest.duckdb_path)
    else:
        env.update(
            ARP_PG_HOST=dest.pg_host,
            ARP_PG_PORT=str(dest.pg_port),
            ARP_PG_USER=dest.pg_user,
            ARP_PG_PASSWORD=dest.pg_password,
            ARP_PG_DATABASE=dest.pg_database,
        )
    return dbt_environment(env)


def build_candidates(dest: Destination) -> str | None:
    """`dbt build` of the gated public tables as candidates (outside Dagster, which streams the
    same build through its dbt resource); what failed, or None."""
    dbt = str(Path(sys.executable).with_name("dbt"))
    with tempfile.TemporaryDirectory(prefix="arp_public_candidates_") as work:
        proc = subprocess.run(
            [dbt, "--no-use-colors", "build", "--select", CANDIDATE_SELECTION, "--vars", CANDIDATE_VARS],
            cwd=PROJECT_ROOT,
            env=dbt_environment_for(dest, Path(work)),
            capture_output=True,
            text=True,
        )
        if proc.returncode == 0:
            return None
        return _failed_nodes(Path(work) / "target" / "run_results.json") or (proc.stdout[-2000:] + proc.stderr[-1000:])


def _failed_nodes(run_results: Path) -> str | None:
    """Each failed dbt node with dbt's message (the database error, or the failing test's count)."""
    if not run_results.exists():
        return None
    results = json.loads(run_results.read_text())["results"]
    failed = [
        f"{r['unique_id']}: {' '.join(str(r.get('message') or r['status']).split())}"
        for r in results
        if r["status"] in ("error", "fail")
    ]
    return "; ".join(failed) or None


def publish_gated_tables(dest: Destination) -> None:
    """Build the candidates with dbt, then check and swap them in (or leave yesterday's tables)."""
    publish_checked(dest, GATED_TABLES, dbt_failure=build_candidates(dest))
