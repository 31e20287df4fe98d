"""The evaluation recovers an effect the generator planted, and finds none where nothing changed.

The truth here is the generator's: follow-ups are planted 20% higher from the date of the
register's "Expanded HEART follow-up definition". The city tier is simulated (five years, so a
yearly season can be estimated) without writing any database, which keeps the test near 20 s.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from orchestration.learning.its import estimate_effect
from orchestration.learning.register import load_register
from orchestration.learning.series import FOLLOW_UP_WARMUP_WEEKS, weekly_counts
from simulator.city import simulate
from simulator.config import TIERS, GeneratorConfig
from simulator.planted import PlantedEffect, follow_up_days
from simulator.rules import load_rules

PLACEBO_DATE = dt.date(2021, 9, 6)  # between the register's 2021-01 and 2022-06 changes


def _follow_ups(tier: str, seed: int, effects=()):
    cfg = GeneratorConfig(tier=tier, seed=seed, defect_rate=0, planted_effects=effects)
    return cfg, simulate(cfg, load_rules()).tables["follow_ups"]


def test_the_planted_follow_up_effect_is_recovered_and_a_placebo_date_shows_none():
    changes = load_register()
    began = next(c.began for c in changes if c.title == "Expanded HEART follow-up definition")
    cfg, follow_ups = _follow_ups("city", 1, (PlantedEffect(began, 1.2),))
    tier = TIERS["city"]
    days = follow_up_days(follow_ups, cfg.timezone, team="CARE_NAVIGATION")
    weekly = weekly_counts(days, tier.start, tier.end - dt.timedelta(days=1), FOLLOW_UP_WARMUP_WEEKS)

    effect = estimate_effect(weekly, began, [c.began for c in changes], name="follow_up_contacts")
    assert effect.covers(0.2), effect
    assert effect.direction() == "up", effect
    assert effect.seasonality.startswith("2 yearly Fourier")
    # The other changes inside the series are modeled, not credited to this one.
    assert set(effect.other_changes) == {c.began for c in changes} - {began}

    # A date where nothing changed, the real changes (the planted one too) modeled as known steps.
    placebo = estimate_effect(weekly, PLACEBO_DATE, [c.began for c in changes])
    assert placebo.covers(0.0), placebo
    assert placebo.direction() == "unclear"


def test_planting_changes_follow_ups_only_from_the_date_and_by_the_factor():
    began = dt.date(2024, 10, 1)
    cfg, plain = _follow_ups("tiny", 5)
    _, planted = _follow_ups("tiny", 5, (PlantedEffect(began, 1.5),))
    cut = PlantedEffect(began, 1.5).began_utc(cfg.timezone)
    before = [
        frame[frame.followed_up_at < cut].drop(columns=["follow_up_id", "updated_at"]) for frame in (plain, planted)
    ]
    assert before[0].reset_index(drop=True).equals(before[1].reset_index(drop=True))
    after_plain = int((plain.followed_up_at >= cut).sum())
    after_planted = int((planted.followed_up_at >= cut).sum())
    # Binomial extra contacts: 50% more, within four standard deviations (the last day's extras can
    # fall after the end of the data, a handful at most).
    extra = after_planted - after_plain
    assert abs(extra - 0.5 * after_plain) < 4 * np.sqrt(after_plain * 0.25) + 10, (after_plain, after_planted)


def test_no_planted_effect_leaves_the_city_unchanged():
    _, default = _follow_ups("tiny", 5)
    _, empty = _follow_ups("tiny", 5, ())
    assert default.equals(empty)
