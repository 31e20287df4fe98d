"""Shared helpers and fixtures for ingestion tests: snapshots, warehouses (DuckDB file, throw-away PG database)."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import psycopg2
import pytest
import sqlalchemy as sa

from orchestration.contract import get_system, sqlalchemy_table
from orchestration.ingest.warehouse import connect, q
from orchestration.paths import PROJECT_ROOT
from orchestration.warehouse.destination import Destination

REALDATA = PROJECT_ROOT.parent / "shared" / "realdata"
SYSTEMS = ("cad_replica", "case_management")


# ---- snapshots: {table: {primary key tuple: row tuple}} -----------------------------------


def _norm(v):
    # Both sides hold the same Python values; only float -0.0/0.0 style noise would differ.
    if isinstance(v, dt.datetime) and v.tzinfo is not None:
        return v.astimezone(dt.UTC).replace(tzinfo=None)
    return v


def source_snapshot(url: str, system_name: str) -> dict[str, dict[tuple, tuple]]:
    system = get_system(system_name)
    md = sa.MetaData()
    engine = sa.create_engine(url)
    out = {}
    try:
        with engine.connect() as conn:
            for t in system.tables:
                table = sqlalchemy_table(t, md)
                rows = conn.execute(sa.select(*[table.c[c] for c in t.column_names])).all()
                keys = [t.column_names.index(k) for k in t.primary_key]
                out[t.name] = {tuple(r[i] for i in keys): tuple(_norm(v) for v in r) for r in rows}
    finally:
        engine.dispose()
    return out


def raw_snapshot(destination: Destination, system_name: str) -> dict[str, dict[tuple, tuple]]:
    system = get_system(system_name)
    out = {}
    with connect(destination) as wh:
        for t in system.tables:
            if wh.column_types(system.raw_schema, t.name) is None:
                out[t.name] = {}  # never loaded (or rolled back)
                continue
            cols = ", ".join(q(c) for c in t.column_names)
            rows = wh.query(f"SELECT {cols} FROM {q(system.raw_schema)}.{q(t.name)}")
            keys = [t.column_names.index(k) for k in t.primary_key]
            out[t.name] = {tuple(r[i] for i in keys): tuple(_norm(v) for v in r) for r in rows}
    return out


def changed_rows(before: dict, after: dict) -> dict[str, int]:
    """Rows per table that are new or differ between two source snapshots."""
    return {t: sum(1 for k, r in after[t].items() if before[t].get(k) != r) for t in after}


def assert_raw_equals_source(destination: Destination, urls: dict[str, str]) -> None:
    for system_name, url in urls.items():
        src = source_snapshot(url, system_name)
        raw = raw_snapshot(destination, system_name)
        for table in src:
            assert len(raw[table]) == len(src[table]), (
                f"{system_name}.{table}: raw has {len(raw[table])} rows, source {len(src[table])}"
            )
            diff = [k for k in src[table] if raw[table].get(k) != src[table][k]]
            assert not diff, (
                f"{system_name}.{table}: {len(diff)} rows differ, e.g. key {diff[0]}: "
                f"source {src[table][diff[0]]} raw {raw[table].get(diff[0])}"
            )


def warehouse_types(destination: Destination, schema: str, table: str) -> dict[str, str]:
    with connect(destination) as wh:
        return {k: v.lower() for k, v in (wh.column_types(schema, table) or {}).items()}


# ---- warehouses -------------------------------------------------------------------------------


@pytest.fixture
def duck(tmp_path) -> Destination:
    return Destination.duckdb(tmp_path / "warehouse.duckdb")


def _pg_admin():
    base = Destination.postgres()
    con = psycopg2.connect(**base.pg_connect_kwargs(database="postgres"))
    con.autocommit = True
    return base, con


@pytest.fixture
def pg() -> Destination:
    """A fresh PostgreSQL database arp_ingest_<random>, dropped afterwards."""
    name = f"arp_ingest_{uuid.uuid4().hex[:10]}"
    try:
        base, con = _pg_admin()
    except psycopg2.OperationalError as exc:
        pytest.fail(f"PostgreSQL at {Destination.postgres().describe()} is not reachable: {exc}")
    with con.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    con.close()
    yield Destination.postgres(database=name)
    base, con = _pg_admin()
    with con.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    con.close()


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def warehouse(request, tmp_path) -> Destination:
    """Each test using this runs once on DuckDB and once on PostgreSQL."""
    if request.param == "duckdb":
        return Destination.duckdb(tmp_path / "warehouse.duckdb")
    return request.getfixturevalue("pg")


@pytest.fixture(autouse=True)
def _no_ambient_sources(monkeypatch):
    # Tests pass sources and warehouses explicitly; a developer's ARP_* must not leak in.
    for var in (
        "ARP_CAD_URL",
        "ARP_CMS_URL",
        "ARP_CAD_MAPPING",
        "ARP_CAD_EXPORT",
        "ARP_CMS_MAPPING",
        "ARP_TARGET",
        "ARP_DUCKDB_PATH",
        "ARP_PG_DATABASE",
    ):
        monkeypatch.delenv(var, raising=False)


def realdata_file(name: str) -> Path:
    path = REALDATA / name
    if not path.is_file():
        pytest.fail(f"{path} is missing: realdata tests read ../shared/realdata next to the project")
    return path
