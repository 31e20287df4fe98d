"""`python -m orchestration.publishing [--out build] [--duckdb PATH]`: build the site and the cards."""

from __future__ import annotations

import argparse
import sys

from orchestration.publishing.build import DEFAULT_OUT, build_public_outputs
from orchestration.warehouse.destination import Destination


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.publishing", description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="writes <out>/site and <out>/cards (default build/)")
    parser.add_argument("--duckdb", help="read this DuckDB file instead of ARP_TARGET's warehouse")
    args = parser.parse_args(argv)
    dest = Destination.duckdb(args.duckdb) if args.duckdb else Destination.from_env()
    report = build_public_outputs(dest, args.out)
    print(
        f"read {sum(report.row_counts.values()):,} public-mart rows from {report.source} in {report.read_seconds:.2f} s"
    )
    print(f"site:  {len(report.site_files)} files in {report.site_dir} ({report.site_seconds:.2f} s)")
    print(f"cards: {len(report.card_files)} files in {report.cards_dir} ({report.cards_seconds:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
