"""Does the interrupted time series recover a known effect, and stay quiet where there is none?

    .venv/bin/python benchmarks/learning.py               # 20 seeds of the city tier (~6 min)
    .venv/bin/python benchmarks/learning.py --seeds 5

For each seed the generator simulates the city tier (five years, defects off; no database is
written) with follow-ups planted 20% higher from the date of the register's "Expanded HEART
follow-up definition" (GeneratorConfig.planted_effects). The weekly series of Care Navigation
contacts is then evaluated as the learning package evaluates the marts (orchestration/learning):
 * recovery: the change date, every other change of the register modeled as its own step;
   a seed passes when the 95% interval of the level change holds +20%;
 * placebo: the same series with a change pretended on PLACEBO_DATE, where nothing changed (the
   planted date and the register's changes modeled as known steps); a seed passes when the 95%
   interval holds 0.
 * placebo, before only (stricter, printed too): only the weeks before the planted date, the same
   placebo date; fewer weeks and no post-change data to anchor the trend.
Target: at least 18 of 20 for each. Figures go to build/bench/learning.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from orchestration.learning.its import estimate_effect  # noqa: E402
from orchestration.learning.register import load_register  # noqa: E402
from orchestration.learning.series import FOLLOW_UP_WARMUP_WEEKS, weekly_counts  # noqa: E402
from simulator.city import simulate  # noqa: E402
from simulator.config import TIERS, GeneratorConfig  # noqa: E402
from simulator.planted import PlantedEffect, follow_up_days  # noqa: E402
from simulator.rules import load_rules  # noqa: E402

TIER = "city"
PLANTED_FACTOR = 1.2
EXAMPLE = "Expanded HEART follow-up definition"
PLACEBO_DATE = dt.date(2021, 9, 6)  # between the 2021-01 and 2022-06 changes; nothing changed then


def planted_series(seed: int, began: dt.date, rules=None):
    """Weekly Care Navigation contacts of the simulated city with follow-ups x1.2 from `began`."""
    cfg = GeneratorConfig(tier=TIER, seed=seed, defect_rate=0, planted_effects=(PlantedEffect(began, PLANTED_FACTOR),))
    state = simulate(cfg, rules or load_rules())
    tier = TIERS[TIER]
    days = follow_up_days(state.tables["follow_ups"], cfg.timezone, team="CARE_NAVIGATION")
    return weekly_counts(days, tier.start, tier.end - dt.timedelta(days=1), FOLLOW_UP_WARMUP_WEEKS)


def trial(seed: int, rules=None) -> dict:
    changes = load_register()
    began = next(c.began for c in changes if c.title == EXAMPLE)
    dates = [c.began for c in changes]
    weekly = planted_series(seed, began, rules)
    effect = estimate_effect(weekly, began, dates, name="follow_up_contacts")
    # The placebo sees the whole series, the real change among the known ones, and asks about a
    # date where nothing changed.
    placebo = estimate_effect(weekly, PLACEBO_DATE, [*dates, began], name="follow_up_contacts")
    placebo_before = estimate_effect(weekly[weekly.index < began], PLACEBO_DATE, dates, name="follow_up_contacts")
    return {
        "seed": seed,
        "effect": effect.as_record(),
        "recovered": effect.covers(PLANTED_FACTOR - 1),
        "placebo": placebo.as_record(),
        "placebo_quiet": placebo.covers(0.0),
        "placebo_before": placebo_before.as_record(),
        "placebo_before_quiet": placebo_before.covers(0.0),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    args = parser.parse_args()
    rules = load_rules()
    trials = []
    for seed in range(1, args.seeds + 1):
        t0 = time.perf_counter()
        result = trial(seed, rules)
        trials.append(result)
        e, p = result["effect"], result["placebo"]
        print(
            f"seed {seed:2d}: level {e['level_change']:+.3f} [{e['level_ci_low']:+.3f}, {e['level_ci_high']:+.3f}]"
            f" {'ok' if result['recovered'] else 'MISSED'};"
            f" placebo {p['level_change']:+.3f} [{p['level_ci_low']:+.3f}, {p['level_ci_high']:+.3f}]"
            f" {'ok' if result['placebo_quiet'] else 'FALSE ALARM'};"
            f" before only {result['placebo_before']['level_change']:+.3f}"
            f" {'ok' if result['placebo_before_quiet'] else 'FALSE ALARM'} ({time.perf_counter() - t0:.0f} s)",
            flush=True,
        )
    recovered = sum(t["recovered"] for t in trials)
    quiet = sum(t["placebo_quiet"] for t in trials)
    print(f"planted +{PLANTED_FACTOR - 1:.0%} inside the 95% interval: {recovered} of {len(trials)}")
    quiet_before = sum(t["placebo_before_quiet"] for t in trials)
    print(f"placebo date with no effect (interval holds 0): {quiet} of {len(trials)}")
    print(f"placebo date, weeks before the planted date only: {quiet_before} of {len(trials)}")
    out = ROOT / "build" / "bench" / "learning.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {"recovered": recovered, "placebo_quiet": quiet, "placebo_before_quiet": quiet_before, "trials": trials},
            indent=2,
        )
        + "\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
