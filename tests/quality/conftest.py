"""Warehouses for the quality tests: a DuckDB file per test, or one PostgreSQL database per session
(named arp_gx_*, created and dropped here), each filled with crafted raw / staging / mart tables."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest
import sqlalchemy as sa

from orchestration.quality.warehouse import Warehouse
from orchestration.warehouse.destination import Destination
from tests.quality.builders import derived_rows, good_rows, write_derived_tables, write_raw_tables

PG = {
    "host": os.environ.get("ARP_PG_HOST", "127.0.0.1"),
    "port": int(os.environ.get("ARP_PG_PORT", "5432")),
    "user": os.environ.get("ARP_PG_USER", "postgres"),
    "password": os.environ.get("ARP_PG_PASSWORD", ""),
}


def _admin():
    con = psycopg2.connect(dbname="postgres", connect_timeout=10, **PG)
    con.autocommit = True
    return con


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    name = f"arp_gx_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    con = _admin()  # autocommit: CREATE DATABASE cannot run in a transaction
    with con.cursor() as cur:
        cur.execute(f'create database "{name}"')
    con.close()
    try:
        yield name
    finally:
        con = _admin()
        with con.cursor() as cur:
            cur.execute("select pg_terminate_backend(pid) from pg_stat_activity where datname = %s", (name,))
            cur.execute(f'drop database if exists "{name}"')
        con.close()


@dataclass
class CraftedWarehouse:
    """A warehouse the test fills itself; `warehouse` is what the suites validate."""

    engine_name: str
    url: str
    warehouse: Warehouse

    def write(
        self,
        rows: Mapping[str, list[dict]] | None = None,
        derived: Mapping[str, list[dict]] | None = None,
        column_types=None,
        extra_column: str | None = None,
    ) -> None:
        rows = good_rows() if rows is None else rows
        engine = sa.create_engine(self.url)
        try:
            write_raw_tables(engine, rows, column_types=column_types, extra_column=extra_column)
            write_derived_tables(engine, derived_rows(rows) if derived is None else derived)
        finally:
            engine.dispose()  # DuckDB: release the file before GX opens it read-only


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def crafted(request, tmp_path: Path) -> CraftedWarehouse:
    if request.param == "duckdb":
        path = tmp_path / "warehouse.duckdb"
        return CraftedWarehouse("duckdb", f"duckdb:///{path}", Warehouse(Destination.duckdb(path)))
    database = request.getfixturevalue("pg_database")
    url = sa.URL.create(
        "postgresql+psycopg2",
        username=PG["user"],
        password=PG["password"] or None,
        host=PG["host"],
        port=PG["port"],
        database=database,
    )
    return CraftedWarehouse("postgres", url.render_as_string(hide_password=False), Warehouse.postgres(database))
