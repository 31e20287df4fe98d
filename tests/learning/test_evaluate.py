"""evaluate_changes: one record a (change, series), judged against the register's direction."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from orchestration.learning.evaluate import evaluate_changes
from orchestration.learning.register import load_register
from orchestration.learning.series import full_weeks


def test_each_watched_series_gets_a_record_with_its_status():
    changes = load_register()
    example = next(c for c in changes if c.title == "Expanded HEART follow-up definition")
    weeks = full_weeks(dt.date(2020, 1, 1), dt.date(2024, 12, 31))
    rng = np.random.default_rng(3)
    steps = pd.Series([1.2 if w >= example.began else 1.0 for w in weeks], index=weeks)
    # Follow-ups rise 20% at the example's date; every other series is flat, one is too short.
    weekly = {
        name: pd.Series(rng.poisson(200, len(weeks)), index=weeks)
        for c in changes
        for name in [w.series for w in c.watch]
    }
    weekly["follow_up_contacts"] = pd.Series(rng.poisson(200 * steps.to_numpy()), index=weeks)
    weekly["ccd_incidents"] = weekly["ccd_incidents"].iloc[:60]
    records = evaluate_changes(changes, weekly)

    assert len(records) == sum(len(c.watch) for c in changes)
    by_key = {(r["change"], r["series"]): r for r in records}
    rise = by_key[(example.title, "follow_up_contacts")]
    assert rise["status"] == "as_expected" and rise["level_ci_low"] <= 0.2 <= rise["level_ci_high"]
    flat = by_key[(example.title, "follow_up_contacts_expanded")]
    assert flat["status"] == "unclear" and flat["level_ci_low"] <= 0 <= flat["level_ci_high"]
    # The 2024-10 change is past the end of the shortened series: said, not estimated.
    late = next(r for r in records if r["series"] == "ccd_incidents" and r["began"] == "2024-10-01")
    assert late["status"] == "not_estimable" and "weeks" in late["reason"]
