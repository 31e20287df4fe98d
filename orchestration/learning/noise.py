"""Is a quarter-on-quarter change larger than chance would make it? One test a kind of figure.

* counts (and count events over a base, e.g. arrests per 100 incidents): two Poisson counts with
  their exposures (days of the quarter, or the base); the exact conditional test: given the total,
  the current count is binomial with p = exposure share under "same rate".
* shares and per-100 rates of incidents with an attribute: two independent proportions, the pooled
  two-sided z test.
* durations (means, medians, 90th percentiles of minutes): the incident values of each quarter,
  resampled apart (percentile bootstrap of the difference of the statistic).

Each test is two-sided at 95%: a figure is flagged `up` or `down` when p < 0.05 (or the bootstrap
interval of the difference excludes 0). About one stable figure in twenty is flagged by chance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

ALPHA = 0.05
BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_SEED = 20240101  # fixed: the same warehouse gives the same packet


@dataclass(frozen=True)
class Verdict:
    """The outcome of one test: `flag` is up / down (beyond noise), `within_noise`, or `untested`
    (then `note` says why)."""

    model: str
    flag: str
    p_value: float | None = None
    interval: tuple[float, float] | None = None  # bootstrap 95% interval of the difference
    note: str = ""

    @property
    def flagged(self) -> bool:
        return self.flag in ("up", "down")


def untested(model: str, note: str) -> Verdict:
    return Verdict(model=model, flag="untested", note=note)


def _direction(difference: float, significant: bool) -> str:
    if not significant or difference == 0:
        return "within_noise"
    return "up" if difference > 0 else "down"


def poisson_counts(current: float, exposure: float, earlier: float, earlier_exposure: float) -> Verdict:
    """Exact conditional test of two Poisson counts with their exposures (days, or the base)."""
    from scipy.stats import binomtest

    model = "Poisson, exact conditional test"
    total = int(round(current + earlier))
    if total == 0:
        return Verdict(model=model, flag="within_noise", p_value=1.0)
    share = exposure / (exposure + earlier_exposure)
    p_value = binomtest(int(round(current)), total, share).pvalue
    rate_change = current / exposure - earlier / earlier_exposure
    return Verdict(model=model, flag=_direction(rate_change, p_value < ALPHA), p_value=float(p_value))


def two_proportions(successes: float, trials: float, earlier_successes: float, earlier_trials: float) -> Verdict:
    """Pooled two-sided z test of two independent proportions."""
    from scipy.stats import norm

    model = "two-proportion z test"
    pooled = (successes + earlier_successes) / (trials + earlier_trials)
    variance = pooled * (1 - pooled) * (1 / trials + 1 / earlier_trials)
    difference = successes / trials - earlier_successes / earlier_trials
    if variance == 0:  # every incident, or none, on both sides: nothing varies
        return Verdict(model=model, flag="within_noise", p_value=1.0)
    p_value = 2 * norm.sf(abs(difference) / math.sqrt(variance))
    return Verdict(model=model, flag=_direction(difference, p_value < ALPHA), p_value=float(p_value))


def statistic(name: str):
    """The statistic of a duration metric; percentiles interpolate linearly, as percentile_cont."""
    import numpy as np

    return {
        "mean": np.mean,
        "median": np.median,
        "p90": lambda values: np.quantile(values, 0.9, method="linear"),
    }[name]


def bootstrap_difference(current, earlier, stat: str) -> Verdict:
    """Percentile bootstrap of stat(current) - stat(earlier), each quarter resampled apart."""
    import numpy as np

    model = f"bootstrap of the {stat} ({BOOTSTRAP_RESAMPLES} resamples)"
    current, earlier = np.asarray(current, dtype=float), np.asarray(earlier, dtype=float)
    if len(current) < 2 or len(earlier) < 2:
        return untested(model, "fewer than 2 incident values in a quarter")
    f = statistic(stat)
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    differences = np.empty(BOOTSTRAP_RESAMPLES)
    for i in range(BOOTSTRAP_RESAMPLES):
        differences[i] = f(rng.choice(current, len(current))) - f(rng.choice(earlier, len(earlier)))
    low, high = (float(q) for q in np.quantile(differences, [ALPHA / 2, 1 - ALPHA / 2]))
    observed = float(f(current) - f(earlier))
    return Verdict(model=model, flag=_direction(observed, low > 0 or high < 0), interval=(low, high))
