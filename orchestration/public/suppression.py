"""Small-cell and complementary suppression with an exact disclosure audit.

Public tables hide every cell that discloses a count of 1-10 (DESIGN.md section 4). Hiding it is
not enough when totals are published: the cell could be solved for from the relations among the
published cells (months add up to the quarter, programs to ALL, categories to the total...).
Hiding "at least two cells per total" is the usual rule of thumb, but several relations together
can still pin a cell down, so suppression here is audited exactly:

    a hidden cell is recoverable  <=>  every assignment of the hidden cells that satisfies all
    relations gives it the same value  <=>  its row of the null space of the relations'
    coefficient matrix (restricted to hidden cells) is zero.

The algorithm alternates a cheap pass (no relation may hold exactly one hidden cell) with that
audit, per connected group of hidden cells, and hides one more cell (the smallest non-zero one
next to a recoverable cell) until nothing is recoverable. Hiding more can only enlarge the null
space, so it terminates.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd

TOLERANCE = 1e-9


class SuppressionError(RuntimeError):
    """A recoverable hidden cell has no neighbour left to hide: publication must stop."""


@dataclass
class SuppressionResult:
    decisions: pd.DataFrame  # cell_id, is_suppressed, suppression_reason
    primary: int
    complementary: int
    audit_rounds: int


class _Relations:
    def __init__(self, relations: pd.DataFrame, counts: dict[str, float]):
        self.members: dict[str, dict[str, float]] = defaultdict(dict)
        self.groups_of: dict[str, list[str]] = defaultdict(list)
        for group_id, cell_id, coefficient in relations[["group_id", "cell_id", "coefficient"]].itertuples(index=False):
            if cell_id not in counts:
                raise SuppressionError(f"relation {group_id} names unknown cell {cell_id}")
            self.members[group_id][cell_id] = float(coefficient)
            self.groups_of[cell_id].append(group_id)
        self.counts = counts

    def smallest_visible(self, group_ids, hidden: set[str]) -> str | None:
        candidates = [
            (self.counts[c], c) for g in group_ids for c in self.members[g]
            if c not in hidden and self.counts[c] > 0
        ]
        return min(candidates)[1] if candidates else None


def _row_column_pass(rel: _Relations, hidden: set[str], reasons: dict[str, str]) -> None:
    """Until stable: a relation with exactly one hidden cell also hides its smallest visible cell."""
    pending = set(rel.members)
    while pending:
        touched: set[str] = set()
        for group_id in sorted(pending):
            members = rel.members[group_id]
            if sum(1 for c in members if c in hidden) != 1:
                continue
            pick = rel.smallest_visible([group_id], hidden)
            if pick is None:
                continue  # every other member is zero: the audit decides
            hidden.add(pick)
            reasons[pick] = "complementary"
            touched.update(rel.groups_of[pick])
        pending = touched


def recoverable_cells(rel: _Relations, hidden: set[str]) -> list[list[str]]:
    """Hidden cells whose value follows from the relations and the published cells, per
    connected group of hidden cells (groups are independent of each other)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    active_groups = []
    for group_id, members in rel.members.items():
        in_group = [c for c in members if c in hidden]
        if not in_group:
            continue
        active_groups.append(group_id)
        for other in in_group[1:]:
            parent[find(other)] = find(in_group[0])
    components: dict[str, list[str]] = defaultdict(list)
    for group_id in active_groups:
        first_hidden = next(c for c in rel.members[group_id] if c in hidden)
        components[find(first_hidden)].append(group_id)

    recoverable = []
    for group_ids in components.values():
        cells = sorted({c for g in group_ids for c in rel.members[g] if c in hidden})
        index = {c: i for i, c in enumerate(cells)}
        matrix = np.zeros((len(group_ids), len(cells)))
        for row, group_id in enumerate(group_ids):
            for cell, coefficient in rel.members[group_id].items():
                if cell in index:
                    matrix[row, index[cell]] = coefficient
        _, singular, vt = np.linalg.svd(matrix, full_matrices=True)
        rank = int((singular > TOLERANCE).sum())
        null_space = vt[rank:]
        if null_space.shape[0] == 0:
            recoverable.append(cells)
            continue
        pinned = np.abs(null_space).max(axis=0) < TOLERANCE
        leaked = [c for c, p in zip(cells, pinned) if p]
        if leaked:
            recoverable.append(leaked)
    return recoverable


def suppress(cells: pd.DataFrame, relations: pd.DataFrame, max_rounds: int = 10_000) -> SuppressionResult:
    """Decide which cells to hide.

    cells: cell_id, disclosed_count (the count a reader learns from the cell), is_primary;
    relations: group_id, cell_id, coefficient (members x coefficients sum to zero).
    """
    counts = dict(zip(cells.cell_id, cells.disclosed_count.fillna(0).astype(float)))
    rel = _Relations(relations, counts)
    hidden = set(cells.loc[cells.is_primary.astype(bool), "cell_id"])
    reasons = {c: "small_cell" for c in hidden}
    rounds = 0
    while True:
        _row_column_pass(rel, hidden, reasons)
        leaks = recoverable_cells(rel, hidden)
        if not leaks:
            break
        rounds += 1
        if rounds > max_rounds:
            raise SuppressionError(f"suppression did not converge after {max_rounds} audit rounds")
        # One more hidden cell per leaking component, then audit again: one often protects several.
        for component in leaks:
            cell = component[0]
            pick = rel.smallest_visible(rel.groups_of[cell], hidden)
            if pick is None:
                # Every neighbour is hidden already; widen to the relations of those neighbours.
                neighbours = {c for g in rel.groups_of[cell] for c in rel.members[g]}
                pick = rel.smallest_visible([g for n in neighbours for g in rel.groups_of[n]], hidden)
            if pick is None:
                raise SuppressionError(f"hidden cell {cell} stays recoverable and no cell near it can be hidden")
            hidden.add(pick)
            reasons[pick] = "complementary"
    decisions = pd.DataFrame({
        "cell_id": cells.cell_id,
        "is_suppressed": cells.cell_id.isin(hidden),
        "suppression_reason": cells.cell_id.map(reasons),
    })
    primary = sum(1 for r in reasons.values() if r == "small_cell")
    return SuppressionResult(decisions, primary, len(reasons) - primary, rounds)
