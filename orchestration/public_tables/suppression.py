"""Small-cell suppression that withstands a reader who knows the rules, at the least loss.

Every cell that discloses a count of 1-10 is hidden (primary suppression). Hiding it is not
enough: the published cells are tied together by additive relations (months add up to the
quarter, programs to ALL, categories to the total...), every hidden count is known to be at least
1, counts are whole numbers, and a printed share bounds its hidden denominator. A reader who
combines all of that gets an interval for each hidden cell. The protection rule: for every hidden
small cell that interval is at least `protection_width` wide (by default 9, as wide as the whole
range 1..10). Every hidden cell is published with one marker, so the reader cannot tell which
hidden cells are the small ones.

Choosing the complementary cells is an integer program in the spirit of tau-Argus's optimal
method (Fischetti and Salazar): binary y_j = "hide cell j", minimise the count hidden
(sum of (count_j + 1) y_j, so a big cell costs more than a small one and among equals fewer cells
win), subject to protection constraints. Headline cells (the catalog marks them) are never
complements; only if no solution exists without one are they allowed, at a price above every
other cell together.

The protection constraints are generated lazily (Benders decomposition):
1. to start, one constraint per relation and small cell: the other hidden members of the
   relation must be able to absorb the small cell moving over its protection width;
2. the audit then computes, for every small cell, the tightest interval the reader can derive
   (an LP over the deviations of the hidden cells from their true values, re-solved as an ILP
   when the LP optimum is fractional);
3. a small cell whose interval is too narrow yields a cut from the two LPs' duals (which hidden
   or published cells would widen it, and by how much), and the integer program is solved again.
The first rounds choose freely; later ones only add cells (hiding more never narrows a reader's
interval), so the loop ends in a few rounds. It ends when the audit passes. The exact
linear-algebra audit (no hidden cell is fixed by the relations: its row of the null space of the
hidden-cell coefficient matrix is not zero) runs last: a complement it finds fixed protects
nothing and is published.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections import defaultdict
from dataclasses import dataclass, field

import highspy
import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from orchestration.business_rules import business_rules

LOG = logging.getLogger(__name__)
TOLERANCE = 1e-9
SMALL_MAX = business_rules().small_cell_max
DEFAULT_PROTECTION_WIDTH = SMALL_MAX - 1
# Seconds HiGHS may spend on one complement-selection integer program; the best solution found by
# then is used (it is always audited, so a time-out costs information, never protection).
MILP_TIME_LIMIT = 120


class SuppressionError(RuntimeError):
    """A small cell cannot be protected, or the solver failed: publication must stop."""


@dataclass
class SuppressionResult:
    decisions: pd.DataFrame  # cell_id, is_suppressed, suppression_reason (small_cell | complementary)
    primary: int
    complementary: int
    audit_rounds: int
    cells_hidden: int = 0
    count_hidden: float = 0.0
    count_total: float = 0.0
    headline_hidden: list[str] = field(default_factory=list)

    @property
    def share_hidden(self) -> float:
        return self.count_hidden / self.count_total if self.count_total else 0.0


class _Problem:
    """The cells, relations and printed-share links as arrays."""

    def __init__(self, cells: pd.DataFrame, relations: pd.DataFrame, ratios: pd.DataFrame | None):
        self.ids = list(cells.cell_id)
        self.index = {c: i for i, c in enumerate(self.ids)}
        # Benders cuts by (component, cell, direction): their LP depends on nothing the rounds change
        self.cuts: dict[tuple[bytes, int, int], tuple[np.ndarray, np.ndarray]] = {}
        n = len(self.ids)
        self.x = cells.disclosed_count.fillna(0).astype(float).to_numpy()
        self.primary = cells.is_primary.fillna(False).astype(bool).to_numpy()
        self.headline = _column(cells, "is_headline", False).astype(bool).to_numpy()
        self.floor = _column(cells, "value_floor", 1).astype(float).to_numpy()
        known_small = _column(cells, "is_known_small", False).astype(bool).to_numpy() & self.primary
        self.ceiling = np.where(known_small, float(SMALL_MAX), np.inf)
        width = _column(cells, "protection_width", DEFAULT_PROTECTION_WIDTH).astype(float).to_numpy()
        self.width = np.where(self.primary, width, 0.0)

        rows, cols, vals = [], [], []
        group_index: dict[str, int] = {}
        for group_id, cell_id, coefficient in relations[["group_id", "cell_id", "coefficient"]].itertuples(index=False):
            if cell_id not in self.index:
                raise SuppressionError(f"relation {group_id} names unknown cell {cell_id}")
            rows.append(group_index.setdefault(group_id, len(group_index)))
            cols.append(self.index[cell_id])
            vals.append(float(coefficient))
        self.relations = sparse.csr_matrix((vals, (rows, cols)), shape=(len(group_index), n))
        self.relations_t = self.relations.T.tocsr()
        residual = np.abs(self.relations @ self.x).max(initial=0.0)
        if residual > 1e-6:
            raise SuppressionError(f"the true counts do not satisfy the relations (residual {residual})")
        self.in_relation = np.asarray(abs(self.relations).sum(axis=0)).ravel() > 0

        # printed shares: numerator / denominator lies in [low, high]
        self.ratios: list[tuple[int, int, float, float]] = []
        if ratios is not None:
            for cell_id, denominator_id, low, high in ratios[
                ["cell_id", "denominator_cell_id", "low", "high"]
            ].itertuples(index=False):
                if cell_id in self.index and denominator_id in self.index:
                    self.ratios.append((self.index[cell_id], self.index[denominator_id], float(low), float(high)))

        # "unbounded" upward moves are capped far beyond any protection interval
        self.big = float(max(self.x.max(initial=0.0), 1.0) * 10 + 100)
        self.cap_up = np.minimum(self.ceiling - self.x, self.big)
        self.cap_down = self.x - self.floor
        # hiding a zero count protects nothing (a hidden count is known to be at least 1)
        self.eligible = (~self.primary) & (self.x > 0)
        self.couplings = self._share_couplings()

    def _share_couplings(self) -> np.ndarray:
        """(denominator, share) pairs where hiding the denominator protects nothing unless the
        share is hidden with it: with the numerator known and the share printed to 3 decimals,
        the share confines its denominator to [ceil(n / high), floor(n / low)], one value for a
        denominator of a few dozen or more. Shares that are small cells are always hidden."""
        pairs = []
        need = self.width.max(initial=0.0)
        for numerator, denominator, low, high in self.ratios:
            if self.primary[numerator] or low <= 0:
                continue
            confined = math.floor(self.x[numerator] / low + 1e-9) - math.ceil(self.x[numerator] / high - 1e-9)
            if confined < need:
                pairs.append((denominator, numerator))
        return np.array(pairs, dtype=int).reshape(-1, 2)

    def relations_of(self, cells: np.ndarray) -> np.ndarray:
        return np.unique(self.relations_t[cells].indices)

    def members(self, relation_rows: np.ndarray) -> np.ndarray:
        return np.unique(self.relations[relation_rows].indices)


def _column(frame: pd.DataFrame, name: str, default) -> pd.Series:
    if name in frame:
        return frame[name].where(frame[name].notna(), default)
    return pd.Series(default, index=frame.index)


def _components(problem: _Problem, hidden: np.ndarray) -> list[np.ndarray]:
    """Connected groups of hidden cells that share a relation or a printed-share link."""
    hidden_idx = np.flatnonzero(hidden & problem.in_relation)
    parent = {int(i): int(i) for i in hidden_idx}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    sub = problem.relations[:, hidden_idx]
    for row in range(sub.shape[0]):
        members = hidden_idx[sub[row].indices]
        for other in members[1:]:
            parent[find(int(other))] = find(int(members[0]))
    for numerator, denominator, _, _ in problem.ratios:
        if numerator in parent and denominator in parent:
            parent[find(numerator)] = find(denominator)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in parent:
        groups[find(i)].append(i)
    return [np.array(sorted(g)) for g in groups.values()]


_BANNER_SHOWN = False


def _highs() -> highspy.Highs:
    """A silent HiGHS instance. HiGHS prints its banner to the process's stdout when the first one is
    made, which would land in the middle of a pipeline's one-line-per-step output: that one is
    made with stdout pointed at /dev/null."""
    global _BANNER_SHOWN
    if _BANNER_SHOWN:
        highs = highspy.Highs()
    else:
        saved, null = os.dup(1), os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, 1)
            highs = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(null)
        _BANNER_SHOWN = True
    highs.setOptionValue("output_flag", False)
    return highs


class _LoadedLP:
    """The reader's LP, min c.f over {A_eq f = 0, A_ub f <= b_ub, lower <= f <= upper}, kept loaded
    in HiGHS.

    The audit asks the same polytope for the extremes of one cell after another: only the objective
    changes, so each solve starts from the last optimal basis (a few simplex pivots) instead of
    building and presolving the LP again, as a scipy `linprog` call per question did. The optimal
    value does not depend on the basis it starts from, so neither does any verdict of the audit."""

    def __init__(self, a_eq: sparse.csc_matrix, lower, upper, a_ub=None, b_ub=None):
        self.n = a_eq.shape[1]
        matrix = a_eq if a_ub is None else sparse.vstack([a_eq, sparse.csr_matrix(a_ub)])
        matrix = sparse.csc_matrix(matrix)
        rows_eq = a_eq.shape[0]
        rows_ub = 0 if a_ub is None else len(b_ub)
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = self.n, rows_eq + rows_ub
        lp.col_cost_ = np.zeros(self.n)
        lp.col_lower_, lp.col_upper_ = np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)
        lp.row_lower_ = np.r_[np.zeros(rows_eq), np.full(rows_ub, -highspy.kHighsInf)]
        lp.row_upper_ = np.r_[np.zeros(rows_eq), np.asarray(b_ub if rows_ub else [], dtype=float)]
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
        lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
        lp.a_matrix_.value_ = matrix.data.astype(float)
        self.highs = _highs()
        self.highs.passModel(lp)
        self.columns = np.arange(self.n, dtype=np.int32)

    def solve(self, cost: np.ndarray):
        """(optimal value, solution) for the objective `cost`."""
        self.highs.changeColsCost(self.n, self.columns, np.asarray(cost, dtype=float))
        self.highs.run()
        status = self.highs.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise SuppressionError(
                f"attacker LP failed ({self.highs.modelStatusToString(status)}); the true counts should be feasible"
            )
        return self.highs.getInfo().objective_function_value, np.array(self.highs.getSolution().col_value)


class _Attacker:
    """The reader's LP/ILP over one component: variables are the deviations f_j of the hidden
    cells from their true values; published cells are fixed (f = 0)."""

    def __init__(self, problem: _Problem, component: np.ndarray, hidden: np.ndarray):
        self.p = problem
        self.cells = component
        self.rows = problem.relations_of(component)
        self.a_eq = problem.relations[self.rows][:, component].tocsc()
        lower = -(problem.x[component] - problem.floor[component])
        upper = np.minimum(problem.ceiling[component] - problem.x[component], problem.big)
        position = {int(c): k for k, c in enumerate(component)}
        ub_rows, ub_rhs = [], []
        for numerator, denominator, low, high in problem.ratios:
            if denominator not in position:
                continue
            d, n = position[denominator], problem.x[numerator]
            true_d = problem.x[denominator]
            if not hidden[numerator]:
                # a printed share n/D in [low, high] with n known bounds the hidden D
                if high > 0:
                    lower[d] = max(lower[d], math.ceil(n / high - 1e-9) - true_d)
                if low > 0:
                    upper[d] = min(upper[d], math.floor(n / low + 1e-9) - true_d)
            elif numerator in position:
                # numerator <= denominator, both hidden
                row = np.zeros(len(component))
                row[position[numerator]], row[d] = 1.0, -1.0
                ub_rows.append(row)
                ub_rhs.append(true_d - n)
        self.bounds = list(zip(lower, upper))
        self.a_ub = np.array(ub_rows) if ub_rows else None
        self.b_ub = np.array(ub_rhs) if ub_rhs else None
        self.position = position
        self.reader = _LoadedLP(self.a_eq, lower, upper, self.a_ub, self.b_ub)

    def extreme(self, cell: int, direction: int):
        """max of direction * f_cell: (value, solution)."""
        c = np.zeros(len(self.cells))
        c[self.position[cell]] = -direction
        fun, solution = self.reader.solve(c)
        value = -fun
        if np.abs(solution - np.round(solution)).max(initial=0.0) > 1e-6:
            value, solution = self._integer_extreme(c)
        return value, solution

    def extreme_all(self, cells: list[int], direction: int) -> np.ndarray:
        """A feasible integral deviation moving the given cells as far as possible together."""
        c = np.zeros(len(self.cells))
        c[[self.position[cell] for cell in cells]] = -direction
        _, solution = self.reader.solve(c)
        if np.abs(solution - np.round(solution)).max(initial=0.0) > 1e-6:
            return np.zeros(len(self.cells))  # only integral points are witnesses
        return solution

    def _integer_extreme(self, c: np.ndarray):
        constraints = [LinearConstraint(self.a_eq, 0, 0)]
        if self.a_ub is not None:
            constraints.append(LinearConstraint(self.a_ub, -np.inf, self.b_ub))
        bounds = self.bounds
        res = milp(
            c,
            constraints=constraints,
            integrality=np.ones(len(c)),
            bounds=Bounds([b[0] for b in bounds], [b[1] for b in bounds]),
        )
        if res.x is None:
            raise SuppressionError(f"attacker ILP failed ({res.message})")
        return -res.fun, np.round(res.x)

    def _capacity_lp(self, cell: int, direction: int):
        """The reader's LP with every hidden cell free within its capacity (cap_down, cap_up):
        the bounds a Benders cut multiplies its reduced costs by, so the cut matches its LP. Solved
        from scratch each time: the cut is built from its duals, and a warm-started solve returns
        other (equally valid) duals whose cuts led the selection to hide more."""
        c = np.zeros(len(self.cells))
        c[self.position[cell]] = -direction
        bounds = list(zip(-self.p.cap_down[self.cells], self.p.cap_up[self.cells]))
        res = linprog(c, A_eq=self.a_eq, b_eq=np.zeros(self.a_eq.shape[0]), bounds=bounds, method="highs")
        if res.status != 0:
            raise SuppressionError(f"attacker LP failed ({res.message}); the true counts should be feasible")
        return res

    def benders_cut(self, cell: int, direction: int):
        """A constraint on y every protecting solution satisfies: the LP's dual bounds how far the
        cell can move by the capacities of the cells in its relations, hidden or not."""
        key = (self.cells.tobytes(), cell, direction)
        if key not in self.p.cuts:
            self.p.cuts[key] = self._benders_cut(cell, direction)
        return self.p.cuts[key]

    def _benders_cut(self, cell: int, direction: int):
        res = self._capacity_lp(cell, direction)
        multipliers = res.eqlin.marginals
        members = self.p.members(self.rows)
        objective = np.zeros(len(members))
        objective[np.searchsorted(members, cell)] = -direction
        reduced = objective - self.p.relations[self.rows][:, members].T @ multipliers
        coefficient = np.where(reduced >= 0, reduced * self.p.cap_down[members], -reduced * self.p.cap_up[members])
        return members, np.clip(coefficient, 0, None)


def _initial_cuts(problem: _Problem) -> list[tuple[np.ndarray, np.ndarray, float]]:
    """Per relation and small cell: the other members must be able to absorb its move over the
    protection width (up and down together)."""
    cuts = []
    rel = problem.relations.tocsr()
    for row in range(rel.shape[0]):
        members, coefficients = rel[row].indices, rel[row].data
        for k, s in enumerate(members):
            need = problem.width[s]
            if not problem.primary[s] or need <= 0:
                continue
            others = np.delete(np.arange(len(members)), k)
            same = np.sign(coefficients[others]) == np.sign(coefficients[k])
            cells = members[others]
            # s moving up moves same-sign members down and opposite-sign members up; and back
            capacity = np.where(
                same, problem.cap_down[cells] + problem.cap_up[cells], problem.cap_up[cells] + problem.cap_down[cells]
            )
            cuts.append((cells, np.minimum(capacity, need), float(need)))
    return cuts


def _solve_selection(
    problem: _Problem, cuts, allow_headline: bool, keep: np.ndarray | None = None
) -> np.ndarray | None:
    n = len(problem.ids)
    cost = problem.x + 1.0
    lower = (problem.primary | (keep if keep is not None else False)).astype(float)
    useful = problem.in_relation.copy()
    useful[problem.couplings[:, 1]] = True  # a share is hidden to free its denominator
    upper = (problem.primary | (problem.eligible & useful & (allow_headline | ~problem.headline))).astype(float)
    if allow_headline:
        cost = cost + problem.headline * (cost.sum() + 1.0)
    constraints = []
    if cuts:
        rows, cols, vals, rhs = [], [], [], []
        for r, (cells, coefficients, need) in enumerate(cuts):
            rows.extend([r] * len(cells))
            cols.extend(cells.tolist())
            vals.extend(coefficients.tolist())
            rhs.append(need)
        matrix = sparse.csr_matrix((vals, (rows, cols)), shape=(len(cuts), n))
        constraints.append(LinearConstraint(matrix, np.array(rhs) - 1e-7, np.inf))
    if len(problem.couplings):
        # a hidden denominator takes its printed shares with it (y_share >= y_denominator)
        pairs = len(problem.couplings)
        coupling = sparse.csr_matrix(
            (
                np.r_[-np.ones(pairs), np.ones(pairs)],
                (np.r_[np.arange(pairs), np.arange(pairs)], np.r_[problem.couplings[:, 0], problem.couplings[:, 1]]),
            ),
            shape=(pairs, n),
        )
        constraints.append(LinearConstraint(coupling, 0, np.inf))
    started = time.perf_counter()
    res = milp(
        cost,
        constraints=constraints,
        integrality=np.ones(n),
        bounds=Bounds(lower, upper),
        options={"time_limit": MILP_TIME_LIMIT, "mip_rel_gap": 1e-4},
    )
    LOG.info("selection MILP: %s in %.1f s", res.message, time.perf_counter() - started)
    if res.x is None:
        if res.status == 2:  # infeasible: the caller may allow headline cells
            return None
        raise SuppressionError(f"choosing complementary cells failed: {res.message}")
    return res.x > 0.5


def _audit(problem: _Problem, hidden: np.ndarray, passed: set, protected: set):
    """Cuts for every small cell the reader can confine to an interval narrower than its
    protection width, and the narrowest interval of a small cell seen. `passed` remembers the
    components that passed: the reader's problem over a component depends on nothing else.
    `protected` holds the small cells that passed; the caller empties it unless the hidden cells
    only grew since (hiding more can only widen a reader's bounds)."""
    cuts = []
    narrowest = None
    for component in _components(problem, hidden):
        key = (tuple(component), tuple(n for n, d, _, _ in problem.ratios if d in component and hidden[n]))
        if key in passed:
            continue
        before = len(cuts)
        attacker = _Attacker(problem, component, hidden)
        witnesses: list[np.ndarray] = [np.zeros(len(component))]
        pending = [int(c) for c in component[problem.primary[component]] if int(c) not in protected]
        if len(pending) > 4:
            # two LPs moving every small cell up, then down, at once: their solutions already show
            # most cells' ranges wide enough, sparing one or two LPs per cell
            for direction in (1, -1):
                witnesses.append(attacker.extreme_all(pending, direction))
        for cell in component[problem.primary[component]]:
            if int(cell) in protected:
                continue
            k = attacker.position[int(cell)]
            need = problem.width[cell]
            reach = {d: max(d * w[k] for w in witnesses) for d in (1, -1)}
            for direction in (1, -1):
                if reach[1] + reach[-1] >= need - 1e-9:
                    break
                value, solution = attacker.extreme(int(cell), direction)
                witnesses.append(solution)
                reach[direction] = value
            width = reach[1] + reach[-1]
            if width >= need - 1e-9:
                protected.add(int(cell))
            else:
                narrowest = width if narrowest is None else min(narrowest, width)
                cuts.append(_width_cut(problem, attacker, component, hidden, int(cell), need))
        if len(cuts) == before:
            passed.add(key)
    return cuts, narrowest


def _width_cut(problem: _Problem, attacker: _Attacker, component, hidden, cell: int, need: float):
    """Up-reach plus down-reach is bounded by the two LP duals' capacities of the cells in the
    component's relations: a valid constraint for any choice of hidden cells."""
    members_up, up = attacker.benders_cut(cell, 1)
    members_down, down = attacker.benders_cut(cell, -1)
    assert np.array_equal(members_up, members_down)
    coefficients = np.minimum(up + down, need)
    if coefficients @ hidden[members_up] >= need - 1e-6:
        # the LP cut cannot see what narrowed the interval (integrality, printed shares)
        return _no_good(problem, component, hidden)
    return members_up, coefficients, float(need)


def _no_good(problem: _Problem, component: np.ndarray, hidden: np.ndarray):
    """Hiding nothing new around a failing component cannot help it: at least one more there."""
    around = problem.members(problem.relations_of(component))
    around = around[~hidden[around] & problem.eligible[around]]
    if not len(around):
        raise SuppressionError(f"cell {problem.ids[component[0]]} cannot be protected: nothing near it can be hidden")
    return around, np.ones(len(around)), 1.0


def _pinned(problem: _Problem, hidden: np.ndarray) -> np.ndarray:
    """Hidden cells whose value follows from the relations alone (its row of the null space of
    the hidden cells' coefficient matrix is zero): the exact derivability audit."""
    pinned = np.zeros(len(hidden), dtype=bool)
    for component in _components(problem, hidden):
        rows = problem.relations_of(component)
        matrix = problem.relations[rows][:, component].toarray()
        _, singular, vt = np.linalg.svd(matrix, full_matrices=True)
        rank = int((singular > TOLERANCE).sum())
        null_space = vt[rank:]
        if null_space.shape[0] == 0:
            pinned[component] = True
        else:
            pinned[component] = np.abs(null_space).max(axis=0) < TOLERANCE
    return pinned


def _publish_pinned_complements(problem: _Problem, hidden: np.ndarray) -> np.ndarray:
    """A complement the relations pin down protects nothing (every solution gives it its true
    value, so publishing it changes no reader's bounds): publish it. A pinned small cell with a
    protection width would have failed the audit; the check makes that explicit. (A share hidden
    only for its small denominator has width 0: its numerator may be known, the denominator not.)"""
    pinned = _pinned(problem, hidden)
    guarded = problem.primary & problem.in_relation & (problem.width > 0)
    if (pinned & guarded).any():
        cell = problem.ids[int(np.flatnonzero(pinned & guarded)[0])]
        raise SuppressionError(f"small cell {cell} can be derived from the published cells")
    # ... unless it is a share over a hidden denominator: its printed value would bound that
    # denominator, which the relations alone do not
    over_hidden = np.zeros(len(hidden), dtype=bool)
    for numerator, denominator, _, _ in problem.ratios:
        over_hidden[numerator] |= bool(hidden[denominator])
    hidden = hidden & ~(pinned & ~problem.primary & ~over_hidden)
    if (_pinned(problem, hidden) & (guarded | (~problem.primary & ~over_hidden))).any():
        raise SuppressionError("a hidden cell can be derived from the published cells")
    return hidden


def suppress(
    cells: pd.DataFrame,
    relations: pd.DataFrame,
    ratios: pd.DataFrame | None = None,
    max_rounds: int = 200,
    free_rounds: int = 2,
) -> SuppressionResult:
    """Decide which cells to hide.

    cells: cell_id, disclosed_count (the count a reader learns from the cell), is_primary, and
      optionally is_headline (never a complement), value_floor (a hidden count is known to be
      at least this: 1 for counts, 0 for share numerators), is_known_small (the reader can tell
      this hidden count is 1..10), protection_width;
    relations: group_id, cell_id, coefficient (members x coefficients sum to zero);
    ratios: cell_id, denominator_cell_id, low, high: a printed share numerator/denominator lies in
      [low, high] (the printed value plus or minus half its last digit).
    """
    problem = _Problem(cells.reset_index(drop=True), relations, ratios)
    cuts = _initial_cuts(problem)
    allow_headline = False
    rounds = 0
    passed: set = set()
    protected: set = set()
    hidden = None
    while True:
        # The first rounds choose freely (the optimum under the cuts found so far); later rounds
        # only add cells, so the loop converges in a few rounds on large tables.
        keep = hidden if rounds >= free_rounds else None
        if keep is None:
            protected.clear()
        selection = _solve_selection(problem, cuts, allow_headline, keep)
        if selection is None:
            if allow_headline:
                raise SuppressionError("no choice of complementary cells protects every small cell")
            allow_headline = True
            continue
        hidden = selection
        started = time.perf_counter()
        new_cuts, narrowest = _audit(problem, hidden, passed, protected)
        LOG.info(
            "round %d: %d hidden (%d complementary), %d cuts -> %d new, narrowest rejected range %s (audit %.1f s)",
            rounds,
            int(hidden.sum()),
            int((hidden & ~problem.primary).sum()),
            len(cuts),
            len(new_cuts),
            narrowest,
            time.perf_counter() - started,
        )
        if not new_cuts:
            break
        rounds += 1
        if rounds > max_rounds:
            raise SuppressionError(f"suppression did not converge after {max_rounds} audit rounds")
        cuts.extend(new_cuts)

    hidden = _publish_pinned_complements(problem, hidden)
    reasons = np.where(problem.primary, "small_cell", np.where(hidden, "complementary", None))
    decisions = pd.DataFrame({"cell_id": problem.ids, "is_suppressed": hidden, "suppression_reason": reasons})
    counted = problem.x
    return SuppressionResult(
        decisions=decisions,
        primary=int(problem.primary.sum()),
        complementary=int((hidden & ~problem.primary).sum()),
        audit_rounds=rounds,
        cells_hidden=int(hidden.sum()),
        count_hidden=float(counted[hidden].sum()),
        count_total=float(counted.sum()),
        headline_hidden=[problem.ids[i] for i in np.flatnonzero(hidden & problem.headline & ~problem.primary)],
    )
