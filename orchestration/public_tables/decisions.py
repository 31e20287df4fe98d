"""The suppression decisions: which candidate public cells to hide, written as one table.

dbt builds every cell the public could be shown and the additive relations among them (schema
public_candidates). This module reads them, runs the suppression (suppression.py) and writes
`suppression.cell_decisions`: one row per cell with its key, whether it is hidden and why
(small_cell or complementary). That is all Python writes for publication: the public tables
themselves are dbt models (models/public_marts/suppressed) that join the candidates to these
decisions. The table holds no count, but its reason tells small cells from their complements, so
only the data team and analysts read it, never the public tier.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from orchestration.business_rules import business_rules
from orchestration.ingest.warehouse import connect, q
from orchestration.warehouse.destination import Destination

if TYPE_CHECKING:
    import pandas as pd

    from orchestration.public_tables.suppression import SuppressionResult

# pandas, pyarrow and the solver (scipy) are imported by the functions that decide: the Dagster
# definitions import this module for its names only.

CANDIDATE_SCHEMA = "public_candidates"
DECISIONS_SCHEMA = "suppression"
DECISIONS_TABLE = "cell_decisions"
DECISIONS_READERS = ("analyst",)
# cell set -> the candidate models it is decided from
CELL_SETS = {
    "metric": ("candidate_metric_cells", "candidate_metric_relations"),
    "demographic": ("candidate_demographic_cells", "candidate_demographic_relations"),
}
DECISION_COLUMNS = (
    ("cell_set", "text", "metric or demographic: which candidate model the cell comes from."),
    ("cell_id", "text", "The candidate cell's cell_id."),
    ("is_suppressed", "boolean", "True when the cell is hidden."),
    (
        "suppression_reason",
        "text",
        "small_cell (discloses a count of 1-10), complementary (hidden so that no "
        "small cell can be worked out), null when published.",
    ),
)
DECISIONS_DESCRIPTION = (
    "Which candidate public cells are hidden, and why; written by the suppression step "
    "(orchestration/public_tables/decisions.py). Never readable by the public tier."
)
CELL_COLUMNS = [
    "cell_id",
    "disclosed_count",
    "complement_count",
    "is_primary",
    "is_headline",
    "value_floor",
    "protection_width",
]


def read_frame(dest: Destination, query: str) -> pd.DataFrame:
    import pandas as pd

    with connect(dest) as warehouse:
        columns, rows = warehouse.query_columns(query)
    return pd.DataFrame(rows, columns=columns)


def printed_share_bounds(cells: pd.DataFrame) -> pd.DataFrame:
    """What a printed share tells about numerator / denominator: the published value, plus or
    minus half of its last printed digit."""
    import pandas as pd

    shares = cells[cells.denominator_cell_id.notna() & cells.published_value.notna()]
    half = 0.5 * 10.0 ** -shares.published_decimals.astype(float)
    return pd.DataFrame(
        {
            "cell_id": shares.cell_id,
            "denominator_cell_id": shares.denominator_cell_id,
            "low": (shares.published_value.astype(float) - half).clip(lower=0),
            "high": shares.published_value.astype(float) + half,
        }
    )


def _share_protection(cells: pd.DataFrame) -> pd.Series:
    """A share hidden only because its denominator is small (numerator 0 or over 10, complement
    small) discloses that denominator, which is a hidden small cell with its own protection:
    the share's own range need not be wide."""
    small_max = business_rules().small_cell_max
    small = set(cells.cell_id[cells.is_primary.astype(bool) & cells.disclosed_count.between(1, small_max)])
    numerator_small = cells.disclosed_count.between(1, small_max)
    covered = cells.is_primary.astype(bool) & ~numerator_small & cells.denominator_cell_id.isin(small)
    return cells.protection_width.where(~covered, 0)


def decide_cell_set(dest: Destination, cell_set: str) -> tuple[pd.DataFrame, SuppressionResult]:
    """The candidate cells of one set with is_suppressed and suppression_reason added."""
    import pandas as pd

    from orchestration.public_tables.suppression import SuppressionResult, suppress

    cells_model, relations_model = CELL_SETS[cell_set]
    # In a fixed order: the integer program settles ties by the order of its variables and rows, and
    # two publications of the same data that hid different complements could be combined to recover
    # what each one hides.
    cells = read_frame(dest, f"select * from {CANDIDATE_SCHEMA}.{cells_model} order by cell_id")
    relations = read_frame(
        dest,
        f"select group_id, cell_id, coefficient from {CANDIDATE_SCHEMA}.{relations_model} order by group_id, cell_id",
    )
    if cells.empty:
        # Nothing to protect: a city without case management has no demographic cells at all.
        result = SuppressionResult(
            pd.DataFrame({"cell_id": [], "is_suppressed": [], "suppression_reason": []}),
            primary=0,
            complementary=0,
            audit_rounds=0,
        )
        return cells.assign(is_suppressed=pd.Series(dtype=bool), suppression_reason=pd.Series(dtype=object)), result
    ratios = None
    if "denominator_cell_id" in cells:
        ratios = printed_share_bounds(cells)
        cells["protection_width"] = _share_protection(cells)
    result = suppress(cells[[c for c in CELL_COLUMNS if c in cells]], relations, ratios)
    merged = cells.merge(result.decisions, on="cell_id", how="left", validate="one_to_one")
    merged["suppression_reason"] = merged.suppression_reason.where(merged.is_suppressed)
    return merged, result


def decide(dest: Destination) -> tuple[pd.DataFrame, dict[str, dict]]:
    """Every candidate cell's decision (cell_set, cell_id, is_suppressed, suppression_reason), and
    the figures of each public table for logs and metadata."""
    import pandas as pd

    frames, report = [], {}
    for cell_set in CELL_SETS:
        cells, result = decide_cell_set(dest, cell_set)
        frames.append(cells[["cell_id", "is_suppressed", "suppression_reason"]].assign(cell_set=cell_set))
        if cell_set == "metric":
            report["pub_metric_values"] = _figures(cells, result)
        else:
            for table_name, public in [
                ("people_served", "pub_people_served_demographics"),
                ("staff", "pub_staff_demographics"),
            ]:
                part = cells[cells.table_name == table_name] if len(cells) else cells
                report[public] = _figures(part, result)
    decisions = pd.concat(frames, ignore_index=True)[[name for name, _, _ in DECISION_COLUMNS]]
    decisions["is_suppressed"] = decisions.is_suppressed.astype(bool)
    return decisions, report


def _literal(text: str) -> str:
    # COMMENT ON takes no bound parameters (DuckDB) and a plain literal on both engines.
    return "'" + text.replace("'", "''") + "'"


def write_decisions(dest: Destination, decisions: pd.DataFrame) -> None:
    """Replace the decisions table in one transaction: readers see the old or the new one."""
    import pyarrow as pa

    table = f"{DECISIONS_SCHEMA}.{q(DECISIONS_TABLE)}"
    names = [name for name, _, _ in DECISION_COLUMNS]
    batch = pa.Table.from_pandas(
        decisions[names].astype(object).where(decisions[names].notna(), None), preserve_index=False
    )
    with connect(dest) as warehouse:
        warehouse.execute(f"CREATE SCHEMA IF NOT EXISTS {DECISIONS_SCHEMA}")
        warehouse.begin()
        try:
            warehouse.execute(f"DROP TABLE IF EXISTS {table}")
            warehouse.execute(
                f"CREATE TABLE {table} (" + ", ".join(f"{q(name)} {dtype}" for name, dtype, _ in DECISION_COLUMNS) + ")"
            )
            if len(decisions):
                warehouse.insert_arrow(table, batch)
            warehouse.execute(f"COMMENT ON TABLE {table} IS {_literal(DECISIONS_DESCRIPTION)}")
            for name, _, description in DECISION_COLUMNS:
                warehouse.execute(f"COMMENT ON COLUMN {table}.{q(name)} IS {_literal(description)}")
            if warehouse.kind == "postgres":
                warehouse.execute(f"GRANT SELECT ON {table} TO " + ", ".join(DECISIONS_READERS))
            warehouse.commit()
        except Exception:
            warehouse.rollback()
            raise


def decide_and_write(dest: Destination | None = None) -> dict[str, dict]:
    """Decide every candidate cell and write the decisions; returns per-public-table figures."""
    dest = Destination.coerce(dest)
    decisions, report = decide(dest)
    write_decisions(dest, decisions)
    return report


def _figures(frame: pd.DataFrame, result: SuppressionResult) -> dict:
    if frame.empty:
        return {
            "rows": 0,
            "hidden_small_cell": 0,
            "hidden_complementary": 0,
            "count_hidden_share": 0.0,
            "headline_hidden": 0,
            "audit_rounds": result.audit_rounds,
        }
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
