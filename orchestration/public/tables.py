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

import pandas as pd
import pyarrow as pa
import yaml

from orchestration.contract import PROJECT_ROOT
from orchestration.ingest.destination import Destination
from orchestration.ingest.warehouse import connect, q
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


def read_frame(dest: Destination, query: str) -> pd.DataFrame:
    with connect(dest) as warehouse:
        columns, rows = warehouse.query_columns(query)
    return pd.DataFrame(rows, columns=columns)


def _literal(text: str) -> str:
    # COMMENT ON takes no bound parameters (DuckDB) and a plain literal on both engines.
    return "'" + text.replace("'", "''") + "'"


def write_table(dest: Destination, spec: TableSpec, frame: pd.DataFrame) -> None:
    """Replace the table in one transaction: readers see the old or the new table, never half."""
    names = [name for name, _, _ in spec.columns]
    table = f"{PUBLIC_SCHEMA}.{q(spec.name)}"
    batch = pa.Table.from_pandas(frame[names].astype(object).where(frame[names].notna(), None),
                                 preserve_index=False)
    with connect(dest) as warehouse:
        warehouse.execute(f"CREATE SCHEMA IF NOT EXISTS {PUBLIC_SCHEMA}")
        warehouse.begin()
        try:
            warehouse.execute(f"DROP TABLE IF EXISTS {table}")
            warehouse.execute(f"CREATE TABLE {table} ("
                              + ", ".join(f"{q(name)} {dtype}" for name, dtype, _ in spec.columns) + ")")
            if len(frame):
                warehouse.insert_arrow(table, batch)
            warehouse.execute(f"COMMENT ON TABLE {table} IS {_literal(spec.description)}")
            for name, _, description in spec.columns:
                warehouse.execute(f"COMMENT ON COLUMN {table}.{q(name)} IS {_literal(description)}")
            if warehouse.kind == "postgres":
                warehouse.execute(f"GRANT SELECT ON {table} TO " + ", ".join(PUBLIC_READERS))
            warehouse.commit()
        except Exception:
            warehouse.rollback()
            raise


def _suppressed(dest: Destination, cells_model: str, relations_model: str) -> tuple[pd.DataFrame, SuppressionResult]:
    cells = read_frame(dest, f"select * from intermediate.{cells_model}")
    relations = read_frame(dest, f"select group_id, cell_id, coefficient from intermediate.{relations_model}")
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
