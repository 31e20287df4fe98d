"""An attack on the public tables by a reader who knows every publication rule.

Written apart from the suppression code (it imports nothing from orchestration.public_tables): it reads
the published tables and the published rules only, and bounds every hidden cell with what such
a reader knows:
- the additive relations (months -> quarter -> year, programs -> ALL, categories -> total...);
- every hidden count is at least 1 (a hidden share's numerator at least 0);
- counts are whole numbers;
- a printed share p with `published_decimals` decimals puts numerator / denominator within half a
  last digit of p, and a printed share above 0 has a numerator of at least 11.
Every hidden cell carries the same marker (checked below), so the reader cannot tell which hidden
cells are the small ones; it learns that only if its bounds become narrow, which is what fails.
Interval propagation over the relations gives first bounds; an LP per hidden small cell (scipy's
HiGHS) then the tightest ones, re-solved as an ILP when the LP optimum is fractional. The truth
(fct_metric_values) is used only to know which cells are small and to check that the true values
lie inside the reader's bounds (so the bounds are sound, not just wide).
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from orchestration.paths import PROJECT_ROOT
from tests.public.published import KEYS, demographic_cells_and_relations, metric_relations, published_metric_cells, read

SMALL = (1, 10)
BIG = 1e7


class Reader:
    """Variables, bounds and linear constraints of the reader's problem."""

    def __init__(self):
        self.index: dict[tuple, int] = {}
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.eq: list[dict[int, float]] = []  # sum coef * var = rhs
        self.eq_rhs: list[float] = []
        self.ub: list[dict[int, float]] = []  # sum coef * var <= rhs
        self.ub_rhs: list[float] = []

    def variable(self, key, lower: float, upper: float = BIG) -> int:
        if key not in self.index:
            self.index[key] = len(self.lower)
            self.lower.append(lower)
            self.upper.append(upper)
        else:
            i = self.index[key]
            self.lower[i], self.upper[i] = max(self.lower[i], lower), min(self.upper[i], upper)
        return self.index[key]

    def relation(self, terms: dict, constants: dict):
        """terms: {key: coef} over variables; constants: {key: (coef, value)} published."""
        row = {self.index[k]: float(c) for k, c in terms.items()}
        if row:
            self.eq.append(row)
            self.eq_rhs.append(-sum(c * v for c, v in constants.values()))

    def propagate(self, rounds: int = 50) -> None:
        """Interval propagation over the equalities until nothing tightens."""
        lower, upper = np.array(self.lower), np.array(self.upper)
        for _ in range(rounds):
            changed = False
            for row, rhs in zip(self.eq, self.eq_rhs):
                for k, ck in row.items():
                    rest_low = sum(min(c * lower[j], c * upper[j]) for j, c in row.items() if j != k)
                    rest_high = sum(max(c * lower[j], c * upper[j]) for j, c in row.items() if j != k)
                    # ck * x_k = rhs - rest
                    a, b = (rhs - rest_high) / ck, (rhs - rest_low) / ck
                    lo, hi = math.ceil(min(a, b) - 1e-9), math.floor(max(a, b) + 1e-9)
                    if lo > lower[k] + 1e-9:
                        lower[k], changed = lo, True
                    if hi < upper[k] - 1e-9:
                        upper[k], changed = hi, True
            if not changed:
                break
        self.lower, self.upper = list(lower), list(upper)

    def components(self) -> list[list[int]]:
        parent = list(range(len(self.lower)))

        def find(i):
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for row in self.eq + self.ub:
            members = list(row)
            for other in members[1:]:
                parent[find(other)] = find(members[0])
        groups = defaultdict(list)
        for i in range(len(parent)):
            groups[find(i)].append(i)
        return list(groups.values())

    def bounds_of(self, targets: list[int]) -> dict[int, tuple[float, float]]:
        """Tightest [min, max] of each target variable, component by component."""
        result = {}
        target_set = set(targets)
        for component in self.components():
            wanted = [v for v in component if v in target_set]
            if not wanted:
                continue
            position = {v: i for i, v in enumerate(component)}
            eq_rows = [r for r in range(len(self.eq)) if next(iter(self.eq[r])) in position]
            ub_rows = [r for r in range(len(self.ub)) if next(iter(self.ub[r])) in position]
            a_eq = _matrix([self.eq[r] for r in eq_rows], position)
            a_ub = _matrix([self.ub[r] for r in ub_rows], position)
            bounds = [(self.lower[v], self.upper[v]) for v in component]
            for v in wanted:
                extremes = []
                for sign in (1, -1):
                    c = np.zeros(len(component))
                    c[position[v]] = sign
                    res = linprog(
                        c,
                        A_eq=a_eq,
                        b_eq=np.array([self.eq_rhs[r] for r in eq_rows]) if eq_rows else None,
                        A_ub=a_ub,
                        b_ub=np.array([self.ub_rhs[r] for r in ub_rows]) if ub_rows else None,
                        bounds=bounds,
                        method="highs",
                    )
                    assert res.status == 0, f"the reader's LP failed: {res.message}"
                    value = res.fun
                    if np.abs(res.x - np.round(res.x)).max() > 1e-6:
                        constraints = []
                        if eq_rows:
                            rhs = np.array([self.eq_rhs[r] for r in eq_rows])
                            constraints.append(LinearConstraint(a_eq, rhs, rhs))
                        if ub_rows:
                            constraints.append(
                                LinearConstraint(a_ub, -np.inf, np.array([self.ub_rhs[r] for r in ub_rows]))
                            )
                        integer = milp(
                            c,
                            constraints=constraints,
                            integrality=np.ones(len(component)),
                            bounds=Bounds([b[0] for b in bounds], [b[1] for b in bounds]),
                        )
                        assert integer.x is not None, integer.message
                        value = integer.fun
                    extremes.append(sign * value)
                result[v] = (extremes[0], extremes[1])
        return result


def _matrix(rows: list[dict[int, float]], position: dict[int, int]):
    if not rows:
        return None
    data, ri, ci = [], [], []
    for r, row in enumerate(rows):
        for v, c in row.items():
            ri.append(r)
            ci.append(position[v])
            data.append(c)
    return sparse.csr_matrix((data, (ri, ci)), shape=(len(rows), len(position)))


@pytest.fixture(scope="module")
def metric_attack(duckdb_default, duckdb_public_tables):
    return metric_reader(duckdb_default)


def metric_reader(built) -> tuple[pd.DataFrame, Reader, dict]:
    """The published metric cells, the reader's problem over them, and the true disclosed count of
    each hidden cell in a relation."""
    cells = published_metric_cells(built)
    truth = read(built, "select * from marts.fct_metric_values")
    truth["period_start"] = pd.to_datetime(truth.period_start).dt.strftime("%Y-%m-%d")
    truth["key"] = list(zip(*(truth[k].astype(str) for k in KEYS)))
    true_by_key = truth.set_index("key")
    relations = metric_relations(cells)

    reader = Reader()
    denominators = {}
    for row in cells.itertuples():
        if row.cell_kind in ("mean", "estimate"):
            continue  # a mean's observation count is in no relation; an estimate discloses no count
        is_share = row.cell_kind in ("share", "rate")
        if row.is_suppressed:
            reader.variable(row.key, 0 if is_share else 1)
        elif is_share:
            # the reader sees a rounded ratio, not the numerator
            half = 0.5 * 10.0 ** -int(row.published_decimals)
            reader.variable(row.key, 11 if row.value - half > 0 else 0)
            if row.denominator_metric:
                denominators[row.key] = (
                    (row.denominator_metric, row.period_grain, row.period_start, row.program, "", ""),
                    max(row.value - half, 0.0),
                    row.value + half,
                )
    constants = {
        row.key: float(row.value) for row in cells.itertuples() if not row.is_suppressed and row.cell_kind == "count"
    }
    for relation in relations:
        terms = {k: c for k, c in relation.items() if k in reader.index}
        known = {k: (c, constants[k]) for k, c in relation.items() if k not in reader.index}
        reader.relation(terms, known)
    for numerator, (denominator, low, high) in denominators.items():
        n = reader.index[numerator]
        if denominator in reader.index:
            d = reader.index[denominator]
            reader.ub.append({n: -1.0, d: low})  # low * D <= n
            reader.ub_rhs.append(0.0)
            reader.ub.append({n: 1.0, d: -high})  # n <= high * D
            reader.ub_rhs.append(0.0)
        elif denominator in constants:
            value = constants[denominator]
            reader.variable(numerator, math.ceil(low * value - 1e-9), math.floor(high * value + 1e-9))
    # hidden shares over a hidden denominator: numerator <= denominator
    hidden_shares = cells[cells.is_suppressed & cells.denominator_metric.ne("")]
    for row in hidden_shares.itertuples():
        denominator = (row.denominator_metric, row.period_grain, row.period_start, row.program, "", "")
        if row.key in reader.index and denominator in reader.index:
            reader.ub.append({reader.index[row.key]: 1.0, reader.index[denominator]: -1.0})
            reader.ub_rhs.append(0.0)

    disclosed = {}
    for row in cells[cells.is_suppressed].itertuples():
        if row.key not in reader.index:
            continue
        t = true_by_key.loc[[row.key]].iloc[0] if row.key in true_by_key.index else None
        true = 0.0 if t is None else float(t.value if row.cell_kind == "count" else t.numerator)
        disclosed[row.key] = true
    reader.propagate()
    return cells, reader, disclosed


def narrowed(reader: Reader, disclosed: dict, width_of, label: str) -> list[tuple]:
    """Bound every hidden cell; return the small cells narrower than their protection width."""
    small = [k for k, v in disclosed.items() if SMALL[0] <= v <= SMALL[1]]
    assert small, f"{label}: the city must hide small cells in relations, or this test proves nothing"
    bounds = reader.bounds_of([reader.index[k] for k in disclosed])
    narrow, widths = [], []
    for key, true in disclosed.items():
        low, high = bounds[reader.index[key]]
        assert low - 1e-6 <= true <= high + 1e-6, f"{label}: {key} = {true} lies outside the reader's [{low}, {high}]"
        if key in small:
            widths.append(high - low)
            if high - low < width_of(key) - 1e-6:
                narrow.append((key, true, low, high))
    widths = np.array(widths)
    print(
        f"\n{label}: {len(disclosed)} hidden cells in relations, {len(small)} small; reader's range width over "
        f"small cells: min {widths.min():.0f}, median {np.median(widths):.0f}; "
        f"{int((widths <= 2).sum())} of width 2 or less, {int((widths == 0).sum())} pinned"
    )
    return narrow


def _assert_protected(cells: pd.DataFrame, reader: Reader, disclosed: dict, width_of, label: str) -> None:
    narrow = narrowed(reader, disclosed, width_of, label)
    assert not narrow, f"{label}: {len(narrow)} small cells narrowed below the protection width, e.g. {narrow[:5]}"


def test_no_hidden_small_metric_cell_can_be_narrowed(metric_attack):
    cells, reader, disclosed = metric_attack
    width = dict(zip(cells.key, cells.protection_width.astype(float)))
    _assert_protected(cells, reader, disclosed, lambda key: width[key], "pub_metric_values")


def demographic_protection_width() -> float:
    project = yaml.safe_load((PROJECT_ROOT / "dbt_project.yml").read_text())
    return float(project["vars"]["public_demographic_protection_width"])


def test_no_hidden_small_demographic_count_can_be_narrowed(duckdb_default, duckdb_public_tables):
    cells, reader, disclosed = demographic_reader(duckdb_default)
    width = demographic_protection_width()
    _assert_protected(cells, reader, disclosed, lambda key: width, "demographics")


def demographic_reader(built) -> tuple[pd.DataFrame, Reader, dict]:
    cells, relations = demographic_cells_and_relations(built)
    truth = read(built, "select * from public_candidates.candidate_demographic_cells")
    table = {"people_served": "pub_people_served_demographics", "staff": "pub_staff_demographics"}
    true = {
        (
            table[r.table_name],
            r.period_grain,
            pd.Timestamp(r.period_start).strftime("%Y-%m-%d"),
            r.program,
            r.attribute,
            r.category,
        ): r.cell_count
        for r in truth.itertuples()
    }
    reader = Reader()
    for row in cells[cells.is_suppressed].itertuples():
        reader.variable(row.key, 1)
    constants = {row.key: float(row.value) for row in cells[~cells.is_suppressed].itertuples()}
    for relation in relations:
        terms = {k: c for k, c in relation.items() if k in reader.index}
        reader.relation(terms, {k: (c, constants[k]) for k, c in relation.items() if k not in reader.index})
    reader.propagate()
    in_relations = {k for row in reader.eq for k in row}
    disclosed = {k: float(true[k]) for k, i in reader.index.items() if i in in_relations}
    return cells, reader, disclosed


def test_the_attack_recovers_a_cell_hidden_alone(metric_attack):
    """The attack can fail: the issue's example, people served by gender with total 49, man 27,
    woman 20 and two hidden cells, pins both hidden cells to 1."""
    reader = Reader()
    for key in ("a", "b"):
        reader.variable(key, 1)
    reader.relation({"a": 1, "b": 1}, {"man": (1, 27), "woman": (1, 20), "total": (-1, 49)})
    reader.propagate()
    bounds = reader.bounds_of([0, 1])
    assert bounds == {0: (1, 1), 1: (1, 1)}
    # and a printed share pins a hidden denominator: 25.0% of D is a published 5 -> D is 20
    reader = Reader()
    d = reader.variable("D", 1)
    reader.ub.extend([{d: 0.2495}, {d: -0.2505}])
    reader.ub_rhs.extend([5.0, -5.0])
    assert reader.bounds_of([d]) == {d: (20, 20)}


def test_one_marker_for_every_hidden_cell(duckdb_default, duckdb_public_tables):
    for table in ("pub_metric_values", "pub_people_served_demographics", "pub_staff_demographics"):
        markers = read(
            duckdb_default, f"select distinct suppression_reason from public_marts.{table} where is_suppressed"
        )
        assert len(markers) == 1, f"{table}: hidden cells carry different markers {list(markers.suppression_reason)}"


def test_published_values_are_rounded_as_printed(metric_attack):
    """No more precision reaches the public than the outputs print: a share 0..1 printed as a
    percent with one decimal has three decimals in the table."""
    from orchestration.publishing.locale import UNIT_DECIMALS

    cells, _, _ = metric_attack
    catalog = pd.read_csv(PROJECT_ROOT / "seeds/metric_catalog.csv", keep_default_na=False)
    unit = dict(zip(catalog.metric_id, catalog.unit))
    shown = cells[~cells.is_suppressed]
    for metric_id, decimals in shown.groupby("metric_id").published_decimals.first().items():
        printed = UNIT_DECIMALS.get(unit[metric_id], 1) + (2 if unit[metric_id] == "share (0..1)" else 0)
        assert decimals <= printed, f"{metric_id}: published with {decimals} decimals, printed with {printed}"
        values = shown[shown.metric_id == metric_id].value.astype(float)
        assert np.allclose(values, values.round(int(decimals))), f"{metric_id} carries more than {decimals} decimals"


def test_zero_numerator_shares_have_rows(metric_attack):
    """A share with numerator 0 is published, or hidden, by the rule of every other share: each
    program and value the share has anywhere has a row wherever its denominator is positive."""
    cells, _, _ = metric_attack
    shares = cells[cells.denominator_metric.ne("")]
    counts = cells[cells.cell_kind.eq("count") & cells.dimension.eq("")]
    checked = 0
    for metric_id, rows in shares.groupby("metric_id"):
        denominator_metric = rows.denominator_metric.iloc[0]
        programs, values = set(rows.program), set(rows.dimension_value)
        present = set(zip(rows.period_grain, rows.period_start, rows.program, rows.dimension_value))
        for d in counts[counts.metric_id.eq(denominator_metric) & counts.program.isin(programs)].itertuples():
            if d.is_suppressed or d.value > 0:
                for value in values:
                    checked += 1
                    assert (d.period_grain, d.period_start, d.program, value) in present, (
                        f"{metric_id} has no row for {d.period_grain} {d.period_start} {d.program} {value!r}"
                    )
    zero = shares[~shares.is_suppressed & shares.value.eq(0)]
    print(f"\nshare cells checked: {checked}; published zero shares: {len(zero)}")
    assert checked and len(zero), "the tiny city must have zero shares, or this test proves nothing"
