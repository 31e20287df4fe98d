"""Public marts: no count of 1-10 can be seen, or derived from the published totals.

The relations are rebuilt here in Python from the seed's rules and the published table alone
(not from the dbt relation model the suppression step uses), and derivability is decided by
linear algebra: a hidden cell is recoverable exactly when every solution of the relations gives
it the same value, i.e. when its row of the null space of the hidden-cell coefficient matrix is zero.
"""
from __future__ import annotations

from collections import defaultdict

import duckdb
import numpy as np
import pandas as pd
import pytest

from orchestration.contract import PROJECT_ROOT

SMALL = range(1, 11)


def _read(built, sql: str) -> pd.DataFrame:
    con = duckdb.connect(str(built.warehouse.duckdb_path), read_only=True)
    try:
        return con.sql(sql).df()
    finally:
        con.close()


@pytest.fixture(scope="module")
def published(duckdb_default, duckdb_public_tables):
    pub = _read(duckdb_default, "select * from public_marts.pub_metric_values")
    fct = _read(duckdb_default, "select * from marts.fct_metric_values")
    rules = pd.read_csv(PROJECT_ROOT / "seeds/public_metric_rules.csv", keep_default_na=False)
    keys = ["metric_id", "period_grain", "period_start", "program", "dimension", "dimension_value"]
    cells = pub.merge(fct[keys + ["value", "numerator", "denominator"]].rename(columns={"value": "true_value"}),
                      on=keys, how="left", validate="one_to_one").merge(rules, on="metric_id")
    published_rules = rules.melt("metric_id", ["publish_month", "publish_quarter", "publish_year"])
    published_rules = published_rules[published_rules.value.astype(str).str.lower().eq("true")]
    expected = fct.merge(published_rules.assign(period_grain=published_rules.variable.str.removeprefix("publish_")),
                         on=["metric_id", "period_grain"])
    assert len(cells) == len(pub) == len(expected), "pub_metric_values must carry every published metric row"
    assert cells.true_value.notna().all()
    cells["count"] = np.select(
        [cells.cell_kind.eq("count"), cells.cell_kind.isin(["share", "rate"]), cells.cell_kind.eq("mean")],
        [cells.true_value, cells.numerator, cells.denominator], np.nan)
    cells["period_start"] = pd.to_datetime(cells.period_start).dt.strftime("%Y-%m-%d")
    cells["key"] = list(zip(*(cells[k].astype(str) for k in keys)))
    return cells


def test_no_small_count_is_visible(published):
    shown = published[~published.is_suppressed]
    assert shown.value.notna().all()
    assert not shown["count"].isin(SMALL).any(), shown[shown["count"].isin(SMALL)][["key", "count"]]
    shares = shown[shown.cell_kind.eq("share")]
    assert not (shares.denominator - shares.numerator).isin(SMALL).any()
    hidden = published[published.is_suppressed]
    assert hidden.value.isna().all()
    small = published[published["count"].isin(SMALL) & published.cell_kind.ne("estimate")]
    assert small.is_suppressed.all()
    print(f"\npublic cells: {len(published)}, hidden: {len(hidden)} "
          f"({(hidden.suppression_reason == 'complementary').sum()} complementary)")


def _relations(cells: pd.DataFrame) -> list[dict[tuple, int]]:
    """Every additive relation as {cell key: coefficient}, the coefficients summing the relation to 0."""
    by_key = {k: row for k, row in zip(cells.key, cells.itertuples())}
    groups: dict[tuple, dict] = defaultdict(dict)
    additive = cells[cells.additive_over_time | cells.additive_over_programs | cells.dimension_total_metric.ne("")
                     | cells.status_partition.ne("")]
    for row in additive.itertuples():
        start = pd.Timestamp(row.period_start)
        if row.additive_over_time:
            if row.period_grain == "month":
                groups[("time", row.metric_id, row.program, row.dimension, row.dimension_value,
                        str(start.to_period("Q").start_time.date()))][row.key] = 1
            if row.period_grain == "quarter":
                groups[("time", row.metric_id, row.program, row.dimension, row.dimension_value,
                        str(start.date()))][row.key] = -1
                groups[("time", row.metric_id, row.program, row.dimension, row.dimension_value,
                        str(start.year))][row.key] = 1
            if row.period_grain == "year":
                groups[("time", row.metric_id, row.program, row.dimension, row.dimension_value,
                        str(start.year))][row.key] = -1
        if row.additive_over_programs:
            groups[("program", row.metric_id, row.period_grain, str(start.date()), row.dimension,
                    row.dimension_value)][row.key] = -1 if row.program == "ALL" else 1
        if row.dimension_total_metric:
            group = ("dimension", row.metric_id, row.period_grain, str(start.date()), row.program)
            groups[group][row.key] = 1
            total = (row.dimension_total_metric, row.period_grain, row.period_start, row.program, "", "")
            assert total in by_key, f"{row.key} has no published total row {total}"
            groups[group][total] = -1
        if row.status_partition:
            status = "forgone" if row.status_partition == "forgone_reason" else row.dimension_value.split("|")[-1]
            groups[("status", row.period_grain, str(start.date()), row.program, status)].setdefault(
                row.status_partition, {})[row.key] = 1
    relations = []
    for name, members in groups.items():
        if name[0] != "status":
            # a total whose details are not published (beats by month) tells the reader nothing
            if any(coefficient > 0 for coefficient in members.values()):
                relations.append(members)
            continue
        partitions = sorted(members)
        for i, first in enumerate(partitions):
            for second in partitions[i + 1:]:
                relations.append({**members[first], **{k: -1 for k in members[second]}})
    return relations


def _recoverable(hidden_keys: list, relations: list[dict]) -> tuple[list, int, int]:
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


def test_no_hidden_cell_can_be_derived_from_the_totals(published):
    hidden = published[published.is_suppressed & published.cell_kind.ne("mean")]
    leaked, n_relations, rank = _recoverable(list(hidden.key), _relations(published))
    print(f"\nrelations with hidden cells: {n_relations}, hidden cells: {len(hidden)}, rank {rank}")
    assert not leaked, f"recoverable hidden cells: {leaked[:10]}"


def test_no_hidden_demographic_count_can_be_derived(duckdb_default, duckdb_public_tables):
    """Categories add up to the total; staff programs add up to ALL (people may meet several programs)."""
    groups: dict[tuple, dict] = defaultdict(dict)
    hidden = []
    for table, column in [("pub_people_served_demographics", "people_served"), ("pub_staff_demographics", "staff_count")]:
        frame = _read(duckdb_default, f"select * from public_marts.{table}")
        assert not frame[~frame.is_suppressed][column].between(1, 10).any(), f"{table} shows a count of 1-10"
        assert frame[frame.is_suppressed][column].isna().all()
        attributes = sorted(set(frame.attribute) - {"ALL"})
        for row in frame.itertuples():
            key = (table, row.period_grain, str(row.period_start), row.program, row.attribute, row.category)
            if row.is_suppressed:
                hidden.append(key)
            base = (table, row.period_grain, str(row.period_start), row.program)
            if row.attribute == "ALL":
                for attribute in attributes:
                    groups[("categories", *base, attribute)][key] = -1
            else:
                groups[("categories", *base, row.attribute)][key] = 1
            if table == "pub_staff_demographics":
                groups[("programs", row.period_grain, str(row.period_start), row.attribute, row.category)][key] = (
                    -1 if row.program == "ALL" else 1)
    relations = [g for g in groups.values() if any(c > 0 for c in g.values())]
    leaked, n_relations, rank = _recoverable(hidden, relations)
    print(f"\ndemographics: {n_relations} relations, {len(hidden)} hidden cells, rank {rank}")
    assert not leaked, f"recoverable hidden demographic cells: {leaked[:10]}"


def test_the_derivability_check_catches_a_lone_hidden_cell(published):
    """The audit above can fail: with one member of a relation hidden alone, it names that cell."""
    relations = _relations(published)
    relation = next(r for r in relations if len(r) >= 3)
    lone = next(iter(relation))
    leaked, _, _ = _recoverable([lone], relations)
    assert leaked == [lone]
