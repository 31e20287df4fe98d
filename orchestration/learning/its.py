"""Interrupted time series: did a weekly series change when the program changed?

Segmented regression of weekly counts (Poisson GLM, log link) on
  time (weeks) + step at the change (level change) + weeks since the change (slope change)
  + a step at every other known change inside the series (so an unrelated change is not credited)
  + yearly seasonality (two Fourier pairs of the day of year) when the series spans two years or more.
With under two years a season cannot be told apart from a change, so none is fitted, and the
result says so. Counts are overdispersed and autocorrelated week to week, so standard errors are
Newey-West (HAC) with the usual lag rule floor(4 (n/100)^(2/9)), and intervals use the t distribution.

The level effect is exp(b_step) - 1: the relative change in the week of the change against the
pre-change trend carried forward, with its 95% interval. The week a change falls inside (when it
does not begin on a Monday) is partly before and partly after, so it is left out.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

SEASONAL_MIN_WEEKS = 104  # two full years before a yearly season is estimated
FOURIER_PAIRS = 2
MIN_WEEKS_EACH_SIDE = 8


@dataclass(frozen=True)
class Estimate:
    series: str
    began: dt.date
    weeks_before: int
    weeks_after: int
    level_change: float  # relative change at the date: 0.2 = +20%
    level_ci_low: float
    level_ci_high: float
    level_p_value: float
    slope_change: float  # relative change of the weekly growth after the date
    slope_ci_low: float
    slope_ci_high: float
    seasonality: str
    other_changes: tuple[dt.date, ...]
    hac_lags: int

    def covers(self, relative_change: float) -> bool:
        return self.level_ci_low <= relative_change <= self.level_ci_high

    def direction(self) -> str:
        """`up` or `down` when the 95% interval excludes no change, else `unclear`."""
        if self.level_ci_low > 0:
            return "up"
        if self.level_ci_high < 0:
            return "down"
        return "unclear"

    def as_record(self) -> dict:
        record = asdict(self)
        record["began"] = self.began.isoformat()
        record["other_changes"] = [d.isoformat() for d in self.other_changes]
        record["direction"] = self.direction()
        return record


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _first_week_after(day: dt.date) -> dt.date:
    """The first week wholly on or after `day`."""
    return day if day.weekday() == 0 else _monday(day) + dt.timedelta(days=7)


def design(weeks: list[dt.date], began: dt.date, other_changes=()) -> tuple[pd.DataFrame, list[bool], list]:
    """Regressors for each week, which weeks to keep, and the other changes that fell inside."""
    import numpy as np
    import pandas as pd

    week = pd.Series(weeks)
    t = np.arange(len(weeks), dtype=float)
    keep = [not (_monday(began) == w and began.weekday() != 0) for w in weeks]
    columns = {"const": np.ones(len(weeks)), "time": t / 52.0}
    after = week.map(lambda w: w >= _first_week_after(began)).to_numpy()
    t0 = t[after][0] if after.any() else len(weeks)
    columns["level"] = after.astype(float)
    columns["slope"] = np.where(after, (t - t0) / 52.0, 0.0)
    inside = []
    for other in sorted(set(other_changes)):
        if other == began or not (weeks[0] < _monday(other) and _first_week_after(other) <= weeks[-1]):
            continue
        inside.append(other)
        columns[f"other_{other.isoformat()}"] = week.map(lambda w, o=other: w >= _first_week_after(o)).astype(float)
        keep = [k and not (_monday(other) == w and other.weekday() != 0) for k, w in zip(keep, weeks)]
    if len(weeks) >= SEASONAL_MIN_WEEKS:
        # The middle of the week's day of year, as a fraction of the year.
        phase = week.map(lambda w: ((w + dt.timedelta(days=3)).timetuple().tm_yday - 1) / 365.25).to_numpy()
        for k in range(1, FOURIER_PAIRS + 1):
            columns[f"sin{k}"] = np.sin(2 * math.pi * k * phase)
            columns[f"cos{k}"] = np.cos(2 * math.pi * k * phase)
    return pd.DataFrame(columns), keep, inside


def hac_lags(n: int) -> int:
    return int(math.floor(4 * (n / 100) ** (2 / 9)))


def estimate_effect(series: pd.Series, began: dt.date, other_changes=(), name: str | None = None) -> Estimate:
    """The level and slope change of weekly counts `series` (index: Mondays) at `began`."""
    import numpy as np
    import statsmodels.api as sm

    weeks = list(series.index)
    x, keep, inside = design(weeks, began, other_changes)
    keep = np.array(keep)
    y = series.to_numpy(dtype=float)[keep]
    x = x[keep].reset_index(drop=True)
    before, after = int((x.level == 0).sum()), int((x.level == 1).sum())
    if before < MIN_WEEKS_EACH_SIDE or after < MIN_WEEKS_EACH_SIDE:
        raise ValueError(
            f"{name or 'series'}: {before} full weeks before and {after} after {began}; "
            f"at least {MIN_WEEKS_EACH_SIDE} each side are needed"
        )
    if y.sum() == 0:
        raise ValueError(f"{name or 'series'}: no events in any week; nothing to estimate")
    lags = hac_lags(len(y))
    fit = sm.GLM(y, x, family=sm.families.Poisson()).fit(
        cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True}, use_t=True
    )
    ci = fit.conf_int(alpha=0.05)
    return Estimate(
        series=name or str(series.name),
        began=began,
        weeks_before=before,
        weeks_after=after,
        level_change=math.expm1(fit.params["level"]),
        level_ci_low=math.expm1(ci.loc["level", 0]),
        level_ci_high=math.expm1(ci.loc["level", 1]),
        level_p_value=float(fit.pvalues["level"]),
        # Slope per year of the log count, as a relative change of the yearly growth.
        slope_change=math.expm1(fit.params["slope"]),
        slope_ci_low=math.expm1(ci.loc["slope", 0]),
        slope_ci_high=math.expm1(ci.loc["slope", 1]),
        seasonality=f"{FOURIER_PAIRS} yearly Fourier pairs" if "sin1" in x else "none (under two years of weeks)",
        other_changes=tuple(inside),
        hac_lags=lags,
    )
