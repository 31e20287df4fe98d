"""The choice of complementary cells on small hand-made tables: least count hidden, headline
cells spared, every small cell left a range of at least the protection width (checked by the
independent reader of test_suppression_attack.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from orchestration.public_tables.suppression import SuppressionError, suppress
from tests.public.test_suppression_attack import Reader


def _table(values: np.ndarray, headline_margins: bool):
    """A two-way table with row, column and grand totals, and its relations."""
    cells, relations = [], []
    rows, cols = values.shape
    for i in range(rows):
        for j in range(cols):
            cells.append((f"{i}{j}", values[i, j], False))
            relations += [(f"r{i}", f"{i}{j}", 1), (f"c{j}", f"{i}{j}", 1)]
        cells.append((f"{i}T", values[i].sum(), headline_margins))
        relations += [(f"r{i}", f"{i}T", -1), ("cT", f"{i}T", 1)]
    for j in range(cols):
        cells.append((f"T{j}", values[:, j].sum(), headline_margins))
        relations += [(f"c{j}", f"T{j}", -1), ("rT", f"T{j}", 1)]
    cells.append(("TT", values.sum(), headline_margins))
    relations += [("rT", "TT", -1), ("cT", "TT", -1)]
    frame = pd.DataFrame(cells, columns=["cell_id", "disclosed_count", "is_headline"])
    frame["is_primary"] = frame.disclosed_count.between(1, 10)
    return frame, pd.DataFrame(relations, columns=["group_id", "cell_id", "coefficient"])


def _reader_widths(cells: pd.DataFrame, relations: pd.DataFrame, hidden: set[str]) -> dict[str, float]:
    reader = Reader()
    for cell in sorted(hidden):
        reader.variable(cell, 1)
    value = dict(zip(cells.cell_id, cells.disclosed_count))
    for _, group in relations.groupby("group_id"):
        terms = {c: k for c, k in zip(group.cell_id, group.coefficient) if c in hidden}
        known = {c: (k, value[c]) for c, k in zip(group.cell_id, group.coefficient) if c not in hidden}
        reader.relation(terms, known)
    reader.propagate()
    small = [c for c in hidden if 1 <= value[c] <= 10]
    bounds = reader.bounds_of([reader.index[c] for c in small])
    return {c: bounds[reader.index[c]][1] - bounds[reader.index[c]][0] for c in small}


@pytest.mark.parametrize("headline_margins", [False, True])
def test_every_small_cell_keeps_the_protection_width(headline_margins):
    values = np.array([[3, 40, 25, 31], [30, 12, 50, 14], [20, 60, 8, 45], [17, 22, 19, 2]])
    cells, relations = _table(values, headline_margins)
    result = suppress(cells, relations)
    hidden = set(result.decisions.cell_id[result.decisions.is_suppressed])
    assert {"00", "22", "33"} <= hidden
    widths = _reader_widths(cells, relations, hidden)
    assert min(widths.values()) >= 9, widths
    if headline_margins:
        assert not hidden & {"0T", "1T", "2T", "3T", "T0", "T1", "T2", "T3", "TT"}, "a headline total was hidden"
    assert result.count_hidden == cells.disclosed_count[cells.cell_id.isin(hidden)].sum()


def test_the_cheapest_complement_is_chosen():
    """a + b + c = T with a small: hiding c (20) loses less than hiding b (50) or T."""
    cells = pd.DataFrame(
        {"cell_id": ["a", "b", "c", "T"], "disclosed_count": [3, 50, 20, 73], "is_primary": [True, False, False, False]}
    )
    relations = pd.DataFrame({"group_id": ["g"] * 4, "cell_id": ["a", "b", "c", "T"], "coefficient": [1, 1, 1, -1]})
    result = suppress(cells, relations)
    assert set(result.decisions.cell_id[result.decisions.is_suppressed]) == {"a", "c"}
    assert result.complementary == 1


def test_a_complement_too_small_to_cover_the_range_is_not_enough():
    """a + b = T and T + x = U with a = 3 and b = 4 small: hiding both leaves a in 1..6 (T = 7 is
    known), narrower than 9, so T goes too, and x (cheaper than U) to keep T from being solved."""
    cells = pd.DataFrame(
        {
            "cell_id": ["a", "b", "T", "x", "U"],
            "disclosed_count": [3, 4, 7, 40, 47],
            "is_primary": [True, True, False, False, False],
        }
    )
    relations = pd.DataFrame(
        {
            "group_id": ["g", "g", "g", "h", "h", "h"],
            "cell_id": ["a", "b", "T", "T", "x", "U"],
            "coefficient": [1, 1, -1, 1, 1, -1],
        }
    )
    result = suppress(cells, relations)
    hidden = set(result.decisions.cell_id[result.decisions.is_suppressed])
    assert hidden == {"a", "b", "T", "x"}
    assert min(_reader_widths(cells, relations, hidden).values()) >= 9


def test_a_headline_cell_is_hidden_only_when_nothing_else_protects():
    """a + H = G where H and G are headline cells and a is small: only a headline cell can protect
    a; the cheaper one is hidden and reported. With a non-headline cell in the relation, it is
    hidden instead, however large."""
    cells = pd.DataFrame(
        {
            "cell_id": ["a", "H", "G"],
            "disclosed_count": [3, 50, 53],
            "is_primary": [True, False, False],
            "is_headline": [False, True, True],
        }
    )
    relations = pd.DataFrame({"group_id": ["g"] * 3, "cell_id": ["a", "H", "G"], "coefficient": [1, 1, -1]})
    result = suppress(cells, relations)
    assert result.headline_hidden == ["H"]
    cells = pd.concat(
        [
            cells,
            pd.DataFrame({"cell_id": ["x"], "disclosed_count": [900], "is_primary": [False], "is_headline": [False]}),
        ],
        ignore_index=True,
    )
    cells.loc[cells.cell_id == "G", "disclosed_count"] = 953
    relations = pd.concat([relations, pd.DataFrame({"group_id": ["g"], "cell_id": ["x"], "coefficient": [1]})])
    result = suppress(cells, relations)
    assert result.headline_hidden == []
    assert set(result.decisions.cell_id[result.decisions.is_suppressed]) == {"a", "x"}


def test_counts_that_break_their_relations_stop_publication():
    cells = pd.DataFrame(
        {"cell_id": ["a", "b", "T"], "disclosed_count": [3, 20, 30], "is_primary": [True, False, False]}
    )
    relations = pd.DataFrame({"group_id": ["g"] * 3, "cell_id": ["a", "b", "T"], "coefficient": [1, 1, -1]})
    with pytest.raises(SuppressionError, match="do not satisfy the relations"):
        suppress(cells, relations)


def test_a_denominator_is_hidden_with_the_share_printed_over_it():
    """a + b + D = T with a small: D (60) is the cheap complement, but the share s = 30 / D
    printed as 0.500 pins D to 60 while s shows. D alone protects nothing, so s goes with it,
    still cheaper than b (300)."""
    cells = pd.DataFrame(
        {
            "cell_id": ["a", "b", "D", "T", "s"],
            "disclosed_count": [3, 300, 60, 363, 30],
            "is_primary": [True, False, False, False, False],
        }
    )
    relations = pd.DataFrame({"group_id": ["g"] * 4, "cell_id": ["a", "b", "D", "T"], "coefficient": [1, 1, 1, -1]})
    ratios = pd.DataFrame({"cell_id": ["s"], "denominator_cell_id": ["D"], "low": [0.4995], "high": [0.5005]})
    result = suppress(cells, relations, ratios)
    assert set(result.decisions.cell_id[result.decisions.is_suppressed]) == {"a", "D", "s"}
    assert result.audit_rounds == 0, "the first choice should already pass the audit"
