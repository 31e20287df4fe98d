"""The public tables as a reader sees them, and the additive relations a reader can rebuild from
the published rules (seed public_metric_rules) alone. Shared by the public-table tests; nothing
here comes from the suppression code or its dbt relation models."""

from __future__ import annotations

from collections import defaultdict

import duckdb
import numpy as np
import pandas as pd

from orchestration.paths import PROJECT_ROOT

KEYS = ["metric_id", "period_grain", "period_start", "program", "dimension", "dimension_value"]


def read(built, sql: str) -> pd.DataFrame:
    con = duckdb.connect(str(built.warehouse.duckdb_path), read_only=True)
    try:
        return con.sql(sql).df()
    finally:
        con.close()


def rules() -> pd.DataFrame:
    frame = pd.read_csv(PROJECT_ROOT / "seeds/public_metric_rules.csv", keep_default_na=False)
    for column in ("additive_over_time", "additive_over_programs", "publish_month", "publish_quarter", "publish_year"):
        frame[column] = frame[column].astype(str).str.lower().eq("true")
    return frame


def published_metric_cells(built) -> pd.DataFrame:
    """pub_metric_values with each row's rules and a key tuple."""
    pub = read(built, "select * from public_marts.pub_metric_values")
    cells = pub.merge(rules(), on="metric_id", how="left", validate="many_to_one")
    assert cells.cell_kind.notna().all(), "every published metric has publication rules"
    cells["period_start"] = pd.to_datetime(cells.period_start).dt.strftime("%Y-%m-%d")
    cells["key"] = list(zip(*(cells[k].astype(str) for k in KEYS)))
    return cells


def metric_relations(cells: pd.DataFrame) -> list[dict[tuple, int]]:
    """Every additive relation as {cell key: coefficient}, the coefficients summing it to 0."""
    by_key = set(cells.key)
    groups: dict[tuple, dict] = defaultdict(dict)
    additive = cells[
        cells.additive_over_time
        | cells.additive_over_programs
        | cells.dimension_total_metric.ne("")
        | cells.status_partition.ne("")
    ]
    for row in additive.itertuples():
        start = pd.Timestamp(row.period_start)
        if row.additive_over_time:
            if row.period_grain == "month":
                groups[
                    (
                        "time",
                        row.metric_id,
                        row.program,
                        row.dimension,
                        row.dimension_value,
                        str(start.to_period("Q").start_time.date()),
                    )
                ][row.key] = 1
            if row.period_grain == "quarter":
                groups[("time", row.metric_id, row.program, row.dimension, row.dimension_value, str(start.date()))][
                    row.key
                ] = -1
                groups[("time", row.metric_id, row.program, row.dimension, row.dimension_value, str(start.year))][
                    row.key
                ] = 1
            if row.period_grain == "year":
                groups[("time", row.metric_id, row.program, row.dimension, row.dimension_value, str(start.year))][
                    row.key
                ] = -1
        if row.additive_over_programs:
            groups[("program", row.metric_id, row.period_grain, str(start.date()), row.dimension, row.dimension_value)][
                row.key
            ] = -1 if row.program == "ALL" else 1
        if row.dimension_total_metric:
            group = ("dimension", row.metric_id, row.period_grain, str(start.date()), row.program)
            groups[group][row.key] = 1
            total = (row.dimension_total_metric, row.period_grain, row.period_start, row.program, "", "")
            assert total in by_key, f"{row.key} has no published total row {total}"
            groups[group][total] = -1
        if row.status_partition:
            status = "forgone" if row.status_partition == "forgone_reason" else row.dimension_value.split("|")[-1]
            groups[("status", row.period_grain, str(start.date()), row.program, status)].setdefault(
                row.status_partition, {}
            )[row.key] = 1
    relations = []
    for name, members in groups.items():
        if name[0] != "status":
            # a total whose details are not published (beats by month) tells the reader nothing
            if any(coefficient > 0 for coefficient in members.values()):
                relations.append(members)
            continue
        partitions = sorted(members)
        for i, first in enumerate(partitions):
            for second in partitions[i + 1 :]:
                relations.append({**members[first], **{k: -1 for k in members[second]}})
    return relations


DEMOGRAPHIC_TABLES = [("pub_people_served_demographics", "people_served"), ("pub_staff_demographics", "staff_count")]


def demographic_cells_and_relations(built) -> tuple[pd.DataFrame, list[dict[tuple, int]]]:
    """Categories add up to the total; staff programs add up to ALL (people may meet several programs)."""
    groups: dict[tuple, dict] = defaultdict(dict)
    frames = []
    for table, column in DEMOGRAPHIC_TABLES:
        frame = read(built, f"select * from public_marts.{table}")
        frame = frame.rename(columns={column: "value"}).assign(table=table)
        frame["period_start"] = pd.to_datetime(frame.period_start).dt.strftime("%Y-%m-%d")
        frame["key"] = list(
            zip(frame.table, frame.period_grain, frame.period_start, frame.program, frame.attribute, frame.category)
        )
        attributes = sorted(set(frame.attribute) - {"ALL"})
        for row in frame.itertuples():
            base = (table, row.period_grain, row.period_start, row.program)
            if row.attribute == "ALL":
                for attribute in attributes:
                    groups[("categories", *base, attribute)][row.key] = -1
            else:
                groups[("categories", *base, row.attribute)][row.key] = 1
            if table == "pub_staff_demographics":
                groups[("programs", row.period_grain, row.period_start, row.attribute, row.category)][row.key] = (
                    -1 if row.program == "ALL" else 1
                )
        frames.append(frame)
    relations = [g for g in groups.values() if any(c > 0 for c in g.values())]
    return pd.concat(frames, ignore_index=True), relations


def null_space_pinned(hidden_keys: list, relations: list[dict]) -> tuple[list, int, int]:
    """Hidden cells pinned down by the relations (rank test on the null space), with the sizes."""
    index = {key: i for i, key in enumerate(hidden_keys)}
    rows = []
    for relation in relations:
        row = np.zeros(len(index))
        for key, coefficient in relation.items():
            if key in index:
                row[index[key]] = coefficient
        if row.any():
            rows.append(row)
    assert rows, "the tiny city must have hidden cells in relations, or this test proves nothing"
    _, singular, vt = np.linalg.svd(np.array(rows), full_matrices=True)
    rank = int((singular > 1e-9).sum())
    null_space = vt[rank:].T  # columns span every change of hidden values the relations allow
    if not null_space.size:
        return list(hidden_keys), len(rows), rank
    determined = np.where(np.abs(null_space).max(axis=1) < 1e-9)[0]
    return [hidden_keys[i] for i in determined], len(rows), rank
