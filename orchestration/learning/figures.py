"""The quarterly learning packet's figures: every catalog metric (program ALL) for the latest complete
quarter, the quarter before and the same quarter a year before, each change, and its noise verdict.

Figures come from `marts.fct_metric_values`; the incident values a duration's bootstrap resamples
come from `marts.fct_incidents`, and are used only when they reproduce the mart's figure exactly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from orchestration.learning import noise

if TYPE_CHECKING:
    from orchestration.warehouse.destination import Destination

COUNT_UNITS = ("incidents", "contacts")
LISTED_VALUES_MAX = 12  # a dimension with more values (the day-hour and beat grids) is summarized
QUESTION_ORDER = ("Q1", "Q2", "Q3", "Q4", "Q5", "L")

# The incident values behind each duration metric (program ALL), as the metric's model selects them.
DURATIONS = {
    "response_minutes_mean": ("mean", "response_minutes", "is_heart_responded and response_time_status = 'valid'"),
    "response_minutes_median": ("median", "response_minutes", "is_heart_responded and response_time_status = 'valid'"),
    "response_minutes_p90": ("p90", "response_minutes", "is_heart_responded and response_time_status = 'valid'"),
    "time_on_task_minutes_mean": (
        "mean",
        "heart_time_on_task_minutes",
        "is_heart_responded and heart_time_on_task_minutes is not null",
    ),
    "eligible_response_minutes_mean": (
        "mean",
        "response_minutes",
        "is_eligible and response_status = 'responded' and response_time_status = 'valid'",
    ),
    "police_minutes_per_forgone_incident": ("mean", "coalesce(police_minutes, 0)", "is_eligible and is_forgone"),
}
# Events counted over a base, not incidents with an attribute: an incident can hold several arrests.
EVENT_RATES = {"arrests_per_100"}
NO_MODEL = {
    "hours": "no noise model: a formula of averages (A x B x C / 60), whose error is not a count's",
    "standardized": "no noise model: a standardized rate is a weighted mean of stratum rates, not events over a base",
    "minutes": "no noise model: the incident values behind this duration are not at hand",
}


@dataclass(frozen=True)
class Quarter:
    start: dt.date

    @property
    def end(self) -> dt.date:
        return self.shift(1).start - dt.timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"

    def shift(self, quarters: int) -> Quarter:
        months = self.start.year * 12 + self.start.month - 1 + 3 * quarters
        return Quarter(dt.date(months // 12, months % 12 + 1, 1))

    @classmethod
    def containing(cls, day: dt.date) -> Quarter:
        return cls(dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1))

    @classmethod
    def parse(cls, text: str) -> Quarter:
        year, _, number = text.partition("-Q")
        if not (year.isdigit() and number in ("1", "2", "3", "4")):
            raise ValueError(f"quarter {text!r}: expected the form 2024-Q4")
        return cls(dt.date(int(year), 3 * int(number) - 2, 1))


@dataclass(frozen=True)
class Figure:
    """A metric's value in a quarter, or why there is none (`missing`)."""

    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    provisional: bool = False
    note: str = ""  # e.g. a zero the mart leaves out
    missing: str = ""


@dataclass(frozen=True)
class Change:
    """The change from an earlier quarter's figure to the current one, and its noise verdict."""

    difference: float | None = None
    relative: float | None = None
    verdict: noise.Verdict | None = None
    missing: str = ""


@dataclass
class Row:
    metric_id: str
    dimension: str
    dimension_value: str
    unit: str
    definition: str
    question: str
    figures: dict[str, Figure] = field(default_factory=dict)  # current, previous, year_ago
    changes: dict[str, Change] = field(default_factory=dict)  # previous, year_ago
    summary: str = ""  # set for a dimension summarized rather than listed


@dataclass
class QuarterFigures:
    quarter: Quarter
    previous: Quarter
    year_ago: Quarter
    first_day: dt.date
    last_day: dt.date
    rows: list[Row]

    @property
    def provisional(self) -> bool:
        return any(r.figures.get("current", Figure()).provisional for r in self.rows)


class NoCompleteQuarter(ValueError):
    """The incidents cover no calendar quarter wholly (a city's first months of data)."""


def latest_complete_quarter(first_day: dt.date, last_day: dt.date) -> Quarter:
    quarter = Quarter.containing(last_day + dt.timedelta(days=1)).shift(-1)
    if quarter.start < first_day:
        raise NoCompleteQuarter(
            f"marts.fct_incidents covers {first_day} to {last_day}: no calendar quarter lies wholly inside"
        )
    return quarter


def noise_kind(metric_id: str, unit: str) -> str:
    """Which test fits the metric: poisson_days, poisson_base, proportion, bootstrap, or a NO_MODEL key."""
    if metric_id.endswith("_standardized"):
        return "standardized"
    if unit in COUNT_UNITS:
        return "poisson_days"
    if metric_id in EVENT_RATES:
        return "poisson_base"
    if unit in ("share (0..1)", "per 100 incidents"):
        return "proportion"
    if metric_id in DURATIONS:
        return "bootstrap"
    return "hours" if unit == "hours" else "minutes"


def _query(cur, sql: str) -> list[tuple]:
    cur.execute(sql)
    return cur.fetchall()


def _in_quarters(column: str, quarters: list[Quarter]) -> str:
    # Dates the code built itself, so inlining them is safe and reads the same on both engines.
    dates = ", ".join(f"date '{q.start.isoformat()}'" for q in quarters)
    return f"{column} in ({dates})"


def read_quarter_figures(dest: Destination, quarter: Quarter | None = None) -> QuarterFigures:
    """Every catalog metric's rows for the quarter (default: the latest complete one) and its two
    comparison quarters, with the incident values the duration tests need."""
    from orchestration.warehouse.connections import connect

    with connect(dest, read_only=True, application_name="arp_learning_packet") as con:
        cur = con.cursor()
        first_day, last_day = _query(
            cur, "select min(created_date_local), max(created_date_local) from marts.fct_incidents"
        )[0]
        if first_day is None:
            raise ValueError(f"marts.fct_incidents of {dest.describe()} is empty: no quarter to report")
        quarter = quarter or latest_complete_quarter(first_day, last_day)
        quarters = {"current": quarter, "previous": quarter.shift(-1), "year_ago": quarter.shift(-4)}
        catalog = _query(cur, "select metric_id, question, unit, dimension, definition from marts.dim_metric")
        unavailable = dict(
            _query(
                cur,
                "select metric_id, unavailable_reason from marts.dim_metric_availability where not is_available",
            )
        )
        values = _query(
            cur,
            "select metric_id, period_start, dimension_value, value, numerator, denominator, is_provisional "
            "from marts.fct_metric_values where period_grain = 'quarter' and program = 'ALL' and "
            + _in_quarters("period_start", list(quarters.values())),
        )
        samples = {}
        for metric_id, (_, column, condition) in DURATIONS.items():
            rows = _query(
                cur,
                f"select created_quarter_local, {column} from marts.fct_incidents where ({condition}) and "
                + _in_quarters("created_quarter_local", list(quarters.values())),
            )
            for start, value in rows:
                samples.setdefault((metric_id, start), []).append(float(value))
    rows = _build_rows(catalog, unavailable, values, samples, quarters, first_day, last_day)
    return QuarterFigures(quarter, quarters["previous"], quarters["year_ago"], first_day, last_day, rows)


def _build_rows(catalog, unavailable, values, samples, quarters, first_day, last_day) -> list[Row]:
    by_key = {(m, start, dv): (v, n, d, p) for m, start, dv, v, n, d, p in values}
    provisional = {start for _, start, _, _, _, _, p in values if p}
    rows = []
    ordered = sorted(catalog, key=lambda c: (QUESTION_ORDER.index(c[1]) if c[1] in QUESTION_ORDER else 99, c[0]))
    for metric_id, question, unit, dimension, definition in ordered:
        about = {
            "metric_id": metric_id,
            "dimension": dimension or "",
            "unit": unit,
            "definition": definition or "",
            "question": question,
        }
        if metric_id in unavailable:
            r = Row(dimension_value="", **about)
            # dim_metric_availability words its reason for the public: "not available: needs ..."
            reason = unavailable[metric_id] or "the city lacks a source this metric needs"
            reason = reason if reason.startswith("not available") else f"not available: {reason}"
            r.figures = {k: Figure(missing=reason) for k in quarters}
            r.changes = {k: Change(missing=reason) for k in ("previous", "year_ago")}
            rows.append(r)
            continue
        dimension_values = sorted({dv for m, _, dv in by_key if m == metric_id}) or [""]
        if len(dimension_values) > LISTED_VALUES_MAX:
            r = Row(dimension_value="", **about)
            r.summary = (
                f"{len(dimension_values)} values of {dimension}: not compared one by one here "
                "(at 95% about one in twenty stable cells would be flagged by chance)"
            )
            rows.append(r)
            continue
        for dimension_value in dimension_values:
            r = Row(dimension_value=dimension_value, **about)
            for name, q in quarters.items():
                found = by_key.get((metric_id, q.start, dimension_value))
                r.figures[name] = _figure(found, q, unit, first_day, last_day, q.start in provisional)
            kind = noise_kind(metric_id, unit)
            for name in ("previous", "year_ago"):
                r.changes[name] = _change(
                    metric_id,
                    kind,
                    (r.figures["current"], quarters["current"]),
                    (r.figures[name], quarters[name]),
                    samples,
                )
            rows.append(r)
    return rows


def _figure(found, quarter: Quarter, unit: str, first_day: dt.date, last_day: dt.date, provisional: bool) -> Figure:
    if quarter.start < first_day:
        return Figure(missing=f"not available: the data begins {first_day.isoformat()}, after {quarter.label} began")
    if quarter.end > last_day:
        return Figure(missing=f"not available: the data ends {last_day.isoformat()}, before {quarter.label} ended")
    if found is not None:
        value, numerator, denominator, _ = found
        return Figure(value, numerator, denominator, provisional)
    if unit in COUNT_UNITS:
        return Figure(0.0, 0.0, None, provisional, note="none counted (the mart writes no row for a count of 0)")
    return Figure(missing="not available: no row in fct_metric_values (nothing to measure in the quarter)")


def _change(metric_id: str, kind: str, current, earlier, samples) -> Change:
    (now, q_now), (then, q_then) = current, earlier
    if now.missing or then.missing:
        return Change(missing=now.missing or then.missing)
    difference = now.value - then.value
    relative = difference / then.value if then.value else None
    return Change(difference, relative, _verdict(metric_id, kind, now, q_now, then, q_then, samples))


def _verdict(metric_id, kind, now: Figure, q_now: Quarter, then: Figure, q_then: Quarter, samples) -> noise.Verdict:
    if kind == "poisson_days":
        return noise.poisson_counts(now.value, q_now.days, then.value, q_then.days)
    if kind in ("poisson_base", "proportion"):
        if not (now.denominator and then.denominator) or now.numerator is None or then.numerator is None:
            return noise.untested(kind, "no numerator or denominator in fct_metric_values")
        test = noise.poisson_counts if kind == "poisson_base" else noise.two_proportions
        return test(now.numerator, now.denominator, then.numerator, then.denominator)
    if kind == "bootstrap":
        stat = DURATIONS[metric_id][0]
        values_now = samples.get((metric_id, q_now.start), [])
        values_then = samples.get((metric_id, q_then.start), [])
        for values, figure, q in ((values_now, now, q_now), (values_then, then, q_then)):
            if not _reproduces(values, figure, stat):
                return noise.untested(
                    "bootstrap",
                    f"no noise model: the incident values of fct_incidents do not reproduce the {q.label} figure",
                )
        return noise.bootstrap_difference(values_now, values_then, stat)
    return noise.untested("none", NO_MODEL[kind])


def _reproduces(values: list[float], figure: Figure, stat: str) -> bool:
    if not values or figure.denominator is None or len(values) != int(round(figure.denominator)):
        return False
    return abs(float(noise.statistic(stat)(values)) - figure.value) <= 1e-6 * max(1.0, abs(figure.value))
