"""The warehouse as a Dagster resource setting: every area's resource names its warehouse this way."""

from __future__ import annotations

from dataclasses import replace

import dagster as dg

from orchestration.warehouse.destination import Destination


class WarehouseResource(dg.ConfigurableResource):
    """The warehouse a step reads or writes. Unset fields come from the environment (ARP_TARGET,
    ARP_DUCKDB_PATH, ARP_PG_*), as dbt's profile reads them, so every step meets the same warehouse."""

    target: str | None = None
    duckdb_path: str | None = None
    pg_database: str | None = None

    def destination(self) -> Destination:
        dest = Destination.from_env(target=self.target)
        if self.duckdb_path:
            dest = replace(dest, duckdb_path=Destination.duckdb(self.duckdb_path).duckdb_path)
        if self.pg_database:
            dest = replace(dest, pg_database=self.pg_database)
        return dest
