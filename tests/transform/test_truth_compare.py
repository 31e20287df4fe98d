"""The comparison harness itself: what counts as a row missing on one side."""

from __future__ import annotations

import pandas as pd

from . import truth_compare


def _rows(*rows) -> pd.DataFrame:
    return pd.DataFrame([dict(zip(truth_compare.KEY + ["value"], r)) for r in rows])


TRUTH = _rows(
    ("eligible_by_dow_hour", "month", "2024-04-01", "ALL", "dow_hour_status", "Sat|08|forgone", 3.0),
    ("eligible_by_dow_hour", "month", "2024-05-01", "ALL", "dow_hour_status", "Sun|09|forgone", 2.0),
    ("felt_safe_share", "month", "2024-04-01", "ALL", "", "", 0.9),
)


def test_a_count_on_one_side_is_compared_with_zero_only_inside_the_metrics_key_space():
    ours = _rows(
        ("eligible_by_dow_hour", "month", "2024-04-01", "ALL", "dow_hour_status", "Sat|08|forgone", 3.0),
        # the truth has this dimension value and this period, but not together: a true zero
        ("eligible_by_dow_hour", "month", "2024-05-01", "ALL", "dow_hour_status", "Sat|08|forgone", 1.0),
        # a value the truth never has for this metric: an invented row
        ("eligible_by_dow_hour", "month", "2024-04-01", "ALL", "dow_hour_status", "Xyz|08|forgone", 1.0),
        ("felt_safe_share", "month", "2024-04-01", "ALL", "", "", 0.9),
        # a share is never implied
        ("felt_safe_share", "month", "2024-05-01", "ALL", "", "", 0.8),
    )
    tolerant = truth_compare.compare(TRUTH, ours)
    assert tolerant.implied_zero_truth["dimension_value"].tolist() == ["Sat|08|forgone"]
    assert sorted(tolerant.extra["dimension_value"].tolist()) == ["", "Xyz|08|forgone"]
    # 1 against a true 0 is inside the count tolerance (within 1) with defects, and never exact
    assert tolerant.implied_zero_truth["ok"].all()
    exact = truth_compare.compare(TRUTH, ours, exact=True)
    assert not exact.implied_zero_truth["ok"].any()
    # the mart has no Sun|09 cell in any period: a truth row missing from the mart, not a zero
    assert tolerant.missing["dimension_value"].tolist() == ["Sun|09|forgone"]
    assert tolerant.implied_zero_mart.empty
