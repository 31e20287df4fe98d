"""Plan expansion scenarios from the command line and print the report.

    python -m orchestration.plan scenarios/longer-hours.yml [more.yml ...] [--seeds 5] [--fewest-teams CRT]

Reads the warehouse the environment names (ARP_TARGET, ARP_DUCKDB_PATH, ARP_PG_*), prints a line
per step, then each scenario's figures with their spread across seeds; --fewest-teams also answers
the inverse question: the fewest teams per shift of that program reaching the target (default: 90%
of the calls that reach the teams answered, median response under 15 minutes).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from orchestration.planning.report import DEFAULT_SEEDS, fewest_teams, plan
from orchestration.planning.scenario import ScenarioError, load_scenario
from orchestration.warehouse.destination import Destination

LABELS = {
    "eligible": "eligible incidents",
    "responded": "responded",
    "responded_CRT": "  by Community Response Teams",
    "responded_CORESPONSE": "  by co-response",
    "responded_CCD": "  by Crisis Call Diversion (as observed)",
    "forgone": "forgone",
    "forgone_outside_service_area": "  outside service area",
    "forgone_outside_hours": "  outside hours",
    "forgone_no_unit_available": "  no unit available",
    "forgone_other": "  other (declined, cancelled, not dispatchable)",
    "forgone_share": "forgone share",
    "response_median_minutes": "response time, median (min)",
    "response_p90_minutes": "response time, 90th percentile (min)",
    "utilization_CRT": "utilization, CRT teams",
    "utilization_CORESPONSE": "utilization, co-response",
    "police_hours_saved": "police hours saved",
}
SHARES = {"forgone_share", "utilization_CRT", "utilization_CORESPONSE"}


def _value(key: str, v: float) -> str:
    if key in SHARES:
        return f"{v:.1%}"
    if key.endswith("minutes"):
        return f"{v:.1f}"
    return f"{v:,.0f}"


def format_report(report: dict) -> str:
    lines = [
        f"== {report['scenario']}: {report['description']}",
        f"   {report['period'][0]} to {report['period'][1]}, {report['seeds']} seeds, teams "
        + ", ".join(f"{p} {n}" for p, n in report["teams"].items()),
        f"   {'figure':46s} {'mean':>10s}  {'low - high across seeds':>24s}",
    ]
    for key, label in LABELS.items():
        f = report["figures"].get(key)
        if f is not None:
            band = f"{_value(key, f['low'])} - {_value(key, f['high'])}"
            lines.append(f"   {label:46s} {_value(key, f['mean']):>10s}  {band:>24s}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.plan", description=__doc__.split("\n\n")[0])
    parser.add_argument("scenarios", nargs="+", type=Path)
    parser.add_argument("--seeds", type=int, default=DEFAULT_SEEDS)
    parser.add_argument("--fewest-teams", metavar="PROGRAM", help="also find the fewest teams per shift (e.g. CRT)")
    args = parser.parse_args(argv)
    try:
        scenarios = [load_scenario(path) for path in args.scenarios]
    except ScenarioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    started = time.perf_counter()

    def progress(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f}s] {message}", flush=True)

    from orchestration.planning.inputs import read_inputs

    dest = Destination.from_env()
    progress(f"reading calls, timings and the roster from the {dest.kind} warehouse")
    inputs = read_inputs(dest)
    progress(f"{len(inputs.observed):,} eligible calls observed, {inputs.start} to {inputs.end}")
    for scenario in scenarios:
        report = plan(scenario, inputs, seeds=args.seeds, progress=progress)
        print(format_report(report), flush=True)
        if args.fewest_teams:
            answer = fewest_teams(scenario, inputs, args.fewest_teams, seeds=args.seeds, progress=progress)
            n = answer["teams_per_shift"]
            print(f"   fewest {args.fewest_teams} teams per shift meeting the target: {n if n else 'none up to 40'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
