"""On PostgreSQL the publisher logs in as `public_reader`, the tier that can read public_marts and
nothing else (orchestration/access.py): publishing works, and that login cannot see raw data."""

from __future__ import annotations

import datetime as dt
import os

import duckdb
import psycopg2
import pytest
from psycopg2.extras import execute_values
from transform.dbt_runner import PG_HOST, PG_PORT, PG_USER

from orchestration.access import setup_access
from orchestration.publishing import build_public_outputs
from orchestration.publishing.marts import TABLES
from orchestration.warehouse.destination import Destination

PG = {"host": PG_HOST, "port": PG_PORT, "user": PG_USER}
PG_TYPES = {
    "period_start": "date",
    "value": "double precision",
    "people_served": "double precision",
    "staff_count": "double precision",
    "is_suppressed": "boolean",
    "is_provisional": "boolean",
}


@pytest.fixture
def pg_public_marts(fixture_warehouse):
    name = f"arp_publish_{os.getpid()}"
    admin = psycopg2.connect(dbname="postgres", **PG)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'drop database if exists "{name}" with (force)')
        cur.execute(f'create database "{name}"')
    dest = Destination.postgres(
        database=name, pg_host=PG["host"], pg_port=PG["port"], pg_user=PG["user"], pg_password=""
    )
    try:
        setup_access(dest)  # before the tables, so default privileges grant them to the tiers
        with (
            duckdb.connect(str(fixture_warehouse), read_only=True) as src,
            psycopg2.connect(dbname=name, **PG) as con,
            con.cursor() as cur,
        ):
            for table, cols in TABLES.items():
                cur.execute(
                    f"create table public_marts.{table} ("
                    + ", ".join(f"{c} {PG_TYPES.get(c, 'text')}" for c in cols)
                    + ")"
                )
                rows = src.execute(f"select {', '.join(cols)} from public_marts.{table}").fetchall()
                execute_values(cur, f"insert into public_marts.{table} values %s", rows)
            cur.execute("create table raw_cms.case_notes as select 'private note'::text as note_text")
        yield dest
    finally:
        with admin.cursor() as cur:
            cur.execute(f'drop database if exists "{name}" with (force)')
        admin.close()


@pytest.mark.postgres
def test_publishes_as_public_reader(pg_public_marts, tmp_path, fixture_warehouse):
    report = build_public_outputs(pg_public_marts, tmp_path, generated=dt.date(2025, 1, 31))
    assert "public_reader@" in report.source, f"the publisher must log in as public_reader, used {report.source}"
    assert report.row_counts["pub_metric_values"] > 1000
    duck = build_public_outputs(
        Destination.duckdb(fixture_warehouse), tmp_path / "duck", generated=dt.date(2025, 1, 31)
    )
    for rel in ("site/index.html", "site/questions/q1.html", "cards/2024-Q3.es.html"):
        assert (tmp_path / rel).read_text(encoding="utf-8") == (tmp_path / "duck" / rel).read_text(encoding="utf-8"), (
            f"{rel}: PostgreSQL and DuckDB public marts must publish the same page"
        )
    assert duck.row_counts == report.row_counts

    with (
        psycopg2.connect(
            dbname=pg_public_marts.pg_database, host=PG["host"], port=PG["port"], user="public_reader"
        ) as con,
        con.cursor() as cur,
        pytest.raises(psycopg2.errors.InsufficientPrivilege),
    ):
        cur.execute("select * from raw_cms.case_notes")
