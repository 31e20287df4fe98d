"""duckdb-engine with column reflection that works on SQLAlchemy 2.1.

duckdb-engine (0.17) reflects columns through SQLAlchemy's PostgreSQL catalog query, which since
SQLAlchemy 2.0.45 joins `pg_catalog.pg_collation`, a table DuckDB does not emulate
(Mause/duckdb_engine#1379). Great Expectations needs reflected column types for its schema
expectations and otherwise falls back to an unqualified `SELECT * FROM <table>` that ignores the
schema. This subclass reads `information_schema.columns` instead.

Great Expectations also fetches a query's rows only after handing the connection back to the
pool; the pool's reset runs ROLLBACK on the same DuckDB connection, which discards a result not yet
fetched, so every query came back empty. Results are therefore fetched at execution time (the
validation queries return aggregates or a bounded sample of rows). Everything else is duckdb-engine.

Registered as the SQLAlchemy dialect `duckdb+arp` (`duckdb+arp:///path/to/warehouse.duckdb`).
"""

from __future__ import annotations

import re
from typing import Any

import duckdb_engine
import sqlalchemy as sa
from sqlalchemy.dialects import registry
from sqlalchemy.engine import cursor as sa_cursor
from sqlalchemy.engine import reflection

DRIVER = "arp"

# DuckDB spells some types differently from PostgreSQL, whose names duckdb-engine inherits.
_DUCKDB_TYPE_NAMES: dict[str, Any] = {
    "double": sa.Double,
    "float": sa.Float,
    "real": sa.REAL,
    "decimal": sa.Numeric,
    "timestamp with time zone": lambda: sa.TIMESTAMP(timezone=True),
    "blob": sa.LargeBinary,
    "uuid": sa.Uuid,
}


class _BufferedExecutionContext(duckdb_engine.Dialect.execution_ctx_cls):
    def post_exec(self) -> None:
        super().post_exec()
        if self.cursor.description is not None:
            self.cursor_fetch_strategy = sa_cursor.FullyBufferedCursorFetchStrategy(
                self.cursor, self.cursor.description, self.cursor.fetchall()
            )


class DuckDBDialect(duckdb_engine.Dialect):
    supports_statement_cache = False
    execution_ctx_cls = _BufferedExecutionContext

    def _reflected_type(self, data_type: str) -> sa.types.TypeEngine:
        base = re.sub(r"\(.*\)$", "", data_type.strip()).lower()
        factory = _DUCKDB_TYPE_NAMES.get(base) or self.ischema_names.get(base)
        return factory() if factory is not None else sa.types.NullType()

    @reflection.cache
    def get_columns(self, connection, table_name: str, schema: str | None = None, **kw: Any):
        rows = connection.execute(
            sa.text(
                "select column_name, data_type, is_nullable, column_default "
                "from information_schema.columns "
                "where table_name = :table and table_schema = coalesce(:schema, current_schema()) "
                "order by ordinal_position"
            ),
            {"table": str(table_name), "schema": schema},
        ).all()
        if not rows:
            raise sa.exc.NoSuchTableError(f"{schema}.{table_name}" if schema else str(table_name))
        return [
            {
                "name": name,
                "type": self._reflected_type(data_type),
                "nullable": is_nullable == "YES",
                "default": default,
                "autoincrement": False,
            }
            for name, data_type, is_nullable, default in rows
        ]


registry.register(f"duckdb.{DRIVER}", __name__, "DuckDBDialect")
