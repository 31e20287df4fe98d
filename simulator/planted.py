"""Known effects planted into the simulated city, so an evaluation can be checked against a truth.

`PlantedEffect(began, factor)` multiplies the follow-ups made from local midnight of `began` on by
`factor` (1.2: 20% more): for factor > 1 each such follow-up is, with probability factor - 1, followed
by a second contact with the same person within a day; for factor < 1 each is kept with probability
factor. Nothing else in the city changes, so the true effect on any count of follow-up contacts
(Care Navigation's, CCD's, or both) is exactly `factor` in expectation.

Planting draws from its own random stream, and nothing is drawn when no effect is planted: the
default city is byte-identical to one generated without this module.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

import numpy as np
import pandas as pd

TARGETS = ("follow_ups",)
_STREAM = 0x1EA7  # the planted effects' own random stream, apart from the simulation's


@dataclass(frozen=True)
class PlantedEffect:
    began: dt.date  # local date from which the effect holds
    factor: float  # multiplier of the target's volume: 1.2 = +20%
    target: str = "follow_ups"

    def __post_init__(self) -> None:
        if self.target not in TARGETS:
            raise ValueError(f"PlantedEffect.target: unknown target {self.target!r}; choose one of {TARGETS}")
        if not self.factor > 0:
            raise ValueError(f"PlantedEffect.factor must be > 0, got {self.factor}")
        if not isinstance(self.began, dt.date):
            raise ValueError(f"PlantedEffect.began must be a date, got {self.began!r}")

    def began_utc(self, timezone: str) -> int:
        """Epoch seconds of local midnight of `began`."""
        local = dt.datetime.combine(self.began, dt.time(), tzinfo=zoneinfo.ZoneInfo(timezone))
        return int(local.timestamp())


def plant_follow_up_effects(fu: pd.DataFrame, effects, seed: int, timezone: str) -> pd.DataFrame:
    """`fu` (casemgmt.build_follow_ups' frame) with each follow-up effect applied in order."""
    effects = [e for e in effects if e.target == "follow_ups"]
    if not effects:
        return fu
    rng = np.random.default_rng(np.random.SeedSequence([seed, _STREAM]))
    for effect in effects:
        affected = fu.followed_up.to_numpy() >= effect.began_utc(timezone)
        if effect.factor >= 1:
            extra = fu[affected & (rng.random(len(fu)) < effect.factor - 1)].copy()
            # A second contact with the same person, within the next day.
            extra["followed_up"] = extra.followed_up.to_numpy() + rng.integers(3600, 86400, len(extra))
            fu = pd.concat([fu, extra], ignore_index=True)
        else:
            fu = fu[~affected | (rng.random(len(fu)) < effect.factor)].reset_index(drop=True)
    return fu


def follow_up_days(follow_ups: pd.DataFrame, timezone: str, team: str | None = None) -> pd.Series:
    """Local date of each follow-up of a simulated `follow_ups` table (optionally of one team)."""
    rows = follow_ups if team is None else follow_ups[follow_ups.team == team]
    when = pd.to_datetime(rows.followed_up_at, unit="s", utc=True).dt.tz_convert(timezone)
    return when.dt.date.reset_index(drop=True)
