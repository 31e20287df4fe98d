"""The warehouse the suites validate: ingestion's `Destination`, reached through SQLAlchemy.

The choice of warehouse is ingestion's (orchestration/warehouse/destination.py), which follows
profiles.yml: ARP_TARGET=duckdb|postgres, ARP_DUCKDB_PATH, ARP_PG_HOST/PORT/USER/PASSWORD/DATABASE.
Great Expectations reaches it through SQLAlchemy, so every expectation runs as SQL inside the
warehouse. DuckDB is opened read-only (through the `duckdb+arp` dialect, see duckdb_dialect.py), and
a check waits while another process (a load, dbt) holds the file's write lock instead of failing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from orchestration.warehouse.connections import open_duckdb, sqlalchemy_connect_args, sqlalchemy_url
from orchestration.warehouse.destination import Destination
from orchestration.warehouse.duckdb_files import LOCK_WAIT_SECONDS


@dataclass(frozen=True)
class Warehouse:
    destination: Destination

    def __repr__(self) -> str:
        return f"Warehouse({self.describe()})"

    @classmethod
    def coerce(cls, value: Warehouse | Destination | str | os.PathLike | None = None) -> Warehouse:
        """None -> the ARP_TARGET warehouse; a Destination; "duckdb"/"postgres"; a DuckDB file path."""
        if isinstance(value, Warehouse):
            return value
        return cls(Destination.coerce(value))

    @classmethod
    def postgres(cls, database: str) -> Warehouse:
        return cls(Destination.postgres(database))

    @property
    def engine_name(self) -> str:
        """The engine name the suites switch on: `duckdb` or `postgres`."""
        return self.destination.kind

    def describe(self) -> str:
        """A label without secrets, for check metadata and error messages."""
        return self.destination.describe()

    def sqlalchemy_url(self) -> str:
        # Importing the dialect registers it with SQLAlchemy (duckdb-engine and SQLAlchemy load only
        # when a validation needs them, not with the Dagster definitions).
        from orchestration.quality import duckdb_dialect

        return sqlalchemy_url(self.destination, duckdb_driver=duckdb_dialect.DRIVER)

    def engine_kwargs(self) -> dict:
        return {"connect_args": sqlalchemy_connect_args(self.destination, application_name="arp_quality")}

    def wait_until_readable(self, timeout: float = LOCK_WAIT_SECONDS) -> None:
        """Fail naming the file when the DuckDB warehouse is missing; wait out another writer's lock."""
        d = self.destination
        if d.kind != "duckdb":
            return
        if not d.duckdb_path.exists():
            raise FileNotFoundError(
                f"DuckDB warehouse {d.duckdb_path} does not exist (set ARP_DUCKDB_PATH or load the sources first)"
            )
        import duckdb

        try:
            open_duckdb(d, read_only=True, wait_seconds=timeout).close()
        except duckdb.ConnectionException:
            return  # already open in this process (with other settings): no other writer to wait for
