"""Write the suppressed public tables (schema public_marts) on DuckDB or PostgreSQL.

dbt builds the candidate cells and their relations (models/intermediate/public); this module
reads them, runs the suppression (orchestration/public/suppression.py) and writes the public
tables: published values rounded as printed, and one marker for every hidden cell. Their columns, types and descriptions come from the dbt source definition
models/public_marts/_public_marts__sources.yml, so dbt docs, Power BI / Metabase (column
comments) and this writer share one definition. New versions are written as candidates and
replace the published tables, all in one transaction, only when their blocking checks pass.
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
from orchestration.public.publication_gate import candidate_name, publish_checked
from orchestration.public.suppression import SMALL_MAX, SuppressionResult, suppress

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


def write_table(dest: Destination, spec: TableSpec, frame: pd.DataFrame, table_name: str | None = None) -> None:
    """Replace the table in one transaction: readers see the old or the new table, never half.
    `table_name` writes the table under another name (a candidate checked before it is published)."""
    names = [name for name, _, _ in spec.columns]
    table = f"{PUBLIC_SCHEMA}.{q(table_name or spec.name)}"
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


# Every hidden cell carries the same marker: telling small cells from their complements would
# hand a reader the range 1-10 for the small ones.
HIDDEN_MARKER = "suppressed"
CELL_COLUMNS = ["cell_id", "disclosed_count", "complement_count", "is_primary", "is_headline", "value_floor",
                "protection_width"]


def printed_share_bounds(cells: pd.DataFrame) -> pd.DataFrame:
    """What a printed share tells about numerator / denominator: the published value, plus or
    minus half of its last printed digit."""
    shares = cells[cells.denominator_cell_id.notna() & cells.published_value.notna()]
    half = 0.5 * 10.0 ** -shares.published_decimals.astype(float)
    return pd.DataFrame({
        "cell_id": shares.cell_id,
        "denominator_cell_id": shares.denominator_cell_id,
        "low": (shares.published_value.astype(float) - half).clip(lower=0),
        "high": shares.published_value.astype(float) + half,
    })


def _share_protection(cells: pd.DataFrame) -> pd.Series:
    """A share hidden only because its denominator is small (numerator 0 or over 10, complement
    small) discloses that denominator, which is a hidden small cell with its own protection:
    the share's own range need not be wide."""
    small = set(cells.cell_id[cells.is_primary.astype(bool) & cells.disclosed_count.between(1, SMALL_MAX)])
    numerator_small = cells.disclosed_count.between(1, SMALL_MAX)
    covered = cells.is_primary.astype(bool) & ~numerator_small & cells.denominator_cell_id.isin(small)
    return cells.protection_width.where(~covered, 0)


def _suppressed(dest: Destination, cells_model: str, relations_model: str) -> tuple[pd.DataFrame, SuppressionResult]:
    cells = read_frame(dest, f"select * from intermediate.{cells_model}")
    relations = read_frame(dest, f"select group_id, cell_id, coefficient from intermediate.{relations_model}")
    if cells.empty:
        # Nothing to protect: a city without case management has no demographic cells at all.
        result = SuppressionResult(pd.DataFrame({"cell_id": [], "is_suppressed": [], "suppression_reason": []}),
                                   primary=0, complementary=0, audit_rounds=0)
        return cells.assign(is_suppressed=pd.Series(dtype=bool), suppression_reason=pd.Series(dtype=object)), result
    ratios = None
    if "denominator_cell_id" in cells:
        ratios = printed_share_bounds(cells)
        cells["protection_width"] = _share_protection(cells)
    result = suppress(cells[[c for c in CELL_COLUMNS if c in cells]], relations, ratios)
    merged = cells.merge(result.decisions, on="cell_id", how="left", validate="one_to_one")
    merged["suppression_reason"] = merged.suppression_reason.where(merged.is_suppressed)
    return merged, result


def _mark(frame: pd.DataFrame) -> pd.DataFrame:
    public = frame.copy()
    public["suppression_reason"] = public.is_suppressed.map({True: HIDDEN_MARKER, False: None})
    return public


def publish_public_tables(dest: Destination | None = None) -> dict[str, dict]:
    """Suppress and write every public table; returns per-table figures for logs and metadata."""
    dest = Destination.coerce(dest)
    specs = table_specs()
    report: dict[str, dict] = {}

    metrics, result = _suppressed(dest, "int_public_metric_cells", "int_public_metric_relations")
    metrics["value"] = metrics["published_value"].where(~metrics.is_suppressed)
    write_table(dest, specs["pub_metric_values"], _mark(metrics), candidate_name("pub_metric_values"))
    report["pub_metric_values"] = _figures(metrics, result)

    demographics, result = _suppressed(dest, "int_public_demographic_cells", "int_public_demographic_relations")
    demographics["cell_count"] = demographics["cell_count"].where(~demographics.is_suppressed)
    for table_name, spec_name, column in [("people_served", "pub_people_served_demographics", "people_served"),
                                          ("staff", "pub_staff_demographics", "staff_count")]:
        part = demographics[demographics.table_name == table_name].rename(columns={"cell_count": column})
        part[column] = part[column].astype("Int64")
        write_table(dest, specs[spec_name], _mark(part), candidate_name(spec_name))
        report[spec_name] = _figures(part, result)
    # The new versions become readable only when their blocking checks pass (publication_gate).
    publish_checked(dest, list(report))
    return report


def _figures(frame: pd.DataFrame, result: SuppressionResult) -> dict:
    counted = frame.disclosed_count.fillna(0).astype(float)
    hidden = frame.is_suppressed.astype(bool)
    return {
        "rows": int(len(frame)),
        "hidden_small_cell": int((frame.suppression_reason == "small_cell").sum()),
        "hidden_complementary": int((frame.suppression_reason == "complementary").sum()),
        "count_hidden_share": round(float(counted[hidden].sum() / counted.sum()) if counted.sum() else 0.0, 5),
        "headline_hidden": int((hidden & frame.is_headline.astype(bool) & ~frame.is_primary.astype(bool)).sum()),
        "audit_rounds": result.audit_rounds,
    }
