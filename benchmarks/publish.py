"""Build time of the public outputs (site + data cards) from the public marts.

    .venv/bin/python benchmarks/publish.py                      # build/warehouse.duckdb (after `make demo`)
    .venv/bin/python benchmarks/publish.py --duckdb PATH --runs 5
    .venv/bin/python benchmarks/publish.py --fixture            # the tests' one-year public-marts fixture

Each run rebuilds everything into build/bench/publish/ (the real outputs in build/site and
build/cards are left alone); the median and the slowest run are printed per phase (reading the
public marts, the site, the cards) and written to build/bench/publish.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

from orchestration.publishing import build_public_outputs  # noqa: E402
from orchestration.warehouse.destination import Destination  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duckdb", default=str(PROJECT_ROOT / "build" / "warehouse.duckdb"))
    parser.add_argument("--fixture", action="store_true", help="use the tests' public-marts fixture")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)

    if args.fixture:
        from tests.publish.fixtures import build_public_marts

        warehouse = build_public_marts(Path(tempfile.mkdtemp(prefix="arp_publish_bench_")) / "warehouse.duckdb")
    else:
        warehouse = Path(args.duckdb)
        if not warehouse.exists():
            print(f"{warehouse} does not exist: run `make demo` first, or pass --fixture", file=sys.stderr)
            return 2
    out = PROJECT_ROOT / "build" / "bench" / "publish"
    phases: dict[str, list[float]] = {"read": [], "site": [], "cards": [], "total": []}
    report = None
    for i in range(args.runs):
        report = build_public_outputs(Destination.duckdb(warehouse), out)
        for name, seconds in (
            ("read", report.read_seconds),
            ("site", report.site_seconds),
            ("cards", report.cards_seconds),
            ("total", report.seconds),
        ):
            phases[name].append(seconds)
        print(f"run {i + 1}/{args.runs}: {report.seconds:.2f} s", flush=True)
    assert report is not None
    rows = sum(report.row_counts.values())
    summary = {
        "warehouse": str(warehouse),
        "public_mart_rows": report.row_counts,
        "quarters": report.quarters,
        "site_files": len(report.site_files),
        "card_files": len(report.card_files),
        "runs": args.runs,
        **{f"{k}_median_s": round(statistics.median(v), 3) for k, v in phases.items()},
        **{f"{k}_max_s": round(max(v), 3) for k, v in phases.items()},
    }
    print(f"\npublic marts: {rows:,} rows from {warehouse}; {len(report.quarters)} quarters")
    print(f"{'phase':8s} {'median s':>9s} {'max s':>8s}")
    for k, v in phases.items():
        print(f"{k:8s} {statistics.median(v):9.2f} {max(v):8.2f}")
    print(f"site {len(report.site_files)} files, cards {len(report.card_files)} files (in {out})")
    (PROJECT_ROOT / "build" / "bench").mkdir(parents=True, exist_ok=True)
    (PROJECT_ROOT / "build" / "bench" / "publish.json").write_text(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
