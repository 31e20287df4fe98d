"""Thin connections to the two warehouse engines with the few operations the loader needs.

Both engines get the same SQL (ANSI merge building blocks: temp table, IS NOT DISTINCT FROM,
INSERT ... ON CONFLICT); only connecting, bulk insert and type names differ.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from orchestration.contract import Table
from orchestration.warehouse.connections import open_duckdb, open_postgres
from orchestration.warehouse.destination import Destination

if TYPE_CHECKING:
    import pyarrow as pa

log = logging.getLogger(__name__)

# Column types as each engine's information_schema spells them (used both in DDL and to check it).
ENGINE_TYPES = {
    "duckdb": {
        "string": "VARCHAR",
        "integer": "BIGINT",
        "float": "DOUBLE",
        "boolean": "BOOLEAN",
        "timestamp": "TIMESTAMP",
        "date": "DATE",
    },
    "postgres": {
        "string": "text",
        "integer": "bigint",
        "float": "double precision",
        "boolean": "boolean",
        "timestamp": "timestamp without time zone",
        "date": "date",
    },
}


def q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


class Warehouse:
    """One open connection; subclasses differ in connect, bulk insert and type names."""

    kind: str

    def __init__(self, destination: Destination):
        self.destination = destination
        self.types = ENGINE_TYPES[self.kind]

    # -- plumbing -------------------------------------------------------------------------
    def execute(self, sql: str, params: Iterable | None = None) -> None:
        raise NotImplementedError

    def query(self, sql: str, params: Iterable | None = None) -> list[tuple]:
        raise NotImplementedError

    def query_columns(self, sql: str, params: Iterable | None = None) -> tuple[list[str], list[tuple]]:
        """Column names and rows of a query."""
        raise NotImplementedError

    def insert_arrow(self, target: str, batch: pa.Table) -> None:
        raise NotImplementedError

    def begin(self) -> None:
        self.execute("BEGIN")

    def commit(self) -> None:
        self.execute("COMMIT")

    def rollback(self) -> None:
        self.execute("ROLLBACK")

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- catalog --------------------------------------------------------------------------
    def column_types(self, schema: str, table: str) -> dict[str, str] | None:
        """{column: engine type} of an existing table, or None when it does not exist."""
        rows = self.query(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
            (schema, table),
        )
        return {name: dtype for name, dtype in rows} or None

    def create_table_sql(self, table: Table, qualified: str, temporary: bool = False) -> str:
        cols = ", ".join(f"{q(c.name)} {self.types[c.type]}" for c in table.columns)
        if temporary:
            return f"CREATE TEMPORARY TABLE {qualified} ({cols})"
        pk = ", ".join(q(k) for k in table.primary_key)
        return f"CREATE TABLE {qualified} ({cols}, PRIMARY KEY ({pk}))"


class DuckDBWarehouse(Warehouse):
    kind = "duckdb"

    def __init__(self, destination: Destination, read_only: bool = False):
        super().__init__(destination)
        self.con = open_duckdb(destination, read_only=read_only)

    def execute(self, sql, params=None):
        self.con.execute(sql, list(params) if params is not None else None)

    def query(self, sql, params=None):
        return self.con.execute(sql, list(params) if params is not None else None).fetchall()

    def query_columns(self, sql, params=None):
        result = self.con.execute(sql, list(params) if params is not None else None)
        rows = result.fetchall()
        return [d[0] for d in result.description], rows

    def insert_arrow(self, target, batch):
        self.con.register("_arp_batch", batch)
        try:
            cols = ", ".join(q(n) for n in batch.column_names)
            self.con.execute(f"INSERT INTO {target} ({cols}) SELECT {cols} FROM _arp_batch")
        finally:
            self.con.unregister("_arp_batch")

    def close(self):
        self.con.close()


class PostgresWarehouse(Warehouse):
    kind = "postgres"

    def __init__(self, destination: Destination, create_database: bool = True):
        super().__init__(destination)
        self.con = open_postgres(destination, create_database=create_database)
        self.con.autocommit = True  # transactions are explicit (BEGIN/COMMIT), as on DuckDB

    def execute(self, sql, params=None):
        with self.con.cursor() as cur:
            cur.execute(sql.replace("?", "%s"), tuple(params) if params is not None else None)

    def query(self, sql, params=None):
        with self.con.cursor() as cur:
            cur.execute(sql.replace("?", "%s"), tuple(params) if params is not None else None)
            return cur.fetchall()

    def query_columns(self, sql, params=None):
        with self.con.cursor() as cur:
            cur.execute(sql.replace("?", "%s"), tuple(params) if params is not None else None)
            return [d.name for d in cur.description], cur.fetchall()

    def insert_arrow(self, target, batch):
        # COPY is an order of magnitude faster than INSERTs; pyarrow writes nulls as empty
        # unquoted fields and empty strings as "", which is exactly PostgreSQL's CSV convention.
        import pyarrow.csv as pa_csv  # pyarrow loads with a load, not with every module that connects

        buf = io.BytesIO()
        pa_csv.write_csv(batch, buf, pa_csv.WriteOptions(include_header=False, quoting_style="needed"))
        buf.seek(0)
        cols = ", ".join(q(n) for n in batch.column_names)
        with self.con.cursor() as cur:
            cur.copy_expert(f"COPY {target} ({cols}) FROM STDIN WITH (FORMAT csv)", buf)

    def close(self):
        self.con.close()


def connect(destination: Destination) -> Warehouse:
    if destination.kind == "duckdb":
        return DuckDBWarehouse(destination)
    return PostgresWarehouse(destination)
