"""Publish the suppressed public tables outside Dagster (tests, benchmarks, a hand run), the same
way the pipeline does: decide (decisions.py writes suppression.cell_decisions), let dbt build the
public tables from the candidates and the decisions as `__candidate` tables, and swap them in
only when their blocking checks pass (publication_gate.py).

    python -m orchestration.public_tables.tables          # the warehouse of ARP_TARGET / ARP_DUCKDB_PATH
"""

from __future__ import annotations

import sys

from orchestration.public_tables.decisions import decide_and_write
from orchestration.public_tables.publication_gate import publish_gated_tables
from orchestration.warehouse.destination import Destination


def publish_public_tables(dest: Destination | str | None = None) -> dict[str, dict]:
    """Decide, build and publish every suppressed public table; returns per-table figures."""
    dest = Destination.coerce(dest)
    report = decide_and_write(dest)
    publish_gated_tables(dest)
    return report


if __name__ == "__main__":
    for table, figures in publish_public_tables().items():
        print(f"{table}: {figures}")
    sys.exit(0)
