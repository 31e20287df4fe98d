"""Public tables replace the published ones only after their blocking checks pass on the new rows.

Each new version is written beside the live table (`public_marts.<table>__candidate`), the
blocking checks of expectations/public_marts.yml run against the candidates, and only when every
one passes are all candidates swapped in, in one transaction. A failing check drops the
candidates, leaves the published tables as they were and raises an error naming the table, the
check and what it found. (Dagster's asset checks on the same tables still run after the step:
this gate is what keeps a bad version from ever being readable.)
"""
from __future__ import annotations

from dataclasses import replace

from orchestration.ingest.destination import Destination
from orchestration.ingest.warehouse import connect, q

CANDIDATE_SUFFIX = "__candidate"
SCHEMA = "public_marts"


class PublicTableCheckFailed(RuntimeError):
    """A blocking check failed on a new version of a public table; the published one is unchanged."""


def candidate_name(table: str) -> str:
    return f"{table}{CANDIDATE_SUFFIX}"


def _suite_for_candidate(asset):
    live = f"{SCHEMA}.{asset.asset_key[-1]}"
    candidate = f"{SCHEMA}.{candidate_name(asset.asset_key[-1])}"
    batches = {name: replace(batch, table=candidate if batch.table == live else batch.table,
                             query=batch.query.replace(live, candidate) if batch.query else batch.query)
               for name, batch in asset.batches.items()}
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
                failures.append(f"{SCHEMA}.{table}: blocking check {name} failed on the new version "
                                f"({first.description or first.type}: {found})")
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


def publish_checked(dest: Destination, tables: list[str]) -> None:
    """Check the written candidates of `tables`, then swap them all in, or drop them all and raise."""
    failures = check_candidates(dest, tables)
    if failures:
        drop_candidates(dest, tables)
        raise PublicTableCheckFailed("public tables not published; the previous version stays in place: "
                                     + "; ".join(failures))
    swap_in(dest, tables)
