"""Benchmark the synthetic city generator: wall time, rows/s and peak memory per tier.

    .venv/bin/python benchmarks/generate.py                 # demo and city
    .venv/bin/python benchmarks/generate.py --tiers tiny demo --out build/bench

Each tier runs in its own process so its peak resident memory is its own. The machine is shared,
so the load average and the process's CPU time are printed next to the wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_child(tier: str, seed: int, out: Path) -> dict:
    sys.path.insert(0, str(ROOT))
    from simulator import GeneratorConfig, generate

    cpu0 = time.process_time()
    result = generate(GeneratorConfig(tier=tier, seed=seed, out_dir=out / tier), progress=False)
    return {
        "tier": tier,
        "seconds": result.seconds,
        "cpu_seconds": time.process_time() - cpu0,
        "stages": result.stage_seconds,
        "rows": sum(result.counts.values()),
        "incidents": result.counts["incidents"],
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiers", nargs="+", default=["demo", "city"])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", default=str(ROOT / "build" / "bench"))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    out = Path(args.out)
    if args.child:
        print(json.dumps(run_child(args.child, args.seed, out)))
        return 0

    print(
        f"{'tier':<6} {'incidents':>10} {'rows':>10} {'wall s':>8} {'cpu s':>7} {'rows/s':>9} "
        f"{'peak RSS MB':>11}  stages (s)                                  load avg"
    )
    for tier in args.tiers:
        load = os.getloadavg()[0]
        proc = subprocess.run(
            [sys.executable, __file__, "--child", tier, "--seed", str(args.seed), "--out", str(out)],
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            return proc.returncode
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        stages = " ".join(f"{k}={v:.1f}" for k, v in r["stages"].items())
        print(
            f"{tier:<6} {r['incidents']:>10,} {r['rows']:>10,} {r['seconds']:>8.1f} {r['cpu_seconds']:>7.1f} "
            f"{r['rows'] / r['seconds']:>9,.0f} {r['peak_rss_mb']:>11,.0f}  {stages:<44}{load:>5.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
