"""Command line for ingestion outside Dagster (handy when writing a city's mapping).

    python -m orchestration.ingest load [--cad-url URL] [--cms-url URL] [--target duckdb|postgres]
    python -m orchestration.ingest vendor cities/<name>/<mapping>.yml [--export FILE ...] [--dry-run | --profile]

The warehouse defaults to the profiles.yml choice (ARP_TARGET, ARP_DUCKDB_PATH, ARP_PG_*).
`vendor --dry-run` maps the export and prints the accounting and the first quarantine reasons
without touching the warehouse. `vendor --profile` also checks the mapped rows against the
contract and staging (formats, vocabularies, ranges) and exits 1 when a table would get no row
or more than source.max_quarantine_share of its rows would be quarantined.
"""

from __future__ import annotations

import argparse
import logging
import sys

from orchestration.contract import ContractError
from orchestration.ingest.loader import load_sources
from orchestration.ingest.source import SourceUnreachable
from orchestration.warehouse.destination import Destination


def _destination(args) -> Destination:
    dest = Destination.from_env(target=args.target)
    if args.duckdb_path:
        dest = Destination.duckdb(args.duckdb_path)
    return dest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.ingest", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    load = sub.add_parser("load", help="load both source systems into raw_cad / raw_cms")
    load.add_argument("--cad-url")
    load.add_argument("--cms-url")
    load.add_argument("--full-refresh", action="store_true", help="drop and reload the raw tables")
    vendor = sub.add_parser("vendor", help="map a vendor export and load it into its raw schema")
    vendor.add_argument("mapping")
    vendor.add_argument(
        "--export", action="append", help="export file (repeat for several; default: the mapping's source.path)"
    )
    vendor.add_argument("--dry-run", action="store_true", help="map and report only; no warehouse")
    vendor.add_argument(
        "--profile",
        action="store_true",
        help="map, check against the contract, show the quarantine by reason; no warehouse",
    )
    for p in (load, vendor):
        p.add_argument("--target", choices=["duckdb", "postgres"])
        p.add_argument("--duckdb-path")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")

    try:
        if args.command == "load":
            report = load_sources(args.cad_url, args.cms_url, _destination(args), full_refresh=args.full_refresh)
            print(report.summary())
            return 0
        from orchestration.ingest.mappings import load_vendor_file, map_export, stage_export

        if args.profile:
            from orchestration.ingest.mappings.profile import profile

            report = profile(map_export(args.mapping, args.export))
            print(report.text())
            return 0 if report.ok else 1
        if args.dry_run:
            result, staged = stage_export(args.mapping, args.export)
            print(result.summary())
            print(f"staged: {staged}")
            for row in result.quarantine.head(20).itertuples():
                print(
                    f"  quarantined {row.source_file} row {row.source_row} ({row.record_id}) -> "
                    f"{row.target_table}: {row.reason}"
                )
            return 0
        report = load_vendor_file(args.mapping, args.export, _destination(args))
        print(report.summary())
        return 0
    except (ContractError, SourceUnreachable) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
