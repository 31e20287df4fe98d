"""Write the suppressed public tables (schema public_marts) on DuckDB or PostgreSQL.

dbt builds the candidate cells and their relations (models/intermediate/public); this module
reads them, runs the exact suppression (orchestration/public/suppression.py) and writes the
public tables. Their columns, types and descriptions come from the dbt source definition
models/public_marts/_public_marts__sources.yml, so dbt docs, Power BI / Metabase (column
comments) and this writer share one definition. Each table is replaced atomically.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import duckdb
import pandas as pd
import psycopg2
import yaml
from psycopg2 import sql
from psycopg2.extras import execute_values

from orchestration.contract import PROJECT_ROOT
from orchestration.ingest.destination import Destination
from orchestration.public.suppression import SuppressionResult, suppress

SOURCES_FILE = PROJECT_ROOT / "models/public_marts/_public_marts__sources.yml"
PUBLIC_SCHEMA = "public_marts"
PUBLIC_READERS = ("analyst", "public_reader")


@dataclass(frozen=True)
class TableSpec:
    name: str
    description: str
    columns: tuple[tuple[str, str, str], ...]  # name, SQL type, description


@lru_cache(maxsize=1)
def table_specs() -> dict[str, TableSpec]:
    doc = yaml.safe_load(SOURCES_FILE.read_text())
    (source,) = [s for s in doc["sources"] if s["name"] == PUBLIC_SCHEMA]
    return {
        t["name"]: TableSpec(t["name"], " ".join(t["description"].split()),
                             tuple((c["name"], c["data_type"], c["description"]) for c in t["columns"]))
        for t in source["tables"]
    }


def read_sql(dest: Destination, query: str) -> pd.DataFrame:
    if dest.kind == "duckdb":
        con = duckdb.connect(str(dest.duckdb_path), read_only=True)
        try:
            return con.sql(query).df()
        finally:
            con.close()
    conn = psycopg2.connect(host=dest.pg_host, port=dest.pg_port, user=dest.pg_user,
                            password=dest.pg_password or None, dbname=dest.pg_database)
    try:
        with conn.cursor() as cur:
            cur.execute(query)
            return pd.DataFrame(cur.fetchall(), columns=[d.name for d in cur.description])
    finally:
        conn.close()


def _rows(frame: pd.DataFrame, spec: TableSpec) -> list[tuple]:
    names = [c[0] for c in spec.columns]
    out = frame[names].astype(object).where(frame[names].notna(), None)
    return [tuple(r) for r in out.itertuples(index=False)]


def write_table(dest: Destination, spec: TableSpec, frame: pd.DataFrame) -> None:
    columns_sql = ", ".join(f'"{name}" {dtype}' for name, dtype, _ in spec.columns)
    rows = _rows(frame, spec)
    if dest.kind == "duckdb":
        con = duckdb.connect(str(dest.duckdb_path))
        try:
            con.execute("begin transaction")
            con.execute(f"create schema if not exists {PUBLIC_SCHEMA}")
            con.execute(f"create or replace table {PUBLIC_SCHEMA}.{spec.name} ({columns_sql})")
            if rows:
                placeholders = ", ".join("?" for _ in spec.columns)
                con.executemany(f"insert into {PUBLIC_SCHEMA}.{spec.name} values ({placeholders})", rows)
            con.execute(f"comment on table {PUBLIC_SCHEMA}.{spec.name} is {_duck_literal(spec.description)}")
            for name, _, description in spec.columns:
                con.execute(f'comment on column {PUBLIC_SCHEMA}.{spec.name}."{name}" is {_duck_literal(description)}')
            con.execute("commit")
        finally:
            con.close()
        return
    conn = psycopg2.connect(host=dest.pg_host, port=dest.pg_port, user=dest.pg_user,
                            password=dest.pg_password or None, dbname=dest.pg_database)
    table = sql.Identifier(PUBLIC_SCHEMA, spec.name)
    staging = sql.Identifier(PUBLIC_SCHEMA, f"{spec.name}__new")
    try:
        with conn, conn.cursor() as cur:  # one transaction: readers see the old or the new table
            cur.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(PUBLIC_SCHEMA)))
            cur.execute(sql.SQL("drop table if exists {}").format(staging))
            cur.execute(sql.SQL("create table {} (" + columns_sql + ")").format(staging))
            if rows:
                execute_values(cur, sql.SQL("insert into {} values %s").format(staging).as_string(cur), rows,
                               page_size=5000)
            cur.execute(sql.SQL("drop table if exists {}").format(table))
            cur.execute(sql.SQL("alter table {} rename to {}").format(staging, sql.Identifier(spec.name)))
            cur.execute(sql.SQL("comment on table {} is {}").format(table, sql.Literal(spec.description)))
            for name, _, description in spec.columns:
                cur.execute(sql.SQL("comment on column {}.{} is {}").format(
                    table, sql.Identifier(name), sql.Literal(description)))
            cur.execute(sql.SQL("grant select on {} to {}").format(
                table, sql.SQL(", ").join(map(sql.Identifier, PUBLIC_READERS))))
    finally:
        conn.close()


def _duck_literal(text: str) -> str:
    # COMMENT ON takes no bound parameters in DuckDB.
    return "'" + text.replace("'", "''") + "'"


def _suppressed(dest: Destination, cells_model: str, relations_model: str) -> tuple[pd.DataFrame, SuppressionResult]:
    cells = read_sql(dest, f"select * from intermediate.{cells_model}")
    relations = read_sql(dest, f"select group_id, cell_id, coefficient from intermediate.{relations_model}")
    result = suppress(cells[["cell_id", "disclosed_count", "is_primary"]], relations)
    merged = cells.merge(result.decisions, on="cell_id", how="left", validate="one_to_one")
    return merged, result


def publish_public_tables(dest: Destination | None = None) -> dict[str, dict]:
    """Suppress and write every public table; returns per-table figures for logs and metadata."""
    dest = Destination.coerce(dest)
    specs = table_specs()
    report: dict[str, dict] = {}

    metrics, result = _suppressed(dest, "int_public_metric_cells", "int_public_metric_relations")
    metrics["value"] = metrics["value"].where(~metrics.is_suppressed)
    write_table(dest, specs["pub_metric_values"], metrics)
    report["pub_metric_values"] = _figures(metrics, result)

    demographics, result = _suppressed(dest, "int_public_demographic_cells", "int_public_demographic_relations")
    demographics["cell_count"] = demographics["cell_count"].where(~demographics.is_suppressed)
    for table_name, spec_name, column in [("people_served", "pub_people_served_demographics", "people_served"),
                                          ("staff", "pub_staff_demographics", "staff_count")]:
        part = demographics[demographics.table_name == table_name].rename(columns={"cell_count": column})
        part[column] = part[column].astype("Int64")
        write_table(dest, specs[spec_name], part)
        report[spec_name] = _figures(part, result)
    return report


def _figures(frame: pd.DataFrame, result: SuppressionResult) -> dict:
    return {
        "rows": int(len(frame)),
        "hidden_small_cell": int((frame.suppression_reason == "small_cell").sum()),
        "hidden_complementary": int((frame.suppression_reason == "complementary").sum()),
        "audit_rounds": result.audit_rounds,
    }
