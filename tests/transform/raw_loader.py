"""Test-only stand-in for the ingestion step: copy the generator's SQLite sources into raw schemas.

`orchestration.ingest.load_sources` is the real loader; these tests use it when it exists and fall
back to this small copy otherwise, so the dbt models can be tested while ingestion is in flight.
Types come from the source contract, so the raw tables look exactly like the loader's.
"""
from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

import duckdb

from orchestration.contract import Table, load_contracts

_DUCKDB_TYPES = {"string": "VARCHAR", "integer": "BIGINT", "float": "DOUBLE", "boolean": "BOOLEAN",
                 "timestamp": "TIMESTAMP", "date": "DATE"}
_PG_TYPES = {"string": "text", "integer": "bigint", "float": "double precision", "boolean": "boolean",
             "timestamp": "timestamp", "date": "date"}


def _sqlite_file_for(sources_dir: Path, table: Table) -> Path:
    """The SQLite file of the generator that holds `table` (one file per source system)."""
    candidates = sorted(sources_dir.glob("*.sqlite"))
    preferred = [p for p in candidates if p.stem == table.system]
    for path in preferred + candidates:
        with sqlite3.connect(path) as con:
            if con.execute("select 1 from sqlite_master where type='table' and name=?",
                           (table.name,)).fetchone():
                return path
    raise FileNotFoundError(f"no SQLite file under {sources_dir} has the table {table.system}.{table.name}")


def _rows(sources_dir: Path, table: Table) -> list[tuple]:
    path = _sqlite_file_for(sources_dir, table)
    cols = ", ".join(f'"{c}"' for c in table.column_names)
    with sqlite3.connect(path) as con:
        return con.execute(f'select {cols} from "{table.name}"').fetchall()


def _pg_text(value, logical: str):
    if value is None:
        return None
    if logical == "boolean":
        return "true" if value in (1, True, "1", "true", "True") else "false"
    return str(value)


def load_into_duckdb(sources_dir: Path, database: Path) -> dict[str, int]:
    """Create raw_cad / raw_cms in a DuckDB file; returns rows per `schema.table`."""
    counts: dict[str, int] = {}
    con = duckdb.connect(str(database))
    try:
        for system in load_contracts().values():
            con.execute(f"create schema if not exists {system.raw_schema}")
            for table in system.tables:
                rows = _rows(sources_dir, table)
                staging_cols = ", ".join(f'"{c}" VARCHAR' for c in table.column_names)
                con.execute("create or replace temp table _load (" + staging_cols + ")")
                if rows:
                    con.executemany(
                        f"insert into _load values ({', '.join('?' for _ in table.column_names)})",
                        [tuple(None if v is None else str(v) for v in r) for r in rows])
                casts = ", ".join(
                    (f'cast(cast("{c.name}" as integer) as boolean) as "{c.name}"' if c.type == "boolean"
                     else f'cast("{c.name}" as {_DUCKDB_TYPES[c.type]}) as "{c.name}"')
                    for c in table.columns)
                con.execute(f'create or replace table {system.raw_schema}."{table.name}" as '
                            f"select {casts} from _load")
                counts[f"{system.raw_schema}.{table.name}"] = len(rows)
    finally:
        con.close()
    return counts


def load_into_postgres(sources_dir: Path, dsn: str) -> dict[str, int]:
    """Create raw_cad / raw_cms in a PostgreSQL database; returns rows per `schema.table`."""
    import psycopg2

    counts: dict[str, int] = {}
    with psycopg2.connect(dsn) as con, con.cursor() as cur:
        for system in load_contracts().values():
            cur.execute(f"create schema if not exists {system.raw_schema}")
            for table in system.tables:
                rows = _rows(sources_dir, table)
                cols = ", ".join(f'"{c.name}" {_PG_TYPES[c.type]}' for c in table.columns)
                cur.execute(f'drop table if exists {system.raw_schema}."{table.name}"')
                cur.execute(f'create table {system.raw_schema}."{table.name}" ({cols})')
                buf = io.StringIO()
                writer = csv.writer(buf)
                for r in rows:
                    writer.writerow([
                        "\\N" if v is None else _pg_text(v, c.type) for v, c in zip(r, table.columns)])
                buf.seek(0)
                cur.copy_expert(f'copy {system.raw_schema}."{table.name}" from stdin '
                                "with (format csv, null '\\N')", buf)
                counts[f"{system.raw_schema}.{table.name}"] = len(rows)
    return counts
