"""Plan a scenario over several seeds and report it with the spread across them.

Per seed: responded incidents (by program; Crisis Call Diversion as observed), forgone incidents by
the marts' reasons, the forgone share, team response time (dispatch to on scene) median and 90th
percentile, team utilization (committed over staffed time) and police hours saved by Durham's
formula as the marts compute it: A x B x C / 60, A = eligible incidents answered without police
(the police-free programs, CRT and CCD), B = police units per forgone incident and C = minutes per
police unit, both as observed on the forgone incidents of the warehouse.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from orchestration.planning import simulate
from orchestration.planning.model import CCD, plan_calls
from orchestration.planning.scenario import ProgramChange, Scenario

DEFAULT_SEEDS = 5
FORGONE_REASONS = ("outside_service_area", "outside_hours", "no_unit_available", "other")
# The inverse question's default target: answered share and median response time.
TARGET_ANSWERED_SHARE = 0.90
TARGET_MEDIAN_MINUTES = 15.0


def _figures(result: simulate.RunResult, inputs) -> dict[str, float]:
    outcome = result.outcome
    responded = {p: int((outcome == f"responded_{p}").sum()) for p in inputs.dispatchable}
    responded["CCD"] = int((outcome == CCD).sum())
    total = int(sum(responded.values()))
    eligible = len(outcome)
    forgone = {r: int((outcome == r).sum()) for r in FORGONE_REASONS}
    minutes = result.response_seconds[np.isfinite(result.response_seconds)] / 60.0
    answered_without_police = sum(responded.get(p, 0) for p in inputs.police_free_programs)
    hours_saved = answered_without_police * inputs.police_units_per_forgone * inputs.police_minutes_per_unit / 60.0
    out = {
        "eligible": eligible,
        "responded": total,
        "forgone": eligible - total,
        "forgone_share": (eligible - total) / eligible if eligible else float("nan"),
        "response_median_minutes": float(np.median(minutes)) if len(minutes) else float("nan"),
        "response_p90_minutes": float(np.percentile(minutes, 90)) if len(minutes) else float("nan"),
        "police_hours_saved": hours_saved,
    }
    out |= {f"responded_{p}": n for p, n in responded.items()}
    out |= {f"forgone_{r}": n for r, n in forgone.items()}
    # `other` also holds the calls no dispatchable program was eligible for (they never reach a team).
    out["not_dispatchable"] = int(result.not_dispatchable)
    for p, staffed in result.on_duty_seconds.items():
        out[f"utilization_{p}"] = result.busy_seconds[p] / staffed if staffed else float("nan")
    return out


def plan(
    scenario: Scenario, inputs, seeds: int = DEFAULT_SEEDS, progress: Callable[[str], None] = lambda _: None
) -> dict:
    """The scenario's figures: mean, low and high across `seeds` runs, and each run's."""
    started = time.perf_counter()
    planned = plan_calls(inputs, scenario)
    in_loop = int((planned.frame.route == "loop").sum())
    progress(f"{scenario.name}: {len(planned.frame):,} eligible calls, {in_loop:,} reach the teams")
    runs = []
    for seed in range(seeds):
        result = simulate.run(planned, inputs, seed, scenario.demand_growth)
        runs.append(_figures(result, inputs))
        progress(
            f"{scenario.name}: seed {seed + 1}/{seeds}: {runs[-1]['responded']:,} responded, "
            f"forgone {runs[-1]['forgone_share']:.1%}"
        )
    figures = {}
    for key in runs[0]:
        values = np.array([r[key] for r in runs], dtype="float64")
        figures[key] = {
            "mean": float(np.nanmean(values)),
            "low": float(np.nanmin(values)),
            "high": float(np.nanmax(values)),
        }
    return {
        "scenario": scenario.name,
        "description": scenario.description,
        "source": scenario.source,
        "period": [inputs.start.isoformat(), inputs.end.isoformat()],
        "seeds": seeds,
        "teams": {p: sum(1 for t in planned.teams if t.program == p) for p in inputs.dispatchable},
        "figures": figures,
        "seconds": time.perf_counter() - started,
    }


def answered_share(report: dict) -> float:
    """Share of the calls that reach the teams (eligible, in the service area and hours, not taken by
    Crisis Call Diversion) that found a free team: what more teams change."""
    f = report["figures"]
    reached = f["responded"]["mean"] - f["responded_CCD"]["mean"]
    reached += f["forgone_no_unit_available"]["mean"] + f["forgone_other"]["mean"] - f["not_dispatchable"]["mean"]
    return 1.0 - f["forgone_no_unit_available"]["mean"] / reached if reached else 1.0


def meets_target(report: dict, share: float = TARGET_ANSWERED_SHARE, median: float = TARGET_MEDIAN_MINUTES) -> bool:
    """Both on the mean across seeds: answered share at least `share`, median response under `median`."""
    return answered_share(report) >= share and report["figures"]["response_median_minutes"]["mean"] < median


def fewest_teams(
    scenario: Scenario,
    inputs,
    program: str = "CRT",
    seeds: int = DEFAULT_SEEDS,
    max_teams: int = 40,
    progress: Callable[[str], None] = lambda _: None,
) -> dict:
    """Fewest `program` teams per shift (the whole period) at which the scenario meets the target.

    The answered share is of the calls that reach the teams (`answered_share`): more teams cannot
    answer a call outside the service area or hours, only more hours and beats can."""
    for n in range(1, max_teams + 1):
        changed = scenario.model_copy(deep=True)
        current = changed.programs.get(program) or ProgramChange()
        changed.programs = {
            **changed.programs,
            program: current.model_copy(update={"teams_per_shift": n, "added_teams": None}),
        }
        report = plan(changed, inputs, seeds)
        progress(
            f"{scenario.name}: {n} {program} teams per shift: {answered_share(report):.1%} found a free team, "
            f"median response {report['figures']['response_median_minutes']['mean']:.1f} min -> target "
            f"{'met' if meets_target(report) else 'not met'}"
        )
        if meets_target(report):
            return {"program": program, "teams_per_shift": n, "report": report}
    return {"program": program, "teams_per_shift": None, "report": None}
