"""The demo tier: one year, about 50k incidents, both DST changes and the mid-year rule changes."""

from __future__ import annotations

import pandas as pd

from simulator import GeneratorConfig, generate


def test_demo_tier_has_about_50k_incidents_over_one_year(tmp_path):
    result = generate(GeneratorConfig(tier="demo", seed=7, out_dir=tmp_path), progress=False)
    assert 45_000 <= result.counts["incidents"] <= 55_000
    truth = pd.read_csv(result.truth_dir / "incidents.csv", keep_default_na=False)
    assert 0.05 <= truth.eligible.mean() <= 0.20
    metrics = pd.read_csv(result.truth_dir / "metric_values.csv", keep_default_na=False, dtype={"period_start": str})
    months = metrics[
        (metrics.metric_id == "eligible_incidents") & (metrics.period_grain == "month") & (metrics.program == "ALL")
    ]
    assert len(months) == 12
    quarters = metrics[(metrics.metric_id == "heart_incidents") & (metrics.period_grain == "quarter")]
    assert set(quarters.period_start) == {"2024-01-01", "2024-04-01", "2024-07-01", "2024-10-01"}
    # The July expansion (new CRT beats and a new type) shows up in eligibility by beat.
    by_beat = metrics[(metrics.metric_id == "eligible_by_beat") & (metrics.period_grain == "quarter")]
    d4_responded = by_beat[by_beat.dimension_value.str.match(r"^41\d\|responded$")]
    assert (
        d4_responded[d4_responded.period_start == "2024-10-01"].value.sum()
        > d4_responded[d4_responded.period_start == "2024-04-01"].value.sum()
    )
    defects = pd.read_csv(result.truth_dir / "defects.csv")
    dst = defects[defects.defect_kind == "dst_transition"].detail
    assert dst.str.contains("spring").any() and dst.str.contains("fall-back").any()
    assert result.seconds < 120
