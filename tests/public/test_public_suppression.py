"""Public marts: no count of 1-10 can be seen, or derived from the published totals, and no
headline figure is hidden to protect another cell.

The relations are rebuilt from the seed's rules and the published table alone (tests/public/
published.py, not the dbt relation model the suppression step uses), and derivability is decided
by linear algebra: a hidden cell is recoverable exactly when every solution of the relations gives
it the same value, i.e. when its row of the null space of the hidden-cell coefficient matrix is zero.
The bounds a reader can put on each hidden cell are tested in test_suppression_attack.py.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.public.published import (
    KEYS,
    demographic_cells_and_relations,
    metric_relations,
    null_space_pinned,
    published_metric_cells,
    read,
    rules,
)

SMALL = range(1, 11)


@pytest.fixture(scope="module")
def published(duckdb_default, duckdb_public_tables):
    """The published cells with the true counts behind them (candidate cells, zero shares included)."""
    cells = published_metric_cells(duckdb_default)
    candidates = read(duckdb_default, "select * from public_candidates.candidate_metric_cells")
    candidates["period_start"] = pd.to_datetime(candidates.period_start).dt.strftime("%Y-%m-%d")
    candidates["key"] = list(zip(*(candidates[k].astype(str) for k in KEYS)))
    fct = read(duckdb_default, "select * from marts.fct_metric_values")
    published_rules = rules().melt("metric_id", ["publish_month", "publish_quarter", "publish_year"])
    published_rules = published_rules[published_rules.value]
    expected = fct.merge(
        published_rules.assign(period_grain=published_rules.variable.str.removeprefix("publish_")),
        on=["metric_id", "period_grain"],
    )
    assert len(cells) == len(candidates) >= len(expected), "pub_metric_values must carry every published metric row"
    cells = cells.merge(
        candidates[["key", "value", "disclosed_count", "complement_count"]].rename(
            columns={"value": "true_value", "disclosed_count": "count"}
        ),
        on="key",
        how="left",
        validate="one_to_one",
    )
    assert cells.true_value.notna().all()
    return cells


def test_no_small_count_is_visible(published):
    shown = published[~published.is_suppressed]
    assert shown.value.notna().all()
    assert not shown["count"].isin(SMALL).any(), shown[shown["count"].isin(SMALL)][["key", "count"]]
    assert not shown.complement_count.isin(SMALL).any()
    hidden = published[published.is_suppressed]
    assert hidden.value.isna().all()
    small = published[
        (published["count"].isin(SMALL) | published.complement_count.isin(SMALL)) & published.cell_kind.ne("estimate")
    ]
    assert len(small) and small.is_suppressed.all()
    print(f"\npublic cells: {len(published)}, hidden: {len(hidden)} ({len(hidden) - len(small)} complementary)")


def test_no_headline_cell_is_hidden_unless_small(published):
    """Every all-programs eligible and responded count, and each program's quarterly and yearly
    responded count, is published whenever it is 11 or more: other cells are hidden to protect
    small ones instead (a program's monthly count among them).
    The one exception is a small headline cell whose relations hold nothing but headline cells
    (the tiny city's co-response months): protecting it takes another headline cell, so a hidden
    headline cell of 11 or more must share a group of hidden cells with a small headline cell."""
    by_quarter = published.headline.eq("every_program_by_quarter")
    headline = published[
        (by_quarter | published.headline.eq("all_programs")) & published.program.eq("ALL")
        | by_quarter & published.period_grain.ne("month")
    ]
    assert {"heart_incidents", "eligible_incidents"} <= set(headline.metric_id)
    assert set(headline[headline.metric_id.eq("heart_incidents")].program) > {"ALL"}
    hidden = published[published.is_suppressed]
    parent = {k: k for k in hidden.key}

    def find(k):
        while parent[k] != k:
            k = parent[k]
        return k

    for relation in metric_relations(published):
        members = [k for k in relation if k in parent]
        for other in members[1:]:
            parent[find(other)] = find(members[0])
    small_headline_groups = {find(k) for k in headline[headline.is_suppressed & headline["count"].isin(SMALL)].key}
    large = headline[headline.is_suppressed & ~headline["count"].isin(SMALL)]
    unexplained = [k for k in large.key if find(k) not in small_headline_groups]
    print(f"\nheadline cells: {len(headline)}, hidden while 11 or more: {len(large)}")
    assert not unexplained, f"headline cells hidden as complements of non-headline cells: {unexplained[:5]}"


def test_no_hidden_cell_can_be_derived_from_the_totals(published):
    """Except a share over a hidden denominator whose own numerator is not small: its numerator
    may follow from the totals (0 when every other month shows 0%), but its value cannot without
    the denominator, and printing it would bound that hidden denominator (a small cell of its
    own, or a complement protecting one)."""
    hidden = published[published.is_suppressed & ~published.cell_kind.isin(["mean", "estimate"])]
    leaked, n_relations, rank = null_space_pinned(list(hidden.key), metric_relations(published))
    print(f"\nrelations with hidden cells: {n_relations}, hidden cells: {len(hidden)}, rank {rank}")
    row = published.set_index("key")
    hidden_keys = set(hidden.key)
    excused = []
    for key in leaked:
        cell = row.loc[[key]].iloc[0]
        denominator = (cell.denominator_metric, *key[1:4], "", "")
        numerator_small = cell["count"] in SMALL
        if cell.denominator_metric and denominator in hidden_keys and not numerator_small:
            excused.append(key)
    leaked = [k for k in leaked if k not in excused]
    print(f"pinned shares over a hidden denominator: {len(excused)}")
    assert not leaked, f"recoverable hidden cells: {leaked[:10]}"


def test_no_hidden_demographic_count_can_be_derived(duckdb_default, duckdb_public_tables):
    cells, relations = demographic_cells_and_relations(duckdb_default)
    assert not cells[~cells.is_suppressed].value.between(1, 10).any(), "a demographic table shows a count of 1-10"
    assert cells[cells.is_suppressed].value.isna().all()
    hidden = list(cells[cells.is_suppressed].key)
    leaked, n_relations, rank = null_space_pinned(hidden, relations)
    print(f"\ndemographics: {n_relations} relations, {len(hidden)} hidden cells, rank {rank}")
    assert not leaked, f"recoverable hidden demographic cells: {leaked[:10]}"


def test_the_derivability_check_catches_a_lone_hidden_cell(published):
    """The audit above can fail: with one member of a relation hidden alone, it names that cell."""
    relations = metric_relations(published)
    relation = next(r for r in relations if len(r) >= 3)
    lone = next(iter(relation))
    leaked, _, _ = null_space_pinned([lone], relations)
    assert leaked == [lone]
